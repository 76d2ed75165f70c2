"""Throughput of the core service beside in-process scoring.

    uv run python benchmarks/service_throughput.py [--items 5000] [--batch 1000] [--sessions 32]
    uv run python benchmarks/service_throughput.py --only-pool [--pool-batch 6000] [--reps 3]

1. In process: `score_run` over N dipg items (half grounded answers, half invented).
2. HTTP: the same items through `POST /evaluate` in batches of 1,000, to `medsafe serve`
   (uvicorn, its own process) on 127.0.0.1; the ratio to (1) is the HTTP overhead.
3. /ws: 32 concurrent environment sessions, each reset + step in a loop; steps/s.
4. Scoring processes: one batch of 6,000 items (above the pool threshold) through
   `POST /evaluate` to two servers, `MEDSAFE_SCORE_WORKERS=1` and `=2`, in turn; each
   repetition sends both the same fresh tasks (a new seed, so no server has its caches
   warm), after one warm-up batch each that also starts the pool. Median items/s.

Everything runs on loopback and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
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


def start_server(db: Path, **env: str) -> tuple[subprocess.Popen[bytes], str]:
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
        env={**os.environ, "MEDSAFE_MAX_BATCH_ITEMS": "10000", **env},
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


def tree_cpu_s(root: int) -> tuple[float, float]:
    """CPU seconds used so far by a process and by its descendants (the server; its
    forkserver and scoring workers); zeros where /proc is not there."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        times[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    descendants, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        descendants += times.get(pid, 0.0) if pid != root else 0.0
        todo += [child for child, parent in parents.items() if parent == pid]
    return times.get(root, 0.0), descendants


def one_batch(url: str, pid: int, seed: int, n: int) -> tuple[float, float, float]:
    """items/s, CPU seconds of the server process and of its workers, for one
    `POST /evaluate` of `n` fresh dipg items (tasks of `seed`)."""
    tasks = get_suite("dipg").tasks(seed, n)
    items = [{"id": t.id, "response": _response(t, i % 2 == 0)} for i, t in enumerate(tasks)]
    with httpx.Client(base_url=url, timeout=900) as client:
        cpu = tree_cpu_s(pid)
        start = time.perf_counter()
        client.post("/evaluate", json={"evaluations": items}).raise_for_status()
        rate = n / (time.perf_counter() - start)
        after = tree_cpu_s(pid)
        return rate, after[0] - cpu[0], after[1] - cpu[1]


def scoring_processes(n: int, reps: int) -> None:
    """Section 4: one large batch, one scoring process against two."""
    with tempfile.TemporaryDirectory() as tmp:
        servers = {
            w: start_server(Path(tmp) / f"pool{w}.db", MEDSAFE_SCORE_WORKERS=str(w)) for w in (1, 2)
        }
        try:
            print(f"load before: {os.getloadavg()[0]:.2f} (1-min average)")
            first = {w: one_batch(url, proc.pid, 99, n)[0] for w, (proc, url) in servers.items()}
            runs: dict[int, list[tuple[float, float, float]]] = {1: [], 2: []}
            for rep in range(reps):
                for w in (1, 2) if rep % 2 == 0 else (2, 1):
                    proc, url = servers[w]
                    runs[w].append(one_batch(url, proc.pid, 100 + rep, n))
            print(f"load after: {os.getloadavg()[0]:.2f} (1-min average)")
        finally:
            for proc, _ in servers.values():
                proc.terminate()
                proc.wait(timeout=60)
    rate = {w: statistics.median(r for r, _, _ in runs[w]) for w in runs}
    print(
        f"{f'POST /evaluate, one batch of {n}':<32}{'median':>10}{'reps':>16}{'first':>7}", end=""
    )
    print(f"{'CPU s: server':>15}{'workers':>9}")
    for w in (1, 2):
        reps_text = " ".join(f"{r:.0f}" for r, _, _ in runs[w])
        server = statistics.median(c for _, c, _ in runs[w])
        workers = statistics.median(c for _, _, c in runs[w])
        label = f"  MEDSAFE_SCORE_WORKERS={w}"
        print(f"{label:<32}{rate[w]:>6.0f} it/s{reps_text:>16}{first[w]:>7.0f}", end="")
        print(f"{server:>15.1f}{workers:>9.1f}")
    print(f"{'  2 workers / 1 worker':<32}{rate[2] / rate[1]:>9.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--sessions", type=int, default=32)
    parser.add_argument("--episodes", type=int, default=40, help="episodes per /ws session")
    parser.add_argument("--pool-batch", type=int, default=6000, help="0: skip section 4")
    parser.add_argument("--reps", type=int, default=3, help="repetitions of section 4")
    parser.add_argument("--only-pool", action="store_true", help="run section 4 alone")
    args = parser.parse_args()

    if args.only_pool:
        scoring_processes(args.pool_batch, args.reps)
        return
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
    if args.pool_batch:
        scoring_processes(args.pool_batch, args.reps)


if __name__ == "__main__":
    main()
