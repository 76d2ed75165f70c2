"""Metrics: confidence intervals, suite summaries, pass^k and paired run comparison.

Pure engine code: no I/O, no network, no environment reads. See docs/metrics.md for
the definitions and the choice of interval for each metric.
"""

from medsafe_core.metrics.compare import (
    MetricComparison,
    RunComparison,
    bootstrap_p_value,
    compare_runs,
    mcnemar_exact,
)
from medsafe_core.metrics.intervals import (
    Z95,
    bootstrap_mean,
    bootstrap_replicates,
    has_shared_clusters,
    mean_estimate,
    percentile_interval,
    rate_estimate,
    rate_estimates,
    wilson,
)
from medsafe_core.metrics.passk import pass_at_k, pass_hat_k, pass_hat_k_estimates
from medsafe_core.metrics.summary import (
    ERROR_AS_FAILURE,
    HEADLINE_METRICS,
    RATE_METRICS,
    cluster_key,
    rate_flags,
    summarize_flags,
)

__all__ = [
    "ERROR_AS_FAILURE",
    "HEADLINE_METRICS",
    "RATE_METRICS",
    "Z95",
    "MetricComparison",
    "RunComparison",
    "bootstrap_mean",
    "bootstrap_p_value",
    "bootstrap_replicates",
    "cluster_key",
    "compare_runs",
    "has_shared_clusters",
    "mcnemar_exact",
    "mean_estimate",
    "pass_at_k",
    "pass_hat_k",
    "pass_hat_k_estimates",
    "percentile_interval",
    "rate_estimate",
    "rate_estimates",
    "rate_flags",
    "summarize_flags",
    "wilson",
]
