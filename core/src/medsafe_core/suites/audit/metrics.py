"""Audit metrics: F-beta, precision, recall and dense reward per episode, with CIs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from medsafe_core.metrics.intervals import has_shared_clusters, mean_estimate
from medsafe_core.models import Estimate, SampleResult, SuiteMetrics
from medsafe_core.models.scores import NOT_SCORED, Outcome

EPISODE_METRICS = {
    "fbeta": "fbeta",
    "precision": "precision",
    "recall": "recall",
    "dense_reward": "total_reward",
    "errors_caught": "true_positives",
    "false_positives": "false_positives",
}
"""Metric name -> the episode statistic (in `Score.details`) it averages."""


def _estimates(samples: Sequence[SampleResult], seed: int) -> dict[str, Estimate]:
    ids = [s.id for s in samples]
    clusters = ids if has_shared_clusters(ids) else None  # epochs of one episode cluster
    out: dict[str, Estimate] = {}
    for metric, key in EPISODE_METRICS.items():
        values = [float(s.details.get(key, 0.0)) for s in samples]
        out[metric] = mean_estimate(values, clusters, seed=seed)
    return out


def episode_metrics(
    samples: Sequence[SampleResult], seed: int = 0
) -> tuple[dict[str, Estimate], dict[str, Estimate], dict[str, dict[str, Estimate]]]:
    """(overall, errors counted as zero-score episodes, per difficulty)."""
    scored = [s for s in samples if s.outcome not in NOT_SCORED]
    failed = [s.model_copy(update={"details": {}}) for s in samples if s.outcome == Outcome.ERROR]
    by_category: dict[str, list[SampleResult]] = defaultdict(list)
    for s in scored:
        by_category[s.category].append(s)
    return (
        _estimates(scored, seed),
        _estimates([*scored, *failed], seed),
        {cat: _estimates(group, seed) for cat, group in sorted(by_category.items())},
    )


def add_episode_metrics(
    metrics: SuiteMetrics, samples: Sequence[SampleResult], seed: int
) -> SuiteMetrics:
    """The base metrics with the episode metrics added (overall and per difficulty)."""
    overall, as_failures, per_category = episode_metrics(samples, seed)
    metrics.metrics.update(overall)
    metrics.metrics_errors_as_failures.update(as_failures)
    for category, values in per_category.items():
        metrics.per_category.setdefault(category, {}).update(values)
    return metrics
