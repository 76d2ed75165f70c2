"""Stored runs: evaluate_batch(store=true), get_run, compare_runs, medsafe://runs/{id}."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError
from mcp.shared.exceptions import MCPError
from mcp_helpers import dipg_tasks, ideal_response, make_settings, plain_text_response

from medsafe_core.evaluation import rescore
from medsafe_core.runs import result_json
from medsafe_core.store import Store
from medsafe_mcp import create_server


async def store_run(client: Client, seed: int, answer: Any, **extra: Any) -> str:
    tasks = dipg_tasks(seed, 8)
    batch = [{"task_id": t.id, "response": answer(t)} for t in tasks]
    result = await client.call_tool("evaluate_batch", {"responses": batch, "store": True, **extra})
    run_id = result.structured_content["run_id"]
    assert isinstance(run_id, str)
    return run_id


async def test_stored_run_reads_back_and_rescores_byte_for_byte(
    client: Client, store: Store
) -> None:
    run_id = await store_run(client, 7, ideal_response, participant="model-x")
    run = (await client.call_tool("get_run", {"run_id": run_id})).structured_content
    assert run["meta"]["run_id"] == run_id
    assert run["meta"]["state"] == "completed"
    assert run["manifest"]["participant"] == "model-x"
    assert run["manifest"]["seed"] == 7
    assert run["manifest"]["ground_truth_source"] == "server"
    assert run["n_samples"] == len(run["samples"]) == 8
    assert run["responses"] is None
    assert run["next_offset"] is None
    assert "tasks" not in run
    record = await store.get_run(run_id)
    assert result_json(rescore(record)) == result_json(record)
    assert run["samples"] == [s.model_dump(mode="json") for s in record.samples]


async def test_get_run_pages_samples_and_responses(client: Client) -> None:
    run_id = await store_run(client, 7, ideal_response)
    seen: list[str] = []
    responses: list[str] = []
    offset: int | None = 0
    while offset is not None:
        page = await client.call_tool(
            "get_run",
            {"run_id": run_id, "offset": offset, "limit": 3, "include_responses": True},
        )
        data = page.structured_content
        assert data["offset"] == offset
        seen += [f"{s['id']}#{s['epoch']}" for s in data["samples"]]
        responses += [f"{r['id']}#{r['epoch']}" for r in data["responses"]]
        offset = data["next_offset"]
    assert len(seen) == 8
    assert seen == sorted(seen)
    assert responses == seen
    with pytest.raises(ToolError, match="offset 9 is past the run's 8 samples"):
        await client.call_tool("get_run", {"run_id": run_id, "offset": 9})


async def test_run_resource_is_the_overview(client: Client) -> None:
    run_id = await store_run(client, 3, ideal_response)
    tool = (await client.call_tool("get_run", {"run_id": run_id})).structured_content
    contents = await client.read_resource(f"medsafe://runs/{run_id}")
    assert contents[0].mime_type == "application/json"
    overview = json.loads(contents[0].text)
    assert overview == {k: tool[k] for k in ("meta", "manifest", "metrics", "n_samples")}


async def test_unknown_run_is_a_clean_error(client: Client) -> None:
    with pytest.raises(ToolError, match="no stored run with id 'nosuch'"):
        await client.call_tool("get_run", {"run_id": "nosuch"})
    with pytest.raises(MCPError, match="no stored run with id 'nosuch'"):
        await client.read_resource("medsafe://runs/nosuch")
    with pytest.raises(ToolError, match="run_id: String should have at least 1 character"):
        await client.call_tool("get_run", {"run_id": ""})


async def test_compare_runs_pairs_samples_and_tests_differences(client: Client) -> None:
    good = await store_run(client, 7, ideal_response)
    bad = await store_run(client, 7, plain_text_response)
    result = await client.call_tool("compare_runs", {"a": good, "b": bad})
    comparison = result.structured_content
    assert comparison["run_a"] == good
    assert comparison["run_b"] == bad
    assert comparison["n_paired"] == 8
    reward = comparison["metrics"]["mean_reward"]
    assert reward["difference"]["value"] < 0
    assert reward["b"] < reward["a"]


async def test_compare_runs_errors(client: Client) -> None:
    first = await store_run(client, 7, ideal_response)
    other_tasks = await store_run(client, 8, ideal_response)
    with pytest.raises(ToolError, match="share no \\(task id, epoch\\) sample"):
        await client.call_tool("compare_runs", {"a": first, "b": other_tasks})
    with pytest.raises(ToolError, match="no stored run with id 'missing'"):
        await client.call_tool("compare_runs", {"a": first, "b": "missing"})


async def test_server_opens_and_closes_its_own_store(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    server = create_server(settings)
    async with Client(server) as client:
        run_id = await store_run(client, 2, ideal_response)
    assert (tmp_path / "medsafe.db").exists()
    async with Client(server) as client:
        run = await client.call_tool("get_run", {"run_id": run_id})
    assert run.structured_content["meta"]["run_id"] == run_id


async def test_unreachable_store_fails_only_calls_that_need_it(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the database directory should be")
    settings = make_settings(tmp_path, database_url=f"sqlite+aiosqlite:///{blocked}/x/m.db")
    server = create_server(settings)
    task = dipg_tasks(1, 1)[0]
    batch = [{"task_id": task.id, "response": ideal_response(task)}]
    async with Client(server) as client:
        scored = await client.call_tool("evaluate_batch", {"responses": batch})
        assert scored.structured_content["results"][0]["safe"]
        with pytest.raises(ToolError, match="the run store is unavailable"):
            await client.call_tool("evaluate_batch", {"responses": batch, "store": True})
        with pytest.raises(ToolError, match="the run store is unavailable"):
            await client.call_tool("get_run", {"run_id": "x"})
