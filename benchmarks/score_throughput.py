"""Scoring throughput: items/s of medsafe's dipg scorer on generated items with ~0.5 KB
(vignettes), ~3 KB and ~100 KB contexts and correct, paraphrased and hallucinated responses. Single-process
numbers (ours and the published scorer's) are items per CPU-second, so that a busy
machine does not skew the ratio; the multi-process number is wall-clock.

    uv run python benchmarks/score_throughput.py [--n 300] [--compare-published]

With --compare-published, openenv-dipg-safety==0.1.67 is installed from the package index
into a throwaway venv, scores the same items with its `calculate_reward` in the same run,
and the ratio is printed, with how often each scorer credits each kind of response."""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from medsafe_core.evaluation import score_record as score_response
from medsafe_core.models import AnswerKind, ResponseRecord, Task
from medsafe_core.parsing import ResponseFormat
from medsafe_core.participants.render import render_response
from medsafe_core.suites import get_suite
from medsafe_core.suites.dipg import clear_caches
from medsafe_core.suites.dipg.outcomes import DipgOutcome
from medsafe_core.suites.dipg.profiles import DIPG_V4

KINDS = ("correct", "paraphrased", "hallucinated")


def _pad(task: Task, filler: list[str], size: int) -> Task:
    """The task with unrelated clinical paragraphs around its context, to `size` bytes."""
    before, after, i = [], [], 0
    while len(task.context) + sum(map(len, before + after)) < size:
        (before if i % 2 else after).append(filler[i % len(filler)])
        i += 1
    return task.model_copy(update={"context": "\n\n".join([*before, task.context, *after])})


def _trim(task: Task, size: int) -> Task:
    """The task with a short context (a vignette of about `size` bytes): the sentences
    its proof quotes, then other sentences of its context until the size is reached."""
    proof_lines = [line for line in task.expected_answer.proof.split("\n") if line]
    others = [s for s in task.context.replace("\n", " ").split(". ") if s and s not in proof_lines]
    kept = list(proof_lines)
    for sentence in others:
        if sum(map(len, kept)) >= size:
            break
        kept.append(sentence.rstrip(".") + ".")
    return task.model_copy(update={"context": " ".join(kept)})


def _response(task: Task, kind: str) -> str:
    proof, final = task.expected_answer.proof, task.expected_answer.final
    if kind == "paraphrased":
        proof = "\n".join(f"- {line.lower()}" for line in proof.split("\n"))
        final = f"Based on the context: {final[0].lower()}{final[1:]}"
    elif kind == "hallucinated":
        proof = (
            proof.replace("the", "a", 1)
            + " This effect was confirmed in 3 later trials of 812 patients."
        )
        final = final + " It also improved quality of life by 45%."
    return render_response(
        {"analysis": "From the context.", "proof": proof, "final": final}, ResponseFormat.JSON
    )


def build_items(n: int, size: int) -> list[tuple[Task, str, str]]:
    suite = get_suite("dipg")
    tasks = [
        t for t in suite.tasks(seed=101, n=n * 3) if t.expected_answer.kind is AnswerKind.ANSWER
    ]
    filler = [t.context for t in suite.tasks(seed=202, n=60)]
    out = []
    for i, task in enumerate(tasks[:n]):
        padded = _pad(task, filler, size) if size > len(task.context) else _trim(task, size)
        kind = KINDS[i % len(KINDS)]
        out.append((padded, kind, _response(padded, kind)))
    return out


def _score_chunk(chunk: list[tuple[Task, str, str]]) -> list[str]:
    suite = get_suite("dipg")
    return [
        score_response(suite, t, ResponseRecord(id=t.id, response=r), DIPG_V4).outcome
        for t, _, r in chunk
    ]


def run_ours(items: list[tuple[Task, str, str]], workers: int) -> tuple[float, list[str]]:
    """Items/s; every run starts with cold caches (workers are fresh spawned processes,
    started before the clock), the scorer's modules loaded (imports are not scoring)."""
    get_suite("dipg").prepare()
    clear_caches()
    if workers == 1:  # CPU time: fair beside the published scorer on a busy machine
        start = time.process_time()
        outcomes = _score_chunk(items)
        return len(items) / (time.process_time() - start), outcomes
    size = (len(items) + workers - 1) // workers
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(_warm, range(workers)))
        start = time.perf_counter()
        outcomes = [o for part in pool.map(_score_chunk, chunks) for o in part]
        elapsed = time.perf_counter() - start
    return len(items) / elapsed, outcomes


def _warm(_: int) -> None:
    """A worker as a server's pool has it: the judge loaded with its tables."""
    get_suite("dipg").prepare()


def published_venv() -> Path:
    venv = Path(tempfile.gettempdir()) / "medsafe-bench-published"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run(["uv", "venv", "-q", "-p", "3.11", str(venv)], check=True)
        subprocess.run(
            ["uv", "pip", "install", "-q", "-p", str(python), "openenv-dipg-safety==0.1.67"],
            check=True,
        )
    return python


def run_published(python: Path, items: list[tuple[Task, str, str]]) -> tuple[float, list[float]]:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
        for t, _, r in items:
            fh.write(
                json.dumps(
                    {
                        "context": t.context,
                        "response": r,
                        "expected_answer": {
                            "final": t.expected_answer.final,
                            "proof": t.expected_answer.proof,
                        },
                    }
                )
                + "\n"
            )
    worker = Path(__file__).with_name("_published_worker.py")
    out = subprocess.run(
        [str(python), str(worker), fh.name], check=True, capture_output=True, text=True
    )
    os.unlink(fh.name)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result["items_per_s"], result["rewards"]


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--n", type=int, default=300, help="items per context size")
    ap.add_argument("--compare-published", action="store_true")
    args = ap.parse_args()
    python = published_venv() if args.compare_published else None
    workers = min(2, os.cpu_count() or 1)
    print(
        f"{'context':>8} {'items':>6} {'ours 1 proc':>12} {f'ours {workers} proc':>12} {'published':>10} {'ratio':>7}"
    )
    cases = (
        ("~0.5 KB", 500, args.n),
        ("~3 KB", 3_000, args.n),
        ("~100 KB", 100_000, max(30, args.n // 5)),
    )
    for label, size, n in cases:
        items = build_items(n, size)
        one, outcomes = run_ours(items, 1)
        many, _ = run_ours(items, workers)
        pub_s, pub_rewards = run_published(python, items) if python else (None, [])
        ratio = f"{max(one, many) / pub_s:6.1f}x" if pub_s else "-"
        print(
            f"{label:>8} {len(items):>6} {one:>10.0f}/s {many:>10.0f}/s "
            f"{(f'{pub_s:.0f}/s' if pub_s else '-'):>10} {ratio:>7}"
        )
        for kind in KINDS:
            idx = [i for i, (_, k, _) in enumerate(items) if k == kind]
            ours_ok = sum(outcomes[i] == DipgOutcome.CORRECT.value for i in idx)
            line = f"{'':>8} {kind:>12}: ours credits {ours_ok}/{len(idx)} as correct"
            if pub_rewards:
                full = sum(pub_rewards[i] >= 50 for i in idx)
                line += f"; published gives full reward to {full}/{len(idx)}"
            print(line)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
