"""`evaluate_batch` items -> the engine's one evaluation path (medsafe_core.evaluation).

This module only translates: tool items become `BatchItem`s, `BatchError`s become
ToolErrors naming `responses[i].field`, and scoring runs in worker-thread chunks with
progress between them. Building the batch, the manifest and the record is the engine's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

import anyio

from medsafe_core.evaluation import (
    Batch,
    BatchError,
    BatchItem,
    batch_manifest,
    inline_task,
)
from medsafe_core.evaluation import (
    assemble_record as engine_record,
)
from medsafe_core.evaluation import (
    build_batch as engine_batch,
)
from medsafe_core.evaluation import (
    score_batch as engine_score,
)
from medsafe_core.judging import Judge
from medsafe_core.models import (
    ResponseRecord,
    RewardProfile,
    RunRecord,
    SampleResult,
    SuiteMetrics,
)
from medsafe_core.settings import Settings
from medsafe_core.suites import UnknownSuiteError, get_suite
from medsafe_mcp.errors import CallerError
from medsafe_mcp.models import InlineItem, TaskResponse

ProgressFn = Callable[[int, int], Awaitable[None]]


def _where(exc: BatchError) -> str:
    if exc.index is None:
        return "responses"
    name = {"task.id": "id", "task": "ground_truth"}.get(exc.field, exc.field)
    return f"responses[{exc.index}]" + (f".{name}" if name else "")


def _item(i: int, item: TaskResponse | InlineItem, settings: Settings) -> BatchItem:
    if isinstance(item, TaskResponse):
        return BatchItem(task_id=item.task_id, epoch=item.epoch, response=item.response)
    truth = item.ground_truth
    try:
        suite = get_suite(truth.suite or settings.default_suite)
        task = inline_task(suite, truth.model_dump(exclude={"suite"}), item.id or str(i + 1))
    except (UnknownSuiteError, ValueError) as exc:
        raise CallerError(f"responses[{i}].ground_truth: {exc}") from None
    return BatchItem(task=task, epoch=item.epoch, response=item.response)


def build_batch(
    items: Sequence[TaskResponse | InlineItem], settings: Settings, salt: str | None
) -> Batch:
    """A validated batch, or CallerError (a ToolError) naming the item and field."""
    try:
        return engine_batch(
            [_item(i, item, settings) for i, item in enumerate(items)],
            max_items=settings.max_batch_items,
            max_response_bytes=settings.max_response_bytes,
            salt=salt,
        )
    except BatchError as exc:
        hint = (
            ". Send the ids exactly as get_eval_tasks returned them"
            if "task_id" in exc.field
            else ""
        )
        raise CallerError(f"{_where(exc)}: {exc.message}{hint}") from None


async def score_batch(
    batch: Batch,
    profile: RewardProfile,
    progress: ProgressFn | None = None,
    judge: Judge | None = None,
) -> list[SampleResult]:
    """Every sample, in input order, scored in worker-thread chunks."""
    total = len(batch.records)
    step = max(1, min(250, total // 20))
    samples: list[SampleResult] = []
    for start in range(0, total, step):
        samples += await anyio.to_thread.run_sync(
            _chunk, batch, profile, start, start + step, judge
        )
        if progress is not None:
            await progress(len(samples), total)
    return samples


def _chunk(
    batch: Batch, profile: RewardProfile, start: int, stop: int, judge: Judge | None
) -> list[SampleResult]:
    return engine_score(batch, profile, start=start, stop=stop, judge=judge)


def assemble_record(
    batch: Batch,
    samples: Sequence[SampleResult],
    profile: RewardProfile,
    *,
    participant: str | None,
    salt: str | None,
    judge: Judge | None = None,
) -> RunRecord:
    """The completed run record, exactly as every other surface builds it."""
    manifest = batch_manifest(batch, profile, participant=participant, salt=salt, judge=judge)
    return engine_record(batch, samples, manifest)


def batch_metrics(
    batch: Batch, samples: Sequence[SampleResult], profile: RewardProfile
) -> SuiteMetrics:
    """The metrics `assemble_record` gives the run (the suite's summary of the samples in
    (task id, epoch) order under the run's profile), without the manifest and record an
    unstored batch never returns: the manifest hashes every task for the dataset hash,
    a tenth of the scoring time at 1,000 items."""
    order = sorted(range(len(batch.records)), key=lambda i: _key(batch.records[i]))
    return batch.suite.summarize([samples[i] for i in order], profile=profile)


def _key(record: ResponseRecord) -> tuple[str, int]:
    return (record.id, record.epoch)
