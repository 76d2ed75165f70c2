"""What the store returns besides run records, and the errors it raises.

Errors::

    StoreError                      base of every store error
    ├── RunNotFoundError            no run with that id (also a KeyError)
    ├── EpisodeNotFoundError        no episode with that id (also a KeyError)
    ├── DuplicateSampleError        a (task id, epoch) the run already holds
    ├── RunStateError               a change the run's state does not allow
    └── EpisodeConflictError        another writer advanced the episode first
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from medsafe_core.models import Estimate, RunState


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


class ComparabilityKey(BaseModel):
    """What two runs must share for their numbers to be compared."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    suite: str
    """Suite name."""
    suite_version: int
    """Suite (generator and schema) version."""
    dataset_hash: str
    """Hash over the task ids and ground truth."""
    scorer_version: str
    """Version of the suite's scorer."""
    profile_hash: str
    """Hash of the reward profile."""


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
    """Whether the run may appear on a leaderboard (completed, server-side ground truth)."""
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


class LeaderboardRow(BaseModel):
    """A participant's standing: their latest comparable, ranked, completed run."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    rank: int
    """1 for the best; participants whose CIs overlap may share the same skill."""
    participant: str
    """Name or URL of the participant."""
    run_id: str
    """The run this row reports (the participant's latest, never their best)."""
    created_at: str
    """When that run was created."""
    n_samples: int
    """Samples in that run."""
    ranking_metric: str
    """Name of the metric rows are ordered by."""
    score: Estimate
    """The ranking metric with its 95% CI."""
    metrics: dict[str, Estimate] = Field(default_factory=dict)
    """Every headline metric of the run with its 95% CI."""
    key: ComparabilityKey
    """What every row of the board shares."""
