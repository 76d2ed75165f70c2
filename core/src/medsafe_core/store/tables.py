"""The schema of the store: every table is named `medsafe_*`.

Alembic migrations in `migrations/versions` create these tables; this module is the
description the queries use. Change both together (a new migration per change).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
)

VERSION_TABLE = "medsafe_alembic_version"
"""Alembic's bookkeeping table, renamed so that every table of ours shares the prefix."""

metadata = MetaData()

runs = Table(
    "medsafe_runs",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), nullable=False, unique=True),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Column("state", String(16), nullable=False),
    Column("owner", String(200), nullable=True),
    Column("suite", String(64), nullable=False),
    Column("suite_version", Integer, nullable=False),
    Column("dataset_id", String(300), nullable=False),
    Column("dataset_hash", String(64), nullable=False),
    Column("scorer_version", String(64), nullable=False),
    Column("profile_name", String(100), nullable=False),
    Column("profile_hash", String(64), nullable=False),
    Column("participant", String(300), nullable=True),
    Column("ground_truth_source", String(16), nullable=False),
    Column("n_samples", Integer, nullable=False, default=0),
    Column("manifest_json", Text, nullable=False),
    Column("metrics_json", Text, nullable=True),
    # 0002: who made the run, whether it is published, its idempotency key
    Column("provenance", String(16), nullable=False, server_default="self_reported"),
    Column("submitter", String(200), nullable=True),
    Column("participant_verified", Boolean, nullable=False, server_default=false()),
    Column("published", Boolean, nullable=False, server_default=false()),
    Column("signed_off_by", String(200), nullable=True),
    Column("signed_off_at", String(40), nullable=True),
    Column("idempotency_key", String(64), nullable=True),
    Column("request_hash", String(64), nullable=True),
    Index("ix_medsafe_runs_suite_state", "suite", "state"),
    Index("ix_medsafe_runs_participant", "participant"),
    Index("ux_medsafe_runs_idempotency_key", "idempotency_key", unique=True),
    Index("ix_medsafe_runs_submitter", "submitter"),
)

credentials = Table(
    "medsafe_credentials",
    metadata,
    Column("token_sha256", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("participants_json", Text, nullable=False),
    Column("admin", Boolean, nullable=False, server_default=false()),
    Column("created_at", String(40), nullable=False),
    Index("ix_medsafe_credentials_name", "name"),
)

responses = Table(
    "medsafe_responses",
    metadata,
    Column(
        "run_id",
        String(64),
        ForeignKey("medsafe_runs.run_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("task_id", String(300), primary_key=True),
    Column("epoch", Integer, primary_key=True),
    Column("response", Text, nullable=True),
    Column("error", Text, nullable=True),
    Column("latency_ms", Float, nullable=True),
)

samples = Table(
    "medsafe_samples",
    metadata,
    Column(
        "run_id",
        String(64),
        ForeignKey("medsafe_runs.run_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("task_id", String(300), primary_key=True),
    Column("epoch", Integer, primary_key=True),
    Column("outcome", String(32), nullable=False),
    Column("reward", Float, nullable=True),
    Column("safe", Boolean, nullable=False),
    Column("sample_json", Text, nullable=False),
)

run_tasks = Table(
    "medsafe_run_tasks",
    metadata,
    Column(
        "run_id",
        String(64),
        ForeignKey("medsafe_runs.run_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("task_id", String(300), primary_key=True),
    Column("task_json", Text, nullable=False),
)

episodes = Table(
    "medsafe_episodes",
    metadata,
    Column("episode_id", String(200), primary_key=True),
    Column("task_id", String(300), nullable=False),
    Column("turn", Integer, nullable=False),
    Column("done", Boolean, nullable=False),
    Column("state_json", Text, nullable=False),
    Column("updated_at", String(40), nullable=False),
)
