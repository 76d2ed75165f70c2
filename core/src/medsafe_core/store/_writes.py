"""Writing runs: create, append samples (never rewritten), change state, finish."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Table, insert, select, tuple_, update
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

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
from medsafe_core.records import (
    DuplicateSampleError,
    IdempotencyConflictError,
    RunStateError,
    StoreError,
    Submission,
)
from medsafe_core.store._base import now_iso
from medsafe_core.store._batch import RESPONSE_COLUMNS, SAMPLE_COLUMNS, _Insert
from medsafe_core.store._reads import RunReads
from medsafe_core.store.tables import responses, run_tasks, runs, samples

TERMINAL = frozenset({RunState.COMPLETED, RunState.FAILED})
_CHUNK = 500  # rows per INSERT, well under SQLite's and asyncpg's parameter limits


class DuplicateRunError(StoreError):
    """A run with that id already exists."""


def _run_values(
    meta: RunMeta,
    manifest: RunManifest,
    state: RunState,
    owner: str | None,
    submission: Submission,
) -> dict[str, Any]:
    return {
        "provenance": str(submission.provenance),
        "submitter": submission.submitter,
        "participant_verified": submission.participant_verified,
        "published": submission.published,
        "idempotency_key": submission.idempotency_key,
        "request_hash": submission.request_hash,
        "run_id": meta.run_id,
        "created_at": meta.created_at,
        "updated_at": now_iso(),
        "state": str(state),
        "owner": owner,
        "suite": manifest.suite,
        "suite_version": manifest.suite_version,
        "dataset_id": manifest.dataset_id,
        "dataset_hash": manifest.dataset_hash,
        "scorer_version": manifest.scorer_version,
        "profile_name": manifest.profile.name,
        "profile_hash": manifest.profile_hash,
        "participant": manifest.participant,
        "ground_truth_source": manifest.ground_truth_source,
        "n_samples": 0,
        "manifest_json": manifest.model_dump_json(),
        "metrics_json": None,
    }


async def _insert_chunked(conn: AsyncConnection, table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), _CHUNK):
        await conn.execute(insert(table), rows[start : start + _CHUNK])


@cache
def _inserter(dialect: Dialect, table: Table, columns: tuple[str, ...]) -> _Insert:
    return _Insert(table, columns, dialect)


async def _insert_tuples(
    conn: AsyncConnection, table: Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """Insert rows (tuples of `columns`) with the driver's executemany: SQLAlchemy neither
    compiles the statement again nor rebuilds each row's parameters by name; the
    columns' bind processors still apply."""
    if rows:
        inserter = _inserter(conn.dialect, table, columns)
        await conn.exec_driver_sql(inserter.sql, inserter.params(rows))


def _not_running(run_id: str, state: str) -> str:
    return (
        f"run {run_id} is {state}; only a running run takes samples "
        "(set_state(run_id, RunState.RUNNING) to resume an interrupted run)"
    )


_SAMPLE_JSON = SampleResult.__pydantic_serializer__.to_json
"""`SampleResult.model_dump_json` without its per-call wrapper (same bytes, as UTF-8)."""


