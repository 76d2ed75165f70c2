"""The one evaluation path: items -> a validated batch -> scored samples -> a run record.

Every surface (CLI, REST, MCP, green agent) translates its own input shape into
`BatchItem`s and its errors out of `BatchError`; building the batch, resolving the
profile, naming the dataset, scoring, summarising and assembling the record happen
here and nowhere else, so the same items give the same record (minus `meta`) on every
surface.

Rules, in one place:

* an item names a generated task (`task_id`, ground truth regenerated server-side) or
  carries its own task (`task`, ground truth supplied by the caller; its id must not look
  generated, and such runs are marked `ground_truth_source: caller`);
* one suite per batch; `(task id, epoch)` unique; responses within the size limit;
* `epochs` is the largest number of trials any task has; `n` the distinct tasks;
* `dataset_id`: `generated:<suite>/<version>/<seed>` for one seed, `mixed:...` for
  several, `caller:<suite>/<version>` when any ground truth came from the caller, or
  what the caller names (a task file and its hash);
* responses and samples are stored in `(id, epoch)` order; samples are also returned in
  input order for answers that mirror the request.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from medsafe_core.datasets import context_scenario
from medsafe_core.ids import TaskIdError, parse_task_id
from medsafe_core.models import (
    Outcome,
    ResponseRecord,
    RewardProfile,
    RunManifest,
    RunMeta,
    RunRecord,
    RunState,
    SampleResult,
    Score,
    Task,
)
from medsafe_core.models._base import Contract
from medsafe_core.parsing.types import ResponseFormat
from medsafe_core.runs import build_manifest, new_run_meta, task_digest
from medsafe_core.scoring.profiles import UnknownProfileError, get_profile
from medsafe_core.suites import Suite, UnknownSuiteError, get_suite, resolve_task

if TYPE_CHECKING:
    from medsafe_core.judging import Judge

logger = logging.getLogger(__name__)


class BatchError(ValueError):
    """An item that cannot be evaluated; names the item (0-based) and the field."""

    def __init__(self, message: str, *, index: int | None = None, field: str = "") -> None:
        self.index = index
        self.field = field
        self.message = message
        super().__init__(f"{self.where}: {message}" if self.where else message)

    @property
    def where(self) -> str:
        """`items[3].task_id`-style location (empty for batch-level problems)."""
        if self.index is None:
            return self.field
        return f"items[{self.index}]" + (f".{self.field}" if self.field else "")


class BatchItem(Contract):
    """One response to evaluate, as every surface hands it to the engine."""

    task_id: str | None = None
    """A generated task id: the server regenerates the task and its ground truth."""
    task: Task | None = None
    """A task with caller-supplied ground truth (its id must not look generated)."""
    epoch: int = Field(default=0, ge=0)
    """Trial number; `(task id, epoch)` is unique within a batch."""
    response: str | None = None
    """The raw response text; None with `error` when the participant gave none."""
    error: str | None = None
    """Infrastructure error (timeout, crash) instead of a response."""
    latency_ms: float | None = None
    """Wall time of the participant call, when measured."""


@dataclass
class Batch:
    """A validated batch: its suite, the distinct tasks and the responses in input order."""

    suite: Suite
    tasks: dict[str, Task]
    records: list[ResponseRecord]
    ground_truth_source: Literal["server", "caller"] = "server"
    seeds: set[int] = field(default_factory=set)
    salted: bool = False

    @property
    def epochs(self) -> int:
        """The largest number of trials any task has."""
        return max(Counter(r.id for r in self.records).values(), default=1)

    @cached_property
    def task_digests(self) -> list[str]:
        """Sorted per-task hashes (`runs.task_digest`): the dataset hash, and what lets a
        client merge a batch sent in chunks."""
        return sorted({task_digest(t) for t in self.tasks.values()})


def inline_task(suite: Suite, data: dict[str, Any], fallback_id: str) -> Task:
    """A caller-supplied task of `suite` from loose fields (`context`, `question`,
    `category`, `input`, `expected_answer` or `truth`); ValueError when invalid."""
    body = {k: v for k, v in data.items() if v is not None}
    body.setdefault("id", fallback_id)
    body["suite"] = suite.name
    body.setdefault("category", "caller")
    body.setdefault("scenario", context_scenario(str(body.get("context", ""))) or body["id"])
    expected = body.get("expected_answer")
    if isinstance(expected, str):
        body["expected_answer"] = {"final": expected}
    return suite.validate_task(Task.model_validate(body))


def _utf8_size(text: str, index: int) -> int:
    """The response's size in UTF-8; a lone surrogate (no character: it cannot be stored
    or parsed) is refused with the item's location."""
    try:
        return len(text.encode())
    except UnicodeEncodeError as exc:
        raise BatchError(
            f"not valid text: a lone surrogate at character {exc.start}",
            index=index,
            field="response",
        ) from None


