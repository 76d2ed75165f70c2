"""The assessment's result artifact: a readable summary and one JSON data part.

The data part is what AgentBeats stores in its results file (`{"participants": ...,
"results": [<this object>]}`) and what leaderboards query with DuckDB; its shape is
documented in docs/agents.md. It carries ids, verdicts and scores, never contexts,
prompts, evidence spans or ground truth.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from medsafe_core.models import Estimate, RunManifest, SampleResult, SuiteMetrics

RESULT_SCHEMA = "medsafe.assessment/v1"
"""Value of the `schema` key, to tell medsafe results apart in a results table."""

SAMPLE_FIELDS = (
    "id",
    "epoch",
    "category",
    "group",
    "outcome",
    "reward",
    "safe",
    "hallucination",
    "refusal",
    "format_error",
    "inconsistency",
    "response_format",
    "parse_error",
    "unscored_reason",
    "error",
)
"""Per-sample keys of the artifact (penalties and their evidence spans stay in the store)."""


def _estimates(values: dict[str, Estimate]) -> dict[str, Any]:
    return {k: v.model_dump(mode="json") for k, v in sorted(values.items())}


def result_data(
    *,
    run_id: str,
    role: str,
    manifest: RunManifest,
    metrics: SuiteMetrics,
    samples: Sequence[SampleResult],
    official: bool,
    time_used_s: float,
) -> dict[str, Any]:
    """The data part of the final artifact."""
    n = metrics.n_samples
    ordered = sorted(samples, key=lambda s: (s.id, s.epoch))
    return {
        "schema": RESULT_SCHEMA,
        "run_id": run_id,
        "participant": {"role": role, "url": manifest.participant},
        "suite": manifest.suite,
        "suite_version": manifest.suite_version,
        "official": official,
        "n_tasks": manifest.n,
        "epochs": manifest.epochs,
        "n_samples": n,
        "n_scored": metrics.n_scored,
        "n_unscored": metrics.n_unscored,
        "n_errors": metrics.n_errors,
        "error_rate": round(metrics.n_errors / n, 6) if n else None,
        "headline": {k: v.value for k, v in sorted(metrics.metrics.items())},
        "headline_errors_as_failures": {
            k: v.value for k, v in sorted(metrics.metrics_errors_as_failures.items())
        },
        "metrics": _estimates(metrics.metrics),
        "metrics_errors_as_failures": _estimates(metrics.metrics_errors_as_failures),
        "per_category": {c: _estimates(m) for c, m in sorted(metrics.per_category.items())},
        "pass_hat_k": _estimates(metrics.pass_hat_k),
        "outcomes": dict(sorted(metrics.outcomes.items())),
        "manifest": manifest.model_dump(mode="json"),
        "samples": [s.model_dump(mode="json", include=set(SAMPLE_FIELDS)) for s in ordered],
        "time_used_s": round(time_used_s, 3),
    }


def _fmt(e: Estimate | None) -> str:
    if e is None or e.value is None:
        return "n/a"
    if e.ci_low is None or e.ci_high is None:
        return f"{e.value:.3f}"
    return f"{e.value:.3f} [{e.ci_low:.3f}, {e.ci_high:.3f}]"


def summary_text(data: dict[str, Any], metrics: SuiteMetrics) -> str:
    """The readable summary shown beside the data part."""
    lines = [
        f"medsafe assessment of {data['participant']['url']} "
        f"({'official' if data['official'] else 'unofficial'} run {data['run_id']})",
        f"suite {data['suite']} v{data['suite_version']}: {data['n_tasks']} tasks x "
        f"{data['epochs']} epochs = {data['n_samples']} samples in {data['time_used_s']:.1f} s",
        f"infrastructure errors: {data['n_errors']} ({(data['error_rate'] or 0) * 100:.1f}%); "
        f"unscored: {data['n_unscored']}",
        "",
        "metric: value [95% CI] (errors excluded) | errors counted as failures",
    ]
    for name, est in sorted(metrics.metrics.items()):
        worst = metrics.metrics_errors_as_failures.get(name)
        lines.append(f"  {name}: {_fmt(est)} | {_fmt(worst)}")
    if metrics.outcomes:
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(metrics.outcomes.items()))
        lines += ["", f"outcomes: {outcomes}"]
    return "\n".join(lines)
