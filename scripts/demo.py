"""The main job on embedded defaults: start the local medsafe stack, assess reference
participants over A2A, and show the results.

Starts, as local processes on 127.0.0.1 sharing one SQLite file: the core service
(`medsafe serve`), the MCP server (`medsafe-mcp --transport http`), the green evaluator
agent (`medsafe-green`) and two purple participants (`medsafe-purple --kind baseline`
and `--kind hallucinator`). Sends each participant's EvalRequest to the green agent
over A2A, streams progress, prints the metrics with 95% CIs, the leaderboard from the
core service, and the report URLs. No API keys, no Docker, no downloads.

With --docker, the same stack runs as the containers of docker-compose.yml on PostgreSQL,
through the Docker SDK (built, started in dependency order, logs streamed, removed at
the end). Ctrl-C, SIGTERM and SIGHUP stop the whole stack, also with --keep.

    scripts/demo [--n 42] [--keep] [--docker [--dry-run]]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from a2a_assess import assess, console, leaderboard, show
from ports import is_free, taken_message

BIN = Path(sys.executable).parent
PURPLES = ("baseline", "hallucinator")
PREFERRED = {"core": 8000, "mcp": 8001, "green": 9009, "baseline": 9010, "hallucinator": 9011}
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
BASE_IMAGE_HINT = (
    "where no registry is reachable, `python scripts/docker/base_images.py` builds local "
    "stand-ins of the base images under the tags the Dockerfiles name"
)


class Stopped(Exception):
    """A stop signal (SIGTERM, SIGHUP) arrived; the stack is stopped on the way out."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP raise Stopped in the main thread, so every `finally` that
    stops the stack runs, exactly as for Ctrl-C (KeyboardInterrupt)."""

    def handler(signum: int, _frame: object) -> None:
        raise Stopped(signum)

    previous = {sig: signal.signal(sig, handler) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def pick_ports() -> dict[str, int]:
    """The preferred ports, or a free one instead of each taken one (saying who holds it)."""
    ports: dict[str, int] = {}
    for role, port in PREFERRED.items():
        if is_free(port):
            ports[role] = port
            continue
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            ports[role] = int(s.getsockname()[1])
        console.print(f"[yellow]{taken_message(port, role)}[/yellow]; using {ports[role]}")
    return ports


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

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{name}.log").open("ab")
        proc = subprocess.Popen(
            [str(BIN / args[0]), *args[1:]],
            env=self.env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        """SIGTERM to every process group started here, SIGKILL to the ones still alive
        after 10 s; signals are held off meanwhile so a second one cannot cut it short."""
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {*STOP_SIGNALS, signal.SIGINT})
        try:
            for proc in self.procs:
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGTERM)
            for proc in self.procs:
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(5)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)


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


async def assess_all(urls: dict[str, str], purples: dict[str, str], n: int, keep: bool) -> None:
    """Assess each purple through the green agent; show metrics, leaderboard, reports."""
    async with httpx.AsyncClient(timeout=300) as http:
        results: dict[str, dict[str, Any]] = {}
        for name, purple in purples.items():
            console.print(f"assessing {name} on {n} dipg tasks through the green agent")
            results[name] = await assess(http, urls["green"], purple, n)
        show(results, await leaderboard(http, urls["core"]), urls["core"])
    if keep:
        console.print("the stack keeps running; Ctrl-C (or SIGTERM, SIGHUP) stops it")
        while True:
            await asyncio.sleep(3600)


async def local_stack(n: int, keep: bool) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="medsafe-demo-"))
    ports = pick_ports()
    url = {k: f"http://127.0.0.1:{p}" for k, p in ports.items()}
    stack = Stack(workdir)
    console.print(f"starting the local stack (logs and database in {workdir})")
    try:
        stack.start("core", "medsafe", "db", "upgrade").wait(60)
        stack.start("core", "medsafe", "serve", "--host", "127.0.0.1", "--port", str(ports["core"]))
        mcp = ("--transport", "http", "--host", "127.0.0.1", "--port", str(ports["mcp"]))
        stack.start("mcp", "medsafe-mcp", *mcp)
        green = ("--host", "127.0.0.1", "--port", str(ports["green"]), "--card-url")
        stack.start("green", "medsafe-green", *green, url["green"] + "/")
        for kind in PURPLES:
            purple = ("--kind", kind, "--host", "127.0.0.1", "--port", str(ports[kind]))
            stack.start(kind, "medsafe-purple", *purple)
        console.print("pids: " + " ".join(str(p.pid) for p in stack.procs[1:]))
        async with httpx.AsyncClient(timeout=10) as http:
            await _wait(http, url["core"] + "/health")
            await _wait(http, url["mcp"] + "/health")
            for role in ("green", *PURPLES):
                await _wait(http, url[role] + "/.well-known/agent-card.json")
        console.print("stack is up: " + ", ".join(f"{k} {v}" for k, v in url.items()))
        await assess_all(url, {k: url[k] + "/" for k in PURPLES}, n, keep)
    finally:
        stack.stop()


def docker_stack(n: int, keep: bool, dry_run: bool) -> None:
    """The compose stack through the Docker SDK (see scripts/docker_plan.py)."""
    from docker_plan import compose_config, describe, make_plan

    config = compose_config(profiles=("bad",))
    plan = make_plan(config, ("core", "mcp", "green", "purple", "hallucinator"))
    if dry_run:
        console.print("\n".join(describe(plan)), highlight=False)
        return
    planned = {c.service for c in plan.containers}
    ports = {role: port for role, port in docker_ports(config).items() if role in planned}
    taken = [taken_message(port, role) for role, port in ports.items() if not is_free(port)]
    if taken:
        raise SystemExit(
            "the Docker stack uses host networking and needs these ports:\n  " + "\n  ".join(taken)
        )
    import docker
    from docker_stack import DockerStack, StackError

    client = docker.from_env(timeout=900)
    url = {role: f"http://127.0.0.1:{port}" for role, port in ports.items()}
    purples = {"baseline": url["purple"] + "/", "hallucinator": url["hallucinator"] + "/"}
    with DockerStack(
        client,
        plan,
        log=lambda line: console.print(line, highlight=False, markup=False, soft_wrap=True),
    ) as stack:
        try:
            stack.build()
        except StackError as exc:
            raise SystemExit(f"{exc}\n{BASE_IMAGE_HINT}") from exc
        stack.up()
        console.print("stack is up: " + ", ".join(f"{k} {v}" for k, v in url.items()))
        asyncio.run(assess_all(url, purples, n, keep))


def docker_ports(config: dict[str, Any]) -> dict[str, int]:
    """The port each service's command listens on (`--port N` or postgres `-p N`)."""
    ports: dict[str, int] = {}
    for name, svc in config["services"].items():
        args = [str(a) for a in svc.get("command") or []]
        for flag in ("--port", "-p"):
            if flag in args:
                ports[name] = int(args[args.index(flag) + 1])
    return ports


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--n", type=int, default=42, help="tasks per participant")
    ap.add_argument("--keep", action="store_true", help="leave the stack running until stopped")
    ap.add_argument("--docker", action="store_true", help="run docker-compose.yml's stack")
    ap.add_argument("--dry-run", action="store_true", help="with --docker: print the plan only")
    args = ap.parse_args()
    # lines reach a pipe (a process manager's log, `timeout`) as they are printed
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)
    try:
        with stop_on_signals():
            if args.docker:
                docker_stack(args.n, args.keep, args.dry_run)
            else:
                asyncio.run(local_stack(args.n, args.keep))
    except KeyboardInterrupt:
        console.print("stopped (Ctrl-C); the stack is down")
        raise SystemExit(130) from None
    except Stopped as stop:
        console.print(f"stopped ({stop}); the stack is down")
        raise SystemExit(128 + stop.signum) from None


if __name__ == "__main__":
    main()
