"""The local AgentBeats stack from scenario.toml, as real processes on 127.0.0.1:
each `cmd` started (ports swapped for free ones), the EvalRequest built from the
scenario as AgentBeats builds it, sent with the SDK's A2A 0.3 client, streamed."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import httpx
import pytest
from a2a.client import A2ACardResolver
from a2a.types import GetTaskRequest, SendMessageRequest, TaskState

from medsafe_agents.a2a_app import parts_data

from .green_procs import wait_ready
from .helpers import client_for, free_port, user_message

ROOT = Path(__file__).parents[2]
BIN = Path(sys.executable).parent


def _command(cmd: str, old: int, new: int) -> list[str]:
    args = [a.replace(str(old), str(new)) for a in shlex.split(cmd)]
    return [str(BIN / args[0]), *args[1:]]


@pytest.mark.timeout(120)
async def test_scenario_runs_end_to_end_over_a2a_03(tmp_path):
    scenario = tomllib.loads((ROOT / "scenario.toml").read_text())
    green_port, purple_port = free_port(), free_port()
    (participant,) = scenario["participants"]
    env = {**os.environ, "MEDSAFE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'g.db'}"}
    for key in ("MEDSAFE_GREEN_TOKEN", "MEDSAFE_SEED_SALT", "MEDSAFE_ALLOWED_PARTICIPANTS"):
        env.pop(key, None)
    procs = [
        subprocess.Popen(
            _command(participant["cmd"], 9010, purple_port), env=env, start_new_session=True
        ),
        subprocess.Popen(
            _command(scenario["green_agent"]["cmd"], 9009, green_port),
            env=env,
            start_new_session=True,
        ),
    ]
    green = f"http://127.0.0.1:{green_port}"
    purple = participant["endpoint"].replace("9010", str(purple_port))
    try:
        await wait_ready(purple)
        await wait_ready(green)
        config = {**scenario["config"], "num_tasks": 6}
        request = {"participants": {participant["role"]: purple}, "config": config}
        async with httpx.AsyncClient(timeout=60) as http:
            card = await A2ACardResolver(http, green).get_agent_card()
            client = client_for(card, http, legacy=True)
            states = []
            async for event in client.send_message(
                SendMessageRequest(message=user_message(json.dumps(request)))
            ):
                if event.WhichOneof("payload") == "status_update":
                    states.append(event.status_update.status.state)
                    task_id = event.status_update.task_id
                elif event.WhichOneof("payload") == "task":
                    task_id = event.task.id
            final = await client.get_task(GetTaskRequest(id=task_id))
        assert TaskState.TASK_STATE_WORKING in states
        assert final.status.state == TaskState.TASK_STATE_COMPLETED
        (data,) = parts_data(final.artifacts[-1].parts)
        assert data["participant"] == {"role": "agent", "url": purple}
        assert data["n_samples"] == 6 and data["n_errors"] == 0
        assert data["headline"]["format_error_rate"] == 0  # the baseline follows the format
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(10)
