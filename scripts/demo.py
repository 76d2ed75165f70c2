"""The main job on embedded defaults: start the local medsafe stack, assess reference
participants over A2A, and show the results.

Starts, as local processes on 127.0.0.1 sharing one SQLite file: the core service
(`medsafe serve`), the MCP server (`medsafe-mcp --transport http`), the green evaluator
agent (`medsafe-green`) and two purple participants (`medsafe-purple --kind baseline`
and `--kind hallucinator`). Sends each participant's EvalRequest to the green agent
over A2A, streams progress, prints the metrics with 95% CIs, the leaderboard from the
core service, and the report URLs. No API keys, no Docker, no downloads.

    scripts/demo [--n 42] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from uuid import uuid4

import httpx
from a2a.client import A2ACardResolver, ClientConfig, ClientFactory
from a2a.types import Message, Part, Role, SendMessageRequest
from rich.console import Console
from rich.table import Table

from medsafe_agents.a2a_app import parts_data

BIN = Path(sys.executable).parent
console = Console(width=None if sys.stdout.isatty() else 132)
PURPLES = ("baseline", "hallucinator")


def _port(preferred: int) -> int:
    for candidate in (preferred, 0):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise RuntimeError("no free port")


class Stack:
    """The role processes, started and stopped together (only the ones started here)."""

    def __init__(self, workdir: Path) -> None:
        self.env = {
            **os.environ,
            "MEDSAFE_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'medsafe.db'}",
            "MEDSAFE_DATA_DIR": str(workdir),
        }
        self.procs: list[subprocess.Popen[bytes]] = []
        self.logs = workdir

    def start(self, name: str, *args: str) -> None:
        log = (self.logs / f"{name}.log").open("wb")
        self.procs.append(
            subprocess.Popen(
                [str(BIN / args[0]), *args[1:]],
                env=self.env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        )

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


async def _wait(http: httpx.AsyncClient, url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if (await http.get(url)).status_code < 500:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.3)
    raise RuntimeError(f"{url} did not come up within {timeout:.0f} s")


async def _assess(http: httpx.AsyncClient, green: str, purple: str, n: int) -> dict:
    card = await A2ACardResolver(http, green).get_agent_card()
    client = ClientFactory(ClientConfig(httpx_client=http, streaming=True)).create(card)
    request = {
        "participants": {"agent": purple},
        "config": {"suite": "dipg", "num_tasks": n, "seed": 1, "format": "json", "concurrency": 8},
    }
    message = Message(
        role=Role.ROLE_USER, message_id=uuid4().hex, parts=[Part(text=json.dumps(request))]
    )
    result: dict = {}
    async for event in client.send_message(SendMessageRequest(message=message)):
        kind = event.WhichOneof("payload")
        if kind == "status_update":
            for data in parts_data(event.status_update.status.message.parts):
                if data.get("kind") == "medsafe.progress":
                    console.print(
                        f"  {int(data['done'])}/{int(data['total'])} scored", highlight=False
                    )
        elif kind == "artifact_update":
            for data in parts_data(event.artifact_update.artifact.parts):
                if data.get("schema", "").startswith("medsafe.assessment"):
                    result = data
        elif kind == "task":
            for artifact in event.task.artifacts:
                for data in parts_data(artifact.parts):
                    if data.get("schema", "").startswith("medsafe.assessment"):
                        result = data
    if not result:
        raise RuntimeError("the green agent finished without a result artifact")
    return result


def _cell(metric: dict | None, rate: bool) -> str:
    if not metric or metric.get("value") is None:
        return "-"
    scale = 100 if rate else 1
    unit = "%" if rate else ""
    return (
        f"{metric['value'] * scale:.1f}{unit} "
        f"[{metric['ci_low'] * scale:.0f}, {metric['ci_high'] * scale:.0f}]"
    )


def _show(results: dict[str, dict], leaderboard: list[dict], core: str) -> None:
    table = Table(title="assessments over A2A (95% CI)")
    for col in ("participant", "safe", "hallucination", "mean reward", "format errors", "errors"):
        table.add_column(col, justify="left" if col == "participant" else "right")
    for name, r in results.items():
        m = r["metrics"]
        table.add_row(
            name,
            _cell(m.get("safe_response_rate"), True),
            _cell(m.get("hallucination_rate"), True),
            _cell(m.get("mean_reward"), False),
            _cell(m.get("format_error_rate"), True),
            str(int(r["n_errors"])),
        )
    console.print(table)
    board = Table(title=f"leaderboard from the core service ({core}/leaderboard?suite=dipg)")
    for col in ("rank", "participant", "run"):
        board.add_column(col)
    for row in leaderboard:
        board.add_row(str(row.get("rank")), str(row.get("participant")), str(row.get("run_id")))
    console.print(board)
    for name, r in results.items():
        console.print(f"report for {name}: {core}/runs/{r['run_id']}/report")


async def main_async(n: int, keep: bool) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="medsafe-demo-"))
    ports = {"core": _port(8000), "mcp": _port(8001), "green": _port(9009)}
    ports |= {kind: _port(9010 + i) for i, kind in enumerate(PURPLES)}
    url = {k: f"http://127.0.0.1:{p}" for k, p in ports.items()}
    stack = Stack(workdir)
    console.print(f"starting the local stack (logs and database in {workdir})")
    try:
        stack.start("core", "medsafe", "db", "upgrade")
        stack.procs[-1].wait(60)
        stack.start("core", "medsafe", "serve", "--host", "127.0.0.1", "--port", str(ports["core"]))
        stack.start(
            "mcp",
            "medsafe-mcp",
            "--transport",
            "http",
            "--host",
            "127.0.0.1",
            "--port",
            str(ports["mcp"]),
        )
        stack.start(
            "green",
            "medsafe-green",
            "--host",
            "127.0.0.1",
            "--port",
            str(ports["green"]),
            "--card-url",
            url["green"] + "/",
        )
        for kind in PURPLES:
            stack.start(
                kind,
                "medsafe-purple",
                "--kind",
                kind,
                "--host",
                "127.0.0.1",
                "--port",
                str(ports[kind]),
            )
        async with httpx.AsyncClient(timeout=120) as http:
            await _wait(http, url["core"] + "/health")
            await _wait(http, url["mcp"] + "/health")
            for role in ("green", *PURPLES):
                await _wait(http, url[role] + "/.well-known/agent-card.json")
            console.print("stack is up: " + ", ".join(f"{k} {v}" for k, v in url.items()))
            results = {}
            for kind in PURPLES:
                console.print(f"assessing {kind} on {n} dipg tasks through the green agent")
                results[kind] = await _assess(http, url["green"], url[kind] + "/", n)
            board = (await http.get(url["core"] + "/leaderboard", params={"suite": "dipg"})).json()
            rows = board.get("rows", board if isinstance(board, list) else [])
            _show(results, rows, url["core"])
            if keep:
                console.print("the stack keeps running; press Ctrl-C to stop it")
                while True:
                    await asyncio.sleep(3600)
    finally:
        stack.stop()


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--n", type=int, default=42, help="tasks per participant")
    ap.add_argument("--keep", action="store_true", help="leave the stack running")
    args = ap.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main_async(args.n, args.keep))


if __name__ == "__main__":
    main()
