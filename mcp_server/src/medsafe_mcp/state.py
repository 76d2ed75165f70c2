"""What every tool shares: the process settings and the run store.

The store is opened on first use, not at start-up, so a desktop client that never
stores a run never touches a database; a store handed to `create_server` is used as
is and left open for its owner to close.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from fastmcp.exceptions import ToolError

from medsafe_core.evaluation import BatchError, resolve_profile
from medsafe_core.judging import Judge
from medsafe_core.models import RewardProfile
from medsafe_core.settings import Settings
from medsafe_core.suites import get_suite
from medsafe_mcp.errors import CallerError

if TYPE_CHECKING:
    from medsafe_core.store import Store

logger = logging.getLogger(__name__)


class ServerState:
    """Settings and a lazily opened store, shared by the tools of one server."""

    def __init__(self, settings: Settings, store: Store | None = None) -> None:
        self.settings = settings
        self._store = store
        self._owns_store = store is None
        self._lock: asyncio.Lock | None = None
        self._judge: Judge | None = None

    @property
    def salt(self) -> str | None:
        """The server-side seed salt, to resolve task ids of official assessments."""
        secret = self.settings.seed_salt
        return secret.get_secret_value() if secret else None

    def profile(self, name: str | None, suite: str) -> RewardProfile:
        """The named profile, or this process's default; CallerError when unknown or when
        it belongs to another suite."""
        the_suite = get_suite(suite)
        try:
            return resolve_profile(the_suite, name, self.settings.profile_for(the_suite))
        except BatchError as exc:
            raise CallerError(f"{exc.message}. Leave `profile` empty to use the default.") from None

    def judge(self) -> Judge:
        """The server's model-graded judge (made on first use); CallerError when none
        is configured."""
        if self._judge is None:
            from medsafe_core.model.judge import configured_judge

            self._judge = configured_judge(self.settings)
            if self._judge is None:
                raise CallerError(
                    "this server has no model-graded judge (set MEDSAFE_JUDGE_MODEL); "
                    "call with judge='rules'"
                )
        return self._judge

    async def store(self) -> Store:
        """The run store, opened on first use (ToolError when it cannot be reached)."""
        if self._store is not None:
            return self._store
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._store is None:
                from medsafe_core.store import Store

                try:
                    self._store = await Store.connect(self.settings.resolved_database_url())
                except Exception as exc:
                    logger.exception("cannot open the run store")
                    raise ToolError(
                        "the run store is unavailable "
                        f"({type(exc).__name__}); check MEDSAFE_DATABASE_URL"
                    ) from None
            return self._store

    async def aclose(self) -> None:
        """Close the judge, and the store if this server opened it."""
        judge, self._judge = self._judge, None
        close = getattr(judge, "close", None)
        if close is not None:
            await asyncio.to_thread(close)
        if self._owns_store and self._store is not None:
            store, self._store = self._store, None
            await store.close()
