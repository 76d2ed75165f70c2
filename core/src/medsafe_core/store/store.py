"""`Store`: the one door to medsafe's database, shared by every role."""

from __future__ import annotations

from medsafe_core.settings import Settings
from medsafe_core.store._credentials import Credentials
from medsafe_core.store._episodes import Episodes
from medsafe_core.store._leases import RunLeases
from medsafe_core.store.engine import create_engine, current_revision, upgrade


class Store(RunLeases, Episodes, Credentials):
    """Runs (append-only samples, responses apart from scores), leaderboards and
    episode state over SQLAlchemy's async engine, and run leases for replicas. Open
    with `await Store.connect()`."""

    @classmethod
    async def connect(cls, url: str | None = None, *, migrate: bool = True) -> Store:
        """Open the database at `url` (default: `Settings().resolved_database_url()`),
        applying pending migrations under the migration lock unless `migrate` is False."""
        engine = create_engine(url or Settings().resolved_database_url())
        try:
            if migrate:
                await upgrade(engine)
        except BaseException:
            await engine.dispose()
            raise
        return cls(engine)

    @property
    def url(self) -> str:
        """The database URL with any password hidden (safe to log)."""
        return self._engine.url.render_as_string(hide_password=True)

    async def revision(self) -> str | None:
        """The schema revision the database is at."""
        return await current_revision(self._engine)

    async def ping(self) -> bool:
        """Whether the database answers."""
        from sqlalchemy import text

        async with self._engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True

    async def close(self) -> None:
        """Release every pooled connection."""
        await self._engine.dispose()
