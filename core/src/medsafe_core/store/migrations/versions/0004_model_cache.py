"""Model response cache and judge results.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Reserved: filled in by the change that needs it."""


def downgrade() -> None:
    """Reserved: filled in by the change that needs it."""
