"""Alembic migrations of the medsafe store (applied by `medsafe db upgrade`)."""