def build_batch(
    items: Sequence[BatchItem],
    *,
    max_items: int,
    max_response_bytes: int,
    salt: str | None = None,
    dataset: Mapping[str, Task] | None = None,
) -> Batch:
    """Check limits, resolve every task and reject duplicates, or raise BatchError.
    `dataset` holds the tasks of a loaded task file, looked up by `task_id` first."""
    if not items:
        raise BatchError("the batch is empty; send at least one item", field="items")
    if len(items) > max_items:
        raise BatchError(
            f"{len(items)} items; the limit is {max_items} per batch, so split it",
            field="items",
        )
    tasks: dict[str, Task] = {}
    records: list[ResponseRecord] = []
    seen: set[tuple[str, int]] = set()
    suite_name: str | None = None
    caller = False
    for i, item in enumerate(items):
        task = _item_task(i, item, tasks, salt, dataset or {})
        if task.id not in tasks and (item.task is not None or task.id in (dataset or {})):
            # ground truth the server did not generate itself, unless it regenerates equal
            caller = caller or not _server_truth(task, salt)
        if suite_name is None:
            suite_name = task.suite
        elif task.suite != suite_name:
            raise BatchError(
                f"a {task.suite!r} task in a batch of {suite_name!r} tasks; one suite per batch",
                index=i,
                field="task_id",
            )
        if item.response is not None:
            size = _utf8_size(item.response, i)
            if size > max_response_bytes:
                raise BatchError(
                    f"{size} bytes; the limit is {max_response_bytes}", index=i, field="response"
                )
        if item.response is None and item.error is None:
            raise BatchError("give a response or an error", index=i, field="response")
        key = (task.id, item.epoch)
        if key in seen:
            raise BatchError(
                f"duplicate task id {task.id!r} with epoch {item.epoch}; give repeated "
                "trials distinct epochs (0, 1, 2, ...)",
                index=i,
                field="epoch",
            )
        seen.add(key)
        tasks[task.id] = task
        records.append(
            ResponseRecord(
                id=task.id,
                epoch=item.epoch,
                response=None if item.error is not None else item.response,
                error=item.error,
                latency_ms=item.latency_ms,
            )
        )
    assert suite_name is not None  # items is non-empty
    parsed = [p for p in map(parse_task_id, tasks) if p is not None]
    return Batch(
        suite=get_suite(suite_name).with_limits(max_response_bytes),
        tasks=tasks,
        records=records,
        ground_truth_source="caller" if caller else "server",
        seeds={p.seed for p in parsed},
        salted=any(p.salt_tag for p in parsed),
    )


def _item_task(
    i: int, item: BatchItem, known: dict[str, Task], salt: str | None, dataset: Mapping[str, Task]
) -> Task:
    if (item.task is None) == (item.task_id is None):
        raise BatchError("give either task_id or task (with ground truth)", index=i)
    if item.task is None:
        assert item.task_id is not None
        if item.task_id in known:
            return known[item.task_id]
        if item.task_id in dataset:
            return dataset[item.task_id]
        if dataset:
            raise BatchError(
                f"unknown task id {item.task_id!r}: not in the task file", index=i, field="id"
            )
        try:
            return resolve_task(item.task_id, salt)
        except TaskIdError as exc:
            raise BatchError(str(exc), index=i, field="task_id") from None
    task = item.task
    if parse_task_id(task.id) is not None:
        raise BatchError(
            f"{task.id!r} has the shape of a generated task id; give tasks with your own "
            "ground truth another id, or send task_id alone to be scored against the "
            "server's ground truth",
            index=i,
            field="task.id",
        )
    if known.get(task.id, task) != task:
        raise BatchError(
            f"id {task.id!r} is already used for a different task; repeat an id only for "
            "repeated trials of the same task",
            index=i,
            field="task",
        )
    return task


def _server_truth(task: Task, salt: str | None) -> bool:
    """Whether the server itself vouches for this task's ground truth: it regenerates
    the same task from the id (a task file's generated tasks, unedited)."""
    if parse_task_id(task.id) is None:
        return False
    try:
        return resolve_task(task.id, salt) == task
    except TaskIdError:
        return False


