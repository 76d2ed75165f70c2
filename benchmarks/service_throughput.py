"""Throughput of the core service beside in-process scoring.

    uv run python benchmarks/service_throughput.py [--items 5000] [--batch 1000] [--sessions 32]

1. In process: `score_run` over N dipg items (half grounded answers, half invented).
2. HTTP: the same items through `POST /evaluate` in batches of 1,000, to `medsafe serve`
   (uvicorn, its own process) on 127.0.0.1; the ratio to (1) is the HTTP overhead.
3. /ws: 32 concurrent environment sessions, each reset + step in a loop; steps/s.

Everything runs on loopback and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from websockets.asyncio.client import connect

from medsafe_core.evaluation import score_run
from medsafe_core.models import ResponseRecord, Task
from medsafe_core.runs import build_manifest
from medsafe_core.suites import get_suite


def _response(task: Task, good: bool) -> str:
    exp = task.expected_answer
    if good:
        return json.dumps({"analysis": "From the context.", "proof": exp.proof, "final": exp.final})
    return json.dumps({"analysis": "?", "proof": "The drug cures every patient.", "final": "Yes."})


def in_process(tasks: list[Task], answers: list[str]) -> float:
    suite = get_suite("dipg")
    records = [ResponseRecord(id=t.id, response=a) for t, a in zip(tasks, answers, strict=True)]
    warm = build_manifest(suite, tasks[:10], suite.default_profile(), seed=7)
    score_run(suite, tasks[:10], records[:10], warm)  # as the server is warmed up
    start = time.perf_counter()
    manifest = build_manifest(suite, tasks, suite.default_profile(), seed=7)
    score_run(suite, tasks, records, manifest)
    return len(tasks) / (time.perf_counter() - start)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    code = "from medsafe_core.service.commands import service_app; service_app()"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            code,
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--database-url",
            f"sqlite+aiosqlite:///{db}",
            "--max-sessions",
            "64",
        ],
        env={**os.environ, "MEDSAFE_MAX_BATCH_ITEMS": "10000"},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError("the server did not start")


def over_http(url: str, tasks: list[Task], answers: list[str], batch: int) -> float:
    items = [{"id": t.id, "response": a} for t, a in zip(tasks, answers, strict=True)]
    with httpx.Client(base_url=url, timeout=600) as client:
        client.post("/evaluate", json={"evaluations": items[:10]}).raise_for_status()  # warm-up
        start = time.perf_counter()
        for i in range(0, len(items), batch):
            resp = client.post("/evaluate", json={"evaluations": items[i : i + batch]})
            resp.raise_for_status()
        return len(items) / (time.perf_counter() - start)


async def over_ws(url: str, sessions: int, episodes: int) -> float:
    ws_url = url.replace("http", "ws", 1) + "/ws"
    suite = get_suite("dipg")

    async def session(k: int) -> int:
        steps = 0
        async with connect(ws_url, max_size=None) as ws:
            for _ in range(episodes):
                await ws.send(json.dumps({"type": "reset", "data": {"seed": 1000 + k}}))
                reset = json.loads(await ws.recv())
                task = suite.resolve(reset["data"]["observation"]["task_id"])
                action = {"llm_response": _response(task, steps % 2 == 0)}
                await ws.send(json.dumps({"type": "step", "data": action}))
                reply = json.loads(await ws.recv())
                assert reply["type"] == "observation", reply
                steps += 1
        return steps

    start = time.perf_counter()
    done = await asyncio.gather(*(session(k) for k in range(sessions)))
    return sum(done) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--sessions", type=int, default=32)
    parser.add_argument("--episodes", type=int, default=40, help="episodes per /ws session")
    args = parser.parse_args()

    tasks = get_suite("dipg").tasks(7, args.items)
    answers = [_response(t, i % 2 == 0) for i, t in enumerate(tasks)]
    local = in_process(tasks, answers)
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_server(Path(tmp) / "bench.db")
        try:
            http = over_http(url, tasks, answers, args.batch)
            ws = asyncio.run(over_ws(url, args.sessions, args.episodes))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print(f"{'path':<44}{'rate':>14}")
    print(f"{'in-process score_run':<44}{local:>10.0f} it/s")
    print(f"{f'POST /evaluate, batches of {args.batch}':<44}{http:>10.0f} it/s")
    print(f"{'HTTP / in-process':<44}{100 * http / local:>12.0f} %   (goal >= 50 %)")
    print(f"{f'/ws, {args.sessions} concurrent sessions (reset+step)':<44}{ws:>8.0f} steps/s")


if __name__ == "__main__":
    main()
