"""Limits that hold on every MCP surface: short errors for oversized string arguments,
one HTTP body limit stated in its error, results that fit the MCP client's 1 MiB
message whatever their escaping, and task pages that cost O(page)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest
from fastmcp import Client, FastMCP
from fastmcp.exceptions import ToolError
from mcp.shared.exceptions import MCPError
from mcp_helpers import dipg_tasks, make_settings, serve_http

from medsafe_core.suites import get_suite
from medsafe_mcp import create_server
from medsafe_mcp.paging import MESSAGE_LIMIT_BYTES, wire_size_of_json

HUGE = "x" * 2_000_000


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("get_eval_tasks", {"suite": HUGE}),
        ("get_eval_tasks", {"categories": [HUGE]}),
        ("get_eval_tasks", {"categories": ["numeric"] * 1000}),
        ("get_run", {"run_id": HUGE}),
        ("compare_runs", {"a": HUGE, "b": "x"}),
        ("evaluate_batch", {"responses": [{"task_id": HUGE, "response": "r"}]}),
    ],
)
async def test_huge_string_arguments_get_a_short_error(client: Client, tool, arguments) -> None:
    started = time.monotonic()
    with pytest.raises(ToolError) as raised:
        await client.call_tool(tool, arguments)
    message = str(raised.value)
    assert len(message) < 600, message[:200]
    assert "x" * 100 not in message
    assert time.monotonic() - started < 10


async def test_huge_resource_and_prompt_arguments_get_a_short_error(client: Client) -> None:
    for uri in (f"medsafe://runs/{HUGE}", f"medsafe://suites/{HUGE}"):
        with pytest.raises(MCPError) as raised:
            await client.read_resource(uri)
        assert len(str(raised.value)) < 600
    for arguments in ({"task_id": HUGE}, {"task_id": "dipg/1/7/000000", "format": HUGE}):
        with pytest.raises(MCPError) as raised:
            await client.get_prompt("answer_task", arguments)
        assert len(str(raised.value)) < 600


def answers(n: int, size: int) -> list[dict[str, str]]:
    tasks = dipg_tasks(11, n)
    body = "a" * size
    return [{"task_id": t.id, "response": json.dumps({"final": body})} for t in tasks]


async def test_body_limit_is_stated_and_large_batches_get_through(tmp_path: Path) -> None:
    # 3,000 answers of 1.4 KB: a 4.5 MB body, over the MCP SDK's default 4 MiB.
    server = create_server(make_settings(tmp_path))
    with serve_http(server.http_app(path="/mcp")) as url:
        async with Client(f"{url}/mcp") as client:
            result = await client.call_tool(
                "evaluate_batch", {"responses": answers(3000, 1400), "store": True}
            )
    assert result.structured_content["n_items"] == 3000

    small = create_server(make_settings(tmp_path), max_body_bytes=256 * 1024)
    with serve_http(small.http_app(path="/mcp")) as url:
        body = {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "tools/call",
            "params": {"name": "evaluate_batch", "arguments": {"responses": answers(400, 1400)}},
        }
        async with httpx.AsyncClient() as http:
            refused = await http.post(
                f"{url}/mcp",
                json=body,
                headers={"accept": "application/json, text/event-stream"},
            )
    assert refused.status_code == 413
    error = refused.json()["error"]
    assert "262144 bytes" in error["message"] and "--max-body-bytes" in error["message"]
    assert len(refused.content) < 400


async def test_pages_fit_one_message_whatever_their_escaping(tmp_path: Path) -> None:
    # Responses made of quotes double in the structured copy and again in its text copy.
    quoted = '"' * 60_000
    tasks = dipg_tasks(5, 6)
    items = [{"task_id": t.id, "response": quoted} for t in tasks]
    server = create_server(make_settings(tmp_path))
    with serve_http(server.http_app(path="/mcp")) as url:
        async with Client(f"{url}/mcp") as client:
            stored = await client.call_tool("evaluate_batch", {"responses": items, "store": True})
            run_id = stored.structured_content["run_id"]
            seen, offset = 0, 0
            while offset is not None:
                page = await client.call_tool(
                    "get_run",
                    {"run_id": run_id, "offset": offset, "include_responses": True},
                )
                data = page.structured_content
                assert wire_size_of_json(json.dumps(data)) < MESSAGE_LIMIT_BYTES
                seen += len(data["responses"])
                offset = data["next_offset"]
    assert seen == 6


async def test_task_pages_match_the_set_and_cost_o_page(server: FastMCP) -> None:
    suite = get_suite("dipg")
    category = suite.info.categories[0]
    async with Client(server) as client:
        drawn = []
        offset = 0
        while offset is not None:
            page = await client.call_tool(
                "get_eval_tasks",
                {"n": 60, "seed": 4, "categories": [category], "offset": offset},
            )
            drawn += [t["id"] for t in page.structured_content["tasks"]]
            offset = page.structured_content["next_offset"]
        assert drawn == [t.id for t in suite.tasks(4, 60, [category])]

        async def page_time(at: int) -> float:
            started = time.perf_counter()
            await client.call_tool("get_eval_tasks", {"n": 10_000, "seed": 9, "offset": at})
            return time.perf_counter() - started

        first = min([await page_time(0) for _ in range(2)])
        late = min([await page_time(9_900) for _ in range(2)])
    # Regenerating 9,900 tasks before the page took 1.5-2 s; a page costs the same anywhere.
    assert late < 3 * first + 0.3, (first, late)


async def test_unstored_batches_are_never_cut(client: Client) -> None:
    tasks = dipg_tasks(21, 1500)
    items = [{"task_id": t.id, "response": "plain prose, not the format"} for t in tasks]
    with pytest.raises(ToolError) as raised:
        await client.call_tool("evaluate_batch", {"responses": items})
    message = str(raised.value)
    assert "at most 1000 items" in message and "store=true" in message

    whole = await client.call_tool("evaluate_batch", {"responses": items[:1000]})
    assert whole.structured_content["next_offset"] is None
    assert len(whole.structured_content["results"]) == 1000

    stored = await client.call_tool("evaluate_batch", {"responses": items, "store": True})
    data = stored.structured_content
    assert data["n_items"] == 1500 and data["run_id"]
    run = await client.call_tool("get_run", {"run_id": data["run_id"], "limit": 1})
    assert run.structured_content["n_samples"] == 1500  # every verdict can be paged
