"""Request and response models of the REST API (the OpenAPI document is built from them)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

from medsafe_core.leaderboard import Leaderboard
from medsafe_core.models import (
    ExpectedAnswer,
    ResponseRecord,
    RunManifest,
    RunMeta,
    RunState,
    SampleResult,
    SuiteMetrics,
    TaskView,
)
from medsafe_core.parsing.types import ResponseFormat
from medsafe_core.records import RunSummary

_ID = 300  # longest task id, participant name or category accepted


class HealthResponse(BaseModel):
    """Liveness (OpenEnv's `/health` shape, plus versions)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    status: Literal["healthy", "unhealthy"]
    """`healthy` when the service and its database answer."""
    service: str = "medsafe-core"
    """Service name."""
    version: str
    """medsafe-core version."""


class EvalTasksQuery(BaseModel):
    """Query of `GET /eval/tasks`."""

    model_config = ConfigDict(use_attribute_docstrings=True, extra="ignore")

    suite: str = Field("dipg", max_length=32)
    """Suite to draw tasks from."""
    max_samples: int = Field(100, ge=1)
    """How many tasks (at most the server's item limit)."""
    seed: int = Field(0, ge=0, le=2**63 - 1)
    """Public generator seed."""
    offset: int = Field(0, ge=0, le=1_000_000)
    """Skip this many tasks of the (filtered) sequence first, to page through it."""
    category: str | None = Field(None, max_length=_ID)
    """Only tasks of these categories (comma-separated)."""
    format: ResponseFormat = ResponseFormat.JSON
    """Response format the returned `instructions` describe."""
    shuffle: bool = False
    """Return the tasks in an order shuffled by the seed; without a `seed`, draw a fresh
    random seed (the published client sends `shuffle=true`)."""


class EvalTasksResponse(BaseModel):
    """Tasks without ground truth, with their ids."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    tasks: list[TaskView]
    """The tasks (context, question, id, category); never the expected answer."""
    suite: str
    """Suite name."""
    suite_version: int
    """Suite version (part of every id)."""
    seed: int
    """Seed the tasks were drawn with."""
    count: int
    """Number of tasks returned."""
    instructions: str
    """Answer-format instructions to put in a model's prompt."""
    total_tasks: int | None = None
    """Number of tasks returned (published field; each task also has `task_id`)."""
    dataset_size: int | None = None
    """How many tasks the generator can give for a seed (published field)."""


class GroundTruth(BaseModel):
    """Ground truth supplied by the caller (the published stateless shape). Runs scored
    against it are marked `ground_truth_source: caller` and never ranked."""

    model_config = ConfigDict(strict=True, use_attribute_docstrings=True)

    context: str = Field("", max_length=200_000)
    """The evidence shown to the participant."""
    question: str = Field("", max_length=20_000)
    """The question."""
    input: dict[str, Any] = Field(default_factory=dict)
    """Suite-specific structured input (see the suite's `input` schema)."""
    expected_answer: ExpectedAnswer | str | None = None
    """dipg: `{"final": ..., "proof": ...}`, or the final answer alone."""
    truth: dict[str, Any] = Field(default_factory=dict)
    """Other suites: the ground truth (see the suite's `target` schema)."""
    category: str = Field("caller", max_length=_ID)
    """Category for per-category metrics."""


class EvaluationItem(BaseModel):
    """One response to score: it names a task by `id` (ground truth looked up on the
    server) or carries `ground_truth`."""

    model_config = ConfigDict(
        strict=True, use_attribute_docstrings=True, extra="forbid", populate_by_name=True
    )

    id: str | None = Field(None, max_length=_ID, validation_alias=AliasChoices("id", "task_id"))
    """Task id from `/eval/tasks` (or `task_id`); optional with `ground_truth`."""
    epoch: int = Field(0, ge=0, le=100_000)
    """Trial number; `(id, epoch)` must be unique in a request."""
    response: str | None = None
    """The model's raw response text."""
    error: str | None = Field(None, max_length=2_000)
    """Instead of a response: why there is none (timeout, crash); scored as an error."""
    ground_truth: GroundTruth | None = None
    """Caller-supplied ground truth (see `GroundTruth`)."""

    @model_validator(mode="after")
    def _needs_task_and_answer(self) -> EvaluationItem:
        if self.id is None and self.ground_truth is None:
            raise ValueError("each item needs `id` (a task id) or `ground_truth`")
        if self.response is None and self.error is None:
            raise ValueError("each item needs `response` (or `error` when there is none)")
        return self


class EvaluateRequest(BaseModel):
    """Body of `POST /evaluate` (the published shape: `evaluations` and `format`)."""

    model_config = ConfigDict(strict=True, use_attribute_docstrings=True, extra="forbid")

    evaluations: list[EvaluationItem] = Field(default_factory=list)
    """The responses to score (at most the server's item limit)."""
    responses: list[str] | None = None
    """The published simple form instead of `evaluations`: response `i` answers task
    `i` of `seed` (as `GET /eval/tasks?seed=...&shuffle=false` lists them)."""
    seed: int = Field(0, ge=0, le=2**63 - 1)
    """Seed of the tasks the `responses` form answers."""
    format: ResponseFormat = ResponseFormat.AUTO
    """Required response format; `auto` detects it per response."""
    suite: str = Field("dipg", max_length=32)
    """Suite of items that carry ground truth (items with ids name their suite)."""
    profile: str | None = Field(None, max_length=100)
    """Built-in reward profile; default: the server's default for the suite."""
    judge: Literal["rules", "model"] = "rules"
    """`model`: what the suite's rules cannot decide goes to this server's model-graded
    judge (recorded in every result and in the run); `rules`: the suite's rules alone."""
    store: bool = False
    """Store the run (see `/runs`)."""
    participant: str | None = Field(None, max_length=_ID)
    """Name of the participant, for stored runs and leaderboards (a name bound to a
    credential needs that credential's token)."""

    @field_validator("evaluations", "responses")
    @classmethod
    def _not_empty(cls, value: list[Any] | None) -> list[Any] | None:
        if value is not None and not value:
            raise ValueError("List should have at least 1 item after validation, not 0")
        return value

    @model_validator(mode="after")
    def _one_form(self) -> EvaluateRequest:
        if bool(self.evaluations) == (self.responses is not None):
            raise ValueError("send `evaluations` or the published `responses`, not both")
        return self


class RunInfo(BaseModel):
    """How a set of results was produced: what makes them comparable."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    suite: str
    """Suite name."""
    suite_version: int
    """Suite version."""
    scorer_version: str
    """Version of the scorer."""
    profile: str
    """Reward profile name."""
    profile_hash: str
    """Reward profile hash."""
    profile_values: dict[str, float] = Field(default_factory=dict)
    """Every constant of the profile, so results can be re-summarised client-side."""
    dataset_hash: str
    """Hash over task ids and ground truth."""
    task_digests: list[str] = Field(default_factory=list)
    """Sorted per-task hashes: a batch sent in chunks gets the same `dataset_hash`
    (`combine_digests`) as the batch sent whole."""
    ground_truth_source: Literal["server", "caller"]
    """Who supplied the ground truth; `caller` runs are never ranked."""


class PublishedSummary(BaseModel):
    """The summary statistics the published `/evaluate` returns, over the items that got
    a reward (request order); rates are shares of those items."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    median_reward: float | None = None
    """Median reward."""
    std_reward: float | None = None
    """Sample standard deviation of the rewards (0 with one item)."""
    min_reward: float | None = None
    """Lowest reward."""
    max_reward: float | None = None
    """Highest reward."""
    rewards: list[float | None] = Field(default_factory=list)
    """Reward of each item in request order (None: unscored or an error)."""
    refusal_rate: float = 0.0
    """Share of scored items that abstained, reported a conflict or refused."""
    safe_response_rate: float = 0.0
    """Share of scored items with the safe verdict."""
    medical_hallucination_rate: float = 0.0
    """Share of scored items with an unsupported claim."""
    reasoning_consistency_rate: float = 0.0
    """Share of scored items whose proof and answer agree."""
    format_error_rate: float = 0.0
    """Share of scored items that failed the format gate."""
    refusal_outcomes: list[int] = Field(default_factory=list)
    """0/1 per scored item, for confidence intervals."""
    safe_outcomes: list[int] = Field(default_factory=list)
    """0/1 per scored item."""
    hallucination_outcomes: list[int] = Field(default_factory=list)
    """0/1 per scored item."""
    consistency_outcomes: list[int] = Field(default_factory=list)
    """0/1 per scored item."""
    format_error_outcomes: list[int] = Field(default_factory=list)
    """0/1 per scored item."""


class EvaluateResponse(PublishedSummary):
    """Per-item results (request order) and metrics with 95% CIs, plus the published
    summary statistics."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    results: list[SampleResult]
    """One scored sample per item, in request order, with penalties and evidence."""
    metrics: SuiteMetrics
    """Aggregate metrics with confidence intervals."""
    mean_reward: float | None
    """Mean reward over scored items (published field)."""
    total_responses: int
    """Number of items (published field)."""
    run: RunInfo
    """Suite, scorer and profile versions, dataset hash, ground-truth source."""
    run_id: str | None = None
    """Id of the stored run when `store` was true."""


class RunsQuery(BaseModel):
    """Query of `GET /runs`."""

    model_config = ConfigDict(use_attribute_docstrings=True, extra="ignore")

    suite: str | None = Field(None, max_length=32)
    """Only runs of this suite."""
    participant: str | None = Field(None, max_length=_ID)
    """Only runs of this participant."""
    state: RunState | None = None
    """Only runs in this state."""
    limit: int = Field(50, ge=1, le=500)
    """Page size."""
    offset: int = Field(0, ge=0, le=10_000_000)
    """Runs to skip (newest first)."""


class RunsResponse(BaseModel):
    """A page of runs, newest first."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    runs: list[RunSummary]
    """The runs."""
    limit: int
    """Page size asked for."""
    offset: int
    """Runs skipped."""


class PublicRunRecord(BaseModel):
    """A stored run as served over HTTP: tasks are shown without their ground truth."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    meta: RunMeta
    """Run id, time and state."""
    manifest: RunManifest
    """What was run and how it is scored."""
    responses: list[ResponseRecord]
    """Raw responses."""
    samples: list[SampleResult]
    """Scored samples in (id, epoch) order."""
    metrics: SuiteMetrics
    """Aggregates with CIs."""
    tasks: list[TaskView]
    """Tasks that cannot be regenerated from their ids (ground truth withheld)."""


class LeaderboardQuery(BaseModel):
    """Query of `GET /leaderboard`."""

    model_config = ConfigDict(use_attribute_docstrings=True, extra="ignore")

    suite: str = Field("dipg", max_length=32)
    """Suite of the board."""
    metric: Literal[
        "safe_response_rate",
        "mean_reward",
        "hallucination_rate",
        "refusal_rate",
        "format_error_rate",
        "consistency_rate",
    ] = "safe_response_rate"
    """Metric to rank by (errors counted as failures)."""


LeaderboardResponse = Leaderboard
"""`GET /leaderboard`: the official board and, apart, self-reported runs."""
