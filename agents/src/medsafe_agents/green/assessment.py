"""Running an assessment: fan the tasks out to the participant with a bound on
concurrency, score each answer in process, persist each sample as it completes, and
report progress. Infrastructure errors become ERROR samples; the run always finishes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from medsafe_agents.green.limits import clip_answer
from medsafe_agents.green.participant import Answer
from medsafe_agents.green.plan import AssessmentPlan
from medsafe_core.evaluation import score_record
from medsafe_core.models import Outcome, ResponseRecord, SampleResult, Task

logger = logging.getLogger(__name__)

WRITE_LINGER_S = 0.025
"""How long the writer waits after a sample finishes for others to join its write.
Each write is a transaction through the run's lease: about 20 round trips to the
database driver's thread, ~5 ms of CPU on SQLite whatever the number of samples; at
concurrency 32 one write now carries ~10-20 samples instead of ~4. A sample not yet
written when a replica stops is redone by the replica that takes the run over, as
before (at most a linger's worth more of them); workers never wait for the writer."""
LINGER_MIN_CONCURRENCY = 2
"""With one call in flight no other sample can finish during a linger: each sample is
then written (and reported) on its own, as it finishes."""


class Asker(Protocol):
    """Something that puts one task to the participant."""

    async def ask(self, parts: list[Any]) -> Answer: ...


class SampleSink(Protocol):
    """Where finished samples go (the store)."""

    async def append_samples(
        self, run_id: str, items: list[tuple[ResponseRecord, SampleResult]]
    ) -> None: ...


@dataclass
class Progress:
    """Running totals of an assessment, sent as progress updates."""

    run_id: str
    total: int
    done: int = 0
    errors: int = 0
    safe: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)
    samples: list[SampleResult] = field(default_factory=list)
    """Every persisted sample of the run (so the end needs no re-read of the store)."""

    def add(self, sample: SampleResult) -> None:
        """Count one persisted sample."""
        self.samples.append(sample)
        self.done += 1
        self.errors += sample.outcome == Outcome.ERROR
        self.safe += sample.safe
        self.outcomes[str(sample.outcome)] += 1

    def as_data(self) -> dict[str, Any]:
        """The progress data part."""
        judged = self.done - self.errors
        return {
            "kind": "medsafe.progress",
            "run_id": self.run_id,
            "done": self.done,
            "total": self.total,
            "errors": self.errors,
            "safe_rate_so_far": round(self.safe / judged, 4) if judged else None,
            "outcomes": dict(sorted(self.outcomes.items())),
            "elapsed_s": round(time.monotonic() - self.started, 3),
        }

    def text(self) -> str:
        """One line for people."""
        return f"{self.done}/{self.total} samples done ({self.errors} infrastructure errors)"


ProgressCallback = Callable[[Progress], Awaitable[None]]


def score_safely(plan: AssessmentPlan, task: Task, record: ResponseRecord) -> SampleResult:
    """Score one answer through the engine's one path (`score_record` never raises: a
    scorer exception gives an UNSCORED sample, no response an ERROR sample)."""
    return score_record(plan.suite, task, record, plan.profile)


async def run_samples(
    plan: AssessmentPlan,
    run_id: str,
    asker: Asker,
    sink: SampleSink,
    *,
    done: set[tuple[str, int]],
    progress: Progress,
    on_progress: ProgressCallback,
    progress_interval_s: float = 1.0,
    write_linger_s: float = WRITE_LINGER_S,
) -> None:
    """Run every (task, epoch) not in `done`; persist and count each as it finishes
    (within `write_linger_s` at a concurrency of `LINGER_MIN_CONCURRENCY` or more:
    samples are written in batches)."""
    cfg = plan.request.config
    pending: asyncio.Queue[tuple[Task, int]] = asyncio.Queue()
    for epoch in range(cfg.epochs):
        for task in plan.tasks:
            if (task.id, epoch) not in done:
                pending.put_nowait((task, epoch))
    remaining = pending.qsize()
    linger_s = write_linger_s if cfg.concurrency >= LINGER_MIN_CONCURRENCY else 0.0
    finished: asyncio.Queue[tuple[ResponseRecord, SampleResult]] = asyncio.Queue()
    unanswered = remaining
    all_answered = asyncio.Event()

    async def worker() -> None:
        nonlocal unanswered
        while True:
            try:
                task, epoch = pending.get_nowait()
            except asyncio.QueueEmpty:
                return
            try:
                answer = await asker.ask(plan.parts_for(task))
            except Exception as exc:  # keep the run going; the reason is recorded
                logger.exception("participant call failed unexpectedly on %s", task.id)
                answer = Answer(None, f"green agent error: {type(exc).__name__}: {exc}")
            record = ResponseRecord(
                id=task.id,
                epoch=epoch,
                response=None
                if answer.response is None
                else clip_answer(answer.response, plan.answer_limit),
                error=answer.error,
                latency_ms=round(answer.latency_ms, 3),
            )
            finished.put_nowait((record, score_safely(plan, task, record)))
            unanswered -= 1
            if not unanswered:
                all_answered.set()

    async def writer() -> None:
        nonlocal remaining
        last = 0.0
        while remaining:
            batch = [await finished.get()]
            if len(batch) + finished.qsize() < remaining and linger_s > 0:
                # Group commit: wait a moment for the samples finishing meanwhile, so a
                # write (a transaction through the lease) carries many of them. The
                # batch that ends the run is written as soon as its last sample is in.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(linger_s):
                        await all_answered.wait()
            while not finished.empty():
                batch.append(finished.get_nowait())
            await sink.append_samples(run_id, batch)
            remaining -= len(batch)
            for _, sample in batch:
                progress.add(sample)
            now = time.monotonic()
            if remaining and now - last >= progress_interval_s:
                last = now
                await on_progress(progress)

    workers = [asyncio.create_task(worker()) for _ in range(min(cfg.concurrency, remaining))]
    try:
        await writer()
        await asyncio.gather(*workers)
    finally:
        for w in workers:
            w.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