def _rows(
    run_id: str, items: Sequence[tuple[ResponseRecord, SampleResult]]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The response and sample rows of finished samples, as `RESPONSE_COLUMNS` and
    `SAMPLE_COLUMNS` tuples."""
    response_rows = [(run_id, r.id, r.epoch, r.response, r.error, r.latency_ms) for r, _ in items]
    sample_rows = [
        (
            run_id,
            s.id,
            s.epoch,
            str(s.outcome),
            s.reward,
            s.safe,
            _SAMPLE_JSON(s).decode(),
        )
        for _, s in items
    ]
    return response_rows, sample_rows


def _check_pairs(run_id: str, items: Sequence[tuple[ResponseRecord, SampleResult]]) -> None:
    seen: set[tuple[str, int]] = set()
    for response, sample in items:
        key = (response.id, response.epoch)
        if key != (sample.id, sample.epoch):
            raise ValueError(f"response {key} and sample {(sample.id, sample.epoch)} do not match")
        if key in seen:
            raise DuplicateSampleError(f"run {run_id}: sample {key} appears twice in the batch")
        seen.add(key)


def _record_items(record: RunRecord) -> list[tuple[ResponseRecord, SampleResult]]:
    """The (response, sample) pairs of a record, checked: each sample with the response of
    its (id, epoch), an empty response when it has none. A record whose responses and
    samples are already aligned one to one (as `assemble_record` makes them) is paired as
    it stands; any other is paired by key (`_check_pairs` then names a duplicate)."""
    responses, samples = record.responses, record.samples
    if len(responses) == len(samples):
        keys = [(r.id, r.epoch) for r in responses]
        if keys == [(s.id, s.epoch) for s in samples] and len(set(keys)) == len(keys):
            return list(zip(responses, samples, strict=True))
    by_key = {(r.id, r.epoch): r for r in responses}
    items = [
        (by_key.get((s.id, s.epoch)) or ResponseRecord(id=s.id, epoch=s.epoch), s) for s in samples
    ]
    _check_pairs(record.meta.run_id, items)
    return items


class RunWrites(RunReads):
    """Creating runs and appending to them."""

    async def create_run(
        self,
        meta: RunMeta,
        manifest: RunManifest,
        tasks: Sequence[Task] = (),
        *,
        owner: str | None = None,
        submission: Submission | None = None,
    ) -> None:
        """Record a new run in state `running` (whatever `meta.state` says), with the
        ground truth of tasks that cannot be regenerated from their ids. `owner` names
        the writing process, for `mark_running_interrupted(owner)` after a crash;
        `submission` says who made it (default: self-reported, anonymous)."""
        async with self._write() as conn:
            await self._insert_run(
                conn, meta, manifest, RunState.RUNNING, owner, tasks, submission or Submission()
            )

    async def _insert_run(
        self,
        conn: AsyncConnection,
        meta: RunMeta,
        manifest: RunManifest,
        state: RunState,
        owner: str | None,
        tasks: Sequence[Task],
        submission: Submission,
    ) -> None:
        exists = await conn.execute(select(runs.c.seq).where(runs.c.run_id == meta.run_id))
        if exists.first() is not None:
            raise DuplicateRunError(f"a run with id {meta.run_id!r} already exists")
        values = _run_values(meta, manifest, state, owner, submission)
        await conn.execute(insert(runs).values(**values))
        unique = {t.id: t for t in tasks}
        rows = [
            {"run_id": meta.run_id, "task_id": t.id, "task_json": t.model_dump_json()}
            for t in unique.values()
        ]
        await _insert_chunked(conn, run_tasks, rows)

    async def append_samples(
        self, run_id: str, items: Sequence[tuple[ResponseRecord, SampleResult]]
    ) -> None:
        """Append finished samples (with their raw responses) to a running run, all or
        none. DuplicateSampleError when a (task id, epoch) is already stored or repeats
        in the batch; RunStateError unless the run is `running`."""
        _check_pairs(run_id, items)
        if not items:
            return
        try:
            async with self._write() as conn:
                await self._append(conn, run_id, items, require_running=True)
        except IntegrityError:
            raise DuplicateSampleError(await self._duplicates_message(run_id, items)) from None

    async def _append(
        self,
        conn: AsyncConnection,
        run_id: str,
        items: Sequence[tuple[ResponseRecord, SampleResult]],
        *,
        require_running: bool,
    ) -> None:
        row = await self._run_row(conn, run_id)
        if require_running and row.state != RunState.RUNNING:
            raise RunStateError(_not_running(run_id, row.state))
        response_rows, sample_rows = _rows(run_id, items)
        await _insert_tuples(conn, responses, RESPONSE_COLUMNS, response_rows)
        await _insert_tuples(conn, samples, SAMPLE_COLUMNS, sample_rows)
        await conn.execute(
            update(runs)
            .where(runs.c.run_id == run_id)
            .values(n_samples=runs.c.n_samples + len(items), updated_at=now_iso())
        )

    async def _duplicates_message(
        self, run_id: str, items: Sequence[tuple[ResponseRecord, SampleResult]]
    ) -> str:
        keys = [(s.id, s.epoch) for _, s in items]
        found: list[tuple[str, int]] = []
        async with self._read() as conn:
            for start in range(0, len(keys), _CHUNK):
                chunk = keys[start : start + _CHUNK]
                query = select(samples.c.task_id, samples.c.epoch).where(
                    samples.c.run_id == run_id,
                    tuple_(samples.c.task_id, samples.c.epoch).in_(chunk),
                )
                found.extend((r.task_id, r.epoch) for r in await conn.execute(query))
        shown = ", ".join(f"({i!r}, {e})" for i, e in sorted(found)[:5]) or "unknown"
        return f"run {run_id} already holds samples {shown}; samples are never rewritten"

    async def finish_run(
        self, run_id: str, state: RunState, metrics: SuiteMetrics | None = None
    ) -> None:
        """End a run as completed, failed or interrupted. A completed run gets `metrics`
        (computed from its stored samples when None). Terminal runs cannot change."""
        if state == RunState.RUNNING:
            raise RunStateError("finish_run takes completed, failed or interrupted")
        if metrics is None and state == RunState.COMPLETED:
            record = await self.get_run(run_id)
            metrics = record.metrics
        async with self._write() as conn:
            await self._change_state(conn, run_id, state, metrics)

    async def set_state(self, run_id: str, state: RunState) -> None:
        """Move a run that has not finished between running and interrupted (or to
        failed). Completing goes through `finish_run`, which records the metrics."""
        if state == RunState.COMPLETED:
            await self.finish_run(run_id, state)
            return
        async with self._write() as conn:
            await self._change_state(conn, run_id, state, None)

    async def _change_state(
        self, conn: AsyncConnection, run_id: str, state: RunState, metrics: SuiteMetrics | None
    ) -> None:
        row = await self._run_row(conn, run_id)
        if row.state in TERMINAL:
            raise RunStateError(f"run {run_id} is {row.state} and cannot become {state}")
        values: dict[str, Any] = {"state": str(state), "updated_at": now_iso()}
        if metrics is not None:
            values["metrics_json"] = metrics.model_dump_json()
        await conn.execute(update(runs).where(runs.c.run_id == run_id).values(**values))

    async def save_run_record(
        self,
        record: RunRecord,
        *,
        owner: str | None = None,
        submission: Submission | None = None,
    ) -> str:
        """Store a whole record (run, tasks, responses, samples, metrics and its state) in
        one transaction: all of it or nothing. Returns the stored run's id: with an
        idempotency key already used for the same request, the run that key stored
        (nothing new is written); IdempotencyConflictError when it stored another."""
        submission = submission or Submission()
        items = _record_items(record)
        if submission.idempotency_key is not None:
            earlier = await self._idempotent_run(submission)
            if earlier is not None:
                return earlier
        try:
            await self._save(record, items, owner, submission)
        except IntegrityError:
            earlier = (
                await self._idempotent_run(submission)
                if submission.idempotency_key is not None
                else None
            )
            if earlier is None:
                raise
            return earlier  # a concurrent retry with the same key stored it first
        return record.meta.run_id

    async def _save(
        self,
        record: RunRecord,
        items: Sequence[tuple[ResponseRecord, SampleResult]],
        owner: str | None,
        submission: Submission,
    ) -> None:
        state = record.meta.state
        async with self._write() as conn:
            await self._insert_run(
                conn, record.meta, record.manifest, state, owner, record.tasks, submission
            )
            if items:
                await self._append(conn, record.meta.run_id, items, require_running=False)
            if state in TERMINAL or state == RunState.INTERRUPTED:
                await conn.execute(
                    update(runs)
                    .where(runs.c.run_id == record.meta.run_id)
                    .values(metrics_json=record.metrics.model_dump_json())
                )

    async def _idempotent_run(self, submission: Submission) -> str | None:
        """The run an idempotency key stored, checking it was for the same request."""
        async with self._read() as conn:
            row = (
                await conn.execute(
                    select(runs.c.run_id, runs.c.request_hash).where(
                        runs.c.idempotency_key == submission.idempotency_key
                    )
                )
            ).first()
        if row is None:
            return None
        if row.request_hash != submission.request_hash:
            raise IdempotencyConflictError(
                "this idempotency key already stored a run for a different request; "
                "use a new key for a new request"
            )
        return str(row.run_id)

    async def sign_off(self, run_id: str, by: str) -> None:
        """Mark a run official (an admin's decision; `by` names the admin). Only a
        completed run can be signed off."""
        async with self._write() as conn:
            row = await self._run_row(conn, run_id)
            if row.state != RunState.COMPLETED:
                raise RunStateError(f"run {run_id} is {row.state}; only completed runs")
            await conn.execute(
                update(runs)
                .where(runs.c.run_id == run_id)
                .values(signed_off_by=by, signed_off_at=now_iso())
            )

    async def set_published(self, run_id: str, published: bool = True) -> None:
        """Make a run readable by every caller (or withdraw that)."""
        async with self._write() as conn:
            await self._run_row(conn, run_id)
            await conn.execute(
                update(runs).where(runs.c.run_id == run_id).values(published=published)
            )

    async def mark_running_interrupted(self, owner: str | None = None) -> list[str]:
        """At process start: runs left `running` by a crashed writer (those of `owner`,
        or all when None) become `interrupted`, keeping their finished samples."""
        async with self._write() as conn:
            query = select(runs.c.run_id).where(runs.c.state == RunState.RUNNING)
            if owner is not None:
                query = query.where(runs.c.owner == owner)
            ids = [r.run_id for r in await conn.execute(query)]
            if ids:
                await conn.execute(
                    update(runs)
                    .where(runs.c.run_id.in_(ids), runs.c.state == RunState.RUNNING)
                    .values(state=str(RunState.INTERRUPTED), updated_at=now_iso())
                )
        return sorted(ids)
