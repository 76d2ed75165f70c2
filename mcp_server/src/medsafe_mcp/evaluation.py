"""Turn an `evaluate_batch` call into a scored run record.

Validation happens before any scoring, so a bad item is reported with its position
(`responses[12].task_id`) and nothing is half-done. Scoring runs in worker threads in
chunks, reporting progress between chunks, and assembles the same record
`medsafe_core.runs.score_run` would (responses and samples in (id, epoch) order,
caller-supplied tasks inline), so a stored run re-scores byte for byte.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import anyio

from medsafe_core.ids import TaskIdError, parse_task_id
from medsafe_core.models import (
    ResponseRecord,
    RewardProfile,
    RunRecord,
    RunState,
    SampleResult,
    Task,
)
from medsafe_core.runs import build_manifest, new_run_meta, score_response
from medsafe_core.settings import Settings
from medsafe_core.suites import Suite, get_suite, resolve_task
from medsafe_mcp.errors import CallerError
from medsafe_mcp.models import InlineItem, TaskResponse

logger = logging.getLogger(__name__)

INLINE_SUITE = "dipg"
"""Caller-supplied ground truth follows the dipg schema (context, question, final, proof)."""
ProgressFn = Callable[[int, int], Awaitable[None]]


@dataclass
class Batch:
    """A validated batch: its suite, the distinct tasks and the responses in input order."""

    suite: Suite
    tasks: dict[str, Task]
    records: list[ResponseRecord]
    ground_truth_source: Literal["server", "caller"] = "server"
    seeds: set[int] = field(default_factory=set)
    salted: bool = False


def _inline_task(where: str, item: InlineItem, position: int) -> Task:
    task_id = item.id or str(position)
    if parse_task_id(task_id) is not None:
        raise CallerError(
            f"{where}.id {task_id!r} has the shape of a generated task id; give tasks "
            "with your own ground truth another id, or send {task_id, response} to be "
            "scored against the server's ground truth"
        )
    truth = item.ground_truth
    return Task(
        id=task_id,
        suite=INLINE_SUITE,
        category=truth.category,
        context=truth.context,
        question=truth.question,
        scenario=hashlib.sha256(truth.context.encode()).hexdigest()[:12],
        expected_answer=truth.expected_answer,
    )


def _server_task(where: str, task_id: str, salt: str | None) -> Task:
    try:
        return resolve_task(task_id, salt)
    except TaskIdError as exc:
        raise CallerError(
            f"{where}.task_id: {exc}. Send the ids exactly as get_eval_tasks returned them"
        ) from None


def build_batch(
    items: Sequence[TaskResponse | InlineItem], settings: Settings, salt: str | None
) -> Batch:
    """Check limits, resolve every task and reject duplicates, or raise ToolError."""
    if not items:
        raise CallerError("responses is empty; send at least one {task_id, response} item")
    if len(items) > settings.max_batch_items:
        raise CallerError(
            f"the batch has {len(items)} items; the limit is {settings.max_batch_items} per "
            "call, so split it into several calls"
        )
    tasks: dict[str, Task] = {}
    records: list[ResponseRecord] = []
    seen: set[tuple[str, int]] = set()
    batch_suite: str | None = None
    caller = False
    for i, item in enumerate(items):
        where = f"responses[{i}]"
        size = len(item.response.encode("utf-8"))
        if size > settings.max_response_bytes:
            raise CallerError(
                f"{where}.response is {size} bytes; the limit is "
                f"{settings.max_response_bytes} bytes per response"
            )
        if isinstance(item, TaskResponse):
            task = tasks.get(item.task_id) or _server_task(where, item.task_id, salt)
        else:
            caller = True
            task = _inline_task(where, item, i + 1)
            if tasks.get(task.id, task) != task:
                raise CallerError(
                    f"{where}: id {task.id!r} is already used for a different task; "
                    "repeat an id only for repeated trials of the same task"
                )
        if batch_suite is None:
            batch_suite = task.suite
        elif task.suite != batch_suite:
            raise CallerError(
                f"{where} is a {task.suite!r} task but the batch started with "
                f"{batch_suite!r} tasks; send one suite per call"
            )
        key = (task.id, item.epoch)
        if key in seen:
            raise CallerError(
                f"{where}: task {task.id!r} with epoch {item.epoch} appears twice; give "
                "repeated trials distinct epochs (0, 1, 2, ...)"
            )
        seen.add(key)
        tasks[task.id] = task
        records.append(ResponseRecord(id=task.id, epoch=item.epoch, response=item.response))
    assert batch_suite is not None  # items is non-empty
    parsed = [p for p in map(parse_task_id, tasks) if p is not None]
    return Batch(
        suite=get_suite(batch_suite),
        tasks=tasks,
        records=records,
        ground_truth_source="caller" if caller else "server",
        seeds={p.seed for p in parsed},
        salted=any(p.salt_tag for p in parsed),
    )


def _score_chunk(
    suite: Suite, tasks: dict[str, Task], chunk: Sequence[ResponseRecord], profile: RewardProfile
) -> list[SampleResult]:
    # score_response never raises: a failing scorer gives an UNSCORED sample with the reason
    return [score_response(suite, tasks[record.id], record, profile) for record in chunk]


async def score_batch(
    batch: Batch, profile: RewardProfile, progress: ProgressFn | None = None
) -> list[SampleResult]:
    """Score every response, in input order, in worker-thread chunks."""
    total = len(batch.records)
    step = max(1, min(250, total // 20))
    samples: list[SampleResult] = []
    for start in range(0, total, step):
        chunk = batch.records[start : start + step]
        samples += await anyio.to_thread.run_sync(
            _score_chunk, batch.suite, batch.tasks, chunk, profile
        )
        if progress is not None:
            await progress(len(samples), total)
    return samples


def assemble_record(
    batch: Batch,
    samples: Sequence[SampleResult],
    profile: RewardProfile,
    *,
    participant: str | None,
    salt: str | None,
) -> RunRecord:
    """The completed run record of a scored batch, in canonical (id, epoch) order."""
    order = sorted(range(len(batch.records)), key=lambda i: _key(batch.records[i]))
    ordered_samples = [samples[i] for i in order]
    caller = batch.ground_truth_source == "caller"
    single_seed = next(iter(batch.seeds)) if len(batch.seeds) == 1 and not caller else None
    info = batch.suite.info
    dataset_id = None
    if caller:
        dataset_id = f"caller:{info.name}/{info.version}"
    elif single_seed is None:
        dataset_id = f"mixed:{info.name}/{info.version}"
    manifest = build_manifest(
        batch.suite,
        list(batch.tasks.values()),
        profile,
        epochs=max(Counter(r.id for r in batch.records).values()),
        seed=single_seed,
        salt=salt if batch.salted else None,
        dataset_id=dataset_id,
        participant=participant,
        ground_truth_source=batch.ground_truth_source,
    )
    inline = sorted(
        (t for t in batch.tasks.values() if parse_task_id(t.id) is None), key=lambda t: t.id
    )
    return RunRecord(
        meta=new_run_meta(state=RunState.COMPLETED),
        manifest=manifest,
        responses=[batch.records[i] for i in order],
        samples=ordered_samples,
        metrics=batch.suite.summarize(ordered_samples),
        tasks=inline,
    )


def _key(record: ResponseRecord) -> tuple[str, int]:
    return (record.id, record.epoch)
