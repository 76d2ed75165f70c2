"""Leaderboard integrity (participants, credentials, idempotency keys, publication).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Reserved: filled in by the change that needs it."""


def downgrade() -> None:
    """Reserved: filled in by the change that needs it."""
