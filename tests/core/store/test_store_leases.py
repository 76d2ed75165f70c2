"""Run leases in the store: one live holder per run, heartbeats, takeover only after
expiry, and writes fenced by the lease (a replica that lost its lease writes nothing).
On SQLite and PostgreSQL (the `store` fixture)."""

from __future__ import annotations

import asyncio

import pytest
from store_factories import manifest, meta, pair

from medsafe_core.models import RunState
from medsafe_core.store import LeaseLostError, Store

OWNER = "medsafe-green"


async def new_run(store: Store, run_id: str) -> None:
    await store.create_run(meta(run_id), manifest(), owner=OWNER)


async def test_one_live_holder_and_takeover_after_expiry(store):
    await new_run(store, "r1")
    assert await store.acquire_run_lease("r1", "a", ttl_s=0.3) == 1
    assert await store.acquire_run_lease("r1", "b", ttl_s=0.3) is None  # a is live
    assert await store.claim_expired_runs("b", 0.3, owner=OWNER) == {}
    assert await store.acquire_run_lease("r1", "a", ttl_s=0.3) == 1  # a renews
    await asyncio.sleep(0.4)
    assert await store.claim_expired_runs("b", 5, owner=OWNER) == {"r1": 2}
    holder, generation, _ = await store.lease_of("r1")
    assert (holder, generation) == ("b", 2)
    assert await store.claim_expired_runs("c", 5, owner=OWNER) == {}  # b is live now
    record = await store.get_run("r1")
    assert record.meta.state == RunState.RUNNING  # nobody marked it interrupted


async def test_writes_are_fenced_by_the_lease(store):
    await new_run(store, "r1")
    assert await store.acquire_run_lease("r1", "a", ttl_s=0.2) == 1
    await store.append_samples_leased("r1", [pair("t1")], holder="a", generation=1)
    await asyncio.sleep(0.3)
    assert await store.claim_expired_runs("b", 5, owner=OWNER) == {"r1": 2}
    # a woke up after its lease expired: its heartbeat and its writes are refused
    assert await store.renew_run_leases("a", {"r1": 1}, 5) == set()
    with pytest.raises(LeaseLostError):
        await store.append_samples_leased("r1", [pair("t2")], holder="a", generation=1)
    with pytest.raises(LeaseLostError):
        await store.finish_run_leased("r1", RunState.FAILED, None, holder="a", generation=1)
    await store.append_samples_leased("r1", [pair("t2")], holder="b", generation=2)
    assert await store.renew_run_leases("b", {"r1": 2}, 5) == {"r1"}
    await store.finish_run_leased("r1", RunState.FAILED, None, holder="b", generation=2)
    record = await store.get_run("r1")
    assert record.meta.state == RunState.FAILED
    assert sorted(s.id for s in record.samples) == ["t1", "t2"]
    assert await store.lease_of("r1") is None  # finishing drops the lease


async def test_a_run_without_lease_is_claimed_only_after_a_quiet_lease_life(store):
    await new_run(store, "r1")
    await store.create_run(meta("other"), manifest(), owner="someone-else")
    assert await store.claim_expired_runs("b", 60, owner=OWNER) == {}  # just created
    await asyncio.sleep(0.3)
    assert await store.claim_expired_runs("b", 0.2, owner=OWNER) == {"r1": 1}


async def test_only_running_runs_are_claimed(store):
    await new_run(store, "r1")
    await store.set_state("r1", RunState.INTERRUPTED)
    await asyncio.sleep(0.3)
    assert await store.claim_expired_runs("b", 0.2, owner=OWNER) == {}
    assert await store.acquire_run_lease("r1", "b", ttl_s=5) == 1  # resumed on request
    await store.set_state_leased("r1", RunState.RUNNING, holder="b", generation=1)
    assert (await store.get_run("r1")).meta.state == RunState.RUNNING
