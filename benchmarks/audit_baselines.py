"""Baselines of the audit suite: the reference auditors over seeds x difficulties, with
95% CIs, beside the published SynthAudit.Env table.

    uv run python benchmarks/audit_baselines.py [--seeds 5] [--first-seed 0]
"""

from __future__ import annotations

import argparse

from medsafe_core.models import Estimate, SampleResult, SuiteMetrics
from medsafe_core.suites import get_suite
from medsafe_core.suites.play import play_episode

PUBLISHED = {  # SynthAudit.Env README, 5 seeds x 3 difficulties (their score, not ours)
    "Qwen2.5-3B base (published)": (0.087, 0.018, 0.015, 0.040),
    "Qwen2.5-3B GRPO (published)": (0.287, 0.129, 0.044, 0.153),
}
DIFFICULTIES = ("easy", "medium", "hard")


def run(name: str, seeds: range) -> SuiteMetrics:
    suite = get_suite("audit")
    samples = []
    for seed in seeds:
        for difficulty in DIFFICULTIES:
            task = suite.task(seed, DIFFICULTIES.index(difficulty))
            _, score = play_episode(suite, task, suite.reference_participants()[name]())
            samples.append(
                SampleResult.from_score(
                    id=task.id,
                    epoch=0,
                    category=task.category,
                    scenario=task.scenario,
                    group=task.group,
                    score=score,
                )
            )
    return suite.summarize(samples, seed=0)


def cell(est: Estimate | None) -> str:
    if est is None or est.value is None:
        return "-"
    if est.ci_low is None or est.ci_high is None:
        return f"{est.value:.3f}"
    return f"{est.value:.3f} [{est.ci_low:.3f}, {est.ci_high:.3f}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--first-seed", type=int, default=0)
    args = parser.parse_args()
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    print(f"F-beta (beta 1.5) per episode, mean [95% CI], {args.seeds} seeds x 3 difficulties")
    keys = ("fbeta", "precision", "recall", "dense_reward", "safe_response_rate")
    print(
        "| agent | easy | medium | hard | overall | precision | recall | dense reward "
        "| clean-audit rate |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name in ("heuristic-auditor", "random-auditor", "flag-all-auditor"):
        m = run(name, seeds)
        per = [cell(m.per_category.get(d, {}).get("fbeta")) for d in DIFFICULTIES]
        rest = [cell(m.metrics.get(k)) for k in keys]
        print(f"| {name} | " + " | ".join([*per, *rest]) + " |")
    for name, (easy, medium, hard, overall) in PUBLISHED.items():
        print(f"| {name} | {easy} | {medium} | {hard} | {overall} | - | - | - | - |")


if __name__ == "__main__":
    main()
