"""evaluate_batch of N items over streamable HTTP vs scoring in process.

    uv run python benchmarks/mcp_roundtrip.py [--n 1000] [--rounds 9]

Prints, side by side, the median and the fastest wall time of (the fastest run is the
better estimate of the intrinsic cost on a shared, loaded machine):

* in process: the same work the tool does, called directly (resolve the tasks from
  their ids, score every response, summarize with CIs);
* the tool itself: `server.call_tool(...)` (argument validation, batch checks,
  chunked scoring, result paging and serialization; no protocol, no client);
* in-memory MCP: `fastmcp.Client(server)` in the same process (JSON-RPC and the MCP
  client's validation of the result against the output schema, no network);
* streamable HTTP: `medsafe-mcp --transport http` started as its own process on a free
  loopback port, called with `fastmcp.Client(url)` (protocol, JSON over HTTP, another
  process), with and without progress notifications.

Goal (issue 5): the HTTP round trip adds < 30% to in-process scoring time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import jsonschema
from fastmcp import Client

from medsafe_core.evaluation import score_run
from medsafe_core.models import ResponseRecord, Task
from medsafe_core.runs import build_manifest
from medsafe_core.settings import Settings
from medsafe_core.suites import get_suite, resolve_task
from medsafe_mcp import create_server

GOAL = 0.30


def build_items(n: int, seed: int) -> list[dict[str, Any]]:
    """A realistic mix: mostly well-formed answers, some wrong, some malformed."""
    items: list[dict[str, Any]] = []
    for i, task in enumerate(get_suite("dipg").tasks(seed, n)):
        truth = task.expected_answer
        if i % 5 == 3:
            response = f"I believe the answer is {truth.final}"
        elif i % 5 == 4:
            response = json.dumps({"proof": "Not in the context.", "final": "Something else."})
        else:
            response = json.dumps({"analysis": "...", "proof": truth.proof, "final": truth.final})
        items.append({"task_id": task.id, "response": response})
    return items


def in_process(items: list[dict[str, Any]]) -> None:
    suite = get_suite("dipg")
    tasks: dict[str, Task] = {}
    for item in items:
        tasks.setdefault(item["task_id"], resolve_task(item["task_id"]))
    records = [ResponseRecord(id=i["task_id"], response=i["response"]) for i in items]
    profile = Settings().profile_for(get_suite("dipg"))
    manifest = build_manifest(suite, list(tasks.values()), profile)
    score_run(suite, list(tasks.values()), records, manifest)


async def call(client: Client[Any], items: list[dict[str, Any]], progress: bool) -> Any:
    """One evaluate_batch call through the MCP SDK client session (as any MCP client
    does: JSON-RPC, the transport, and validation of the result against the tool's
    output schema); returns the structured result."""

    async def on_progress(done: float, total: float | None, message: str | None) -> None:
        return None

    result = await client.call_tool_mcp(
        "evaluate_batch",
        {"responses": items},
        progress_handler=on_progress if progress else None,
        timeout=600,
    )
    assert not result.is_error, result.content
    assert len(result.structured_content["results"]) == len(items)
    return result.structured_content


async def timed(fn: Callable[[], Awaitable[Any]]) -> float:
    start = time.perf_counter()
    await fn()
    return time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_healthy(base: str, process: subprocess.Popen[bytes]) -> None:
    async with httpx.AsyncClient(base_url=base) as http:
        for _ in range(300):
            if process.poll() is not None:
                raise RuntimeError("medsafe-mcp exited during start-up")
            try:
                if (await http.get("/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("medsafe-mcp did not become healthy")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    items = build_items(args.n, args.seed)
    payload = len(json.dumps({"responses": items}).encode())
    command = shutil.which("medsafe-mcp")
    if command is None:
        raise SystemExit("medsafe-mcp is not installed: run `uv sync --all-packages`")
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        env = {
            **os.environ,
            "MEDSAFE_DATA_DIR": data,
            "MEDSAFE_DATABASE_URL": f"sqlite+aiosqlite:///{Path(data) / 'bench.db'}",
            "FASTMCP_CHECK_FOR_UPDATES": "off",
            "FASTMCP_SHOW_SERVER_BANNER": "false",
        }
        env.pop("MEDSAFE_MCP_TOKEN", None)
        argv = [command, "--transport", "http", "--port", str(port), "--log-level", "warning"]
        process = subprocess.Popen(argv, env=env)
        try:
            base = f"http://127.0.0.1:{port}"
            await wait_healthy(base, process)
            server = create_server()
            async with (
                Client(server) as memory,
                Client(f"{base}/mcp", timeout=600) as http,
            ):
                paths: dict[str, Callable[[], Awaitable[Any]]] = {
                    "in process (resolve + score + summarize)": lambda: asyncio.to_thread(
                        in_process, items
                    ),
                    "tool via server.call_tool (no transport)": lambda: server.call_tool(
                        "evaluate_batch", {"responses": items}
                    ),
                    "MCP in memory (same process)": lambda: call(memory, items, False),
                    "streamable HTTP (server process)": lambda: call(http, items, False),
                    "streamable HTTP + progress notifications": lambda: call(http, items, True),
                }
                for fn in paths.values():  # warm-up: imports, caches, connections
                    await fn()
                times: dict[str, list[float]] = {label: [] for label in paths}
                for _ in range(args.rounds):  # interleaved, so load drift hits all paths
                    for label, fn in paths.items():
                        times[label].append(await timed(fn))
                result = await call(http, items, False)
                schema = {t.name: t for t in await http.list_tools()}["evaluate_batch"]
                validation = schema_validation_seconds(schema.output_schema or {}, result)
        finally:
            process.terminate()
            process.wait(timeout=15)

    medians = {label: statistics.median(values) for label, values in times.items()}
    minima = {label: min(values) for label, values in times.items()}
    base_median, base_min = next(iter(medians.values())), next(iter(minima.values()))
    print(
        f"evaluate_batch, {args.n} dipg items ({payload / 1e6:.2f} MB request), "
        f"{args.rounds} interleaved rounds, python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    print(f"{'path':<44}{'median s':>9}{'overhead':>10}{'min s':>8}{'overhead':>10}")
    for label in medians:
        print(
            f"{label:<44}{medians[label]:>9.3f}{medians[label] / base_median - 1:>+10.1%}"
            f"{minima[label]:>8.3f}{minima[label] / base_min - 1:>+10.1%}"
        )
    print(
        f"of which the MCP client's JSON-schema validation of the result: {validation:.3f} s "
        f"({validation / base_min:+.1%} of the fastest in-process run)"
    )
    http = "streamable HTTP (server process)"
    for name, overhead in (
        ("median", medians[http] / base_median - 1),
        ("min", minima[http] / base_min - 1),
    ):
        verdict = "meets" if overhead < GOAL else "MISSES"
        print(f"HTTP round-trip overhead ({name}) {overhead:+.1%}: {verdict} the < {GOAL:.0%} goal")


def schema_validation_seconds(schema: dict[str, Any], result: Any) -> float:
    """Median time the MCP SDK client spends validating one result (jsonschema)."""
    validator = jsonschema.Draft202012Validator(schema)
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        validator.validate(result)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


if __name__ == "__main__":
    asyncio.run(main())
