"""Several writers, crashed writers and concurrent migrations, on both backends, with
real separate processes."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import inspect
from store_factories import manifest, meta, pair

from medsafe_core.models import RunState
from medsafe_core.store import Store, head_revision
from medsafe_core.store.tables import VERSION_TABLE

HERE = Path(__file__).parent


def _writer(url: str, run_id: str, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": f"{HERE}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    return subprocess.Popen(
        [sys.executable, str(HERE / "writer_proc.py"), url, run_id, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


async def _wait(proc: subprocess.Popen[bytes]) -> tuple[int, str, str]:
    out, err = await asyncio.to_thread(proc.communicate, timeout=90)
    return proc.returncode, out.decode(), err.decode()


async def test_migrations_create_only_prefixed_tables(store: Store) -> None:
    assert await store.revision() == head_revision() is not None

    def names(conn: object) -> list[str]:
        return sorted(inspect(conn).get_table_names())

    async with store.engine.connect() as conn:
        tables = await conn.run_sync(names)
    assert tables
    assert all(t.startswith("medsafe_") for t in tables), tables
    assert VERSION_TABLE in tables


async def test_concurrent_migrations_from_many_processes(db_url: str) -> None:
    procs = [_writer(db_url, "x", "--migrate-only") for _ in range(4)]
    results = await asyncio.gather(*(_wait(p) for p in procs))
    for code, out, err in results:
        assert code == 0, err
        assert out.strip() == head_revision()
    store = await Store.connect(db_url)  # and once more, already at head
    assert await store.revision() == head_revision()
    await store.close()


async def test_crashed_writer_leaves_an_interrupted_run_with_its_samples(
    store: Store, db_url: str
) -> None:
    code, _, err = await _wait(
        _writer(db_url, "crash", "--create", "--owner", "w1", "--count", "10", "--crash-after", "4")
    )
    assert code == 137, err
    summary = await store.get_summary("crash")
    assert summary.state == RunState.RUNNING
    assert summary.n_samples == 4
    assert await store.mark_running_interrupted("w1") == ["crash"]
    record = await store.get_run("crash")
    assert record.meta.state == RunState.INTERRUPTED  # never a run that looks complete
    assert [s.id for s in record.samples] == [f"w/{i:04d}" for i in range(4)]
    assert (await store.get_summary("crash")).ranked is False
    # resume: skip what is done, append the rest, complete
    await store.set_state("crash", RunState.RUNNING)
    done = await store.completed_keys("crash")
    await store.append_samples(
        "crash", [pair(f"w/{i:04d}") for i in range(10) if (f"w/{i:04d}", 0) not in done]
    )
    await store.finish_run("crash", RunState.COMPLETED)
    assert (await store.get_run("crash")).metrics.n_samples == 10


async def test_concurrent_writers_lose_nothing(store: Store, db_url: str) -> None:
    await store.create_run(meta("shared"), manifest())
    procs = [_writer(db_url, "shared", "--prefix", f"p{k}", "--count", "25") for k in range(3)]

    async def local(k: int) -> None:
        for i in range(25):
            await store.append_samples("shared", [pair(f"a{k}/{i:04d}")])

    results = await asyncio.gather(*(_wait(p) for p in procs), *(local(k) for k in range(4)))
    for result in results[:3]:
        assert result is not None
        assert result[0] == 0, result
    keys = await store.completed_keys("shared")
    assert len(keys) == 7 * 25
    summary = await store.get_summary("shared")
    assert summary.n_samples == 7 * 25
    record = await store.get_run("shared")
    assert len(record.responses) == len(record.samples) == 7 * 25
