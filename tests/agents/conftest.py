from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette

from medsafe_agents.green.app import GreenServer, create_green
from medsafe_agents.green.chat import AdkChat
from medsafe_agents.purple.__main__ import build_from_args, parse_args
from medsafe_agents.settings import AgentSettings
from tests.core.store.pg_helpers import PgCluster, create_database, pg_bindir
from tests.core.store.pg_helpers import free_port as pg_free_port

from .helpers import Router


def make_settings(tmp_path: Path, **overrides: Any) -> AgentSettings:
    values: dict[str, Any] = {
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'medsafe.db'}",
        "data_dir": tmp_path,
        "progress_interval_s": 0.0,
        "green_token": None,
        "seed_salt": None,
        "allowed_participants": "",
        "chat_model": None,
        "mcp_url": None,
    }
    values.update(overrides)
    return AgentSettings(**values)


@pytest.fixture
def settings(tmp_path: Path) -> AgentSettings:
    return make_settings(tmp_path)


def purple_app(kind: str, *extra: str, port: int = 19010) -> Starlette:
    """A purple participant built exactly as `medsafe-purple` builds it."""
    return build_from_args(parse_args(["--kind", kind, "--port", str(port), *extra]))


MakeGreen = Callable[..., Awaitable[tuple[GreenServer, Router]]]


@pytest.fixture
async def make_green(settings: AgentSettings) -> AsyncIterator[MakeGreen]:
    opened: list[GreenServer] = []

    async def _make(
        apps: dict[str, Starlette] | None = None,
        *,
        settings_: AgentSettings | None = None,
        chat_model: Any = None,
    ) -> tuple[GreenServer, Router]:
        router = Router(apps or {})
        green = await create_green(
            settings_ or settings,
            card_url="http://green.test/",
            participant_transport=router,
            chat_model=chat_model,
        )
        opened.append(green)
        return green, router

    yield _make
    for green in opened:
        if isinstance(green.executor.chat, AdkChat):
            await green.executor.chat.close()
        await green.executor.aclose()
        await green.store.close()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A throwaway PostgreSQL cluster from the machine's binaries (as the `postgres`
    user when run as root); the cases that use it skip loudly without the binaries."""
    bindir = pg_bindir()
    if bindir is None:
        reason = "POSTGRESQL TESTS SKIPPED: no initdb/pg_ctl found; install PostgreSQL 15"
        warnings.warn(reason, stacklevel=1)
        pytest.skip(reason)
    root = Path(tempfile.mkdtemp(prefix="medsafe-green-pg-", dir="/tmp"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(root, owner.pw_uid, owner.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", pg_free_port()

    def run(*args: str) -> None:
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=120)

    run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
    options = f"-p {port} -k {root} -h 127.0.0.1 -c fsync=off -c max_connections=200"
    log = str(root / "log")
    run(str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", log, "-w", "start")
    try:
        yield PgCluster("127.0.0.1", port)
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
async def green_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database for green processes, on each backend."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'green.db'}"
    return await create_database(request.getfixturevalue("pg_cluster"))
