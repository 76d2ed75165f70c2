"""Tests of medsafe_core.metrics against independent computations."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import medsafe_core.metrics as ms
from medsafe_core.models import RunRecord, SampleResult
from medsafe_core.suites.dipg.outcomes import DipgOutcome

Z = 1.959964


def sample(i, *, outcome=DipgOutcome.CORRECT, reward=10.0, **fields):
    """Sample of task i; scenario s<i> unless given; no reward when unscored or errored."""
    fields = {"category": "answerable", "scenario": f"s{i}", "outcome": outcome} | fields
    scored = outcome not in (DipgOutcome.UNSCORED, DipgOutcome.ERROR)
    return SampleResult(id=f"dipg/1/0/{i:06d}", reward=reward if scored else None, **fields)


def run(samples, *, run_id="a", suite="dipg", profile_hash="p1", dataset_hash="d1"):
    profile = {"name": "t", "suite": suite}
    manifest = {"suite": suite, "suite_version": 1, "dataset_id": "x", "n": len(samples)}
    manifest |= {"dataset_hash": dataset_hash, "profile": profile, "profile_hash": profile_hash}
    metrics = {"n_samples": 0, "n_scored": 0, "n_unscored": 0, "n_errors": 0}
    meta = {"run_id": run_id, "created_at": "2026-01-01T00:00:00+00:00"}
    return RunRecord.model_validate(
        {"meta": meta, "manifest": manifest | {"scorer_version": "1"}, "metrics": metrics}
    ).model_copy(update={"samples": samples})


def wilson_by_quadratic(k, n):
    """Roots of (p - k/n)^2 = z^2 p (1 - p) / n, i.e. the ends of the Wilson interval."""
    a, b, c = n + Z**2, -(2 * k + Z**2), k * k / n
    disc = math.sqrt(b * b - 4 * a * c)
    return (-b - disc) / (2 * a), (-b + disc) / (2 * a)


def test_wilson_against_tables_and_quadratic_roots():
    # Published tables (e.g. Newcombe 1998, method 3) give these to 4 decimals.
    table = {(0, 10): (0.0, 0.2775), (5, 10): (0.2366, 0.7634), (10, 10): (0.7225, 1.0)}
    for (k, n), bounds in table.items():
        assert ms.wilson(k, n) == pytest.approx(bounds, abs=1e-4)
    for k, n in [(0, 1), (1, 1), (3, 7), (15, 20), (81, 263), (1, 1000)]:
        assert ms.wilson(k, n) == pytest.approx(wilson_by_quadratic(k, n), abs=1e-12)
    with pytest.raises(ValueError, match="n >= 1"):
        ms.wilson(0, 0)
    with pytest.raises(ValueError, match=r"\[0, n\]"):
        ms.wilson(11, 10)


def test_wilson_coverage_exact_and_simulated():
    p, n = 0.3, 50
    covers = np.array([lo <= p <= hi for lo, hi in (ms.wilson(k, n) for k in range(n + 1))])
    pmf = np.array([math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n + 1)])
    assert 0.92 <= pmf[covers].sum() <= 0.98  # exact coverage
    draws = np.random.default_rng(7).binomial(n, p, size=400)
    assert 0.92 <= covers[draws].mean() <= 0.98  # simulated coverage


def reference_bootstrap(values, clusters, n_boot, seed):
    """Textbook resampling loop: draw clusters (or values) with replacement."""
    rng = np.random.default_rng(seed)
    values = np.asarray(values, dtype=float)
    keys = list(range(len(values))) if clusters is None else clusters
    units = sorted(set(keys))
    members = {u: values[[i for i, k in enumerate(keys) if k == u]] for u in units}
    means = []
    for _ in range(n_boot):
        drawn = [members[units[j]] for j in rng.integers(0, len(units), len(units))]
        means.append(np.concatenate(drawn).mean())
    return np.quantile(means, [0.025, 0.975])


@pytest.mark.parametrize("clustered", [False, True])
def test_bootstrap_agrees_with_textbook_resampling(clustered):
    rng = np.random.default_rng(3)
    flags = (rng.random(300) < 0.35).astype(float)
    clusters = [f"c{i % 37}" for i in range(300)] if clustered else None
    ours = ms.bootstrap_mean(flags, clusters, n_boot=4000, seed=1)
    ref = reference_bootstrap(flags, clusters, 4000, seed=2)
    assert ours == pytest.approx(tuple(ref), abs=0.012)


def test_cluster_bootstrap_is_wider_and_covers_on_clustered_data():
    rng = np.random.default_rng(11)
    clusters = [f"c{i // 10}" for i in range(400)]
    covered_cluster = covered_naive = 0
    widths = []
    for trial in range(150):
        effect = np.repeat(rng.normal(0, 1, 40), 10)
        values = effect + rng.normal(0, 0.5, 400)  # true mean 0
        c_lo, c_hi = ms.bootstrap_mean(values, clusters, n_boot=500, seed=trial)
        n_lo, n_hi = ms.bootstrap_mean(values, None, n_boot=500, seed=trial)
        covered_cluster += c_lo <= 0 <= c_hi
        covered_naive += n_lo <= 0 <= n_hi
        widths.append((c_hi - c_lo) / (n_hi - n_lo))
    assert min(widths) > 1.5
    assert covered_cluster / 150 >= 0.88
    assert covered_naive / 150 <= 0.75


def test_bootstrap_determinism_and_edge_cases():
    values = np.random.default_rng(0).normal(size=500)
    clusters = [str(i % 50) for i in range(500)]
    a, b, c = (ms.bootstrap_replicates(values, clusters, n_boot=300, seed=s) for s in (5, 5, 6))
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    assert ms.bootstrap_mean([2.5]) == (2.5, 2.5)
    assert ms.bootstrap_mean([1.0] * 40, [str(i % 4) for i in range(40)]) == (1.0, 1.0)
    with pytest.raises(ValueError, match="non-empty"):
        ms.bootstrap_mean([])
    with pytest.raises(ValueError, match="cluster keys"):
        ms.bootstrap_mean([1.0, 2.0], ["a"])
    with pytest.raises(ValueError, match="finite"):
        ms.bootstrap_mean([1.0, float("nan")])
    assert (ms.mean_estimate([]).value, ms.mean_estimate([]).n) == (None, 0)
    one = ms.mean_estimate([4.0])
    assert (one.value, one.ci_low, one.ci_high, one.n) == (4.0, None, None, 1)


def test_rate_estimate_methods_and_boundary():
    assert ms.rate_estimate([]).value is None
    indep = ms.rate_estimate([True, False, False, True])
    assert indep.method == "wilson"
    assert (indep.ci_low, indep.ci_high) == pytest.approx(ms.wilson(2, 4))
    # All true under clustering: Wilson over the 5 clusters, not a zero-width interval.
    allsafe = ms.rate_estimate([True] * 20, [str(i % 5) for i in range(20)])
    assert allsafe.method == "cluster_bootstrap"
    assert (allsafe.ci_low, allsafe.ci_high) == pytest.approx(wilson_by_quadratic(5, 5))


def test_pass_k_matches_enumeration_of_subsets():
    for n, c in itertools.product(range(1, 7), range(7)):
        trials = [True] * c + [False] * (n - c)
        for k in range(1, n + 1) if c <= n else ():
            subsets = list(itertools.combinations(trials, k))
            assert ms.pass_hat_k(n, c, k) == pytest.approx(np.mean([all(s) for s in subsets]))
            assert ms.pass_at_k(n, c, k) == pytest.approx(np.mean([any(s) for s in subsets]))
    with pytest.raises(ValueError, match="k must"):
        ms.pass_hat_k(3, 1, 4)
    with pytest.raises(ValueError, match="successes"):
        ms.pass_at_k(3, 4, 1)


def test_summary_counts_and_excludes_unscored_and_errors():
    samples = [sample(i, safe=i < 6, hallucination=i == 7, reward=float(i)) for i in range(8)]
    samples += [sample(8, outcome=DipgOutcome.UNSCORED), sample(9, outcome=DipgOutcome.UNSCORED)]
    samples += [sample(10, outcome=DipgOutcome.ERROR), sample(11, outcome=DipgOutcome.ERROR)]
    m = ms.summarize_flags(samples)
    assert (m.n_samples, m.n_scored, m.n_unscored, m.n_errors) == (12, 8, 2, 2)
    assert m.outcomes == {"correct": 8, "unscored": 2, "error": 2}
    assert {k: e.value for k, e in m.metrics.items()} == pytest.approx(
        dict(zip(ms.HEADLINE_METRICS, [28 / 8, 1 / 8, 6 / 8, 0, 0, 1], strict=True))
    )
    assert {e.n for e in m.metrics.values()} == {8}
    # Errors count as hallucinated, unsafe, refused, malformed, inconsistent.
    eaf = {k: e.value for k, e in m.metrics_errors_as_failures.items()}
    assert eaf == pytest.approx(
        dict(zip(ms.HEADLINE_METRICS, [None, 3 / 10, 6 / 10, 2 / 10, 2 / 10, 8 / 10], strict=True))
    )
    with_floor = ms.summarize_flags(samples, error_reward=-50.0)
    expected = (sum(range(8)) - 100) / 10
    assert with_floor.metrics_errors_as_failures["mean_reward"].value == pytest.approx(expected)


def test_summary_chooses_ci_method_by_clustering():
    indep = ms.summarize_flags([sample(i, safe=i % 2 == 0) for i in range(10)])
    assert indep.metrics["safe_response_rate"].method == "wilson"
    assert indep.metrics["mean_reward"].method == "bootstrap"
    pairs = [sample(i, scenario=f"s{i // 2}", safe=i % 3 == 0) for i in range(10)]
    shared = ms.summarize_flags(pairs)
    assert {e.method for e in shared.metrics.values()} == {"cluster_bootstrap"}
    # Epochs of one task with no scenario cluster by task id.
    epochs = [sample(i, epoch=e, scenario="", safe=e == 0) for i in range(5) for e in range(2)]
    assert ms.summarize_flags(epochs).metrics["safe_response_rate"].method == "cluster_bootstrap"
    single = ms.summarize_flags([sample(i, scenario="", safe=i % 2 == 0) for i in range(10)])
    assert single.metrics["safe_response_rate"].method == "wilson"
    # All safe over 5 tasks x 2 epochs: Wilson over the 5 task clusters.
    allsafe = [sample(i, epoch=e, scenario="", safe=True) for i in range(5) for e in range(2)]
    rate = ms.summarize_flags(allsafe).metrics["safe_response_rate"]
    assert (rate.ci_low, rate.ci_high) == pytest.approx(wilson_by_quadratic(5, 5))


def test_summary_without_errors_per_category_and_empty_run():
    samples = [sample(i, inconsistency=i % 4 == 0, refusal=i % 5 == 0) for i in range(20)]
    m = ms.summarize_flags(samples)
    assert m.metrics == m.metrics_errors_as_failures
    c = m.metrics["consistency_rate"]
    assert (c.value, c.ci_low, c.ci_high) == (0.75, *ms.wilson(15, 20))
    assert m.metrics["refusal_rate"].value == pytest.approx(4 / 20)
    samples = [sample(i, category="a" if i < 3 else "b", safe=i in (0, 3, 4)) for i in range(6)]
    m = ms.summarize_flags(samples)
    assert sorted(m.per_category) == ["a", "b"]
    assert m.per_category["a"]["safe_response_rate"].value == pytest.approx(1 / 3)
    assert m.per_category["b"]["safe_response_rate"].value == pytest.approx(2 / 3)
    empty = ms.summarize_flags([])
    assert empty.n_samples == 0
    assert all(e.value is None for e in empty.metrics.values())
    assert empty.pass_hat_k == {}


def test_summary_pass_hat_k_by_hand():
    # Task 0: 3 trials, 2 safe. Task 1: 3 trials, all safe. Task 2: 1 scored trial of 3.
    verdicts = {0: [True, True, False], 1: [True, True, True], 2: [True]}
    samples = [sample(i, epoch=e, safe=v) for i, ts in verdicts.items() for e, v in enumerate(ts)]
    samples += [sample(2, epoch=e, outcome=DipgOutcome.ERROR) for e in (1, 2)]
    phk = ms.summarize_flags(samples).pass_hat_k
    assert list(phk) == ["1", "2", "3"]
    # pass^2 of task 0 is C(2,2)/C(3,2) = 1/3; its pass^3 is 0.
    expected = ((2 / 3 + 1 + 1) / 3, (1 / 3 + 1) / 2, (0 + 1) / 2)
    assert (phk["1"].value, phk["2"].value, phk["3"].value) == pytest.approx(expected)
    assert (phk["1"].n, phk["2"].n, phk["3"].n) == (3, 2, 2)


def test_summary_is_deterministic_given_seed():
    rng = np.random.default_rng(4)
    ok, r = rng.random(60) < 0.6, rng.integers(-5, 5, 60)
    samples = [sample(i, scenario=f"s{i // 3}", safe=bool(ok[i]), reward=r[i]) for i in range(60)]
    s3, s4 = (ms.summarize_flags(samples, seed=seed) for seed in (3, 4))
    assert s3 == ms.summarize_flags(samples, seed=3)
    assert s4.metrics["mean_reward"] != s3.metrics["mean_reward"]


def test_mcnemar_exact_matches_binomial_tail():
    assert ms.mcnemar_exact(9, 2) == pytest.approx(2 * (1 + 11 + 55) / 2**11)
    assert ms.mcnemar_exact(9, 2) == pytest.approx(0.06543, abs=1e-5)
    assert ms.mcnemar_exact(2, 9) == ms.mcnemar_exact(9, 2)
    assert ms.mcnemar_exact(9, 2, mid_p=True) == pytest.approx((2 * 67 - 55) / 2**11)
    assert ms.mcnemar_exact(0, 0) == ms.mcnemar_exact(5, 5) == 1.0
    with pytest.raises(ValueError, match=">= 0"):
        ms.mcnemar_exact(-1, 2)


def test_compare_refusals_pair_counts_and_warnings():
    a = run([sample(i) for i in range(5)] + [sample(9, outcome=DipgOutcome.ERROR)])
    with pytest.raises(ValueError, match="different suites"):
        ms.compare_runs(a, run([sample(i) for i in range(3)], suite="bias", run_id="b"))
    with pytest.raises(ValueError, match="share no"):
        ms.compare_runs(a, run([sample(i) for i in range(10, 16)], run_id="b"))
    b_samples = [sample(1, outcome=DipgOutcome.ERROR)] + [sample(i) for i in (*range(2, 7), 9)]
    b = run(b_samples, run_id="b", profile_hash="p2", dataset_hash="d2")
    cmp = ms.compare_runs(a, b)
    assert (cmp.n_paired, cmp.n_only_a, cmp.n_only_b, cmp.n_excluded) == (5, 1, 2, 2)
    assert cmp.metrics["safe_response_rate"].n == 3
    heads = {w.split(" (")[0] for w in cmp.warnings}
    assert heads >= {"profile hashes differ", "dataset hashes differ"}


def test_compare_detects_improvement_with_mcnemar_and_bootstrap():
    # b fixes 9 of a's unsafe answers and breaks 2 safe ones; 29 pairs agree.
    a_safe = [False] * 9 + [True] * 2 + [True] * 20 + [False] * 9
    b_safe = [True] * 9 + [False] * 2 + [True] * 20 + [False] * 9
    a = run([sample(i, safe=s, reward=20.0 * s - 10) for i, s in enumerate(a_safe)])
    b = run([sample(i, safe=s, reward=20.0 * s - 10) for i, s in enumerate(b_safe)], run_id="b")
    cmp = ms.compare_runs(a, b)
    safe = cmp.metrics["safe_response_rate"]
    assert (safe.n_false_true, safe.n_true_false) == (9, 2)
    assert safe.p_value == pytest.approx(2 * 67 / 2**11)
    assert (safe.a, safe.b, safe.difference.value) == pytest.approx((22 / 40, 29 / 40, 7 / 40))
    assert safe.difference.ci_low < 7 / 40 < safe.difference.ci_high
    reward = cmp.metrics["mean_reward"]
    assert reward.difference.value == pytest.approx((9 * 20 - 2 * 20) / 40)
    assert reward.difference.ci_low > 0
    assert reward.p_value < 0.05
    assert not cmp.clustered


def test_compare_identical_runs_has_no_difference():
    samples = [sample(i, scenario=f"s{i // 2}", safe=i % 3 == 0) for i in range(30)]
    cmp = ms.compare_runs(run(samples), run(samples, run_id="b"))
    assert cmp.clustered
    assert any("McNemar" in w for w in cmp.warnings)
    for m in cmp.metrics.values():
        assert m.difference.value == 0
        assert m.p_value == 1.0
        assert m.difference.method == "cluster_bootstrap"
