"""A bounded load test of `POST /evaluate` over keep-alive connections.

    uv run python benchmarks/load_test.py [--connections 32] [--seconds 30] [--items 5]
        [--server-keep-alive S] [--url URL]

Starts the core service (uvicorn, its own process, on 127.0.0.1) unless `--url` names
one, then runs `--connections` workers, each on its own httpx client with one pooled
keep-alive connection, for `--seconds`. Every worker now and then waits just about
httpx's idle expiry (5 s) before its next request: that is the moment a server whose
keep-alive timeout equals the client's closes the connection as the client reuses it,
and the request fails with a reset. `--server-keep-alive 5` reproduces that setting
(uvicorn's default); without it the server runs with the service's `KEEP_ALIVE_S`.

Prints requests/s, latency percentiles and failures by kind (it is not a test).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

from medsafe_core.service.app import KEEP_ALIVE_S
from medsafe_core.suites import get_suite

IDLE_EVERY = 40
"""A worker idles near the client's keep-alive expiry after about this many requests."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, keep_alive: float) -> tuple[subprocess.Popen[bytes], str]:
    """uvicorn serving the core service with the given keep-alive timeout."""
    port = _free_port()
    code = (
        "import uvicorn\n"
        "from medsafe_core.service import create_app\n"
        "from medsafe_core.settings import Settings\n"
        f"s = Settings(data_dir={str(db.parent)!r}, database_url={'sqlite+aiosqlite:///' + str(db)!r})\n"
        f"uvicorn.run(create_app(s), host='127.0.0.1', port={port}, log_level='warning', "
        f"timeout_keep_alive={keep_alive})\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], env=dict(os.environ))
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("the service did not start")


def body(n_items: int, seed: int) -> bytes:
    tasks = get_suite("dipg").tasks(seed, n_items)
    items = [
        {
            "id": t.id,
            "response": json.dumps({"analysis": "a", "proof": t.context[:80], "final": "x"}),
        }
        for t in tasks
    ]
    return json.dumps({"evaluations": items}).encode()


async def worker(
    url: str, payload: bytes, deadline: float, stats: Counter[str], latencies: list[float]
) -> None:
    expiry = httpx.Limits().keepalive_expiry or 5.0
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    rng = random.Random()
    headers = {"Content-Type": "application/json"}
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                resp = await client.post("/evaluate", content=payload, headers=headers)
                stats["ok" if resp.status_code == 200 else f"http_{resp.status_code}"] += 1
                if resp.status_code != 200 and os.environ.get("LOAD_DEBUG"):
                    print(resp.text[:300])
                latencies.append(time.perf_counter() - started)
            except httpx.HTTPError as exc:
                stats[type(exc).__name__] += 1
            if rng.random() < 1 / IDLE_EVERY:
                await asyncio.sleep(expiry + rng.uniform(-0.05, 0.05))


async def run(url: str, connections: int, seconds: float, payload: bytes) -> None:
    stats: Counter[str] = Counter()
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=url, timeout=30) as warm:  # load the suites once
        await warm.post("/evaluate", content=payload, headers={"Content-Type": "application/json"})
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(
        *(worker(url, payload, deadline, stats, latencies) for _ in range(connections))
    )
    elapsed = time.monotonic() - started
    total = sum(stats.values())
    failures = total - stats["ok"]
    latencies.sort()

    def pct(p: float) -> float:
        return 1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))]

    print(f"requests        {total} in {elapsed:.1f} s ({total / elapsed:.0f} requests/s)")
    print(f"failures        {failures} ({100 * failures / max(total, 1):.3f}%)")
    for kind, count in sorted(stats.items()):
        if kind != "ok":
            print(f"  {kind:<14}{count}")
    if latencies:
        print(f"latency ms      p50 {pct(0.5):.1f}  p99 {pct(0.99):.1f}  max {pct(1.0):.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--connections", type=int, default=32, help="concurrent keep-alive clients")
    ap.add_argument("--seconds", type=float, default=30.0, help="duration (bounded)")
    ap.add_argument("--items", type=int, default=5, help="items per /evaluate request")
    ap.add_argument("--server-keep-alive", type=float, default=KEEP_ALIVE_S)
    ap.add_argument("--url", help="an already running service instead of starting one")
    args = ap.parse_args()
    payload = body(args.items, seed=7)
    proc = None
    url = args.url
    with tempfile.TemporaryDirectory() as tmp:
        if url is None:
            proc, url = start_server(Path(tmp) / "load.db", args.server_keep_alive)
            print(f"server keep-alive {args.server_keep_alive} s (client idle expiry 5 s)")
        try:
            asyncio.run(run(url, args.connections, min(args.seconds, 600.0), payload))
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=10)


if __name__ == "__main__":
    main()
