"""The server over real streamable HTTP (uvicorn on a free loopback port)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastmcp import Client
from mcp.shared.exceptions import MCPError
from mcp_helpers import dipg_tasks, ideal_response, make_settings, serve_http

from medsafe_mcp import create_server

TOKEN = "test-token-4f1c"


def batch(seed: int, n: int) -> list[dict[str, str]]:
    return [{"task_id": t.id, "response": ideal_response(t)} for t in dipg_tasks(seed, n)]


async def test_bearer_token_guards_mcp_but_not_health(tmp_path: Path) -> None:
    server = create_server(make_settings(tmp_path, mcp_token=TOKEN))
    with serve_http(server.http_app(path="/mcp")) as url:
        async with httpx.AsyncClient(base_url=url) as http:
            health = await http.get("/health")
            assert health.status_code == 200
            assert health.json()["status"] == "ok"
            anonymous = await http.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
            assert anonymous.status_code == 401
            wrong = await http.post(
                "/mcp",
                json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
                headers={"Authorization": "Bearer nope"},
            )
            assert wrong.status_code == 401
        with pytest.raises(MCPError):
            async with Client(f"{url}/mcp", auth="wrong-token") as client:
                await client.list_tools()
        async with Client(f"{url}/mcp", auth=TOKEN) as client:
            progress: list[float] = []

            async def on_progress(done: float, total: float | None, message: str | None) -> None:
                progress.append(done)

            result = await client.call_tool(
                "evaluate_batch", {"responses": batch(7, 40)}, progress_handler=on_progress
            )
    assert len(result.structured_content["results"]) == 40
    assert progress[-1] == 40


async def test_without_token_http_is_open(tmp_path: Path) -> None:
    server = create_server(make_settings(tmp_path))
    with serve_http(server.http_app(path="/mcp")) as url:
        async with Client(f"{url}/mcp") as client:
            tools = {tool.name for tool in await client.list_tools()}
            tasks = await client.call_tool("get_eval_tasks", {"n": 2, "seed": 1})
    assert "evaluate_batch" in tools
    assert len(tasks.structured_content["tasks"]) == 2


async def test_stateless_http_serves_full_calls(tmp_path: Path) -> None:
    server = create_server(make_settings(tmp_path, mcp_token=TOKEN))
    with serve_http(server.http_app(path="/mcp", stateless_http=True)) as url:
        async with Client(f"{url}/mcp", auth=TOKEN) as client:
            result = await client.call_tool(
                "evaluate_batch", {"responses": batch(3, 5), "store": True}
            )
            run_id = result.structured_content["run_id"]
            run = await client.call_tool("get_run", {"run_id": run_id})
    assert run.structured_content["meta"]["run_id"] == run_id


async def test_a_thousand_item_batch_fits_through_standard_clients(tmp_path: Path) -> None:
    # The MCP SDK client rejects server-sent events over 1 MiB; the result must fit.
    server = create_server(make_settings(tmp_path))
    with serve_http(server.http_app(path="/mcp")) as url:
        async with Client(f"{url}/mcp") as client:
            result = await client.call_tool(
                "evaluate_batch", {"responses": batch(4, 1000), "store": True}
            )
            data = result.structured_content
            page = await client.call_tool("get_run", {"run_id": data["run_id"], "limit": 1000})
    assert len(data["results"]) == 1000
    assert data["detail"] == "compact"
    assert page.structured_content["next_offset"] is not None
    assert page.structured_content["samples"][0]["penalties"]
