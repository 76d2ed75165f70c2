"""A green agent killed mid-assessment resumes on request without redoing finished
samples. Real processes and real sockets on 127.0.0.1: `medsafe-green` as a
subprocess, a purple agent served by uvicorn in the test."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from a2a.client import A2ACardResolver, Client
from a2a.types import GetTaskRequest, SendMessageRequest, TaskState

from medsafe_agents.a2a_app import parts_data, parts_text
from medsafe_agents.purple.answerers import Question
from medsafe_agents.purple.server import build_purple_app
from medsafe_core.models import RunState
from medsafe_core.store import Store

from .helpers import client_for, free_port, serve, user_message
from .test_assessment import JSON_ANSWER

GREEN = Path(sys.executable).parent / "medsafe-green"


def start_green(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(GREEN), "--port", str(port), "--log-level", "warning"],
        env=env,
        start_new_session=True,
    )


async def wait_ready(url: str) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(300):
            try:
                if (await http.get(f"{url}/.well-known/agent-card.json")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError(f"{url} did not start")


async def green_client(http: httpx.AsyncClient, url: str) -> Client:
    return client_for(await A2ACardResolver(http, url).get_agent_card(), http)


@pytest.mark.timeout(120)
async def test_killed_green_resumes_without_redoing_samples(tmp_path):
    calls: list[str] = []

    async def answer(q: Question) -> str:
        calls.append(q.prompt)
        await asyncio.sleep(0.1)
        return JSON_ANSWER

    db = f"sqlite+aiosqlite:///{tmp_path / 'green.db'}"
    env = {**os.environ, "MEDSAFE_DATABASE_URL": db, "MEDSAFE_PROGRESS_INTERVAL_S": "0"}
    for key in ("MEDSAFE_GREEN_TOKEN", "MEDSAFE_SEED_SALT", "MEDSAFE_ALLOWED_PARTICIPANTS"):
        env.pop(key, None)
    pport, gport = free_port(), free_port()
    purple, green = f"http://127.0.0.1:{pport}", f"http://127.0.0.1:{gport}"
    request = {
        "participants": {"agent": purple},
        "config": {"num_tasks": 20, "concurrency": 2, "timeout_s": 10},
    }
    procs: list[subprocess.Popen[bytes]] = []
    try:
        async with serve(build_purple_app("t", answer, purple + "/"), pport):
            procs.append(start_green(gport, env))
            await wait_ready(green)
            task_id = ""
            async with httpx.AsyncClient(timeout=60) as http:
                client = await green_client(http, green)
                stream = client.send_message(
                    SendMessageRequest(message=user_message(json.dumps(request)))
                )
                async for event in stream:
                    if event.WhichOneof("payload") == "task":
                        task_id = event.task.id
                    if event.WhichOneof("payload") == "status_update":
                        data = parts_data(event.status_update.status.message.parts)
                        if data and data[0].get("done", 0) >= 6:
                            break
                await stream.aclose()
            os.killpg(procs[0].pid, signal.SIGKILL)
            procs[0].wait(10)

            store = await Store.connect(db)
            killed = await store.get_run(task_id)
            await store.close()
            assert killed.meta.state == RunState.RUNNING
            done_before = len(killed.samples)
            assert 6 <= done_before < 20
            calls.clear()

            procs.append(start_green(gport, env))
            await wait_ready(green)
            async with httpx.AsyncClient(timeout=60) as http:
                client = await green_client(http, green)
                waiting = await client.get_task(GetTaskRequest(id=task_id))
                assert waiting.status.state == TaskState.TASK_STATE_INPUT_REQUIRED
                assert (
                    "send any message to this task to resume"
                    in parts_text(waiting.status.message.parts).lower()
                )
                resume = user_message("resume", task_id=task_id)
                resume.context_id = waiting.context_id
                async for _ in client.send_message(SendMessageRequest(message=resume)):
                    pass
                final = await client.get_task(GetTaskRequest(id=task_id))
            assert final.status.state == TaskState.TASK_STATE_COMPLETED
            (data,) = parts_data(final.artifacts[-1].parts)
            assert data["n_samples"] == 20 and data["run_id"] == task_id

        store = await Store.connect(db)
        record = await store.get_run(task_id)
        await store.close()
        assert record.meta.state == RunState.COMPLETED
        keys = [(s.id, s.epoch) for s in record.samples]
        assert len(keys) == len(set(keys)) == 20
        assert len(calls) == 20 - done_before  # finished samples were not asked again
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(10)
