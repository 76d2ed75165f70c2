"""Run leases with heartbeats for green replicas.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """`medsafe_run_leases`: which replica works on a run, until when."""
    op.create_table(
        "medsafe_run_leases",
        sa.Column(
            "run_id",
            sa.String(64),
            sa.ForeignKey("medsafe_runs.run_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("holder", sa.String(200), nullable=False),
        sa.Column("generation", sa.Integer, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("heartbeat_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    """Drop the lease table."""
    op.drop_table("medsafe_run_leases")
