"""Store fixtures: a SQLite file and a real throwaway PostgreSQL cluster.

The PostgreSQL cluster is started once per session with the machine's `initdb` and
`pg_ctl` (as the `postgres` user when the tests run as root, since initdb refuses
root), on a free loopback port with its socket in a temporary directory. Every test
gets a fresh database in it. Without the binaries the PostgreSQL cases skip with a
loud reason; nothing else makes them skip.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from pg_helpers import PgCluster, create_database, free_port, pg_bindir

from medsafe_core.store import Store


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    bindir = pg_bindir()
    if bindir is None:
        reason = (
            "POSTGRESQL TESTS SKIPPED: no initdb/pg_ctl found (pg_config --bindir, "
            "/usr/lib/postgresql/*/bin); install PostgreSQL server binaries to run them"
        )
        warnings.warn(reason, stacklevel=1)
        pytest.skip(reason)
    as_root = os.geteuid() == 0
    root = Path(tempfile.mkdtemp(prefix="medsafe-pg-", dir="/tmp"))
    if as_root:
        pg = pwd.getpwnam("postgres")
        os.chown(root, pg.pw_uid, pg.pw_gid)
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    data, log = root / "data", root / "log"
    port = free_port()

    def run(*args: str) -> None:
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=120)

    run(
        str(bindir / "initdb"),
        "-D",
        str(data),
        "-A",
        "trust",
        "-U",
        "postgres",
        "-E",
        "UTF8",
        "--no-sync",
    )
    options = f"-p {port} -k {root} -h 127.0.0.1 -c fsync=off -c max_connections=200"
    run(str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start")
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
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'medsafe.db'}"
        return
    cluster = request.getfixturevalue("pg_cluster")
    import asyncio

    yield asyncio.run(create_database(cluster))


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    s = await Store.connect(db_url)
    try:
        yield s
    finally:
        await s.close()
