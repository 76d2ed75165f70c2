"""Evaluating a model endpoint on a suite: render each task with its format
instructions, call the model (bounded, retried, cached), score each answer as it
arrives and hand the sample on (to the store, a progress bar).

A call that fails after its retries is an infrastructure error: its sample is an
ERROR sample with the reason, never a scored wrong answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from medsafe_core.evaluation import score_record
from medsafe_core.model.client import ModelClient
from medsafe_core.model.types import ChatMessage, ChatParams, ModelError
from medsafe_core.models import ResponseRecord, RewardProfile, SampleResult, Task
from medsafe_core.parsing.types import ResponseFormat
from medsafe_core.suites import Suite

if TYPE_CHECKING:
    from medsafe_core.judging import Judge

OnSample = Callable[[ResponseRecord, SampleResult], Awaitable[None] | None]


@dataclass(frozen=True)
class EvalItem:
    """One model call to make: a task and its trial number."""

    task: Task
    epoch: int


def plan(
    tasks: Sequence[Task], epochs: int, done: set[tuple[str, int]] | None = None
) -> list[EvalItem]:
    """Every (task, epoch) not yet done, epoch-major so early stops cover all tasks."""
    skip = done or set()
    return [EvalItem(t, e) for e in range(epochs) for t in tasks if (t.id, e) not in skip]


async def answer_item(
    suite: Suite,
    item: EvalItem,
    *,
    client: ModelClient,
    params: ChatParams,
    fmt: ResponseFormat,
    system: str | None = None,
) -> ResponseRecord:
    """Call the model on one item: its raw answer, or the infrastructure error."""
    prompt = suite.prompt(item.task.view(), fmt)
    messages = [ChatMessage(role="system", content=system)] if system else []
    messages.append(ChatMessage(role="user", content=prompt))
    trial = params.model_copy(update={"sample": item.epoch})
    try:
        result = await client.chat(trial, messages)
    except ModelError as exc:
        return ResponseRecord(
            id=item.task.id, epoch=item.epoch, response=None, error=f"model {exc}"
        )
    return ResponseRecord(
        id=item.task.id,
        epoch=item.epoch,
        response=result.text,
        latency_ms=round(result.latency_ms, 1),
    )


async def evaluate_items(
    suite: Suite,
    items: Sequence[EvalItem],
    *,
    client: ModelClient,
    params: ChatParams,
    profile: RewardProfile,
    fmt: ResponseFormat = ResponseFormat.JSON,
    score_fmt: ResponseFormat | None = None,
    system: str | None = None,
    judge: Judge | None = None,
    on_sample: OnSample | None = None,
) -> list[tuple[ResponseRecord, SampleResult]]:
    """Answer and score every item (at most `client.concurrency` calls at once, since
    the client bounds them). `on_sample` sees each pair as it is scored."""
    out: list[tuple[ResponseRecord, SampleResult]] = []

    async def one(item: EvalItem) -> None:
        record = await answer_item(
            suite, item, client=client, params=params, fmt=fmt, system=system
        )
        sample = await asyncio.to_thread(
            score_record, suite, item.task, record, profile, score_fmt or fmt, judge
        )
        out.append((record, sample))
        if on_sample is not None:
            maybe = on_sample(record, sample)
            if maybe is not None:
                await maybe

    # a worker pool a little wider than the client's bound keeps the endpoint busy
    # while answers are scored, without creating one coroutine per task up front
    queue: asyncio.Queue[EvalItem] = asyncio.Queue()
    for item in items:
        queue.put_nowait(item)

    async def worker() -> None:
        while True:
            try:
                item = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            await one(item)

    width = max(1, min(len(items), client.concurrency * 2))
    await asyncio.gather(*(worker() for _ in range(width)))
    out.sort(key=lambda pair: (pair[0].id, pair[0].epoch))
    return out
