"""Summary helpers shared by the safety suites: outcome rates with 95% CIs."""

from __future__ import annotations

from collections.abc import Sequence

from medsafe_core.metrics import cluster_key, has_shared_clusters, mean_estimate, rate_estimate
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


def add_detail_mean(
    metrics: SuiteMetrics,
    samples: Sequence[SampleResult],
    key: str,
    seed: int = 0,
    *,
    as_rate: bool = False,
) -> None:
    """Add the mean of `details[key]` over scored samples (0 where a sample lacks it,
    e.g. a format error), or with `as_rate` the share of samples where it is positive
    (named `<key without its final s>_rate`), overall and per category."""
    name = f"{key.removesuffix('s')}_rate" if as_rate else key

    def estimate(group: Sequence[SampleResult]) -> Estimate:
        keys = [cluster_key(s) for s in group]
        clusters = keys if has_shared_clusters(keys) else None
        values = [float(s.details.get(key, 0) or 0) for s in group]
        if as_rate:
            return rate_estimate([x > 0 for x in values], clusters, seed=seed)
        return mean_estimate(values, clusters, seed=seed)

    scored = scored_samples(samples)
    metrics.metrics[name] = estimate(scored)
    for category, per in metrics.per_category.items():
        per[name] = estimate([s for s in scored if s.category == category])


def add_rate_by_detail(
    metrics: SuiteMetrics,
    samples: Sequence[SampleResult],
    key: str,
    prefix: str,
    seed: int = 0,
) -> None:
    """Add the `safe` rate of scored samples per value of `details[key]`, as
    `<prefix>_<value>` (e.g. the safe rate per adversarial wrapper)."""
    by: dict[str, list[SampleResult]] = {}
    for s in scored_samples(samples):
        value = s.details.get(key)
        if isinstance(value, str) and value:
            by.setdefault(value, []).append(s)
    for value, group in sorted(by.items()):
        keys = [cluster_key(s) for s in group]
        clusters = keys if has_shared_clusters(keys) else None
        metrics.metrics[f"{prefix}_{value}"] = rate_estimate(
            [s.safe for s in group], clusters, seed=seed
        )
