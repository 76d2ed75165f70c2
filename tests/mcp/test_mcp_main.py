"""The `medsafe-mcp` command: stdio by default, streamable HTTP with --transport http."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from fastmcp import Client
from fastmcp.client.transports import StdioTransport
from mcp_helpers import QUIET_ENV, free_port

from medsafe_mcp.__main__ import parse_args

COMMAND = shutil.which("medsafe-mcp") or ""


def server_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "MEDSAFE_DATA_DIR": str(tmp_path),
        "MEDSAFE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'medsafe.db'}",
        **QUIET_ENV,
    }
    env.update(extra)
    return env


def test_arguments_default_to_stdio_on_port_8001() -> None:
    args = parse_args([])
    assert (args.transport, args.host, args.port, args.stateless) == (
        "stdio",
        "127.0.0.1",
        8001,
        False,
    )
    args = parse_args(["--transport", "http", "--host", "0.0.0.0", "--port", "9000"])
    assert (args.transport, args.host, args.port) == ("http", "0.0.0.0", 9000)
    with pytest.raises(SystemExit):
        parse_args(["--transport", "sse"])


async def test_stdio_is_the_default_transport(tmp_path: Path) -> None:
    transport = StdioTransport(
        command=sys.executable, args=["-m", "medsafe_mcp"], env=server_env(tmp_path)
    )
    async with Client(transport) as client:
        tools = {tool.name for tool in await client.list_tools()}
        tasks = await client.call_tool("get_eval_tasks", {"n": 1, "seed": 2})
    assert "evaluate_batch" in tools
    assert tasks.structured_content["tasks"][0]["id"].startswith("dipg/")


@pytest.mark.skipif(not COMMAND, reason="the medsafe-mcp script is not installed")
async def test_http_command_serves_health_and_mcp_with_token(tmp_path: Path) -> None:
    port = free_port()
    env = server_env(tmp_path, MEDSAFE_MCP_TOKEN="cli-token")
    process = subprocess.Popen(
        [COMMAND, "--transport", "http", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = asyncio.get_running_loop().time() + 30
        async with httpx.AsyncClient(base_url=base) as http:
            while True:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                try:
                    health = await http.get("/health")
                    break
                except httpx.TransportError:
                    assert asyncio.get_running_loop().time() < deadline, "server did not start"
                    await asyncio.sleep(0.1)
            assert health.json()["status"] == "ok"
            assert (await http.post("/mcp", json={})).status_code == 401
        async with Client(f"{base}/mcp", auth="cli-token") as client:
            result = await client.call_tool("list_suites")
        assert "dipg" in {s["name"] for s in result.structured_content["suites"]}
    finally:
        process.terminate()
        process.wait(timeout=15)
