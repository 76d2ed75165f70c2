"""pass^k and pass@k over repeated trials (epochs) of the same task.

For one task with success probability p, tried n times with c successes:

* pass^k = p^k, the chance that k independent trials ALL succeed (reliability,
  as in tau-bench). Its unbiased estimator is C(c, k) / C(n, k): the share of the
  k-subsets of the n trials that contain only successes. Indeed, for each fixed
  k-subset the indicator "all succeed" has expectation p^k, and the estimator is the
  average of these indicators over all C(n, k) subsets.
* pass@k = 1 - (1 - p)^k, the chance that AT LEAST ONE of k trials succeeds
  (Chen et al., 2021). Unbiased estimator: 1 - C(n - c, k) / C(n, k).

Both need k <= n. A run's pass^k averages the per-task estimates over the tasks with
at least k trials; its CI comes from bootstrapping tasks (or, when tasks share a
scenario, clusters of tasks), since trials of one task are not independent evidence
about the suite.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from medsafe_core.metrics.intervals import has_shared_clusters, mean_estimate
from medsafe_core.models import Estimate


def _check(n: int, c: int, k: int) -> None:
    if not 0 <= c <= n:
        raise ValueError(f"successes must lie in [0, n]; got c={c}, n={n}")
    if not 1 <= k <= n:
        raise ValueError(f"k must lie in [1, n]; got k={k}, n={n}")


def pass_hat_k(n: int, c: int, k: int) -> float:
    """Unbiased estimate of p^k from c successes in n trials: C(c, k) / C(n, k)."""
    _check(n, c, k)
    # Exact integer binomials; int / int rounds once to the nearest float.
    return math.comb(c, k) / math.comb(n, k)


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased estimate of 1 - (1 - p)^k from c successes in n trials."""
    _check(n, c, k)
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def pass_hat_k_estimates(
    trials: Mapping[str, Sequence[bool]],
    max_k: int,
    clusters: Mapping[str, str] | None = None,
    *,
    n_boot: int = 2000,
    seed: int = 0,
) -> dict[str, Estimate]:
    """pass^k for k = 1..max_k over tasks, keyed "1", "2", ...

    `trials` maps a task id to the pass verdicts of its trials. `clusters` maps a task
    id to its cluster key (scenario); tasks sharing a key are resampled together.
    Each Estimate's `n` is the number of tasks with at least k trials; a k that no task
    reaches gets `value=None`.
    """
    out: dict[str, Estimate] = {}
    for k in range(1, max_k + 1):
        tasks = sorted(t for t, verdicts in trials.items() if len(verdicts) >= k)
        values = [pass_hat_k(len(trials[t]), sum(trials[t]), k) for t in tasks]
        keys = [clusters.get(t, t) for t in tasks] if clusters is not None else tasks
        shared = keys if has_shared_clusters(keys) else None
        out[str(k)] = mean_estimate(values, shared, n_boot=n_boot, seed=seed)
    return out
