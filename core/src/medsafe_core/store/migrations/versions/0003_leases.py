"""Run leases with heartbeats for green replicas.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Reserved: filled in by the change that needs it."""


def downgrade() -> None:
    """Reserved: filled in by the change that needs it."""
