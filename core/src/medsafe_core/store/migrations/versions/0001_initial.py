"""Initial schema: runs, responses, samples, run tasks and episodes.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _run_fk() -> sa.Column[str]:
    return sa.Column(
        "run_id",
        sa.String(64),
        sa.ForeignKey("medsafe_runs.run_id", ondelete="CASCADE"),
        primary_key=True,
    )


def upgrade() -> None:
    op.create_table(
        "medsafe_runs",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("owner", sa.String(200), nullable=True),
        sa.Column("suite", sa.String(64), nullable=False),
        sa.Column("suite_version", sa.Integer, nullable=False),
        sa.Column("dataset_id", sa.String(300), nullable=False),
        sa.Column("dataset_hash", sa.String(64), nullable=False),
        sa.Column("scorer_version", sa.String(64), nullable=False),
        sa.Column("profile_name", sa.String(100), nullable=False),
        sa.Column("profile_hash", sa.String(64), nullable=False),
        sa.Column("participant", sa.String(300), nullable=True),
        sa.Column("ground_truth_source", sa.String(16), nullable=False),
        sa.Column("n_samples", sa.Integer, nullable=False, server_default="0"),
        sa.Column("manifest_json", sa.Text, nullable=False),
        sa.Column("metrics_json", sa.Text, nullable=True),
    )
    op.create_index("ix_medsafe_runs_suite_state", "medsafe_runs", ["suite", "state"])
    op.create_index("ix_medsafe_runs_participant", "medsafe_runs", ["participant"])
    op.create_table(
        "medsafe_responses",
        _run_fk(),
        sa.Column("task_id", sa.String(300), primary_key=True),
        sa.Column("epoch", sa.Integer, primary_key=True),
        sa.Column("response", sa.Text, nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("latency_ms", sa.Float, nullable=True),
    )
    op.create_table(
        "medsafe_samples",
        _run_fk(),
        sa.Column("task_id", sa.String(300), primary_key=True),
        sa.Column("epoch", sa.Integer, primary_key=True),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("reward", sa.Float, nullable=True),
        sa.Column("safe", sa.Boolean, nullable=False),
        sa.Column("sample_json", sa.Text, nullable=False),
    )
    op.create_table(
        "medsafe_run_tasks",
        _run_fk(),
        sa.Column("task_id", sa.String(300), primary_key=True),
        sa.Column("task_json", sa.Text, nullable=False),
    )
    op.create_table(
        "medsafe_episodes",
        sa.Column("episode_id", sa.String(200), primary_key=True),
        sa.Column("task_id", sa.String(300), nullable=False),
        sa.Column("turn", sa.Integer, nullable=False),
        sa.Column("done", sa.Boolean, nullable=False),
        sa.Column("state_json", sa.Text, nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "medsafe_episodes",
        "medsafe_run_tasks",
        "medsafe_samples",
        "medsafe_responses",
        "medsafe_runs",
    ):
        op.drop_table(table)
