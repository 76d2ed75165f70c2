"""Typed arguments and results of the MCP tools.

The field docstrings become the JSON-schema descriptions a client model reads, so they
say what to send and what comes back.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from medsafe_core.models import (
    ExpectedAnswer,
    ResponseRecord,
    RunManifest,
    RunMeta,
    SampleResult,
    SuiteMetrics,
    TaskView,
)
from medsafe_core.suites import SuiteInfo


class _Model(BaseModel):
    """Field docstrings become schema descriptions."""

    model_config = ConfigDict(use_attribute_docstrings=True)


class _Strict(BaseModel):
    """Arguments: unknown keys are an error, so a typo is reported instead of ignored."""

    model_config = ConfigDict(use_attribute_docstrings=True, extra="forbid")


MAX_TEXT = 1_000_000
"""Longest context or question of a task brought by the caller (characters)."""

AnswerFormat = Literal["json", "xml", "yaml", "custom_tags"]
"""Formats a participant may be asked to answer in (`auto` only makes sense for scoring)."""


class TaskResponse(_Strict):
    """A response to a task drawn with `get_eval_tasks`; the server regenerates its
    ground truth from the id."""

    task_id: str = Field(min_length=1, max_length=200)
    """The `id` of the task exactly as `get_eval_tasks` returned it (e.g. `dipg/1/7/000003`)."""
    response: str
    """The model's full answer text, in the format the task's instructions asked for."""
    epoch: int = Field(default=0, ge=0, le=10_000)
    """Trial number when the same task is answered several times (0, 1, 2, ...)."""


class GroundTruth(_Strict):
    """A task you bring yourself, with its ground truth in the suite's target schema
    (see list_suites: `schemas.target`)."""

    suite: str | None = Field(default=None, max_length=64)
    """Suite of the task (default: the server's default suite)."""
    context: str = Field(default="", max_length=MAX_TEXT)
    """The evidence the question must be answered from."""
    question: str = Field(default="", max_length=MAX_TEXT)
    """The question that was asked."""
    input: dict[str, Any] = Field(default_factory=dict)
    """Suite-specific structured input, for suites that take one."""
    expected_answer: ExpectedAnswer | None = None
    """Reference answer of answer-with-proof suites: `final` (the answer) and `proof`
    (a verbatim quote of the context that supports it; empty when it does not hold it)."""
    truth: dict[str, Any] = Field(default_factory=dict)
    """Ground truth of other suites, in the suite's target schema."""
    category: str = Field(default="caller", min_length=1, max_length=64)
    """Optional category, for per-category metrics."""


class InlineItem(_Strict):
    """A response scored against ground truth you supply. Runs with any such item are
    marked `ground_truth_source="caller"` and never ranked on a leaderboard."""

    response: str
    """The model's full answer text."""
    ground_truth: GroundTruth
    """The task and its reference answer."""
    id: str | None = Field(default=None, min_length=1, max_length=200)
    """Your own id for the task (default: the item's 1-based position). Repeat it, with
    the same ground truth and another `epoch`, for repeated trials."""
    epoch: int = Field(default=0, ge=0, le=10_000)
    """Trial number."""


def _item_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "inline" if "ground_truth" in value else "task"
    return "inline" if isinstance(value, InlineItem) else "task"


EvalItem = Annotated[
    Annotated[TaskResponse, Tag("task")] | Annotated[InlineItem, Tag("inline")],
    Discriminator(_item_kind),
]
"""Either `{task_id, response, epoch?}` or `{response, ground_truth, id?, epoch?}`."""


class SuiteList(_Model):
    """The evaluation suites this server offers."""

    suites: list[SuiteInfo]
    """Each suite's name, version, categories, response formats and default profile."""


class EvalTasks(_Model):
    """Tasks to answer, without ground truth, and how to format each answer."""

    suite: str
    """Suite the tasks belong to."""
    suite_version: int
    """Suite version (the second part of every task id)."""
    seed: int
    """Seed the tasks were drawn with; the same seed, n and categories give the same tasks."""
    n: int
    """Size of the task set: the first n tasks of the seed (of the chosen categories)."""
    offset: int
    """Position in the set of the first task below."""
    next_offset: int | None
    """When not null, the set has more tasks than fit in one result: call again with
    the same arguments and this offset."""
    format: AnswerFormat
    """The answer format the instructions ask for."""
    instructions: str
    """How to answer every task: put these after each task's context and question."""
    tasks: list[TaskView]
    """The tasks: answer each from its `context` alone, then send the answers to
    `evaluate_batch` as `{task_id, response}`."""


class EvaluationResult(_Model):
    """Scores of a batch: per-item verdicts (in the order sent) and metrics with CIs."""

    run_id: str | None
    """Id of the stored run (for `get_run`, `compare_runs`, `medsafe://runs/{id}`);
    null unless `store=true`."""
    suite: str
    """Suite the responses were scored under."""
    suite_version: int
    """Suite version."""
    scorer_version: str
    """Version of the scorer that judged the responses."""
    profile: str
    """Reward profile applied (name)."""
    profile_hash: str
    """Hash of the profile's constants."""
    ground_truth_source: Literal["server", "caller"]
    """`caller` when any item carried its own ground truth."""
    participant: str | None
    """Participant the run is recorded for."""
    metrics: SuiteMetrics
    """Rates with 95% confidence intervals, per category and pass^k over epochs, over
    every item of the batch."""
    n_items: int
    """Items scored."""
    detail: Literal["full", "compact"]
    """`full`: each result lists every reward and penalty with its reason and evidence.
    `compact` (large batches): penalties are left out to keep the result within MCP
    message limits (store the run and read them with `get_run`), and so is every field
    at its default (a false flag, a null, `epoch` 0, empty `details`)."""
    results: list[SampleResult]
    """Per item, in the order sent: reward, outcome, flags and (detail `full`) every
    reward or penalty with its reason and evidence spans (offsets into the context or
    the response)."""
    next_offset: int | None
    """When not null, `results` stops before this item: the batch was too large for one
    result. Store the run (`store=true`) and page through it with `get_run`."""


class RunOverview(_Model):
    """A stored run without its samples: what was run and its metrics."""

    meta: RunMeta
    """Run id, creation time and state."""
    manifest: RunManifest
    """Suite, dataset, profile, scorer and library versions, participant."""
    metrics: SuiteMetrics
    """Aggregates with 95% CIs."""
    n_samples: int
    """Scored samples in the run (read them with `get_run`)."""


class RunPage(RunOverview):
    """A stored run with one page of its samples, in (task id, epoch) order."""

    offset: int
    """Position of the first sample below."""
    samples: list[SampleResult]
    """Scored samples with every reward and penalty, reason and evidence."""
    responses: list[ResponseRecord] | None
    """The raw responses of the same samples (when `include_responses=true`)."""
    next_offset: int | None
    """When not null, call again with this offset for the next page."""
