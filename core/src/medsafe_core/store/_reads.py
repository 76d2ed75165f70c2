"""Reading runs: whole records, listings, resume keys and the leaderboard."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from medsafe_core.identity import Identity, may_read
from medsafe_core.leaderboard import (
    DEFAULT_RANKING_METRIC,
    Leaderboard,
    OfficialConfig,
    Provenance,
    RunFacts,
    build_leaderboard,
)
from medsafe_core.models import (
    ResponseRecord,
    RunManifest,
    RunMeta,
    RunRecord,
    RunState,
    SampleResult,
    SuiteMetrics,
    Task,
)
from medsafe_core.records import RunNotFoundError, RunSummary
from medsafe_core.settings import Settings
from medsafe_core.store._base import StoreBase, summarize
from medsafe_core.store.tables import responses, run_tasks, runs, samples
from medsafe_core.suites import get_suite


def _metrics(row: Row[Any]) -> SuiteMetrics | None:
    if row.metrics_json is None:
        return None
    return SuiteMetrics.model_validate_json(row.metrics_json)


def _official(row: Row[Any]) -> bool:
    return row.provenance == Provenance.ASSESSMENT or row.signed_off_by is not None


def _summary(row: Row[Any], manifest: RunManifest) -> RunSummary:
    metrics = _metrics(row)
    official = _official(row)
    return RunSummary(
        run_id=row.run_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        state=RunState(row.state),
        suite=row.suite,
        suite_version=row.suite_version,
        participant=row.participant,
        participant_name=manifest.participant_name,
        ground_truth_source=row.ground_truth_source,
        ranked=official and row.state == RunState.COMPLETED and row.ground_truth_source == "server",
        provenance=Provenance(row.provenance),
        official=official,
        submitter=row.submitter,
        verified=bool(row.participant_verified) or official,
        published=bool(row.published),
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


def _facts(row: Row[Any]) -> RunFacts:
    manifest = RunManifest.model_validate_json(row.manifest_json)
    return RunFacts(
        run_id=row.run_id,
        created_at=row.created_at,
        order=row.seq,
        state=RunState(row.state),
        participant=row.participant,
        participant_name=manifest.participant_name,
        ground_truth_source=row.ground_truth_source,
        provenance=Provenance(row.provenance),
        signed_off=row.signed_off_by is not None,
        verified=bool(row.participant_verified),
        suite=row.suite,
        suite_version=row.suite_version,
        scorer_version=row.scorer_version,
        profile_hash=row.profile_hash,
        dataset_hash=row.dataset_hash,
        seed_salt_hash=manifest.seed_salt_hash,
        n_tasks=manifest.n,
        epochs=manifest.epochs,
        n_samples=row.n_samples,
        metrics=_metrics(row),
    )


def visible_to(viewer: Identity | None) -> ColumnElement[bool] | None:
    """The SQL condition of the runs `viewer` may read (None: every run)."""
    if viewer is None or viewer.admin:
        return None
    own = runs.c.submitter.is_(None) if viewer.name is None else runs.c.submitter == viewer.name
    conditions = [runs.c.published.is_(True), own]
    if viewer.participants:
        conditions.append(runs.c.participant.in_(sorted(viewer.participants)))
    return or_(*conditions)


def default_config(suite: str, *, salt_hash: str | None = None) -> OfficialConfig:
    """The suite's official configuration with default size rules."""
    found = get_suite(suite)
    return OfficialConfig(
        suite=suite,
        suite_version=found.info.version,
        scorer_version=found.info.scorer_version,
        profile_hash=found.default_profile().hash,
        min_tasks=Settings.model_fields["leaderboard_min_tasks"].default,
        epochs=Settings.model_fields["leaderboard_epochs"].default,
        salt_required=salt_hash is not None,
        salt_hash=salt_hash,
    )


class RunReads(StoreBase):
    """Queries over runs."""

    async def get_run(self, run_id: str, *, viewer: Identity | None = None) -> RunRecord:
        """The whole record of a run, samples in (task id, epoch) order. A run that has
        not finished gets metrics computed from the samples stored so far. With `viewer`,
        a run they may not read is RunNotFoundError (its existence is not revealed)."""
        async with self._read() as conn:
            row = await self._visible_row(conn, run_id, viewer)
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
        viewer: Identity | None = None,
    ) -> list[RunSummary]:
        """Runs, newest first, optionally filtered; with `viewer`, only those they may
        read (published, their own, their participants'; admins read all)."""
        query = select(runs).order_by(runs.c.seq.desc()).limit(limit).offset(offset)
        if suite is not None:
            query = query.where(runs.c.suite == suite)
        if participant is not None:
            query = query.where(runs.c.participant == participant)
        if state is not None:
            query = query.where(runs.c.state == str(state))
        condition = visible_to(viewer)
        if condition is not None:
            query = query.where(condition)
        async with self._read() as conn:
            rows = list(await conn.execute(query))
        return [_summary(r, RunManifest.model_validate_json(r.manifest_json)) for r in rows]

    async def get_summary(self, run_id: str, *, viewer: Identity | None = None) -> RunSummary:
        """The listing line of one run (RunNotFoundError, also when `viewer` may not
        read it)."""
        async with self._read() as conn:
            row = await self._visible_row(conn, run_id, viewer)
        return _summary(row, RunManifest.model_validate_json(row.manifest_json))

    async def _visible_row(
        self, conn: AsyncConnection, run_id: str, viewer: Identity | None
    ) -> Row[Any]:
        row = await self._run_row(conn, run_id)
        readable = may_read(
            viewer, submitter=row.submitter, participant=row.participant, published=row.published
        )
        if not readable:
            raise RunNotFoundError(run_id)
        return row

    async def completed_keys(self, run_id: str) -> set[tuple[str, int]]:
        """(task id, epoch) of every stored sample: what a resumed run can skip."""
        async with self._read() as conn:
            await self._run_row(conn, run_id)
            rows = await conn.execute(
                select(samples.c.task_id, samples.c.epoch).where(samples.c.run_id == run_id)
            )
            return {(r.task_id, r.epoch) for r in rows}

    async def leaderboard(
        self,
        suite: str,
        *,
        metric: str = DEFAULT_RANKING_METRIC,
        config: OfficialConfig | None = None,
    ) -> Leaderboard:
        """The suite's board under `config` (default: `default_config(suite)`, public ids
        accepted): official runs ranked, self-reported runs listed apart. See
        `medsafe_core.leaderboard` for the rules."""
        config = config or default_config(suite)
        query = (
            select(runs)
            .where(
                runs.c.suite == suite,
                runs.c.state == str(RunState.COMPLETED),
                runs.c.ground_truth_source == "server",
                runs.c.participant.is_not(None),
                runs.c.suite_version == config.suite_version,
                runs.c.scorer_version == config.scorer_version,
                runs.c.profile_hash == config.profile_hash,
            )
            .order_by(runs.c.seq)
        )
        async with self._read() as conn:
            rows = list(await conn.execute(query))
        return build_leaderboard((_facts(r) for r in rows), config, metric)
