"""How `run_samples` writes finished samples: in batches (group commit), each sample
exactly once, the last batch at once, and nothing more after a sink refuses a write."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest

from medsafe_agents.green.assessment import Progress, run_samples
from medsafe_agents.green.participant import Answer
from medsafe_agents.green.plan import plan_assessment
from medsafe_agents.green.request import parse_eval_request
from medsafe_core.models import ResponseRecord, SampleResult
from medsafe_core.store import LeaseLostError

from .conftest import make_settings

ANSWER = json.dumps({"analysis": "Not stated.", "proof": "", "final": "The context does not say."})


class Sink:
    def __init__(self, fail_after: int | None = None) -> None:
        self.writes: list[list[tuple[ResponseRecord, SampleResult]]] = []
        self.fail_after = fail_after

    async def append_samples(
        self, run_id: str, items: list[tuple[ResponseRecord, SampleResult]]
    ) -> None:
        if self.fail_after is not None and len(self.writes) >= self.fail_after:
            raise LeaseLostError(f"run {run_id}: lease gone")
        await asyncio.sleep(0.001)
        self.writes.append(list(items))


class Delayed:
    def __init__(self, latency: float) -> None:
        self.latency = latency

    async def ask(self, parts: list[Any]) -> Answer:
        await asyncio.sleep(self.latency)
        return Answer(ANSWER, latency_ms=self.latency * 1000)


def plan_of(tmp_path, n: int, concurrency: int, epochs: int = 1):  # type: ignore[no-untyped-def]
    request = parse_eval_request(
        {
            "participants": {"agent": "http://127.0.0.1:19010/"},
            "config": {"num_tasks": n, "concurrency": concurrency, "epochs": epochs},
        }
    )
    return plan_assessment(request, make_settings(tmp_path))


async def run(plan, sink, *, done=frozenset(), linger=0.025, asker=None):  # type: ignore[no-untyped-def]
    progress = Progress("r1", plan.total)
    reports: list[int] = []

    async def report(p: Progress) -> None:
        reports.append(p.done)

    await run_samples(
        plan,
        "r1",
        asker or Delayed(0.01),
        sink,
        done=set(done),
        progress=progress,
        on_progress=report,
        progress_interval_s=0.0,
        write_linger_s=linger,
    )
    return progress, reports


async def test_samples_are_written_in_batches_each_once(tmp_path):
    plan = plan_of(tmp_path, 60, concurrency=12, epochs=2)  # lingers from 2 on
    sink = Sink()
    progress, reports = await run(plan, sink)
    keys = [(r.id, r.epoch) for batch in sink.writes for r, _ in batch]
    assert sorted(keys) == sorted((t.id, e) for e in range(2) for t in plan.tasks)
    assert len(set(keys)) == 120
    assert len(sink.writes) <= 12  # one write per sample or two without the linger
    assert progress.done == 120 and len(progress.samples) == 120
    assert reports == sorted(reports) and reports[-1] < 120  # no report for the end
    for batch in sink.writes:
        for record, sample in batch:
            assert (record.id, record.epoch) == (sample.id, sample.epoch)


async def test_done_samples_are_skipped(tmp_path):
    plan = plan_of(tmp_path, 10, concurrency=4)
    done = {(t.id, 0) for t in plan.tasks[:6]}
    sink = Sink()
    progress, _ = await run(plan, sink, done=done)
    written = {(r.id, r.epoch) for batch in sink.writes for r, _ in batch}
    assert written == {(t.id, 0) for t in plan.tasks[6:]}
    assert progress.done == 4


async def test_the_last_batch_is_written_without_waiting(tmp_path):
    plan = plan_of(tmp_path, 1, concurrency=1)
    sink = Sink()
    started = time.monotonic()
    await run(plan, sink, linger=5.0)
    assert time.monotonic() - started < 2.0
    assert len(sink.writes) == 1


async def test_a_refused_write_stops_the_run_and_nothing_more_is_written(tmp_path):
    plan = plan_of(tmp_path, 40, concurrency=8)
    sink = Sink(fail_after=1)
    with pytest.raises(LeaseLostError):
        await run(plan, sink)
    assert len(sink.writes) == 1
    await asyncio.sleep(0.05)  # the workers were stopped: no late writes
    assert len(sink.writes) == 1


async def test_below_the_linger_concurrency_each_sample_is_written_as_it_finishes(tmp_path):
    plan = plan_of(tmp_path, 6, concurrency=1)
    sink = Sink()
    _, reports = await run(plan, sink)
    assert [len(batch) for batch in sink.writes] == [1] * 6
    assert reports == [1, 2, 3, 4, 5]


class Staggered:
    def __init__(self) -> None:
        self.calls = 0

    async def ask(self, parts: list[Any]) -> Answer:
        self.calls += 1
        await asyncio.sleep(0.02 * self.calls)  # one answer after the other
        return Answer(ANSWER)


async def test_the_linger_ends_when_the_last_sample_is_in(tmp_path):
    plan = plan_of(tmp_path, 8, concurrency=8)
    sink = Sink()
    started = time.monotonic()
    await run(plan, sink, linger=5.0, asker=Staggered())
    assert time.monotonic() - started < 2.0
    assert sum(len(batch) for batch in sink.writes) == 8
