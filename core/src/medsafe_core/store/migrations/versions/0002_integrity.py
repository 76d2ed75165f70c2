"""Leaderboard integrity (participants, credentials, idempotency keys, publication).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_RUN_COLUMNS = (
    "provenance",
    "submitter",
    "participant_verified",
    "published",
    "signed_off_by",
    "signed_off_at",
    "idempotency_key",
    "request_hash",
)


def upgrade() -> None:
    """Who made each run (provenance, submitter, verified participant, sign-off), whether
    it is published, its idempotency key; and the hashed credentials."""
    # Plain ADD COLUMN (never a table copy: on SQLite, dropping the old runs table
    # would cascade to every stored sample).
    columns: list[sa.Column[Any]] = [
        sa.Column("provenance", sa.String(16), nullable=False, server_default="self_reported"),
        sa.Column("submitter", sa.String(200), nullable=True),
        sa.Column("participant_verified", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("published", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("signed_off_by", sa.String(200), nullable=True),
        sa.Column("signed_off_at", sa.String(40), nullable=True),
        sa.Column("idempotency_key", sa.String(64), nullable=True),
        sa.Column("request_hash", sa.String(64), nullable=True),
    ]
    for column in columns:
        op.add_column("medsafe_runs", column)
    op.create_index(
        "ux_medsafe_runs_idempotency_key", "medsafe_runs", ["idempotency_key"], unique=True
    )
    op.create_index("ix_medsafe_runs_submitter", "medsafe_runs", ["submitter"])
    # Runs written by the green agent before this revision were its assessments.
    op.execute("UPDATE medsafe_runs SET provenance = 'assessment' WHERE owner = 'medsafe-green'")
    op.create_table(
        "medsafe_credentials",
        sa.Column("token_sha256", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("participants_json", sa.Text, nullable=False),
        sa.Column("admin", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_medsafe_credentials_name", "medsafe_credentials", ["name"])


def downgrade() -> None:
    """Drop the credentials and the run columns of this revision."""
    op.drop_index("ix_medsafe_credentials_name", table_name="medsafe_credentials")
    op.drop_table("medsafe_credentials")
    op.drop_index("ix_medsafe_runs_submitter", table_name="medsafe_runs")
    op.drop_index("ux_medsafe_runs_idempotency_key", table_name="medsafe_runs")
    for column in _RUN_COLUMNS:  # native DROP COLUMN (SQLite 3.35+, PostgreSQL)
        op.execute(f"ALTER TABLE medsafe_runs DROP COLUMN {column}")
