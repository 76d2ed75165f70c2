"""Reading runs: whole records, listings, resume keys and the leaderboard."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Row

from medsafe_core.models import (
    Estimate,
    ResponseRecord,
    RunManifest,
    RunMeta,
    RunRecord,
    RunState,
    SampleResult,
    SuiteMetrics,
    Task,
)
from medsafe_core.store._base import StoreBase, summarize
from medsafe_core.store.models import ComparabilityKey, LeaderboardRow, RunSummary
from medsafe_core.store.tables import responses, run_tasks, runs, samples

DEFAULT_RANKING_METRIC = "safe_response_rate"
"""Rows of a leaderboard are ordered by this metric (errors counted as failures)."""
LOWER_IS_BETTER = frozenset({"hallucination_rate", "refusal_rate", "format_error_rate"})
_SUMMARY_COLUMNS = [c for c in runs.c if c.name != "manifest_json"]


def _metrics(row: Row[Any]) -> SuiteMetrics | None:
    if row.metrics_json is None:
        return None
    return SuiteMetrics.model_validate_json(row.metrics_json)


def _summary(row: Row[Any], manifest: RunManifest) -> RunSummary:
    metrics = _metrics(row)
    return RunSummary(
        run_id=row.run_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        state=RunState(row.state),
        suite=row.suite,
        suite_version=row.suite_version,
        participant=row.participant,
        ground_truth_source=row.ground_truth_source,
        ranked=row.state == RunState.COMPLETED and row.ground_truth_source == "server",
        dataset_id=row.dataset_id,
        dataset_hash=row.dataset_hash,
        scorer_version=row.scorer_version,
        profile_name=row.profile_name,
        profile_hash=row.profile_hash,
        n_tasks=manifest.n,
        epochs=manifest.epochs,
        n_samples=row.n_samples,
        metrics=metrics.metrics if metrics else {},
    )


def _key(row: Row[Any]) -> ComparabilityKey:
    return ComparabilityKey(
        suite=row.suite,
        suite_version=row.suite_version,
        dataset_hash=row.dataset_hash,
        scorer_version=row.scorer_version,
        profile_hash=row.profile_hash,
    )


def _rank_value(estimate: Estimate, metric: str) -> float:
    if estimate.value is None:
        return float("inf")
    return estimate.value if metric in LOWER_IS_BETTER else -estimate.value


class RunReads(StoreBase):
    """Queries over runs."""

    async def get_run(self, run_id: str) -> RunRecord:
        """The whole record of a run, samples in (task id, epoch) order. A run that has
        not finished gets metrics computed from the samples stored so far."""
        async with self._read() as conn:
            row = await self._run_row(conn, run_id)
            response_rows = await conn.execute(
                select(responses)
                .where(responses.c.run_id == run_id)
                .order_by(responses.c.task_id, responses.c.epoch)
            )
            stored_responses = [
                ResponseRecord(
                    id=r.task_id,
                    epoch=r.epoch,
                    response=r.response,
                    error=r.error,
                    latency_ms=r.latency_ms,
                )
                for r in response_rows
            ]
            sample_rows = await conn.execute(
                select(samples.c.sample_json)
                .where(samples.c.run_id == run_id)
                .order_by(samples.c.task_id, samples.c.epoch)
            )
            stored_samples = [SampleResult.model_validate_json(r[0]) for r in sample_rows]
            task_rows = await conn.execute(
                select(run_tasks.c.task_json)
                .where(run_tasks.c.run_id == run_id)
                .order_by(run_tasks.c.task_id)
            )
            tasks = [Task.model_validate_json(r[0]) for r in task_rows]
        manifest = RunManifest.model_validate_json(row.manifest_json)
        return RunRecord(
            meta=RunMeta(run_id=row.run_id, created_at=row.created_at, state=RunState(row.state)),
            manifest=manifest,
            responses=stored_responses,
            samples=stored_samples,
            metrics=_metrics(row) or summarize(manifest, stored_samples),
            tasks=tasks,
        )

    async def list_runs(
        self,
        *,
        suite: str | None = None,
        participant: str | None = None,
        state: RunState | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[RunSummary]:
        """Runs, newest first, optionally filtered."""
        query = select(runs).order_by(runs.c.seq.desc()).limit(limit).offset(offset)
        if suite is not None:
            query = query.where(runs.c.suite == suite)
        if participant is not None:
            query = query.where(runs.c.participant == participant)
        if state is not None:
            query = query.where(runs.c.state == str(state))
        async with self._read() as conn:
            rows = list(await conn.execute(query))
        return [_summary(r, RunManifest.model_validate_json(r.manifest_json)) for r in rows]

    async def get_summary(self, run_id: str) -> RunSummary:
        """The listing line of one run (RunNotFoundError)."""
        async with self._read() as conn:
            row = await self._run_row(conn, run_id)
        return _summary(row, RunManifest.model_validate_json(row.manifest_json))

    async def completed_keys(self, run_id: str) -> set[tuple[str, int]]:
        """(task id, epoch) of every stored sample: what a resumed run can skip."""
        async with self._read() as conn:
            await self._run_row(conn, run_id)
            rows = await conn.execute(
                select(samples.c.task_id, samples.c.epoch).where(samples.c.run_id == run_id)
            )
            return {(r.task_id, r.epoch) for r in rows}

    async def leaderboard(
        self, suite: str, *, metric: str = DEFAULT_RANKING_METRIC
    ) -> list[LeaderboardRow]:
        """Each participant's LATEST completed run with server-side ground truth among
        the runs comparable to the suite's newest such run (same suite version, dataset
        hash, scorer version and profile hash), ranked by `metric` with errors counted
        as failures. A participant's best run is never picked over their latest."""
        query = (
            select(*_SUMMARY_COLUMNS)
            .where(
                runs.c.suite == suite,
                runs.c.state == str(RunState.COMPLETED),
                runs.c.ground_truth_source == "server",
                runs.c.participant.is_not(None),
            )
            .order_by(runs.c.created_at.desc(), runs.c.seq.desc())
        )
        async with self._read() as conn:
            rows = list(await conn.execute(query))
        if not rows:
            return []
        key = _key(rows[0])
        latest: dict[str, Row[Any]] = {}
        for row in rows:
            if _key(row) == key and row.participant not in latest:
                latest[row.participant] = row
        entries: list[tuple[float, str, Row[Any], SuiteMetrics, Estimate]] = []
        for participant, row in latest.items():
            metrics = _metrics(row) or SuiteMetrics(
                n_samples=row.n_samples, n_scored=0, n_unscored=0, n_errors=0
            )
            score = metrics.metrics_errors_as_failures.get(metric) or metrics.metrics.get(
                metric, Estimate(value=None)
            )
            entries.append((_rank_value(score, metric), participant, row, metrics, score))
        entries.sort(key=lambda e: (e[0], e[1]))
        out: list[LeaderboardRow] = []
        for position, (value, participant, row, metrics, score) in enumerate(entries, 1):
            tied = out and _rank_value(out[-1].score, metric) == value
            out.append(
                LeaderboardRow(
                    rank=out[-1].rank if tied else position,
                    participant=participant,
                    run_id=row.run_id,
                    created_at=row.created_at,
                    n_samples=row.n_samples,
                    ranking_metric=metric,
                    score=score,
                    metrics=metrics.metrics,
                    key=key,
                )
            )
        return out