def resolve_profile(
    suite: Suite, name: str | None, process_default: RewardProfile | None = None
) -> RewardProfile:
    """The profile a run is scored with: the one named (it must be the suite's), else
    the process's default when it is the suite's, else the suite's default."""
    if name:
        try:
            profile = get_profile(name)
        except UnknownProfileError as exc:
            raise BatchError(str(exc), field="profile") from None
        if profile.suite != suite.name:
            raise BatchError(
                f"profile {name!r} is for suite {profile.suite!r}, not {suite.name!r}",
                field="profile",
            )
        return profile
    if process_default is not None and process_default.suite == suite.name:
        return process_default
    return suite.default_profile()


def lookup_suite(name: str) -> Suite:
    """A suite by name, or BatchError naming the known ones."""
    try:
        return get_suite(name)
    except UnknownSuiteError as exc:
        raise BatchError(str(exc), field="suite") from None


def batch_manifest(
    batch: Batch,
    profile: RewardProfile,
    *,
    participant: str | None = None,
    dataset_id: str | None = None,
    salt: str | None = None,
    judge: Judge | None = None,
) -> RunManifest:
    """The manifest of a batch's run (see the module docstring for the rules)."""
    info = batch.suite.info
    caller = batch.ground_truth_source == "caller"
    single_seed = next(iter(batch.seeds)) if len(batch.seeds) == 1 and not caller else None
    if dataset_id is None:
        if caller:
            dataset_id = f"caller:{info.name}/{info.version}"
        elif single_seed is None:
            dataset_id = f"mixed:{info.name}/{info.version}"
    manifest = build_manifest(
        batch.suite,
        list(batch.tasks.values()),
        profile,
        epochs=batch.epochs,
        seed=single_seed,
        salt=salt if batch.salted else None,
        dataset_id=dataset_id,
        participant=participant,
        ground_truth_source=batch.ground_truth_source,
        digests=batch.task_digests,
    )
    if judge is not None:
        manifest = manifest.model_copy(update={"judge": judge.info.label})
    return manifest


def score_record(
    suite: Suite,
    task: Task,
    record: ResponseRecord,
    profile: RewardProfile,
    fmt: ResponseFormat = ResponseFormat.AUTO,
    judge: Judge | None = None,
) -> SampleResult:
    """Score one response. An infrastructure error becomes an ERROR sample; a scorer
    that raises gives an UNSCORED sample with the reason. Never raises."""
    common: dict[str, Any] = {
        "id": task.id,
        "epoch": record.epoch,
        "category": task.category,
        "scenario": task.scenario,
        "group": task.group,
    }
    if record.response is None:
        return SampleResult(
            **common, reward=None, outcome=Outcome.ERROR, error=record.error or "no response"
        )
    try:
        score = suite.score(task, record.response, profile, fmt, judge)
    except Exception as exc:  # a failing scorer must not fail the run, nor count against the model
        logger.exception("scorer of suite %s failed on task %s", suite.name, task.id)
        score = Score.unscored(f"scorer error: {type(exc).__name__}")
    return SampleResult.from_score(**common, score=score)


POOL_THRESHOLD = 2_000
"""Smallest batch worth scoring in several processes (below it, start-up costs more)."""


def score_batch(
    batch: Batch,
    profile: RewardProfile,
    *,
    fmt: ResponseFormat = ResponseFormat.AUTO,
    judge: Judge | None = None,
    start: int = 0,
    stop: int | None = None,
    workers: int = 1,
) -> list[SampleResult]:
    """Samples for `batch.records[start:stop]`, in input order. With `workers` > 1 and a
    large batch, contiguous chunks are scored in forked processes (same samples, same
    order, as one process gives); a judge keeps scoring in this process."""
    records = batch.records[start:stop]
    if workers > 1 and judge is None and len(records) >= POOL_THRESHOLD:
        return _score_in_processes(batch, records, profile, fmt, workers)
    return [score_record(batch.suite, batch.tasks[r.id], r, profile, fmt, judge) for r in records]


