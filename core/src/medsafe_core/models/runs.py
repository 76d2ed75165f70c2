"""Runs: manifests, stored responses, scored samples, metrics and the run record."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import Field

from medsafe_core.models._base import Contract
from medsafe_core.models.profiles import RewardProfile
from medsafe_core.models.scores import Flags, Score, ScoreComponent
from medsafe_core.models.tasks import Task


class RunState(StrEnum):
    """Lifecycle of a run."""

    RUNNING = "running"
    INTERRUPTED = "interrupted"
    COMPLETED = "completed"
    FAILED = "failed"


class RunManifest(Contract):
    """Everything needed to reproduce and compare a run."""

    suite: str
    """Suite name."""
    suite_version: int
    """Suite (generator and schema) version."""
    dataset_id: str
    """`generated:<suite>/<version>/<seed>` or the name of a loaded task file."""
    dataset_hash: str
    """Hash over the task ids and ground truth used (comparable runs share it)."""
    seed: int | None = None
    """Public generator seed, when generated."""
    seed_salt_hash: str | None = None
    """Hash of the server-side salt mixed into the seed for official runs (never the salt)."""
    n: int
    """Number of distinct tasks."""
    epochs: int = 1
    """Repeated trials per task."""
    profile: RewardProfile
    """Full reward profile the run is scored with."""
    profile_hash: str
    """`profile.hash`, duplicated for querying."""
    scorer_version: str
    """Version of the suite's scorer."""
    versions: dict[str, str] = Field(default_factory=dict)
    """medsafe and key library versions."""
    participant: str | None = None
    """Name or URL of the assessed participant (its identity on leaderboards)."""
    participant_name: str | None = None
    """Display name of the participant (an A2A participant's agent-card name)."""
    ground_truth_source: Literal["server", "caller"] = "server"
    """`caller` when the caller supplied the ground truth: such runs are never ranked."""
    judge: str | None = None
    """Judge consulted beside the suite's own rules (`name@version[:model]`), if any."""
    generation: dict[str, Any] | None = None
    """For runs that called a model directly (`medsafe eval`): model, endpoint (without
    credentials), generation parameters, system message and prices. Token counts and
    cost of each invocation are written beside the record (`<run_id>.model.json`)."""


class ResponseRecord(Contract):
    """A raw response as received, stored apart from its score so runs can be re-scored."""

    id: str
    """Task id."""
    epoch: int = 0
    """Trial number; `(id, epoch)` is unique within a run."""
    response: str | None = None
    """Raw text the participant returned; None when an infrastructure error occurred."""
    error: str | None = None
    """Infrastructure error (timeout, unreachable, crash) with its reason."""
    latency_ms: float | None = None
    """Wall time of the participant call, when measured."""


class SampleResult(Contract):
    """One scored sample (flat, for JSON consumers and DuckDB queries)."""

    id: str
    """Task id."""
    epoch: int = 0
    """Trial number."""
    category: str = ""
    """Task category."""
    scenario: str = ""
    """Cluster key of the task's context."""
    group: str | None = None
    """Pair/episode group."""
    reward: float | None
    """Reward under the run's profile (None when unscored or errored)."""
    outcome: str
    """Outcome label (the suite's outcome enum, or a shared `Outcome`)."""
    hallucination: bool = False
    """Flag: unsupported claim."""
    safe: bool = False
    """Flag: the suite's safe verdict."""
    refusal: bool = False
    """Flag: abstained, reported conflict or refused."""
    format_error: bool = False
    """Flag: failed the format gate."""
    inconsistency: bool = False
    """Flag: proof and answer disagree."""
    penalties: list[ScoreComponent] = Field(default_factory=list)
    """Every reward and penalty applied, with reasons and evidence spans."""
    response_format: str | None = None
    """Detected response format."""
    parse_error: str | None = None
    """Typed parse failure, if any."""
    unscored_reason: str | None = None
    """Why the sample is unscored."""
    error: str | None = None
    """Infrastructure error, when the participant gave no response."""
    details: dict[str, Any] = Field(default_factory=dict)
    """Suite-specific results of the score (dimensions, decisions, episode statistics)."""
    judge: str | None = None
    """Judge that made the verdict, when not the suite's own rules."""

    @classmethod
    def from_score(
        cls, *, id: str, epoch: int, category: str, scenario: str, group: str | None, score: Score
    ) -> SampleResult:
        """Flatten a `Score` for a task."""
        return cls(
            id=id,
            epoch=epoch,
            category=category,
            scenario=scenario,
            group=group,
            reward=score.reward,
            outcome=score.outcome,
            penalties=score.penalties,
            response_format=score.response_format,
            parse_error=score.parse_error,
            unscored_reason=score.unscored_reason,
            details=score.details,
            judge=score.judge,
            **score.flags.model_dump(),
        )

    @property
    def flags(self) -> Flags:
        """The boolean verdicts."""
        return Flags(
            hallucination=self.hallucination,
            safe=self.safe,
            refusal=self.refusal,
            format_error=self.format_error,
            inconsistency=self.inconsistency,
        )


class Estimate(Contract):
    """A metric with its 95% confidence interval."""

    value: float | None
    """Point estimate (None when there is nothing to estimate)."""
    ci_low: float | None = None
    """Lower bound of the 95% CI."""
    ci_high: float | None = None
    """Upper bound of the 95% CI."""
    n: int = 0
    """Number of samples the estimate is over."""
    method: str = ""
    """`wilson`, `cluster_bootstrap` or `bootstrap`."""


class SuiteMetrics(Contract):
    """Aggregate metrics of a run."""

    n_samples: int
    """Samples in the run (tasks x epochs)."""
    n_scored: int
    """Samples with a score."""
    n_unscored: int
    """Samples the scorer could not judge (excluded from rates)."""
    n_errors: int
    """Samples with an infrastructure error."""
    metrics: dict[str, Estimate] = Field(default_factory=dict)
    """Headline metrics over scored samples (errors excluded)."""
    metrics_errors_as_failures: dict[str, Estimate] = Field(default_factory=dict)
    """The same metrics with infrastructure errors counted as failures."""
    per_category: dict[str, dict[str, Estimate]] = Field(default_factory=dict)
    """Headline metrics per task category."""
    pass_hat_k: dict[str, Estimate] = Field(default_factory=dict)
    """pass^k for k = 1..epochs: the chance that k trials of a task are all safe."""
    outcomes: dict[str, int] = Field(default_factory=dict)
    """Count of samples per outcome label."""


class RunMeta(Contract):
    """The part of a run record outside the compared result (ids and times)."""

    run_id: str
    """Unique run id."""
    created_at: str
    """ISO-8601 creation time."""
    state: RunState = RunState.COMPLETED
    """Lifecycle state."""


class RunRecord(Contract):
    """A complete, self-describing run: manifest, responses, samples, metrics."""

    meta: RunMeta
    """Run id, time and state (outside the compared part)."""
    manifest: RunManifest
    """What was run and how it is scored."""
    responses: list[ResponseRecord] = Field(default_factory=list)
    """Raw responses, stored apart from scores."""
    samples: list[SampleResult] = Field(default_factory=list)
    """Scored samples, in (id, epoch) order."""
    metrics: SuiteMetrics
    """Aggregates with CIs."""
    tasks: list[Task] = Field(default_factory=list)
    """Ground truth of tasks that cannot be regenerated from their id (loaded files,
    caller-supplied ground truth), so the run can be re-scored on its own."""
