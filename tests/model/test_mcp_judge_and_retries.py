"""MCP `evaluate_batch`: a call may ask for the server's model-graded judge, and a
retried call with the same idempotency key stores one run, not two."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError

from medsafe_core.store import Store
from medsafe_mcp import create_server
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.model.judge_helpers import reference_answers, server_settings


async def test_judge_model_is_used_and_recorded(tmp_path: Path, fake: FakeOpenAI) -> None:
    fake.responder = lambda rec: Reply(json.dumps({"verdict": "fail", "reason": "no"}))
    settings = server_settings(tmp_path, judge_model="grader", judge_base_url=fake.base_url)
    async with Client(create_server(settings)) as client:
        result = await client.call_tool(
            "evaluate_batch",
            {"responses": reference_answers("task_id"), "judge": "model", "store": True},
        )
        data = result.structured_content
        assert {r["judge"] for r in data["results"]} == {"model@1:grader"}
        assert {r["outcome"] for r in data["results"]} == {"hallucinated_trace"}
    store = await Store.connect(settings.resolved_database_url())
    try:
        assert (await store.get_run(data["run_id"])).manifest.judge == "model@1:grader"
    finally:
        await store.close()


async def test_no_configured_judge_is_a_tool_error(tmp_path: Path) -> None:
    async with Client(create_server(server_settings(tmp_path))) as client:
        with pytest.raises(ToolError, match="MEDSAFE_JUDGE_MODEL"):
            await client.call_tool(
                "evaluate_batch", {"responses": reference_answers("task_id"), "judge": "model"}
            )


async def test_a_retry_with_the_same_key_stores_one_run(tmp_path: Path) -> None:
    call = {"responses": reference_answers("task_id"), "store": True, "idempotency_key": "batch-7"}
    async with Client(create_server(server_settings(tmp_path))) as client:
        first = (await client.call_tool("evaluate_batch", call)).structured_content
        again = (await client.call_tool("evaluate_batch", call)).structured_content
        assert again["run_id"] == first["run_id"]
        other = {**call, "responses": call["responses"][:2]}
        with pytest.raises(ToolError):
            await client.call_tool("evaluate_batch", other)
