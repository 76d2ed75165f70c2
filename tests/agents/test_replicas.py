"""Two green replicas on one database: kill -9 the one running an assessment and the
other finishes the run, with no sample stored twice, none lost, and no finished sample
asked again. Real `medsafe-green` processes, a real purple agent on a socket."""

from __future__ import annotations

import asyncio
import signal

import httpx
import pytest
from a2a.types import GetTaskRequest, TaskState

from medsafe_agents.a2a_app import parts_data, parts_text
from medsafe_agents.purple.answerers import Question
from medsafe_agents.purple.server import build_purple_app
from medsafe_core.models import RunState
from medsafe_core.store import Store

from .green_procs import green_client, green_env, kill, start_green, wait_ready
from .helpers import free_port, serve
from .test_assessment import JSON_ANSWER
from .test_resume import TERMINAL, run_until


@pytest.mark.timeout(180)
async def test_killed_replica_run_is_finished_by_the_other(tmp_path, green_db):
    calls: list[str] = []

    async def answer(q: Question) -> str:
        calls.append(q.prompt)
        await asyncio.sleep(0.1)
        return JSON_ANSWER

    db = green_db  # a SQLite file, then a PostgreSQL database
    env = green_env(db, MEDSAFE_LEASE_TTL_S="3")
    pport, aport, bport = free_port(), free_port(), free_port()
    purple = f"http://127.0.0.1:{pport}"
    a_url, b_url = f"http://127.0.0.1:{aport}", f"http://127.0.0.1:{bport}"
    request = {
        "participants": {"agent": purple},
        "config": {"num_tasks": 24, "concurrency": 3, "timeout_s": 10},
    }
    b_log = tmp_path / "green-b.log"
    a = start_green(aport, env)
    b = start_green(bport, env, b_log)
    try:
        async with serve(build_purple_app("t", answer, purple + "/"), pport):
            await asyncio.gather(wait_ready(a_url), wait_ready(b_url))
            async with httpx.AsyncClient(timeout=60) as http:
                task_id = await run_until(await green_client(http, a_url), request, 6)
            kill(a, signal.SIGKILL)
            in_flight_at_kill = len(calls)

            store = await Store.connect(db)
            killed = await store.get_run(task_id)
            await store.close()
            assert killed.meta.state == RunState.RUNNING  # B never marked it interrupted
            done_before = {(s.id, s.epoch) for s in killed.samples}
            asked_before = set(calls)
            assert 6 <= len(done_before) < 24
            calls.clear()

            async with httpx.AsyncClient(timeout=60) as http:
                client = await green_client(http, b_url)
                for _ in range(600):
                    final = await client.get_task(GetTaskRequest(id=task_id))
                    if final.status.state in TERMINAL:
                        break
                    await asyncio.sleep(0.1)
            assert final.status.state == TaskState.TASK_STATE_COMPLETED, parts_text(
                final.status.message.parts
            )
            (data,) = parts_data(final.artifacts[-1].parts)
            assert data["n_samples"] == 24 and data["n_errors"] == 0

        store = await Store.connect(db)
        record = await store.get_run(task_id)
        await store.close()
        assert record.meta.state == RunState.COMPLETED
        keys = [(s.id, s.epoch) for s in record.samples]
        assert len(keys) == len(set(keys)) == 24  # none twice, none lost
        assert done_before <= set(keys)
        # B asked exactly the samples that were not stored: the ones A had in flight
        # when it died and the ones never started; none that A had finished.
        assert len(calls) == 24 - len(done_before)
        assert len(set(calls)) == len(calls)
        assert in_flight_at_kill - len(done_before) <= 3  # at most `concurrency` lost calls
        assert len(asked_before | set(calls)) == 24
        assert f"taking over run {task_id}" in b_log.read_text()
    finally:
        kill(a)
        kill(b)


@pytest.mark.timeout(60)
async def test_cancel_through_another_replica_stops_the_run(tmp_path, make_green):
    from a2a.types import CancelTaskRequest, SendMessageRequest

    from .conftest import make_settings
    from .helpers import client_for, user_message
    from .test_assessment import eval_text

    calls: list[str] = []

    async def answer(q: Question) -> str:
        calls.append(q.prompt)
        await asyncio.sleep(0.2)
        return JSON_ANSWER

    settings = make_settings(tmp_path, lease_ttl_s=1.5)
    a, _ = await make_green(settings_=settings)
    b, _ = await make_green(settings_=settings)
    pport = free_port()
    purple = f"http://127.0.0.1:{pport}"
    async with (
        serve(build_purple_app("t", answer, purple + "/"), pport),
        serve(a.app) as a_url,
        serve(b.app) as b_url,
        httpx.AsyncClient(timeout=30) as http,
    ):
        from a2a.client import A2ACardResolver

        async def connect(url: str):  # type: ignore[no-untyped-def]
            card = await A2ACardResolver(http, url).get_agent_card()
            for interface in card.supported_interfaces:  # the card names green.test
                interface.url = url + "/"
            return client_for(card, http, streaming=False)

        a_client, b_client = await connect(a_url), await connect(b_url)
        request = SendMessageRequest(message=user_message(eval_text(40, purple, concurrency=2)))
        request.configuration.return_immediately = True
        async for event in a_client.send_message(request):
            task_id = event.task.id
        for _ in range(200):
            if len(await a.store.completed_keys(task_id)) >= 2:
                break
            await asyncio.sleep(0.05)
        canceled = await b_client.cancel_task(CancelTaskRequest(id=task_id))
        assert canceled.status.state == TaskState.TASK_STATE_CANCELED
        for _ in range(100):  # A notices at its next heartbeat (every 0.5 s)
            if (await a.store.get_run(task_id)).meta.state == RunState.FAILED:
                break
            await asyncio.sleep(0.1)
        asked = len(calls)
        await asyncio.sleep(1.0)
        final = await b_client.get_task(GetTaskRequest(id=task_id))
    record = await a.store.get_run(task_id)
    assert record.meta.state == RunState.FAILED  # agrees with the canceled task
    assert 2 <= len(record.samples) < 40
    assert len(calls) == asked  # A stopped asking the participant
    assert final.status.state == TaskState.TASK_STATE_CANCELED
