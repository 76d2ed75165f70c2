"""medsafe's store: runs, samples, leaderboards and episode state (SQLAlchemy 2, async).

SQLite file by default (WAL, busy timeout), PostgreSQL via `postgresql+asyncpg://`.
Tables are named `medsafe_*`; migrations ship in `migrations/` and are applied by
`medsafe db upgrade` or `Store.connect()`. See docs/store-api.md.
"""

from medsafe_core.records import (
    ComparabilityKey,
    DuplicateSampleError,
    EpisodeConflictError,
    EpisodeNotFoundError,
    IdempotencyConflictError,
    LeaderboardRow,
    RunNotFoundError,
    RunStateError,
    RunSummary,
    StoreError,
    Submission,
)
from medsafe_core.store._leases import LeaseLostError
from medsafe_core.store._writes import DuplicateRunError
from medsafe_core.store.engine import head_revision, upgrade
from medsafe_core.store.store import Store

__all__ = [
    "ComparabilityKey",
    "DuplicateRunError",
    "DuplicateSampleError",
    "EpisodeConflictError",
    "EpisodeNotFoundError",
    "IdempotencyConflictError",
    "LeaderboardRow",
    "LeaseLostError",
    "RunNotFoundError",
    "RunStateError",
    "RunSummary",
    "Store",
    "StoreError",
    "Submission",
    "head_revision",
    "upgrade",
]
