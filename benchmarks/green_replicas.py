"""Assessments per second with 1 and 2 green replicas on one database.

Starts the minimal participant (`light_purple.py`, answering after a fixed latency)
and N `medsafe-green` processes sharing one database (a SQLite file by default, or
`--database-url postgresql+asyncpg://...`), then sends `--assessments` EvalRequests
spread round-robin over the replicas, `--in-flight` at a time, and times them from
the first request to the last completed task. Each assessment has `--tasks` tasks at
concurrency `--concurrency`. Prints one row per replica count with the CPU seconds
the green processes used.

    uv run python benchmarks/green_replicas.py [--replicas 1 2] [--rounds 3]
        [--assessments 24] [--in-flight 4] [--tasks 20] [--concurrency 4]
        [--latency 0.05] [--database-url URL ...]

Replica counts are interleaved round by round (1, 2, 1, 2, ...), each on a fresh
database, and the median and range of assessments/s are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from a2a.client import A2ACardResolver, ClientConfig, ClientFactory
from a2a.helpers import new_text_message
from a2a.types import Role, SendMessageRequest, TaskState

sys.path.insert(0, str(Path(__file__).parent))
from assessment_wall_time import BIN, cpu_seconds, free_port, start, wait_ready


async def assess(http: httpx.AsyncClient, green: str, request: dict) -> bool:
    card = await A2ACardResolver(http, green).get_agent_card()
    client = ClientFactory(ClientConfig(httpx_client=http, streaming=True)).create(card)
    message = new_text_message(json.dumps(request), role=Role.ROLE_USER)
    async for event in client.send_message(SendMessageRequest(message=message)):
        if event.WhichOneof("payload") == "status_update":
            state = event.status_update.status.state
            if state == TaskState.TASK_STATE_COMPLETED:
                return True
            if state in (TaskState.TASK_STATE_FAILED, TaskState.TASK_STATE_CANCELED):
                return False
    return False


async def measure(args: argparse.Namespace, replicas: int, db: str) -> tuple[float, int, float]:
    env = {**os.environ, "MEDSAFE_DATABASE_URL": db, "MEDSAFE_PROGRESS_INTERVAL_S": "1"}
    env.pop("MEDSAFE_SEED_SALT", None)
    pport = free_port()
    purple = f"http://127.0.0.1:{pport}"
    purple_cmd = [sys.executable, str(Path(__file__).with_name("light_purple.py"))]
    procs = [start([*purple_cmd, str(pport), str(args.latency)], env)]
    greens = []
    for _ in range(replicas):
        port = free_port()
        greens.append(f"http://127.0.0.1:{port}")
        cmd = [str(BIN / "medsafe-green"), "--port", str(port), "--log-level", "warning"]
        procs.append(start(cmd, env))
    try:
        await wait_ready(purple)
        for url in greens:
            await wait_ready(url)
        request = {
            "participants": {"agent": purple},
            "config": {
                "num_tasks": args.tasks,
                "concurrency": args.concurrency,
                "timeout_s": 60,
            },
        }
        async with httpx.AsyncClient(timeout=None) as http:
            await asyncio.gather(*(assess(http, g, request) for g in greens))  # warm-up
            before = sum(cpu_seconds(p.pid) for p in procs[1:])
            gate = asyncio.Semaphore(args.in_flight)
            targets = itertools.cycle(greens)

            async def one(green: str) -> bool:
                async with gate:
                    return await assess(http, green, request)

            started = time.perf_counter()
            done = await asyncio.gather(*(one(next(targets)) for _ in range(args.assessments)))
            wall = time.perf_counter() - started
            cpu = sum(cpu_seconds(p.pid) for p in procs[1:]) - before
        return wall, sum(done), cpu
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            proc.wait(10)


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--replicas", type=int, nargs="+", default=[1, 2])
    p.add_argument("--rounds", type=int, default=3, help="interleaved rounds per replica count")
    p.add_argument("--assessments", type=int, default=24)
    p.add_argument("--in-flight", type=int, default=4)
    p.add_argument("--tasks", type=int, default=20)
    p.add_argument("--concurrency", type=int, default=4)
    p.add_argument("--latency", type=float, default=0.05)
    p.add_argument(
        "--database-url",
        nargs="+",
        default=None,
        help="one empty database per round and replica count, in order (default: a "
        "fresh SQLite file each)",
    )
    args = p.parse_args()
    print(
        f"{args.assessments} assessments of {args.tasks} tasks (concurrency "
        f"{args.concurrency}, {args.in_flight} in flight, participant latency "
        f"{args.latency * 1000:.0f} ms), {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.2f}"
    )
    urls = iter(args.database_url or [])
    rates: dict[int, list[float]] = {n: [] for n in args.replicas}
    cpus: dict[int, list[float]] = {n: [] for n in args.replicas}
    for _ in range(args.rounds):
        for n in args.replicas:
            db = next(urls, None) or (
                f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='medsafe-replicas-')}/bench.db"
            )
            wall, completed, cpu = await measure(args, n, db)
            if completed != args.assessments:
                print(f"  {args.assessments - completed} assessments did not complete")
            rates[n].append(completed / wall)
            cpus[n].append(cpu)
    print(f"{'replicas':>8} {'assessments/s median':>20} {'range':>13} {'green cpu s':>11}")
    for n in args.replicas:
        low, high = min(rates[n]), max(rates[n])
        print(
            f"{n:>8} {statistics.median(rates[n]):>20.2f} {f'{low:.2f}-{high:.2f}':>13} "
            f"{statistics.median(cpus[n]):>11.2f}"
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
