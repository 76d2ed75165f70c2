"""Fenced sample appends on SQLite take one trip to the driver's thread
(`medsafe_core.store._batch`): they store the rows SQLAlchemy's path stores, all of a
batch or none of it, nothing through a lost lease or into a run that is not running,
and writers on one file still queue rather than fail. The all-or-none, fencing and
state cases run on both backends (the `store` fixture)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from store_factories import manifest, meta, pair, pairs

from medsafe_core.models import ResponseRecord, RunState, SampleResult
from medsafe_core.store import (
    DuplicateSampleError,
    LeaseLostError,
    RunStateError,
    Store,
)

OWNER = "medsafe-green"


async def leased_run(store: Store, run_id: str, holder: str = "a") -> int:
    await store.create_run(meta(run_id), manifest(), owner=OWNER)
    generation = await store.acquire_run_lease(run_id, holder, ttl_s=30)
    assert generation is not None
    return generation


async def stored_rows(store: Store, run_id: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every stored column of the run's responses and samples, with SQLite's type of
    each value, and the run's sample count."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    async with store.engine.connect() as conn:
        for table, cols in (
            ("medsafe_responses", "task_id, epoch, response, error, latency_ms"),
            ("medsafe_samples", "task_id, epoch, outcome, reward, safe, sample_json"),
        ):
            typed = ", ".join(f"{c}, typeof({c})" for c in cols.split(", "))
            query = f"SELECT run_id, {typed} FROM {table} WHERE run_id = :r ORDER BY task_id, epoch"
            rows = await conn.execute(text(query), {"r": run_id})
            out[table] = [tuple(r)[1:] for r in rows]
        count = await conn.execute(
            text("SELECT n_samples FROM medsafe_runs WHERE run_id = :r"), {"r": run_id}
        )
        out["n_samples"] = [tuple(r) for r in count]
    return out


def varied() -> list[tuple[ResponseRecord, SampleResult]]:
    """Samples with every kind of value: no response, an error, unicode, no reward."""
    items = pairs(5, safe_share=0.6)
    r, s = pair("dipg/1/7/000009", epoch=2)
    items.append((r.model_copy(update={"response": None, "error": "timeout: é ✓"}), s))
    r, s = pair("dipg/1/7/000010")
    items.append(
        (r.model_copy(update={"latency_ms": 12.345}), s.model_copy(update={"reward": None}))
    )
    return items


async def test_sqlite_batches_store_the_rows_of_the_sqlalchemy_path(tmp_path: Path):
    fast = await Store.connect(f"sqlite+aiosqlite:///{tmp_path / 'fast.db'}")
    slow = await Store.connect(f"sqlite+aiosqlite:///{tmp_path / 'slow.db'}")
    try:
        items = varied()
        g_fast, g_slow = await leased_run(fast, "r1"), await leased_run(slow, "r1")
        for batch in (items[:3], items[3:4], items[4:]):
            await fast.append_samples_leased("r1", batch, holder="a", generation=g_fast)
            # the SQLAlchemy path, as PostgreSQL takes it
            async with slow._fenced("r1", "a", g_slow) as conn:
                await slow._append(conn, "r1", batch, require_running=True)
        assert fast._sqlite_append is not None  # the one-trip path wrote `fast`'s rows
        got, want = await stored_rows(fast, "r1"), await stored_rows(slow, "r1")
        assert got == want
        assert len(got["medsafe_samples"]) == len(items)
        assert got["n_samples"] == [(len(items),)]
        record = await fast.get_run("r1")
        assert sorted(record.samples, key=lambda s: (s.id, s.epoch)) == sorted(
            (s for _, s in items), key=lambda s: (s.id, s.epoch)
        )
        assert {(r.id, r.epoch): r for r in record.responses} == {
            (r.id, r.epoch): r for r, _ in items
        }
    finally:
        await fast.close()
        await slow.close()


async def test_a_batch_is_stored_whole_or_not_at_all(store: Store):
    generation = await leased_run(store, "r1")
    await store.append_samples_leased("r1", [pair("t1")], holder="a", generation=generation)
    with pytest.raises(DuplicateSampleError, match=r"already holds samples \('t1', 0\)"):
        await store.append_samples_leased(
            "r1", [pair("t2"), pair("t1")], holder="a", generation=generation
        )
    record = await store.get_run("r1")
    assert [s.id for s in record.samples] == ["t1"]
    assert [r.id for r in record.responses] == ["t1"]
    summary = await store.list_runs()
    assert [s.n_samples for s in summary if s.run_id == "r1"] == [1]
    # the connection is usable after the rollback
    await store.append_samples_leased("r1", [pair("t2")], holder="a", generation=generation)
    assert sorted(s.id for s in (await store.get_run("r1")).samples) == ["t1", "t2"]


async def test_a_lost_lease_writes_nothing(store: Store):
    generation = await leased_run(store, "r1")
    await store.append_samples_leased("r1", [pair("t1")], holder="a", generation=generation)
    with pytest.raises(LeaseLostError, match="generation 7"):
        await store.append_samples_leased("r1", [pair("t2")], holder="a", generation=7)
    with pytest.raises(LeaseLostError):
        await store.append_samples_leased("r1", [pair("t3")], holder="b", generation=generation)
    await store.release_run_lease("r1", "a")
    with pytest.raises(LeaseLostError):
        await store.append_samples_leased("r1", [pair("t4")], holder="a", generation=generation)
    record = await store.get_run("r1")
    assert [s.id for s in record.samples] == ["t1"]


async def test_a_run_that_is_not_running_takes_no_samples(store: Store):
    generation = await leased_run(store, "r1")
    await store.set_state_leased("r1", RunState.INTERRUPTED, holder="a", generation=generation)
    with pytest.raises(RunStateError) as refused:
        await store.append_samples_leased("r1", [pair("t1")], holder="a", generation=generation)
    assert str(refused.value) == (
        "run r1 is interrupted; only a running run takes samples "
        "(set_state(run_id, RunState.RUNNING) to resume an interrupted run)"
    )
    assert (await store.get_run("r1")).samples == []


async def test_writers_on_one_sqlite_file_queue(tmp_path: Path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    one, two = await Store.connect(url), await Store.connect(url)
    try:
        g1, g2 = await leased_run(one, "r1"), await leased_run(two, "r2", holder="b")

        async def write(store: Store, run_id: str, holder: str, generation: int) -> None:
            for i in range(0, 60, 6):
                batch = [pair(f"{run_id}/{j:03d}") for j in range(i, i + 6)]
                await store.append_samples_leased(
                    run_id, batch, holder=holder, generation=generation
                )
                # a write through SQLAlchemy on the same engine meanwhile
                await store.renew_run_leases(holder, {run_id: generation}, 30)

        await asyncio.gather(
            write(one, "r1", "a", g1),
            write(two, "r2", "b", g2),
            write(one, "r3", "c", await leased_run(one, "r3", holder="c")),
        )
        for run_id in ("r1", "r2", "r3"):
            record = await one.get_run(run_id)
            assert sorted(s.id for s in record.samples) == [f"{run_id}/{j:03d}" for j in range(60)]
            assert (await stored_rows(two, run_id))["n_samples"] == [(60,)]
    finally:
        await one.close()
        await two.close()
