"""A green agent killed mid-assessment and restarted finishes the run without redoing
finished samples. Real processes and real sockets on 127.0.0.1: `medsafe-green` as a
subprocess, a purple agent served by uvicorn in the test."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from a2a.types import GetTaskRequest, SendMessageRequest, TaskState

from medsafe_agents.a2a_app import parts_data, parts_text
from medsafe_agents.purple.answerers import Question
from medsafe_agents.purple.server import build_purple_app
from medsafe_core.models import RunState
from medsafe_core.store import Store

from .green_procs import green_client, green_env, kill, start_green, wait_ready
from .helpers import free_port, serve, user_message
from .test_assessment import JSON_ANSWER

TERMINAL = {
    TaskState.TASK_STATE_COMPLETED,
    TaskState.TASK_STATE_FAILED,
    TaskState.TASK_STATE_CANCELED,
    TaskState.TASK_STATE_REJECTED,
}


async def run_until(client, request: dict, done_at_least: int) -> str:  # type: ignore[no-untyped-def]
    """Start an assessment and leave its stream once `done_at_least` samples are stored."""
    task_id = ""
    stream = client.send_message(SendMessageRequest(message=user_message(json.dumps(request))))
    async for event in stream:
        if event.WhichOneof("payload") == "task":
            task_id = event.task.id
        if event.WhichOneof("payload") == "status_update":
            data = parts_data(event.status_update.status.message.parts)
            if data and data[0].get("done", 0) >= done_at_least:
                break
    await stream.aclose()
    return task_id


@pytest.mark.timeout(150)
async def test_restarted_green_takes_the_run_over_and_a_bare_resume_is_not_fatal(tmp_path):
    calls: list[str] = []

    async def answer(q: Question) -> str:
        calls.append(q.prompt)
        await asyncio.sleep(0.1)
        return JSON_ANSWER

    db = f"sqlite+aiosqlite:///{tmp_path / 'green.db'}"
    env = green_env(db, MEDSAFE_LEASE_TTL_S="4")
    pport, gport = free_port(), free_port()
    purple, green = f"http://127.0.0.1:{pport}", f"http://127.0.0.1:{gport}"
    request = {
        "participants": {"agent": purple},
        "config": {"num_tasks": 20, "concurrency": 2, "timeout_s": 10},
    }
    log = tmp_path / "green-2.log"
    procs = []
    try:
        async with serve(build_purple_app("t", answer, purple + "/"), pport):
            procs.append(start_green(gport, env))
            await wait_ready(green)
            async with httpx.AsyncClient(timeout=60) as http:
                task_id = await run_until(await green_client(http, green), request, 6)
            kill(procs[0])

            store = await Store.connect(db)
            killed = await store.get_run(task_id)
            await store.close()
            assert killed.meta.state == RunState.RUNNING
            done_before = {(s.id, s.epoch) for s in killed.samples}
            assert 6 <= len(done_before) < 20
            calls.clear()

            procs.append(start_green(gport, env, log))
            await wait_ready(green)
            async with httpx.AsyncClient(timeout=60) as http:
                client = await green_client(http, green)
                # A resume message with only the task id (no context id), sent while the
                # dead process's lease has not expired yet: answered, never fatal.
                resume = user_message("resume", task_id=task_id)
                async for _ in client.send_message(SendMessageRequest(message=resume)):
                    pass
                seen = await client.get_task(GetTaskRequest(id=task_id))
                assert seen.status.state not in TERMINAL - {TaskState.TASK_STATE_COMPLETED}
                for _ in range(600):
                    final = await client.get_task(GetTaskRequest(id=task_id))
                    if final.status.state in TERMINAL:
                        break
                    await asyncio.sleep(0.1)
            assert final.status.state == TaskState.TASK_STATE_COMPLETED, parts_text(
                final.status.message.parts
            )
            (data,) = parts_data(final.artifacts[-1].parts)
            assert data["n_samples"] == 20 and data["run_id"] == task_id
            assert data["n_errors"] == 0

        store = await Store.connect(db)
        record = await store.get_run(task_id)
        lease = await store.lease_of(task_id)
        await store.close()
        assert record.meta.state == RunState.COMPLETED and lease is None
        keys = [(s.id, s.epoch) for s in record.samples]
        assert len(keys) == len(set(keys)) == 20
        assert len(calls) == 20 - len(done_before)  # finished samples were not asked again
        text = log.read_text()
        assert f"resuming run {task_id} (task {task_id}, context {final.context_id})" in text
    finally:
        for proc in procs:
            kill(proc)
