"""A suite shipped as a separate package runs on every surface with no adapter change:
the CLI (in a fresh process that finds the package's entry point), the REST API and the
OpenEnv endpoints, the HTML report, the leaderboard, the MCP server and the green
agent with a purple participant over A2A."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
from a2a.types import TaskState
from fastmcp import Client

from medsafe_agents.green.app import create_green
from medsafe_agents.purple.__main__ import build_from_args, parse_args
from medsafe_agents.settings import AgentSettings
from medsafe_core.service import ServiceOptions, create_app
from medsafe_core.settings import Settings
from medsafe_core.store import Store
from medsafe_core.suites import get_suite, list_suites
from medsafe_mcp import create_server
from tests.agents.helpers import PURPLE, Router, a2a_client, exchange, user_message

from .conftest import TOY_PACKAGE_DIR

REPO = Path(__file__).resolve().parents[2]


def _settings(tmp_path: Path) -> dict[str, Any]:
    return {
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'medsafe.db'}",
        "data_dir": tmp_path,
        "seed_salt": None,
        "api_token": None,
        "mcp_token": None,
    }


def test_the_package_registers_by_entry_point(toy_suite: str) -> None:
    info = next(i for i in list_suites() if i.name == toy_suite)
    assert set(info.schemas) == {"input", "target", "response"}
    assert info.profiles == ["toy-v1"]
    assert {"right", "wrong", "format_error", "unscored", "error"} <= set(info.outcomes)
    task = get_suite(toy_suite).task(3, 0)
    assert "truth" not in task.view().model_dump() and "category" not in task.view().model_dump()


def test_cli_in_a_fresh_process(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(TOY_PACKAGE_DIR), "MEDSAFE_DATA_DIR": str(tmp_path)}

    def medsafe(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "medsafe_core.cli", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    medsafe("tasks", "--suite", "toy", "--n", "8", "--seed", "3", "--out", "tasks.jsonl")
    lines = [json.loads(x) for x in (tmp_path / "tasks.jsonl").read_text().splitlines()]
    assert len(lines) == 8 and all(x["suite"] == "toy" for x in lines)
    responses = [
        {"id": x["id"], "response": json.dumps({"answer": x["truth"]["total"] + (i % 2)})}
        for i, x in enumerate(lines)
    ]
    (tmp_path / "responses.jsonl").write_text("".join(json.dumps(r) + "\n" for r in responses))
    medsafe(
        "score",
        "--suite",
        "toy",
        "--tasks",
        "tasks.jsonl",
        "--responses",
        "responses.jsonl",
        "--out",
        "run.json",
    )
    run = json.loads((tmp_path / "run.json").read_text())
    assert run["manifest"]["profile"]["name"] == "toy-v1"
    assert [s["outcome"] for s in run["samples"]].count("right") == 4
    medsafe("assess", "--suite", "toy", "--n", "30", "--seed", "3", "--out-dir", "runs")
    adder = json.loads((tmp_path / "runs" / "toy-adder.json").read_text())
    off = json.loads((tmp_path / "runs" / "toy-off-by-one.json").read_text())
    assert adder["metrics"]["metrics"]["safe_response_rate"]["value"] == 1.0
    assert off["metrics"]["metrics"]["safe_response_rate"]["value"] == 0.0


async def test_rest_openenv_report_and_leaderboard(toy_suite: str, tmp_path: Path) -> None:
    settings = Settings(**_settings(tmp_path))
    store = await Store.connect(settings.resolved_database_url())
    app = create_app(settings, store, options=ServiceOptions())
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            listed = (
                await http.get("/eval/tasks", params={"suite": "toy", "max_samples": 4})
            ).json()
            assert [t["suite"] for t in listed["tasks"]] == ["toy"] * 4
            assert all(set(t["input"]) == {"a", "b"} for t in listed["tasks"])
            items = [
                {
                    "id": t["id"],
                    "response": json.dumps({"answer": t["input"]["a"] + t["input"]["b"]}),
                }
                for t in listed["tasks"]
            ]
            scored = await http.post("/evaluate", json={"evaluations": items, "store": True})
            assert scored.status_code == 200, scored.text
            body = scored.json()
            assert {r["outcome"] for r in body["results"]} == {"right"}
            run_id = body["run_id"]
            assert (await http.get(f"/runs/{run_id}")).json()["manifest"]["suite"] == "toy"
            report = await http.get(f"/runs/{run_id}/report")
            assert report.status_code == 200 and "toy" in report.text
            board = await http.get("/leaderboard", params={"suite": "toy"})
            assert board.status_code == 200, board.text

            reset = (await http.post("/reset", json={"suite": "toy", "seed": 5})).json()
            obs = reset["observation"]
            answer = json.dumps({"answer": -1})
            step = await http.post(
                "/step", json={"action": {"llm_response": answer, "task_id": obs["task_id"]}}
            )
            assert step.status_code == 200, step.text
            assert step.json()["done"] is True and step.json()["reward"] == -1.0
    finally:
        await store.close()


async def test_mcp_tools_and_prompt(toy_suite: str, tmp_path: Path) -> None:
    settings = Settings(**_settings(tmp_path))
    async with Client(create_server(settings)) as client:
        suites = (await client.call_tool("list_suites", {})).structured_content
        assert "toy" in json.dumps(suites)
        drawn = (
            await client.call_tool("get_eval_tasks", {"suite": "toy", "n": 3})
        ).structured_content
        tasks = drawn["tasks"]
        assert len(tasks) == 3
        items = [{"task_id": t["id"], "response": json.dumps({"answer": 0})} for t in tasks]
        result = (await client.call_tool("evaluate_batch", {"responses": items})).structured_content
        assert result["suite"] == "toy" and result["profile"] == "toy-v1"
        assert {r["outcome"] for r in result["results"]} == {"wrong"}
        prompt = await client.get_prompt("answer_task", {"task_id": tasks[0]["id"]})
        assert "a + b" in prompt.messages[0].content.text  # type: ignore[union-attr]


async def test_green_agent_assesses_a_purple_on_the_toy_suite(
    toy_suite: str, tmp_path: Path
) -> None:
    purple = build_from_args(parse_args(["--kind", "toy-adder", "--port", "19010"]))
    router = Router({"127.0.0.1:19010": purple})
    settings = AgentSettings(
        **_settings(tmp_path),
        progress_interval_s=0.0,
        green_token=None,
        allowed_participants="",
        chat_model=None,
        mcp_url=None,
    )
    green = await create_green(
        settings, card_url="http://green.test/", participant_transport=router
    )
    try:
        request = {
            "participants": {"agent": PURPLE},
            "config": {"suite": "toy", "num_tasks": 6, "concurrency": 3, "timeout_s": 10},
        }
        async with a2a_client(green.app) as client:
            result = await exchange(client, user_message(json.dumps(request)))
        assert result.task is not None
        assert result.task.status.state == TaskState.TASK_STATE_COMPLETED
        _, data = result.result()
        assert data["metrics"]["safe_response_rate"]["value"] == 1.0
        record = await green.store.get_run(result.task_id)
        assert record.manifest.suite == "toy" and len(record.samples) == 6
    finally:
        await green.executor.aclose()
        await green.store.close()
