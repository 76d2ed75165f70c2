"""evaluate_batch over streamable HTTP beside the same scoring in process.

    uv run python benchmarks/mcp_roundtrip.py [--n 100 1000 3000] [--rounds 3] [--baseline REF]

For each batch size N (dipg items: mostly well-formed answers, some wrong, some
malformed) it times, in interleaved rounds so that load drift hits every path alike:

* in process: what the tool computes, called directly on the engine: `build_batch` from
  the same items (tasks regenerated from their ids) and `medsafe_core.evaluation.evaluate`
  (scoring, metrics with CIs, the run record); the goal's reference;
* the same in process under the garbage-collector settings the `medsafe-mcp` process
  serves with (`medsafe_mcp.__main__.GC_THRESHOLDS`, objects alive before the call
  frozen), so the report can also say what the round trip adds over scoring that is
  tuned alike;
* streamable HTTP: `medsafe-mcp --transport http` started as its own process on a free
  loopback port and called with `fastmcp.Client(url).call_tool_mcp`, i.e. the official
  MCP SDK client session (JSON-RPC over HTTP, server-sent events, and the client's
  validation of the structured result against the tool's output schema), once with
  `store=false` (N <= 1,000: larger unstored batches are refused) and once with
  `store=true` (which also writes the run to SQLite).

`--baseline REF` also starts a server whose `medsafe_mcp` package comes from git revision
REF (extracted with `git archive`, first on its PYTHONPATH; the engine is this tree's),
so that before and after are measured in one run under the same load.

Prints per path the median wall time, the median CPU time (this process's plus the
server process's: steadier than wall time on a loaded machine) and the client's part of
it, the fastest wall time, the overhead of each over in process, the time the client
spends validating one result against the output schema, and the load average.
Goal (issues 5 and 15): the HTTP round trip adds < 30% at 1,000 items, stored or not.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
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
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
import jsonschema
from fastmcp import Client

from _revision import baseline_env, extract_tree
from medsafe_core.evaluation import BatchItem, build_batch, evaluate
from medsafe_core.settings import Settings
from medsafe_core.suites import get_suite
from medsafe_mcp.__main__ import GC_THRESHOLDS

GOAL = 0.30
TUNED = "in process, the server's GC settings"
ROOT = Path(__file__).resolve().parents[1]


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
    """The engine's one evaluation path on the same items, as the tool runs it."""
    settings = Settings()
    batch = build_batch(
        [BatchItem(task_id=i["task_id"], response=i["response"]) for i in items],
        max_items=settings.max_batch_items,
        max_response_bytes=settings.max_response_bytes,
    )
    evaluate(batch, settings.profile_for(batch.suite))


def in_process_tuned(items: list[dict[str, Any]]) -> None:
    """`in_process` under the server's collector settings (see the module docstring)."""
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        in_process(items)
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