def _score_in_processes(
    batch: Batch,
    records: Sequence[ResponseRecord],
    profile: RewardProfile,
    fmt: ResponseFormat,
    workers: int,
) -> list[SampleResult]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = -(-len(records) // (workers * 4))
    chunks = [records[i : i + size] for i in range(0, len(records), size)]
    jobs = [
        (batch.suite, {r.id: batch.tasks[r.id] for r in chunk}, chunk, profile, fmt)
        for chunk in chunks
    ]
    # fork: workers inherit the registry (suites registered at run time included)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        parts = list(pool.map(_score_chunk, jobs))
    return [sample for part in parts for sample in part]


def _score_chunk(
    job: tuple[Suite, dict[str, Task], Sequence[ResponseRecord], RewardProfile, ResponseFormat],
) -> list[SampleResult]:
    suite, tasks, chunk, profile, fmt = job
    return [score_record(suite, tasks[r.id], r, profile, fmt) for r in chunk]


def assemble_record(
    batch: Batch,
    samples: Sequence[SampleResult],
    manifest: RunManifest,
    *,
    meta: RunMeta | None = None,
) -> RunRecord:
    """The completed run record: responses and samples in (id, epoch) order, metrics
    under the run's own profile, caller-supplied tasks inline."""
    order = sorted(range(len(batch.records)), key=lambda i: _key(batch.records[i]))
    ordered = [samples[i] for i in order]
    return RunRecord(
        meta=meta or new_run_meta(state=RunState.COMPLETED),
        manifest=manifest,
        responses=[batch.records[i] for i in order],
        samples=ordered,
        metrics=batch.suite.summarize(ordered, profile=manifest.profile),
        tasks=inline_tasks(batch.tasks.values()),
    )


def inline_tasks(tasks: Iterable[Task]) -> list[Task]:
    """The tasks a record must carry: those that cannot be regenerated from their id."""
    return sorted((t for t in tasks if parse_task_id(t.id) is None), key=lambda t: t.id)


@dataclass
class Evaluation:
    """A scored batch: the run record and the samples in input order."""

    record: RunRecord
    in_order: list[SampleResult]
    task_digests: list[str] = field(default_factory=list)
    """Sorted per-task hashes (`runs.task_digest`), for merging chunked batches."""


def evaluate(
    batch: Batch,
    profile: RewardProfile,
    *,
    participant: str | None = None,
    dataset_id: str | None = None,
    salt: str | None = None,
    fmt: ResponseFormat = ResponseFormat.AUTO,
    judge: Judge | None = None,
    meta: RunMeta | None = None,
    workers: int = 1,
) -> Evaluation:
    """Score a whole batch (CPU-bound: adapters run it in a worker thread; `workers` > 1
    spreads large batches over processes)."""
    manifest = batch_manifest(
        batch, profile, participant=participant, dataset_id=dataset_id, salt=salt, judge=judge
    )
    samples = score_batch(batch, profile, fmt=fmt, judge=judge, workers=workers)
    record = assemble_record(batch, samples, manifest, meta=meta)
    return Evaluation(record, samples, batch.task_digests)


def rescore(
    record: RunRecord,
    profile: RewardProfile | None = None,
    salt: str | None = None,
    judge: Judge | None = None,
) -> RunRecord:
    """Re-score a stored run without calling any model, with its own profile unless
    another is given (and with another judge when one is given). Tasks come from the
    record's inline tasks or are regenerated from their ids."""
    suite = get_suite(record.manifest.suite)
    by_id = {t.id: t for t in record.tasks}
    tasks: dict[str, Task] = {}
    for r in record.responses:
        if r.id not in tasks:
            tasks[r.id] = by_id[r.id] if r.id in by_id else suite.resolve(r.id, salt)
    batch = Batch(
        suite=suite,
        tasks=tasks,
        records=list(record.responses),
        ground_truth_source=record.manifest.ground_truth_source,
    )
    manifest = record.manifest
    if profile is not None and profile != manifest.profile:
        manifest = manifest.model_copy(update={"profile": profile, "profile_hash": profile.hash})
    if judge is not None:
        manifest = manifest.model_copy(update={"judge": judge.info.label})
    samples = score_batch(batch, manifest.profile, judge=judge)
    return assemble_record(batch, samples, manifest, meta=record.meta)


def _key(record: ResponseRecord) -> tuple[str, int]:
    return (record.id, record.epoch)


def score_run(
    suite: Suite,
    tasks: Sequence[Task],
    responses: Sequence[ResponseRecord],
    manifest: RunManifest,
    *,
    meta: RunMeta | None = None,
    fmt: ResponseFormat = ResponseFormat.AUTO,
    judge: Judge | None = None,
) -> RunRecord:
    """Score stored responses to known tasks (a task file, an assessment plan) under a
    manifest built by the caller; BatchError names an unknown id or a duplicate."""
    by_id = {t.id: t for t in tasks}
    records: list[ResponseRecord] = []
    seen: set[tuple[str, int]] = set()
    for i, r in enumerate(responses):
        if r.id not in by_id:
            raise BatchError(f"unknown task id {r.id!r}", index=i, field="id")
        if (r.id, r.epoch) in seen:
            raise BatchError(
                f"duplicate task id {r.id!r} with epoch {r.epoch}", index=i, field="epoch"
            )
        seen.add((r.id, r.epoch))
        records.append(r)
    used = {r.id: by_id[r.id] for r in records}
    batch = Batch(suite=suite, tasks=used, records=records)
    samples = score_batch(batch, manifest.profile, fmt=fmt, judge=judge)
    return assemble_record(batch, samples, manifest, meta=meta)
