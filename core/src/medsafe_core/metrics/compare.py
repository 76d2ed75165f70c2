"""Paired comparison of two runs of the same suite on the same tasks.

Samples are matched by (task id, epoch). A pair takes part only when the sample is
scored in both runs: unscored and errored samples say nothing about the difference
between the models' answers, so they are counted (`n_excluded`) and left out.
Differences are always run b minus run a, over the same pairs.

* Rates: McNemar's exact test on the discordant pairs, and a paired bootstrap CI
  of the difference in rates.
* Mean reward: paired bootstrap of the mean difference, with CI and p-value.

Pairs are resampled by cluster (scenario, else task id) when a cluster holds more
than one pair, for the same reason as in `summary`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, Field

from medsafe_core.metrics.intervals import (
    bootstrap_replicates,
    has_shared_clusters,
    percentile_interval,
)
from medsafe_core.metrics.summary import RATE_METRICS, cluster_key, rate_flags
from medsafe_core.models import Estimate, Outcome, RunRecord, RunState, SampleResult


class MetricComparison(BaseModel):
    """One metric of two runs over their usable pairs, and the test of the difference."""

    a: float | None
    """Value in run a over the pairs used (None when there are none)."""
    b: float | None
    """Value in run b over the same pairs."""
    difference: Estimate
    """b - a, with the paired (cluster) bootstrap 95% CI."""
    p_value: float | None
    """Two-sided p-value of the test named in `test`."""
    test: str
    """`mcnemar_exact` for rates, `paired_bootstrap` for mean reward."""
    p_value_bootstrap: float | None
    """Two-sided paired (cluster) bootstrap p-value, for every metric. Unlike McNemar it
    stays valid when pairs are clustered."""
    n: int
    """Number of pairs the metric is computed over."""
    n_false_true: int | None = None
    """Rates only: pairs with the flag false in a and true in b (discordant)."""
    n_true_false: int | None = None
    """Rates only: pairs with the flag true in a and false in b (discordant)."""


class RunComparison(BaseModel):
    """Paired comparison of run b against run a."""

    suite: str
    """Suite both runs belong to."""
    run_a: str
    """Run id of the baseline run a."""
    run_b: str
    """Run id of run b."""
    n_paired: int
    """Samples present in both runs, matched by (task id, epoch)."""
    n_only_a: int
    """Samples of run a without a partner in run b."""
    n_only_b: int
    """Samples of run b without a partner in run a."""
    n_excluded: int
    """Pairs left out of every metric: unscored or errored in at least one run."""
    clustered: bool
    """True when pairs share a scenario or task (epochs), so CIs use the cluster bootstrap."""
    metrics: dict[str, MetricComparison] = Field(default_factory=dict)
    """Per headline metric (`mean_reward`, then the rates)."""
    warnings: list[str] = Field(default_factory=list)
    """Why the comparison may mislead (different profiles, datasets, versions, ...)."""


def mcnemar_exact(n_false_true: int, n_true_false: int, *, mid_p: bool = False) -> float:
    """Two-sided exact McNemar p-value from the two discordant counts.

    Under H0 (equal rates) each of the m discordant pairs falls either way with
    probability 1/2, so the smaller count is Binomial(m, 1/2):
    p = min(1, 2 * sum_{i <= min} C(m, i) / 2^m). The plain exact test is conservative;
    `mid_p` counts the observed point only half, which is less so.
    """
    if n_false_true < 0 or n_true_false < 0:
        raise ValueError("discordant counts must be >= 0")
    m = n_false_true + n_true_false
    if m == 0:
        return 1.0
    low = min(n_false_true, n_true_false)
    tail = sum(math.comb(m, i) for i in range(low + 1))
    # Integer numerators: exact up to the single final rounding.
    twice = 2 * tail - math.comb(m, low) if mid_p else 2 * tail
    return min(1.0, twice / (1 << m))


def bootstrap_p_value(replicates: NDArray[np.float64], observed: float) -> float:
    """Two-sided bootstrap p-value of H0: the mean difference is 0.

    The bootstrap distribution is shifted to the null (centred on 0), and the p-value
    is the share of replicates at least as far from the observed value as 0 is, with
    the usual +1 so that it is never 0: (1 + #{|t* - t| >= |t|}) / (B + 1).
    """
    far = int(np.count_nonzero(np.abs(replicates - observed) >= abs(observed)))
    return min(1.0, (1 + far) / (replicates.size + 1))


def _index(run: RunRecord) -> dict[tuple[str, int], SampleResult]:
    out: dict[tuple[str, int], SampleResult] = {}
    for s in run.samples:
        key = (s.id, s.epoch)
        if key in out:
            raise ValueError(f"run {run.meta.run_id} has duplicate sample {s.id!r} epoch {s.epoch}")
        out[key] = s
    return out


def _usable(s: SampleResult) -> bool:
    return s.outcome not in (Outcome.UNSCORED, Outcome.ERROR)


def _warnings(a: RunRecord, b: RunRecord) -> list[str]:
    ma, mb = a.manifest, b.manifest
    out: list[str] = []
    if ma.profile_hash != mb.profile_hash:
        out.append(
            f"profile hashes differ ({ma.profile_hash} vs {mb.profile_hash}): rewards are on "
            "different scales, so mean_reward differences mix model and profile"
        )
    if ma.dataset_hash != mb.dataset_hash:
        out.append(
            f"dataset hashes differ ({ma.dataset_hash} vs {mb.dataset_hash}): tasks with the "
            "same id may not share ground truth"
        )
    if ma.suite_version != mb.suite_version:
        out.append(f"suite versions differ ({ma.suite_version} vs {mb.suite_version})")
    if ma.scorer_version != mb.scorer_version:
        out.append(f"scorer versions differ ({ma.scorer_version} vs {mb.scorer_version})")
    for name, run in (("a", a), ("b", b)):
        if run.meta.state != RunState.COMPLETED:
            out.append(f"run {name} is {run.meta.state.value}, not completed")
    return out


def _difference(
    d: NDArray[np.float64], keys: Sequence[str] | None, *, seed: int, n_boot: int
) -> tuple[Estimate, float | None]:
    """Mean of paired differences with its bootstrap CI, and the bootstrap p-value."""
    method = "bootstrap" if keys is None else "cluster_bootstrap"
    if d.size == 0:
        return Estimate(value=None, n=0, method=method), None
    value = float(d.mean())
    units = d.size if keys is None else len(set(keys))
    if units < 2:
        return Estimate(value=value, n=int(d.size), method=method), None
    reps = bootstrap_replicates(d, keys, n_boot=n_boot, seed=seed)
    lo, hi = percentile_interval(reps)
    estimate = Estimate(value=value, ci_low=lo, ci_high=hi, n=int(d.size), method=method)
    return estimate, bootstrap_p_value(reps, value)


def compare_runs(a: RunRecord, b: RunRecord, *, seed: int = 0, n_boot: int = 5000) -> RunComparison:
    """Compare run b against run a on their shared (task id, epoch) samples.

    Raises ValueError when the runs belong to different suites or share no sample.
    Deterministic given `seed`.
    """
    if a.manifest.suite != b.manifest.suite:
        raise ValueError(
            f"cannot compare runs of different suites: {a.manifest.suite!r} (run "
            f"{a.meta.run_id}) vs {b.manifest.suite!r} (run {b.meta.run_id})"
        )
    index_a, index_b = _index(a), _index(b)
    shared = sorted(index_a.keys() & index_b.keys())
    if not shared:
        raise ValueError(
            f"runs {a.meta.run_id} and {b.meta.run_id} share no (task id, epoch) sample; "
            "a paired comparison needs both runs on the same tasks"
        )
    pairs = [
        (index_a[k], index_b[k]) for k in shared if _usable(index_a[k]) and _usable(index_b[k])
    ]
    warnings = _warnings(a, b)
    all_keys = [cluster_key(sa) for sa, _ in pairs]
    clustered = has_shared_clusters(all_keys)
    if clustered:
        warnings.append(
            "pairs share scenarios or tasks (epochs): McNemar p-values assume independent "
            "pairs and may be too small; prefer p_value_bootstrap and the cluster CIs"
        )
    if len(pairs) < len(shared):
        warnings.append(
            f"{len(shared) - len(pairs)} paired samples are unscored or errored in a run "
            "and excluded from every metric"
        )

    metrics: dict[str, MetricComparison] = {}
    rewarded = [(sa, sb) for sa, sb in pairs if sa.reward is not None and sb.reward is not None]
    ra = np.array([sa.reward for sa, _ in rewarded], dtype=np.float64)
    rb = np.array([sb.reward for _, sb in rewarded], dtype=np.float64)
    keys = [cluster_key(sa) for sa, _ in rewarded] if clustered else None
    diff, p_boot = _difference(rb - ra, keys, seed=seed, n_boot=n_boot)
    metrics["mean_reward"] = MetricComparison(
        a=float(ra.mean()) if ra.size else None,
        b=float(rb.mean()) if rb.size else None,
        difference=diff,
        p_value=p_boot,
        test="paired_bootstrap",
        p_value_bootstrap=p_boot,
        n=int(ra.size),
    )

    rows_a = [rate_flags(sa) for sa, _ in pairs]
    rows_b = [rate_flags(sb) for _, sb in pairs]
    for name in RATE_METRICS:
        xa = np.array([r[name] for r in rows_a], dtype=bool)
        xb = np.array([r[name] for r in rows_b], dtype=bool)
        n_ft = int(np.count_nonzero(~xa & xb))
        n_tf = int(np.count_nonzero(xa & ~xb))
        d = xb.astype(np.float64) - xa.astype(np.float64)
        diff, p_boot = _difference(d, all_keys if clustered else None, seed=seed, n_boot=n_boot)
        metrics[name] = MetricComparison(
            a=float(xa.mean()) if xa.size else None,
            b=float(xb.mean()) if xb.size else None,
            difference=diff,
            p_value=mcnemar_exact(n_ft, n_tf) if xa.size else None,
            test="mcnemar_exact",
            p_value_bootstrap=p_boot,
            n=int(xa.size),
            n_false_true=n_ft,
            n_true_false=n_tf,
        )

    return RunComparison(
        suite=a.manifest.suite,
        run_a=a.meta.run_id,
        run_b=b.meta.run_id,
        n_paired=len(shared),
        n_only_a=len(index_a) - len(shared),
        n_only_b=len(index_b) - len(shared),
        n_excluded=len(shared) - len(pairs),
        clustered=clustered,
        metrics=metrics,
        warnings=warnings,
    )
