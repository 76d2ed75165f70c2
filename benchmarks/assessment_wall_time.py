"""Wall time and CPU per sample of a green-agent assessment beside the ideal N x L / concurrency.

Starts a participant that answers after a fixed latency and the green agent, each
in its own process on a 127.0.0.1 port, then runs one assessment of N tasks per
concurrency level over A2A and times it from the request to the completed task
(scoring, per-sample persistence and the final metrics with CIs included). Goals, at
200 tasks x 50 ms and concurrency 32: at most 1.5x the ideal, and at most 1.5 ms of
green CPU per sample (the green process's user + system CPU time over the assessment,
divided by the samples; the participant runs in its own process and is not counted).

The participant is `light_purple.py` (a minimal A2A server, so the numbers measure the
green agent) or, with `--purple sdk`, `medsafe-purple --kind slow` (whose a2a-sdk
server and baseline answer cost CPU per request on the same machine).

`--baseline REF` also starts a green agent whose `medsafe_agents` and `medsafe_core`
packages (the green agent, the engine and the store) come from git revision REF
(extracted with `git archive` and put first on its PYTHONPATH; the rest of the
environment is shared) and alternates the two, repetition by repetition,
so that before and after are measured in one run under the same load.

    uv run python benchmarks/assessment_wall_time.py [--tasks 200] [--latency 0.05]
        [--concurrency 1 8 32] [--repeat 3] [--baseline REF] [--log-level warning]
        [--purple light|sdk]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from a2a.client import A2ACardResolver, ClientConfig, ClientFactory
from a2a.helpers import get_data_parts, new_text_message
from a2a.types import Role, SendMessageRequest, TaskState

from _revision import baseline_env, extract_tree

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent


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


@dataclass
class Green:
    """One green agent under test and its measurements per concurrency."""

    label: str
    url: str
    proc: subprocess.Popen[bytes]
    walls: dict[int, list[float]] = field(default_factory=dict)
    cpu_ms: dict[int, list[float]] = field(default_factory=dict)
    purple_cpu: dict[int, list[float]] = field(default_factory=dict)
    errors: dict[int, list[int]] = field(default_factory=dict)


async def measure(
    green: Green, purple: str, purple_proc: subprocess.Popen[bytes], tasks: int, c: int
) -> None:
    g0, p0 = cpu_seconds(green.proc.pid), cpu_seconds(purple_proc.pid)
    wall, result = await assess(green.url, purple, tasks, c)
    samples = int(result.get("n_samples", tasks)) or tasks
    green.walls.setdefault(c, []).append(wall)
    green.cpu_ms.setdefault(c, []).append((cpu_seconds(green.proc.pid) - g0) * 1000 / samples)
    green.purple_cpu.setdefault(c, []).append(cpu_seconds(purple_proc.pid) - p0)
    green.errors.setdefault(c, []).append(int(result.get("n_errors", -1)))


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--tasks", type=int, default=200)
    p.add_argument("--latency", type=float, default=0.05)
    p.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    p.add_argument("--repeat", type=int, default=3, help="repetitions (median reported)")
    p.add_argument(
        "--baseline",
        metavar="REF",
        help="also measure the green agent of this git revision, alternating with this tree",
    )
    p.add_argument(
        "--log-level",
        default="warning",
        help="the green agent's --log-level (medsafe-green's own default is info)",
    )
    p.add_argument(
        "--purple",
        choices=["light", "sdk"],
        default="light",
        help="light: a minimal A2A server (measures the green agent); sdk: medsafe-purple "
        "--kind slow (the a2a-sdk server and the baseline's answer cost CPU per request)",
    )
    args = p.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="medsafe-bench-"))
    env = {**os.environ, "MEDSAFE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/bench.db"}
    env.pop("MEDSAFE_SEED_SALT", None)
    pport = free_port()
    purple = f"http://127.0.0.1:{pport}"
    if args.purple == "sdk":
        purple_cmd = [str(BIN / "medsafe-purple"), "--kind", "slow", "--delay", str(args.latency)]
        purple_cmd += ["--port", str(pport)]
    else:
        purple_cmd = [sys.executable, str(Path(__file__).with_name("light_purple.py"))]
        purple_cmd += [str(pport), str(args.latency)]
    variants: list[tuple[str, dict[str, str]]] = []
    if args.baseline:
        # the green agent and the engine with its store (medsafe_core) of that revision
        short = extract_tree(args.baseline, "agents/src", tmp / "baseline")
        extract_tree(args.baseline, "core/src", tmp / "baseline")
        packages = {
            "medsafe_agents": str(tmp / "baseline" / "agents" / "src"),
            "medsafe_core": str(tmp / "baseline" / "core" / "src"),
        }
        base_env = baseline_env(env, packages)
        variants.append((f"baseline {short}", base_env))
    variants.append(("this tree", env))

    purple_proc = start(purple_cmd, env)
    greens: list[Green] = []
    try:
        for i, (label, green_env) in enumerate(variants):
            port = free_port()
            log = (tmp / f"green-{i}.log").open("wb")  # the green agent's log lines
            cmd = [str(BIN / "medsafe-green"), "--port", str(port), "--log-level", args.log_level]
            proc = subprocess.Popen(cmd, env=green_env, start_new_session=True, stderr=log)
            greens.append(Green(label, f"http://127.0.0.1:{port}", proc))
        await wait_ready(purple)
        for green in greens:
            await wait_ready(green.url)
            await assess(green.url, purple, 4, 4)  # warm-up: imports, first connections
        load_before = os.getloadavg()[0]
        for _ in range(args.repeat):
            for c in args.concurrency:
                for green in greens:
                    await measure(green, purple, purple_proc, args.tasks, c)
        load_after = os.getloadavg()[0]
    finally:
        for proc in [purple_proc, *(g.proc for g in greens)]:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in [purple_proc, *(g.proc for g in greens)]:
            proc.wait(10)

    print(
        f"{args.tasks} tasks, {args.purple} participant, latency {args.latency * 1000:.0f} ms, "
        f"{os.cpu_count()} CPUs, median of {args.repeat}, load average "
        f"{load_before:.2f} before, {load_after:.2f} after; green logs in {tmp}"
    )
    print(
        f"{'green':<18} {'concurrency':>11} {'wall s':>8} {'ideal s':>8} {'ratio':>6} "
        f"{'green cpu ms/sample':>19} {'purple cpu s':>12} {'errors':>6}  (wall s of each run)"
    )
    for c in args.concurrency:
        ideal = args.tasks * args.latency / c
        for green in greens:
            wall = statistics.median(green.walls[c])
            print(
                f"{green.label:<18} {c:>11} {wall:>8.3f} {ideal:>8.3f} {wall / ideal:>6.2f} "
                f"{statistics.median(green.cpu_ms[c]):>19.2f} "
                f"{statistics.median(green.purple_cpu[c]):>12.2f} {max(green.errors[c]):>6}  "
                f"({' '.join(f'{w:.3f}' for w in green.walls[c])})"
            )


if __name__ == "__main__":
    asyncio.run(main())
