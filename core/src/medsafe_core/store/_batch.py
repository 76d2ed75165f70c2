"""Appending samples to a leased run on SQLite in one trip to the driver's thread.

Through SQLAlchemy's async layer a fenced append (begin, the lease check, the run's
state, two inserts, the run's count, commit) is some twenty round trips between the
event loop and aiosqlite's thread, each with its greenlet switch and loop wake-up:
about 2 ms of CPU per write whatever its size, which the green agent pays on its event
loop for every group of samples. `SqliteAppend` runs the same statements, in the same
transaction (`BEGIN IMMEDIATE`, so writers queue on the busy timeout as before), as one
function on the driver's own thread. The statements are compiled from the table
definitions, and values go through the columns' own bind processors, so the rows are
those SQLAlchemy would write. PostgreSQL keeps the SQLAlchemy path.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.engine import Dialect

from medsafe_core.models import RunState
from medsafe_core.store.tables import responses, runs, samples

RESPONSE_COLUMNS = ("run_id", "task_id", "epoch", "response", "error", "latency_ms")
SAMPLE_COLUMNS = ("run_id", "task_id", "epoch", "outcome", "reward", "safe", "sample_json")
"""The columns of a response and of a sample row, in the tables' order."""

LEASE_LOST = "lease lost"
RUN_MISSING = "run missing"


def _compiled(statement: Any, dialect: Dialect) -> tuple[str, list[str]]:
    """SQL text with positional parameters, and the parameter names in their order."""
    compiled = statement.compile(dialect=dialect)
    return str(compiled), list(compiled.positiontup or [])


class _Insert:
    """An executemany INSERT of whole rows of `table`: tuples of `columns`, in that order
    (the table's own), passed through the columns' bind processors as SQLAlchemy would."""

    def __init__(self, table: Table, columns: Sequence[str], dialect: Dialect) -> None:
        compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
        self.sql, names = str(compiled), list(compiled.positiontup or [])
        if names != list(columns):
            raise RuntimeError(
                f"{dialect.name}: the INSERT's parameters are {names}, not {columns}"
            )
        self.names = names
        self.processors: list[tuple[int, Callable[[Any], Any]]] = [
            (i, proc)
            for i, n in enumerate(names)
            if (proc := table.c[n].type._cached_bind_processor(dialect)) is not None
        ]

    def params(self, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """The driver's parameters of `rows` (the rows themselves when no column of the
        table has a bind processor on this dialect)."""
        procs = self.processors
        if not procs:
            return rows
        out: list[tuple[Any, ...]] = []
        for row in rows:
            values = list(row)
            for i, proc in procs:
                value = values[i]
                if value is not None:
                    values[i] = proc(value)
            out.append(tuple(values))
        return out


class SqliteAppend:
    """The fenced append of `RunLeases.append_samples_leased`, as one function that runs
    on the sqlite3 connection's thread."""

    def __init__(self, dialect: Dialect, lease_table: Table) -> None:
        self._lease_sql, _ = _compiled(
            select(lease_table.c.holder, lease_table.c.generation).where(
                lease_table.c.run_id == bindparam("run_id")
            ),
            dialect,
        )
        self._state_sql, _ = _compiled(
            select(runs.c.state).where(runs.c.run_id == bindparam("run_id")), dialect
        )
        count = (
            update(runs)
            .where(runs.c.run_id == bindparam("rid"))
            .values(n_samples=runs.c.n_samples + bindparam("n"), updated_at=bindparam("at"))
        )
        self._count_sql, self._count_names = _compiled(count, dialect)
        self.responses = _Insert(responses, RESPONSE_COLUMNS, dialect)
        self.samples = _Insert(samples, SAMPLE_COLUMNS, dialect)

    def __call__(
        self,
        conn: sqlite3.Connection,
        run_id: str,
        holder: str,
        generation: int,
        response_params: list[tuple[Any, ...]],
        sample_params: list[tuple[Any, ...]],
        updated_at: str,
    ) -> str | None:
        """Append in one transaction. None when done; `LEASE_LOST` or `RUN_MISSING`, or
        the run's state when it is not running, when nothing was written. Raises what
        sqlite3 raises (IntegrityError for a sample already stored), written nothing."""
        cursor = conn.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE")
            try:
                outcome = self._write(
                    cursor, run_id, holder, generation, response_params, sample_params, updated_at
                )
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT" if outcome is None else "ROLLBACK")
            return outcome
        finally:
            cursor.close()

    def _write(
        self,
        cursor: sqlite3.Cursor,
        run_id: str,
        holder: str,
        generation: int,
        response_params: list[tuple[Any, ...]],
        sample_params: list[tuple[Any, ...]],
        updated_at: str,
    ) -> str | None:
        lease = cursor.execute(self._lease_sql, (run_id,)).fetchone()
        if lease is None or lease[0] != holder or lease[1] != generation:
            return LEASE_LOST
        run = cursor.execute(self._state_sql, (run_id,)).fetchone()
        if run is None:
            return RUN_MISSING
        if run[0] != RunState.RUNNING:
            return str(run[0])
        cursor.executemany(self.responses.sql, response_params)
        cursor.executemany(self.samples.sql, sample_params)
        values = {"rid": run_id, "n": len(sample_params), "at": updated_at}
        cursor.execute(self._count_sql, tuple(values[n] for n in self._count_names))
        return None
