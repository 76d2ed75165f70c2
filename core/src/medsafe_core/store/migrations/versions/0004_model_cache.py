"""Model response cache (completions and judge grades, keyed by model, parameters and prompt).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "medsafe_model_cache",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("model", sa.String(300), nullable=False),
        sa.Column("params_json", sa.Text, nullable=False),
        sa.Column("result_json", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("hits", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_medsafe_model_cache_model", "medsafe_model_cache", ["model"])


def downgrade() -> None:
    op.drop_index("ix_medsafe_model_cache_model", table_name="medsafe_model_cache")
    op.drop_table("medsafe_model_cache")
