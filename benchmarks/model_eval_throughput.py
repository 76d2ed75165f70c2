"""`medsafe eval` wall time against a local fake endpoint with a fixed model latency,
beside the ideal N x latency / concurrency, and a rerun served from the response cache.

    uv run python benchmarks/model_eval_throughput.py --n 200 --latency 0.05
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakes.openai_server import FakeOpenAI, Recorded, Reply

from medsafe_core.model.eval_run import EvalOptions, run_eval
from medsafe_core.parsing import ResponseFormat
from medsafe_core.suites import get_suite


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    args = parser.parse_args()
    suite = get_suite("dipg")
    agent = suite.reference_participants()["baseline"]()
    tasks = suite.tasks(0, args.n)
    answers = {
        suite.prompt(t.view(), ResponseFormat.JSON): agent.answer(t.view(), ResponseFormat.JSON)
        for t in tasks
    }

    def respond(rec: Recorded) -> Reply:
        time.sleep(args.latency)
        return Reply(answers.get(rec.prompt, "?"))

    with tempfile.TemporaryDirectory() as tmp, FakeOpenAI(respond) as fake:
        db = f"sqlite+aiosqlite:///{tmp}/bench.db"
        print(f"n={args.n} tasks, model latency {args.latency * 1000:.0f} ms")
        print(f"{'concurrency':>11} {'wall s':>8} {'ideal s':>8} {'tasks/s':>8} {'calls':>6}")
        for c in args.concurrency:
            opts = EvalOptions(
                suite="dipg",
                model=f"bench-{c}",
                base_url=fake.base_url,
                n=args.n,
                concurrency=c,
                database_url=db,
                out_dir=Path(tmp) / "runs",
            )
            t0 = time.perf_counter()
            out = asyncio.run(run_eval(opts))
            wall = time.perf_counter() - t0
            ideal = args.n * args.latency / c
            print(f"{c:>11} {wall:>8.2f} {ideal:>8.2f} {args.n / wall:>8.1f} {out.calls:>6}")
        t0 = time.perf_counter()
        out = asyncio.run(run_eval(opts))
        wall = time.perf_counter() - t0
        print(
            f"rerun of the last from the cache: {wall:.2f} s, {out.calls} calls, "
            f"{out.cache_hits} cache hits"
        )


if __name__ == "__main__":
    main()
