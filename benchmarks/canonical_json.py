"""Canonical JSON of run records: `medsafe_core.runs.canonical_json` beside the standard
library's `json.dumps(record.model_dump(mode="json"), sort_keys=True, indent=1) + "\\n"`
(the reference it must match byte for byte), per record size.

    uv run python benchmarks/canonical_json.py [--sizes 10,100,1000,4000] [--reps 3]

Records are real: dipg tasks answered by the grounded baseline and the hallucinator
(plus, as `text` rows, the same record with non-ASCII responses). Each repetition times
the reference and ours back to back, in alternating order; the table shows the median
time per record over the repetitions and the ratio. Both include `model_dump`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable

from medsafe_core.evaluation import BatchItem, build_batch, evaluate
from medsafe_core.models import RunRecord
from medsafe_core.parsing import ResponseFormat
from medsafe_core.participants import PARTICIPANTS
from medsafe_core.runs import canonical_json
from medsafe_core.suites import get_suite


def reference(record: RunRecord) -> str:
    return json.dumps(record.model_dump(mode="json"), sort_keys=True, indent=1) + "\n"


def make_record(n: int) -> RunRecord:
    suite = get_suite("dipg")
    kinds = ["baseline", "hallucinator"]
    items = [
        BatchItem(
            task_id=t.id,
            response=PARTICIPANTS[kinds[i % 2]]().answer(t.view(), ResponseFormat.JSON),
            latency_ms=0.5 + i * 1e-3,
        )
        for i, t in enumerate(suite.tasks(7, n))
    ]
    batch = build_batch(items, max_items=n, max_response_bytes=65_536)
    return evaluate(batch, suite.default_profile()).record


def with_text(record: RunRecord) -> RunRecord:
    """The record with non-ASCII responses (every character escaped in the output)."""
    text = "Dosis ≥ 5 µg/kg — naïve “Kinder” 😀 日本語 "
    responses = [r.model_copy(update={"response": text * 8}) for r in record.responses]
    return record.model_copy(update={"responses": responses})


def per_call(fn: Callable[[RunRecord], str], record: RunRecord, loops: int) -> float:
    start = time.perf_counter()
    for _ in range(loops):
        fn(record)
    return (time.perf_counter() - start) / loops


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10,100,1000,4000", help="samples per record")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()

    print(f"load before: {os.getloadavg()[0]:.2f} (1-min average)")
    print(f"{'record':<14}{'KB':>8}{'stdlib ms':>12}{'ours ms':>10}{'ratio':>8}")
    for n in (int(s) for s in args.sizes.split(",")):
        base = make_record(n)
        for label, record in ((f"{n} samples", base), (f"{n} text", with_text(base))):
            expected = reference(record)
            assert canonical_json(record) == expected, "canonical_json differs from stdlib"
            loops = max(1, int(0.4 / max(per_call(reference, record, 1), 1e-6)))
            ref_times, our_times = [], []
            for rep in range(args.reps):
                pair = [(reference, ref_times), (canonical_json, our_times)]
                for fn, times in pair if rep % 2 == 0 else reversed(pair):
                    times.append(per_call(fn, record, loops))
            ref_ms = statistics.median(ref_times) * 1e3
            our_ms = statistics.median(our_times) * 1e3
            size = len(expected) / 1024
            print(f"{label:<14}{size:>8.0f}{ref_ms:>12.3f}{our_ms:>10.3f}{ref_ms / our_ms:>7.1f}x")
    print(f"load after: {os.getloadavg()[0]:.2f} (1-min average)")


if __name__ == "__main__":
    main()
