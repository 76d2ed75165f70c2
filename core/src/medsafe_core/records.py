"""Store results and errors as plain contracts (no database code), shared by the store,
the service, the client and the agents: what the store returns besides run records,
and the errors it raises.

Errors::

    StoreError                      base of every store error
    ├── RunNotFoundError            no run with that id (also a KeyError)
    ├── EpisodeNotFoundError        no episode with that id (also a KeyError)
    ├── DuplicateSampleError        a (task id, epoch) the run already holds
    ├── RunStateError               a change the run's state does not allow
    ├── EpisodeConflictError        another writer advanced the episode first
    └── IdempotencyConflictError    an idempotency key reused for another request
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from medsafe_core.leaderboard import ComparabilityKey, LeaderboardRow, Provenance
from medsafe_core.models import Estimate, RunState

__all__ = [
    "ComparabilityKey",
    "DuplicateSampleError",
    "EpisodeConflictError",
    "EpisodeNotFoundError",
    "IdempotencyConflictError",
    "LeaderboardRow",
    "RunNotFoundError",
    "RunStateError",
    "RunSummary",
    "StoreError",
    "Submission",
]


class StoreError(Exception):
    """Base of the store's errors."""


class RunNotFoundError(StoreError, KeyError):
    """No run with that id."""

    def __str__(self) -> str:
        return f"no run with id {self.args[0]!r}"


class EpisodeNotFoundError(StoreError, KeyError):
    """No episode with that id (it was never saved, or was saved by another store)."""

    def __str__(self) -> str:
        return f"no episode with id {self.args[0]!r}"


class DuplicateSampleError(StoreError):
    """A sample for a (task id, epoch) the run already holds; samples are never rewritten."""


class RunStateError(StoreError):
    """The run's state does not allow this (e.g. appending to a completed run)."""


class EpisodeConflictError(StoreError):
    """The episode is not at the expected turn: another writer stepped it first."""


class IdempotencyConflictError(StoreError):
    """An idempotency key already stored a run for a different request."""


class Submission(BaseModel):
    """Who stores a run and how: decides the board it may appear on and who reads it."""

    model_config = ConfigDict(use_attribute_docstrings=True, frozen=True)

    provenance: Provenance = Provenance.SELF_REPORTED
    """`assessment` only for the green agent's own runs; REST and MCP runs are
    `self_reported` (ranked apart unless an admin signs them off)."""
    submitter: str | None = None
    """Name of the credential that stored the run (None: anonymous or shared token)."""
    participant_verified: bool = False
    """The submitter's credential is bound to the run's participant."""
    published: bool = False
    """Readable by every caller (otherwise by its submitter, its participant's
    credentials and admins)."""
    idempotency_key: str | None = Field(None, max_length=64)
    """Hash of the submitter and the client's idempotency key: one run per key."""
    request_hash: str | None = Field(None, max_length=64)
    """Hash of the request the key first stored (a different request is refused)."""


class RunSummary(BaseModel):
    """One line of a run listing: what was run, by whom, how far it got, headline numbers."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    run_id: str
    """Unique run id."""
    created_at: str
    """ISO-8601 creation time."""
    updated_at: str
    """ISO-8601 time of the last change of state or the last appended sample."""
    state: RunState
    """running, interrupted, completed or failed."""
    suite: str
    """Suite name."""
    suite_version: int
    """Suite version."""
    participant: str | None
    """Name or URL of the assessed participant."""
    ground_truth_source: Literal["server", "caller"]
    """`caller` when the caller supplied the ground truth (never ranked)."""
    ranked: bool
    """Whether the run may appear on the official leaderboard: completed, server-side
    ground truth, official (the board also applies the suite's official configuration)."""
    provenance: Provenance = Provenance.SELF_REPORTED
    """`assessment` (the green agent) or `self_reported` (REST, MCP)."""
    official: bool = False
    """Made by the green agent or signed off by an admin."""
    submitter: str | None = None
    """Credential that stored the run (None: anonymous or the shared token)."""
    verified: bool = False
    """Stored by a credential bound to its participant."""
    published: bool = False
    """Readable by every caller."""
    dataset_id: str
    """Dataset the tasks came from."""
    dataset_hash: str
    """Hash over task ids and ground truth."""
    scorer_version: str
    """Version of the suite's scorer."""
    profile_name: str
    """Name of the reward profile."""
    profile_hash: str
    """Hash of the reward profile."""
    n_tasks: int
    """Distinct tasks in the run's manifest."""
    epochs: int
    """Trials per task."""
    n_samples: int
    """Samples stored so far."""
    metrics: dict[str, Estimate] = Field(default_factory=dict)
    """Headline metrics with 95% CIs (empty until the run finishes)."""