async def call(client: Client[Any], items: list[dict[str, Any]], store: bool) -> dict[str, Any]:
    """One evaluate_batch call through the MCP SDK client session; the structured result."""
    result = await client.call_tool_mcp(
        "evaluate_batch", {"responses": items, "store": store}, timeout=600
    )
    assert not result.is_error, result.content
    assert result.structured_content is not None
    assert len(result.structured_content["results"]) == len(items) or store
    return result.structured_content


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def start_server(env: dict[str, str], data: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`medsafe-mcp --transport http` on a free loopback port with its own database."""
    command = shutil.which("medsafe-mcp")
    if command is None:
        raise SystemExit("medsafe-mcp is not installed: run `uv sync --all-packages`")
    data.mkdir(parents=True)
    env = {
        **env,
        "MEDSAFE_DATA_DIR": str(data),
        "MEDSAFE_DATABASE_URL": f"sqlite+aiosqlite:///{data / 'bench.db'}",
        "FASTMCP_CHECK_FOR_UPDATES": "off",
        "FASTMCP_SHOW_SERVER_BANNER": "false",
    }
    env.pop("MEDSAFE_MCP_TOKEN", None)
    port = free_port()
    argv = [command, "--transport", "http", "--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen(argv, env=env)
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base) as http:
        for _ in range(300):
            if process.poll() is not None:
                raise RuntimeError("medsafe-mcp exited during start-up")
            try:
                if (await http.get("/health")).status_code == 200:
                    return process, f"{base}/mcp"
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    process.terminate()
    raise RuntimeError("medsafe-mcp did not become healthy")


def variants(baseline: str | None, tmp: Path) -> list[tuple[str, dict[str, str]]]:
    """(label, environment) of each server to measure: the baseline's, then this tree's."""
    env = dict(os.environ)
    out: list[tuple[str, dict[str, str]]] = []
    if baseline:
        short = extract_tree(baseline, "mcp_server/src", tmp / "baseline")
        path = str(tmp / "baseline" / "mcp_server" / "src")
        base_env = baseline_env(env, {"medsafe_mcp": path})
        out.append((f"baseline {short}", base_env))
    out.append(("this tree", env))
    return out


def validation_seconds(schema: dict[str, Any], result: dict[str, Any]) -> float:
    """Median time the MCP SDK client spends validating one result (jsonschema)."""
    validator = jsonschema.Draft202012Validator(schema)
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        assert jsonschema.exceptions.best_match(validator.iter_errors(result)) is None
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def server_cpu(pid: int | None) -> float:
    """CPU time (user + system) of process `pid` (0 for none)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


Timings = dict[str, tuple[list[float], list[float], list[float]]]
"""Per path: wall seconds, CPU seconds of this process (the client), of the server."""
Path_ = tuple[Callable[[], Awaitable[Any]], int | None]


async def measure(n: int, rounds: int, servers: dict[str, tuple[Client[Any], int]]) -> Timings:
    """Wall and CPU seconds (this process's, the server's) per path and round."""
    items = build_items(n, 1)
    paths: dict[str, Path_] = {
        "in process (build_batch + evaluate)": (lambda: asyncio.to_thread(in_process, items), None),
        TUNED: (lambda: asyncio.to_thread(in_process_tuned, items), None),
    }
    for label, (client, pid) in servers.items():
        for store in (False, True):
            if store or n <= 1000:
                paths[f"HTTP {label}, store={str(store).lower()}"] = (
                    lambda c=client, s=store: call(c, items, s),
                    pid,
                )
    for fn, _ in paths.values():  # warm-up: imports, caches, connections
        await fn()
    times: Timings = {label: ([], [], []) for label in paths}
    for _ in range(rounds):  # interleaved, so load drift hits all paths
        for label, (fn, pid) in paths.items():
            start = (time.perf_counter(), time.process_time(), server_cpu(pid))
            await fn()
            end = (time.perf_counter(), time.process_time(), server_cpu(pid))
            for into, before, after in zip(times[label], start, end, strict=True):
                into.append(after - before)
    return times


async def validation(client: Client[Any], n: int) -> float:
    """Seconds the MCP SDK client spends validating one unstored result (jsonschema)."""
    tool = {t.name: t for t in await client.list_tools()}["evaluate_batch"]
    result = await call(client, build_items(min(n, 1000), 1), False)
    return validation_seconds(tool.output_schema or {}, result)


def report(n: int, rounds: int, times: Timings, validated: float) -> None:
    wall = {label: statistics.median(w) for label, (w, _, _) in times.items()}
    cpu = {
        label: statistics.median(a + b for a, b in zip(c, s, strict=True))
        for label, (_, c, s) in times.items()
    }
    client = {label: statistics.median(c) for label, (_, c, _) in times.items()}
    fastest = {label: min(w) for label, (w, _, _) in times.items()}
    base_wall, base_cpu, base_fast = (next(iter(d.values())) for d in (wall, cpu, fastest))
    print(
        f"\nevaluate_batch, {n} dipg items, median of {rounds} interleaved rounds, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(
        f"{'path':<40}{'wall s':>8}{'overhead':>9}{'CPU s':>7}{'overhead':>9}"
        f"{'client':>7}{'min wall':>9}{'overhead':>9}"
    )
    for label in wall:
        print(
            f"{label:<40}{wall[label]:>8.3f}{wall[label] / base_wall - 1:>+9.1%}"
            f"{cpu[label]:>7.3f}{cpu[label] / base_cpu - 1:>+9.1%}"
            f"{client[label] if label.startswith('HTTP') else 0:>7.3f}"
            f"{fastest[label]:>9.3f}{fastest[label] / base_fast - 1:>+9.1%}"
        )
    print(
        "(CPU s: client + server process, steadier than wall time on a loaded machine; "
        "client: the MCP client's share)"
    )
    print(
        f"of which the MCP SDK client's JSON-schema validation of one unstored result of "
        f"this tree: {validated:.3f} s ({validated / base_wall:.1%} of in process)"
    )
    for label in wall:
        if label.startswith("HTTP this tree"):
            overhead = wall[label] / base_wall - 1
            verdict = "meets" if overhead < GOAL else "MISSES"
            print(
                f"{label}: median overhead {overhead:+.1%} (CPU {cpu[label] / base_cpu - 1:+.1%}), "
                f"{verdict} the < {GOAL:.0%} goal; over in process with the server's GC "
                f"settings {wall[label] / wall[TUNED] - 1:+.1%} (CPU {cpu[label] / cpu[TUNED] - 1:+.1%})"
            )


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", help="git revision whose medsafe_mcp to measure beside")
    args = parser.parse_args()
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"load average at start {os.getloadavg()[0]:.2f}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        processes: list[subprocess.Popen[bytes]] = []
        try:
            async with AsyncExitStack() as stack:
                servers: dict[str, tuple[Client[Any], int]] = {}
                for label, env in variants(args.baseline, Path(tmp)):
                    process, url = await start_server(env, Path(tmp) / f"data{len(processes)}")
                    processes.append(process)
                    client = await stack.enter_async_context(Client(url, timeout=600))
                    servers[label] = (client, process.pid)
                for n in args.n:
                    times = await measure(n, args.rounds, servers)
                    report(n, args.rounds, times, await validation(client, n))
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=15)


if __name__ == "__main__":
    asyncio.run(main())
