"""Run leases: which replica works on a run, renewed by heartbeats.

A green replica that starts or resumes a run takes its lease (holder, generation,
expiry) and renews it while it works. Samples are appended and runs finished only
through the lease (`append_samples_leased`, `finish_run_leased`): the write checks,
in the same transaction, that the writer still holds the lease at the generation it
took, so a replica that lost its lease (paused past the expiry, then taken over)
cannot write a sample twice or finish a run another replica now owns. A replica
resumes only runs whose lease has expired (`claim_expired_runs`), so no replica marks
another's live run interrupted.

Times are wall-clock seconds (`time.time()`) of the replicas, which must keep their
clocks in step (NTP); a lease's time to live should be many times the expected skew.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    and_,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from medsafe_core.models import ResponseRecord, RunState, SampleResult, SuiteMetrics
from medsafe_core.records import DuplicateSampleError, RunNotFoundError, RunStateError, StoreError
from medsafe_core.store._base import now_iso
from medsafe_core.store._batch import LEASE_LOST, RUN_MISSING, SqliteAppend
from medsafe_core.store._writes import RunWrites, _check_pairs, _not_running, _rows
from medsafe_core.store.tables import metadata, runs

run_leases = Table(
    "medsafe_run_leases",
    metadata,
    Column(
        "run_id",
        String(64),
        ForeignKey("medsafe_runs.run_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("holder", String(200), nullable=False),
    Column("generation", Integer, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("heartbeat_at", Float, nullable=False),
)
"""One row per leased run (created by migration 0003)."""


class LeaseLostError(StoreError):
    """The writer no longer holds the run's lease (it expired and another replica took
    the run, or the run finished); the write was not made."""


class RunLeases(RunWrites):
    """Leases over runs, and the writes fenced by them."""

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine)
        self._sqlite_append: SqliteAppend | None = None

    async def acquire_run_lease(self, run_id: str, holder: str, ttl_s: float) -> int | None:
        """Take or renew the lease of `run_id` for `ttl_s` seconds. Returns the lease's
        generation, or None when another holder's lease has not expired yet."""
        now = time.time()
        async with self._write() as conn:
            await self._run_row(conn, run_id)
            row = (
                await conn.execute(
                    select(run_leases).where(run_leases.c.run_id == run_id).with_for_update()
                )
            ).first()
            values = {"holder": holder, "expires_at": now + ttl_s, "heartbeat_at": now}
            if row is None:
                await conn.execute(insert(run_leases).values(run_id=run_id, generation=1, **values))
                return 1
            if row.holder != holder and row.expires_at > now:
                return None
            generation = row.generation if row.holder == holder else row.generation + 1
            await conn.execute(
                update(run_leases)
                .where(run_leases.c.run_id == run_id)
                .values(generation=generation, **values)
            )
            return int(generation)

    async def renew_run_leases(
        self, holder: str, held: Mapping[str, int], ttl_s: float
    ) -> set[str]:
        """Heartbeat: extend the leases `holder` still holds at the given generations;
        the run ids whose lease was renewed (the others are lost)."""
        if not held:
            return set()
        now = time.time()
        async with self._write() as conn:
            rows = await conn.execute(
                select(run_leases.c.run_id, run_leases.c.generation).where(
                    run_leases.c.run_id.in_(list(held)), run_leases.c.holder == holder
                )
            )
            kept = {r.run_id for r in rows if held.get(r.run_id) == r.generation}
            if kept:
                await conn.execute(
                    update(run_leases)
                    .where(run_leases.c.run_id.in_(sorted(kept)), run_leases.c.holder == holder)
                    .values(expires_at=now + ttl_s, heartbeat_at=now)
                )
        return kept

    async def release_run_lease(self, run_id: str, holder: str) -> None:
        """Give a lease up (the run stopped here); other replicas may take it at once."""
        async with self._write() as conn:
            await conn.execute(
                delete(run_leases).where(
                    run_leases.c.run_id == run_id, run_leases.c.holder == holder
                )
            )

    async def claim_expired_runs(
        self, holder: str, ttl_s: float, *, owner: str, states: Sequence[RunState] = ()
    ) -> dict[str, int]:
        """Take the lease of every run of `owner` in `states` (default: running) whose
        lease expired or that has none; run id -> generation of each lease taken."""
        wanted = [str(s) for s in (states or (RunState.RUNNING,))]
        now = time.time()
        quiet_since = datetime.fromtimestamp(now - ttl_s, UTC).isoformat(timespec="microseconds")
        claimed: dict[str, int] = {}
        async with self._write() as conn:
            query = (
                select(runs.c.run_id, run_leases.c.generation)
                .select_from(runs.outerjoin(run_leases, run_leases.c.run_id == runs.c.run_id))
                .where(
                    runs.c.owner == owner,
                    runs.c.state.in_(wanted),
                    or_(
                        # a run without a lease: only once it has been quiet for a
                        # whole lease life (its creator takes the lease just after)
                        and_(run_leases.c.run_id.is_(None), runs.c.updated_at <= quiet_since),
                        run_leases.c.expires_at <= now,
                    ),
                )
                .with_for_update(of=runs)
            )
            for row in (await conn.execute(query)).all():
                values = {"holder": holder, "expires_at": now + ttl_s, "heartbeat_at": now}
                if row.generation is None:
                    await conn.execute(
                        insert(run_leases).values(run_id=row.run_id, generation=1, **values)
                    )
                    claimed[row.run_id] = 1
                    continue
                result = await conn.execute(
                    update(run_leases)
                    .where(
                        and_(
                            run_leases.c.run_id == row.run_id,
                            run_leases.c.generation == row.generation,
                            run_leases.c.expires_at <= now,
                        )
                    )
                    .values(generation=row.generation + 1, **values)
                )
                if result.rowcount:
                    claimed[row.run_id] = int(row.generation) + 1
        return claimed

    async def lease_of(self, run_id: str) -> tuple[str, int, float] | None:
        """(holder, generation, expires_at) of the run's lease, or None."""
        async with self._read() as conn:
            row = (
                await conn.execute(select(run_leases).where(run_leases.c.run_id == run_id))
            ).first()
        return None if row is None else (row.holder, int(row.generation), float(row.expires_at))

    @asynccontextmanager
    async def _fenced(
        self, run_id: str, holder: str, generation: int
    ) -> AsyncIterator[AsyncConnection]:
        async with self._write() as conn:
            row = (
                await conn.execute(
                    select(run_leases.c.holder, run_leases.c.generation)
                    .where(run_leases.c.run_id == run_id)
                    .with_for_update()
                )
            ).first()
            if row is None or row.holder != holder or row.generation != generation:
                raise LeaseLostError(
                    f"run {run_id}: the lease of {holder} (generation {generation}) is gone"
                )
            yield conn

    async def append_samples_leased(
        self,
        run_id: str,
        items: Sequence[tuple[ResponseRecord, SampleResult]],
        *,
        holder: str,
        generation: int,
    ) -> None:
        """`append_samples`, only while `holder` holds the lease at `generation`
        (LeaseLostError otherwise, and nothing is written)."""
        _check_pairs(run_id, items)
        if not items:
            return
        try:
            if self._engine.dialect.name == "sqlite" and await self._append_leased_sqlite(
                run_id, items, holder, generation
            ):
                return
            async with self._fenced(run_id, holder, generation) as conn:
                await self._append(conn, run_id, items, require_running=True)
        except (IntegrityError, sqlite3.IntegrityError):
            raise DuplicateSampleError(await self._duplicates_message(run_id, items)) from None

    async def _append_leased_sqlite(
        self,
        run_id: str,
        items: Sequence[tuple[ResponseRecord, SampleResult]],
        holder: str,
        generation: int,
    ) -> bool:
        """`append_samples_leased` on SQLite: the same transaction, in one trip to the
        driver's thread (see `medsafe_core.store._batch`). False, having done nothing,
        when the driver connection is not the aiosqlite one this relies on."""
        append = self._sqlite_append
        if append is None:
            append = self._sqlite_append = SqliteAppend(self._engine.dialect, run_leases)
        response_rows, sample_rows = _rows(run_id, items)
        response_params = append.responses.params(response_rows)
        sample_params = append.samples.params(sample_rows)
        async with self._engine.connect() as conn:
            raw = await conn.get_raw_connection()
            driver: Any = raw.driver_connection  # an aiosqlite.Connection
            if not (hasattr(driver, "_execute") and hasattr(driver, "_conn")):
                return False
            outcome = await driver._execute(
                append,
                driver._conn,
                run_id,
                holder,
                generation,
                response_params,
                sample_params,
                now_iso(),
            )
        if outcome == LEASE_LOST:
            raise LeaseLostError(
                f"run {run_id}: the lease of {holder} (generation {generation}) is gone"
            )
        if outcome == RUN_MISSING:
            raise RunNotFoundError(run_id)
        if outcome is not None:
            raise RunStateError(_not_running(run_id, outcome))
        return True

    async def finish_run_leased(
        self,
        run_id: str,
        state: RunState,
        metrics: SuiteMetrics | None,
        *,
        holder: str,
        generation: int,
    ) -> None:
        """End a run (completed, failed or interrupted) through its lease, and drop the
        lease in the same transaction."""
        async with self._fenced(run_id, holder, generation) as conn:
            await self._change_state(conn, run_id, state, metrics)
            await conn.execute(delete(run_leases).where(run_leases.c.run_id == run_id))

    async def set_state_leased(
        self, run_id: str, state: RunState, *, holder: str, generation: int
    ) -> None:
        """Change a running run's state through its lease (e.g. back to running on a
        resume)."""
        async with self._fenced(run_id, holder, generation) as conn:
            await self._change_state(conn, run_id, state, None)
