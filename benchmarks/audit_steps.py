"""Steps per second of the audit suite: one episode and 64 concurrent episodes, in process
(the Suite's reset/step) and through MCP (in-memory fastmcp Client, SQLite store).

    uv run python benchmarks/audit_steps.py [--episodes 64] [--sessions 64] [--mcp-episodes 64]

Goal: >= 1,000 steps/s in process at 64 sessions. Prints one line per measurement.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("FASTMCP_CHECK_FOR_UPDATES", "off")
os.environ.setdefault("FASTMCP_SHOW_SERVER_BANNER", "false")

from medsafe_core.models import TaskView
from medsafe_core.suites import StepResult, get_suite
from medsafe_core.suites.audit import HeuristicAuditor, live
from medsafe_core.suites.play import observation_view

DIFFICULTIES = ("easy", "medium", "hard")


def in_process(n_episodes: int, sessions: int, seed0: int) -> tuple[int, float, float]:
    """(steps, seconds in Suite.step, seconds overall) for `n_episodes` episodes played
    by `sessions` sessions at once (their steps interleaved round-robin)."""
    suite = get_suite("audit")
    profile = suite.default_profile()
    agent = HeuristicAuditor()
    tasks = [suite.task_for(seed0 + i, DIFFICULTIES[i % 3]) for i in range(n_episodes)]
    live.clear()
    steps, in_step = 0, 0.0
    start = time.perf_counter()
    for first in range(0, n_episodes, sessions):
        batch = tasks[first : first + sessions]
        results: list[StepResult] = [suite.reset(t) for t in batch]
        while not all(r.done for r in results):
            for i, r in enumerate(results):
                if r.done:
                    continue
                action = agent.answer(observation_view(r.observation))
                t0 = time.perf_counter()
                results[i] = suite.step(batch[i], r.state, action, profile)
                in_step += time.perf_counter() - t0
                steps += 1
    return steps, in_step, time.perf_counter() - start


async def through_mcp(n_episodes: int, seed0: int) -> tuple[int, float]:
    """(steps, seconds) for n episodes played concurrently over an in-memory MCP client."""
    from fastmcp import Client

    from medsafe_core.settings import Settings
    from medsafe_core.store import Store
    from medsafe_mcp import create_server

    tmp = Path(tempfile.mkdtemp())
    settings = Settings(data_dir=tmp, database_url=f"sqlite+aiosqlite:///{tmp / 'bench.db'}")
    store = await Store.connect(settings.resolved_database_url())
    agent = HeuristicAuditor()
    steps = 0

    async def episode(client: Client[Any], i: int) -> None:
        nonlocal steps
        started = await client.call_tool(
            "audit_start", {"seed": seed0 + i, "difficulty": DIFFICULTIES[i % 3]}
        )
        data = started.structured_content or {}
        eid, obs, done = data["episode_id"], data["observation"], False
        while not done:
            action = json.loads(
                agent.answer(TaskView(id=data["task_id"], suite="audit", question=obs))
            )
            out = await client.call_tool(
                f"audit_{action['tool']}", {"episode_id": eid, **action["arguments"]}
            )
            body = out.structured_content or {}
            obs, done = body["observation"], body["done"]
            steps += 1

    try:
        async with Client(create_server(settings, store)) as client:
            await episode(client, 10_000)  # warm-up: lazy imports, store connection
            steps = 0
            start = time.perf_counter()
            await asyncio.gather(*(episode(client, i) for i in range(n_episodes)))
            return steps, time.perf_counter() - start
    finally:
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=64, help="episodes in process")
    parser.add_argument("--sessions", type=int, default=64, help="concurrent sessions")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--mcp-episodes", type=int, default=64)
    args = parser.parse_args()
    in_process(3, 3, 10_000)  # warm the code paths (not these worlds)
    for sessions in (1, args.sessions):
        runs = [in_process(args.episodes, sessions, 0) for _ in range(args.repeats)]
        steps, in_step, total = min(runs, key=lambda r: r[1])
        print(
            f"in process, {sessions:>3} sessions: {steps:>5} steps, "
            f"{steps / in_step:>7.0f} steps/s (Suite.step), "
            f"{steps / total:>7.0f} steps/s (with participant and reset); best of {args.repeats}"
        )
    for n in sorted({1, args.mcp_episodes} - {0}):
        steps, total = asyncio.run(through_mcp(n, 0))
        print(f"through MCP, {n:>3} sessions: {steps:>5} steps, {steps / total:>7.0f} steps/s")


if __name__ == "__main__":
    main()
