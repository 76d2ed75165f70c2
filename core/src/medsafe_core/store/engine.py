"""Engines and migrations.

SQLite runs in WAL mode with a busy timeout so that the service, the MCP server and
the green agent can share one file; write transactions start with `BEGIN IMMEDIATE`
so two writers queue on the busy timeout instead of failing on a lock upgrade.
Migrations run under a lock: an exclusive file lock beside a SQLite file, a session
advisory lock on PostgreSQL, so several processes starting at once migrate once.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from medsafe_core.store.tables import VERSION_TABLE

BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite writer waits for another writer's lock before giving up."""
WRITE_OPTION = "medsafe_write"
"""Execution option marking a connection whose transactions write (BEGIN IMMEDIATE)."""
_PG_LOCK_KEY = 0x6D656473_6166_65  # "medsafe", fits in a signed 64-bit key
_MIGRATIONS = Path(__file__).parent / "migrations"


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory SQLite)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def create_engine(url: str) -> AsyncEngine:
    """An async engine for a `sqlite+aiosqlite` or `postgresql+asyncpg` URL."""
    parsed = make_url(url)
    if parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, Any] = {}
    if parsed.drivername.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_async_engine(parsed, **kwargs)
    if parsed.drivername.startswith("sqlite"):
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    """The newest migration shipped with this version of medsafe."""
    return ScriptDirectory(str(_MIGRATIONS)).get_current_head()


def _upgrade(connection: Connection) -> None:
    command.upgrade(_alembic_config(connection), "head")


def _current(connection: Connection) -> str | None:
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    lock_path = path.with_name(path.name + ".migrate.lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


async def upgrade(engine: AsyncEngine) -> str | None:
    """Apply every pending migration under the migration lock; the revision after."""
    path = sqlite_path(str(engine.url))
    if path is not None:
        lock = _file_lock(path)
        await asyncio.to_thread(lock.__enter__)
        try:
            return await _upgrade_on(engine)
        finally:
            lock.__exit__(None, None, None)
    return await _upgrade_on(engine, advisory=engine.dialect.name == "postgresql")


async def _upgrade_on(engine: AsyncEngine, *, advisory: bool = False) -> str | None:
    async with engine.connect() as conn:
        if advisory:
            await conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK_KEY})
            await conn.commit()
        try:
            pending = await conn.run_sync(_current) != head_revision()
            await conn.commit()
            if pending:
                await conn.run_sync(_upgrade)
                await conn.commit()
            revision = await conn.run_sync(_current)
            await conn.commit()
        finally:
            if advisory:
                await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
                await conn.commit()
    return revision


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at (None before the first migration)."""
    async with engine.connect() as conn:
        return await conn.run_sync(_current)
