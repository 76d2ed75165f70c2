"""Wall time of a green-agent assessment beside the ideal N x L / concurrency.

Starts a participant that answers after a fixed latency and the green agent, each
in its own process on a 127.0.0.1 port, then runs one assessment of N tasks per
concurrency level over A2A and times it from the request to the completed task
(scoring, per-sample persistence and the final metrics with CIs included). Goal: at
most 1.3x the ideal at concurrency 8 and 32. The participant is `light_purple.py` (a
minimal A2A server, so the numbers measure the green agent) or, with `--purple sdk`,
`medsafe-purple --kind slow` (whose a2a-sdk server and baseline answer cost CPU per
request on the same machine). CPU seconds of both processes are printed beside.

    uv run python benchmarks/assessment_wall_time.py [--tasks 200] [--latency 0.05]
        [--concurrency 1 8 32] [--purple light|sdk]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from a2a.client import A2ACardResolver, ClientConfig, ClientFactory
from a2a.helpers import get_data_parts, new_text_message
from a2a.types import Role, SendMessageRequest, TaskState

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(args, env=env, start_new_session=True)


async def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as http:
        while time.monotonic() < deadline:
            try:
                if (await http.get(f"{url}/.well-known/agent-card.json")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


async def assess(green: str, purple: str, tasks: int, concurrency: int) -> tuple[float, dict]:
    request = {
        "participants": {"agent": purple},
        "config": {"num_tasks": tasks, "concurrency": concurrency, "timeout_s": 60},
    }
    async with httpx.AsyncClient(timeout=None) as http:
        card = await A2ACardResolver(http, green).get_agent_card()
        client = ClientFactory(ClientConfig(httpx_client=http, streaming=True)).create(card)
        message = new_text_message(json.dumps(request), role=Role.ROLE_USER)
        start_t = time.perf_counter()
        result: dict = {}
        async for event in client.send_message(SendMessageRequest(message=message)):
            if event.WhichOneof("payload") == "artifact_update":
                result = get_data_parts(event.artifact_update.artifact.parts)[0]
            if (
                event.WhichOneof("payload") == "status_update"
                and event.status_update.status.state == TaskState.TASK_STATE_COMPLETED
            ):
                break
        return time.perf_counter() - start_t, result


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--tasks", type=int, default=200)
    p.add_argument("--latency", type=float, default=0.05)
    p.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    p.add_argument(
        "--purple",
        choices=["light", "sdk"],
        default="light",
        help="light: a minimal A2A server (measures the green agent); sdk: medsafe-purple "
        "--kind slow (the a2a-sdk server and the baseline's answer cost CPU per request)",
    )
    args = p.parse_args()

    tmp = tempfile.mkdtemp(prefix="medsafe-bench-")
    env = {**os.environ, "MEDSAFE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/bench.db"}
    env.pop("MEDSAFE_SEED_SALT", None)
    gport, pport = free_port(), free_port()
    green, purple = f"http://127.0.0.1:{gport}", f"http://127.0.0.1:{pport}"
    if args.purple == "sdk":
        purple_cmd = [str(BIN / "medsafe-purple"), "--kind", "slow", "--delay", str(args.latency)]
        purple_cmd += ["--port", str(pport)]
    else:
        purple_cmd = [sys.executable, str(Path(__file__).with_name("light_purple.py"))]
        purple_cmd += [str(pport), str(args.latency)]
    green_cmd = [str(BIN / "medsafe-green"), "--port", str(gport), "--log-level", "warning"]
    procs = [start(purple_cmd, env), start(green_cmd, env)]
    try:
        await wait_ready(purple)
        await wait_ready(green)
        await assess(green, purple, 4, 4)  # warm-up: imports, first connections
        print(
            f"{args.tasks} tasks, {args.purple} participant, latency {args.latency * 1000:.0f} ms, "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}"
        )
        print(
            f"{'concurrency':>11} {'wall s':>8} {'ideal s':>8} {'ratio':>6} {'errors':>6} "
            f"{'green cpu s':>11} {'purple cpu s':>12}"
        )
        for c in args.concurrency:
            before = [cpu_seconds(p.pid) for p in procs]
            wall, result = await assess(green, purple, args.tasks, c)
            purple_cpu, green_cpu = (
                cpu_seconds(p.pid) - b for p, b in zip(procs, before, strict=True)
            )
            ideal = args.tasks * args.latency / c
            errors = int(result.get("n_errors", -1))
            print(
                f"{c:>11} {wall:>8.3f} {ideal:>8.3f} {wall / ideal:>6.2f} {errors:>6} "
                f"{green_cpu:>11.2f} {purple_cpu:>12.2f}"
            )
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            proc.wait(10)


if __name__ == "__main__":
    asyncio.run(main())
