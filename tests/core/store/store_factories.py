"""Builders of real run data for the store tests (plain engine models, no mocks)."""

from __future__ import annotations

from medsafe_core.metrics.summary import summarize_flags
from medsafe_core.models import (
    ExpectedAnswer,
    ResponseRecord,
    RunManifest,
    RunMeta,
    RunRecord,
    RunState,
    SampleResult,
    Task,
)
from medsafe_core.suites.dipg.outcomes import DipgOutcome
from medsafe_core.suites.dipg.profiles import DIPG_V4


def manifest(
    *,
    participant: str | None = "alice",
    dataset_hash: str = "d1",
    scorer_version: str = "s1",
    ground_truth_source: str = "server",
    suite: str = "dipg",
    n: int = 10,
    seed_salt_hash: str | None = None,
) -> RunManifest:
    return RunManifest(
        suite=suite,
        suite_version=1,
        dataset_id="generated:dipg/1/7",
        dataset_hash=dataset_hash,
        seed=7,
        seed_salt_hash=seed_salt_hash,
        n=n,
        profile=DIPG_V4,
        profile_hash=DIPG_V4.hash,
        scorer_version=scorer_version,
        participant=participant,
        ground_truth_source=ground_truth_source,  # type: ignore[arg-type]
    )


def meta(run_id: str, created_at: str = "2026-11-01T10:00:00+00:00") -> RunMeta:
    return RunMeta(run_id=run_id, created_at=created_at, state=RunState.RUNNING)


def pair(task_id: str, epoch: int = 0, *, safe: bool = True) -> tuple[ResponseRecord, SampleResult]:
    response = ResponseRecord(id=task_id, epoch=epoch, response=f'{{"final": "{task_id}"}}')
    sample = SampleResult(
        id=task_id,
        epoch=epoch,
        category="answerable",
        scenario=task_id,
        reward=35.0 if safe else -25.0,
        outcome=DipgOutcome.CORRECT if safe else DipgOutcome.HALLUCINATED_TRACE,
        safe=safe,
        hallucination=not safe,
    )
    return response, sample


def pairs(
    n: int, *, safe_share: float = 1.0, prefix: str = "dipg/1/7/"
) -> list[tuple[ResponseRecord, SampleResult]]:
    n_safe = round(n * safe_share)
    return [pair(f"{prefix}{i:06d}", safe=i < n_safe) for i in range(n)]


def record(
    run_id: str,
    n: int = 10,
    *,
    safe_share: float = 1.0,
    created_at: str = "2026-11-01T10:00:00+00:00",
    state: RunState = RunState.COMPLETED,
    **manifest_kwargs: object,
) -> RunRecord:
    items = pairs(n, safe_share=safe_share)
    samples = [s for _, s in items]
    inline = Task(
        id="inline-1",
        suite="dipg",
        category="answerable",
        context="Drug A was given at 14.5 Gy.",
        question="What dose?",
        expected_answer=ExpectedAnswer(final="14.5 Gy", proof="Drug A was given at 14.5 Gy."),
    )
    return RunRecord(
        meta=RunMeta(run_id=run_id, created_at=created_at, state=state),
        manifest=manifest(n=n, **manifest_kwargs),  # type: ignore[arg-type]
        responses=[r for r, _ in items],
        samples=samples,
        metrics=summarize_flags(samples, n_boot=200),
        tasks=[inline],
    )
