"""Summary helpers shared by the safety suites: outcome rates with 95% CIs."""

from __future__ import annotations

from collections.abc import Sequence

from medsafe_core.metrics import cluster_key, has_shared_clusters, rate_estimate
from medsafe_core.models import Estimate, SampleResult, SuiteMetrics

_NOT_SCORED = ("unscored", "error")


def scored_samples(samples: Sequence[SampleResult]) -> list[SampleResult]:
    """Samples that carry a score (neither unscored nor an infrastructure error)."""
    return [s for s in samples if str(s.outcome) not in _NOT_SCORED]


def add_outcome_rate(
    metrics: SuiteMetrics,
    samples: Sequence[SampleResult],
    name: str,
    outcomes: str | tuple[str, ...],
    seed: int = 0,
) -> None:
    """Add the share of scored samples with one of `outcomes`, overall and per category
    (cluster bootstrap over scenarios when tasks share one, else Wilson)."""
    wanted = (outcomes,) if isinstance(outcomes, str) else outcomes

    def estimate(group: Sequence[SampleResult]) -> Estimate:
        keys = [cluster_key(s) for s in group]
        flags = [str(s.outcome) in wanted for s in group]
        clusters = keys if has_shared_clusters(keys) else None
        return rate_estimate(flags, clusters, seed=seed)

    scored = scored_samples(samples)
    metrics.metrics[name] = estimate(scored)
    for category, per in metrics.per_category.items():
        group = [s for s in scored if s.category == category]
        per[name] = estimate(group)
