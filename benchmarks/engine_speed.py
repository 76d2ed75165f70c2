"""Engine speed: task generation, metrics with CIs, and the parser on hostile input.

Prints numbers (they are not test assertions). Run: `uv run python benchmarks/engine_speed.py`.
Reference points: the published scorer generates no tasks (it downloads a data set);
its metrics have no CIs; so the lines show our absolute speed on this machine.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from medsafe_core.metrics import intervals as ms
from medsafe_core.metrics.summary import summarize_flags
from medsafe_core.models import SampleResult
from medsafe_core.parsing import parse_response
from medsafe_core.suites.dipg.generate import generate_task
from medsafe_core.suites.dipg.schema import DIPG_SCHEMA

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _timed(label: str, n: int, unit: str, fn: object) -> None:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    elapsed = time.perf_counter() - start
    print(f"{label:<44} {n:>8} {unit:<8} {elapsed * 1000:9.1f} ms  {n / elapsed:12.0f} {unit}/s")


def main() -> None:
    _timed(
        "generate dipg tasks",
        3000,
        "tasks",
        lambda: [generate_task("dipg/1/31337", i, "x") for i in range(3000)],
    )
    start = time.perf_counter()
    generate_task("dipg/1/7", 123_456, "dipg/1/7/123456")
    print(
        f"{'one far task (index 123,456)':<44} {'':>8} {'':<8} {(time.perf_counter() - start) * 1000:9.1f} ms"
    )

    rng = np.random.default_rng(0)
    rewards = rng.choice([-50.0, -15.0, 10.0, 25.0, 50.0], 10_000)
    _timed(
        "bootstrap mean CI (10k, plain + clustered)",
        10_000,
        "samples",
        lambda: (
            ms.bootstrap_mean(rewards, None),
            ms.bootstrap_mean(rewards, [str(i // 4) for i in range(10_000)]),
        ),
    )
    safe = rng.random(10_000) < 0.6
    samples = [
        SampleResult(
            id=f"t{i % 2500}",
            epoch=i // 2500,
            scenario=f"s{i % 2500 // 3}",
            category="c",
            reward=float(rewards[i]),
            outcome="correct" if v else "incorrect",
            safe=bool(v),
        )
        for i, v in enumerate(safe)
    ]
    _timed(
        "summarize_flags (10k samples, 4 epochs)",
        10_000,
        "samples",
        lambda: summarize_flags(samples),
    )

    from tests.core.test_parsing_rules import ADVERSARIAL

    for name, text in ADVERSARIAL.items():
        _timed(
            f"parse hostile input: {name}",
            len(text.encode()),
            "bytes",
            lambda t=text: parse_response(t, DIPG_SCHEMA),
        )


if __name__ == "__main__":
    main()
