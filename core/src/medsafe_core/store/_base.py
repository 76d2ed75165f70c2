"""Shared plumbing of the store's parts: the engine, transactions and row conversion."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from medsafe_core.models import Outcome, RunManifest, SampleResult, SuiteMetrics
from medsafe_core.records import RunNotFoundError
from medsafe_core.store.engine import WRITE_OPTION
from medsafe_core.store.tables import runs
from medsafe_core.suites import UnknownSuiteError, get_suite


def now_iso() -> str:
    """The current UTC time, ISO-8601 with microseconds (sorts as text)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


class StoreBase:
    """Holds the engine; the parts of `Store` are mixins over it."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @property
    def engine(self) -> AsyncEngine:
        """The SQLAlchemy engine (a2a-sdk's `DatabaseTaskStore` may share it)."""
        return self._engine

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction (BEGIN IMMEDIATE on SQLite), committed on success."""
        async with self._engine.connect() as conn:
            await conn.execution_options(**{WRITE_OPTION: True})
            async with conn.begin():
                yield conn

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncConnection]:
        """A read transaction."""
        async with self._engine.connect() as conn, conn.begin():
            yield conn

    @staticmethod
    async def _run_row(conn: AsyncConnection, run_id: str) -> Row[Any]:
        row = (await conn.execute(select(runs).where(runs.c.run_id == run_id))).first()
        if row is None:
            raise RunNotFoundError(run_id)
        return row


def summarize(manifest: RunManifest, samples: Sequence[SampleResult]) -> SuiteMetrics:
    """Metrics of a run that has not stored its own (running or interrupted)."""
    try:
        return get_suite(manifest.suite).summarize(samples, profile=manifest.profile)
    except UnknownSuiteError:
        outcomes: dict[str, int] = {}
        for s in samples:
            outcomes[str(s.outcome)] = outcomes.get(str(s.outcome), 0) + 1
        n_unscored = outcomes.get(Outcome.UNSCORED, 0)
        n_errors = outcomes.get(Outcome.ERROR, 0)
        return SuiteMetrics(
            n_samples=len(samples),
            n_scored=len(samples) - n_unscored - n_errors,
            n_unscored=n_unscored,
            n_errors=n_errors,
            outcomes=dict(sorted(outcomes.items())),
        )
