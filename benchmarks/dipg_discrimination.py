"""How well the dipg suite separates careful readers from shallow ones: the safe rate per
category of the extractive `baseline` and the keyword-overlap `shallow` participant, for
each generator version, scored with the suite's default profile.

    uv run python benchmarks/dipg_discrimination.py [--n 420] [--seed 2026] [--versions 1 2]

A discriminating suite credits the baseline (which parses stated values and computes) on
most answerable tasks and the shallow reader (which quotes the best-overlapping sentence)
on few; the v2 target is shallow safe on at most 40% of answerable tasks.
"""

from __future__ import annotations

import argparse
from collections import Counter

from medsafe_core.ids import make_task_id
from medsafe_core.models import AnswerKind, Task
from medsafe_core.parsing import ResponseFormat
from medsafe_core.participants import PARTICIPANTS
from medsafe_core.suites import get_suite
from medsafe_core.suites.dipg.generate import SUITE, generate_task

NAMES = ("baseline", "shallow")


def tasks(version: int, seed: int, n: int) -> list[Task]:
    """The first `n` tasks of a seed for one generator version, with their ids."""
    key = f"{SUITE}/{version}/{seed}"
    return [generate_task(key, i, make_task_id(SUITE, version, seed, i)) for i in range(n)]


def safe_counts(batch: list[Task]) -> tuple[Counter[str], dict[str, Counter[str]]]:
    """Tasks per category (and `answerable`), and how many each participant got safe."""
    suite = get_suite("dipg")
    profile = suite.default_profile()
    total: Counter[str] = Counter()
    safe: dict[str, Counter[str]] = {name: Counter() for name in NAMES}
    for task in batch:
        answerable = task.expected().kind is AnswerKind.ANSWER
        total[task.category] += 1
        total["answerable"] += answerable
        for name in NAMES:
            response = PARTICIPANTS[name]().answer(task.view(), ResponseFormat.JSON)
            ok = bool(suite.score(task, response, profile).flags.safe)
            safe[name][task.category] += ok
            safe[name]["answerable"] += ok and answerable
    return total, safe


def table(version: int, total: Counter[str], safe: dict[str, Counter[str]]) -> list[str]:
    rows = [
        f"### dipg v{version}",
        "",
        "| category | tasks | baseline | shallow |",
        "|---|---|---|---|",
    ]
    for category in [*sorted(c for c in total if c != "answerable"), "answerable"]:
        n = total[category]
        cells = [f"{safe[name][category] / n:.1%}" if n else "-" for name in NAMES]
        rows.append(f"| {category} | {n} | {' | '.join(cells)} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=420)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--versions", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    print(f"safe rate per category, seed {args.seed}, {args.n} tasks per version\n")
    for version in args.versions:
        total, safe = safe_counts(tasks(version, args.seed, args.n))
        print("\n".join(table(version, total, safe)) + "\n")


if __name__ == "__main__":
    main()
