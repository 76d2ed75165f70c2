"""The fast paths of the metrics engine give the very numbers of the plain ones.

Summaries are published with their CIs, so a faster bootstrap must not move a single
bit: each test here compares a fast path with the straightforward computation it
replaces (kept below as the reference), on fixed inputs. No timing assertions.
"""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from numpy.typing import NDArray

import medsafe_core.metrics as ms
from medsafe_core.evaluation import score_record
from medsafe_core.metrics import intervals, summary
from medsafe_core.metrics.calibration import abstention_calibration
from medsafe_core.metrics.summary import summarize_flags
from medsafe_core.models import Outcome, ResponseRecord, SampleResult
from medsafe_core.parsing import ResponseFormat
from medsafe_core.suites import get_suite


def reference_resampled_means(
    sums: NDArray[np.float64], sizes: NDArray[np.float64], n_boot: int, seed: int
) -> NDArray[np.float64]:
    """The bootstrap replicates as first published: one generator per estimate,
    multinomial counts per unit profile when profiles are few, else drawn indices
    whose values are gathered and summed."""
    rng = np.random.default_rng(seed)
    g = sums.size
    out = np.empty(n_boot, dtype=np.float64)
    profiles, mult = np.unique(sums + 1j * sizes, return_counts=True)
    if profiles.size * 6 <= g:
        step = max(1, 2_000_000 // profiles.size)
        for start in range(0, n_boot, step):
            stop = min(n_boot, start + step)
            counts = rng.multinomial(g, mult / g, size=stop - start).astype(np.float64)
            out[start:stop] = (counts @ profiles.real) / (counts @ profiles.imag)
        return out
    dtype = np.uint16 if g <= 1 << 16 else np.int64
    equal = bool(np.all(sizes == sizes[0]))
    step = max(1, 2_000_000 // g)
    for start in range(0, n_boot, step):
        stop = min(n_boot, start + step)
        idx = rng.integers(0, g, size=(stop - start, g), dtype=dtype)
        den = g * sizes[0] if equal else sizes[idx].sum(axis=1)
        out[start:stop] = sums[idx].sum(axis=1) / den
    return out


def reference_percentile_interval(replicates: NDArray[np.float64]) -> tuple[float, float]:
    tail = (1.0 - intervals.LEVEL) / 2
    lo, hi = np.quantile(replicates, [tail, 1.0 - tail])
    return float(lo), float(hi)


def test_percentile_interval_is_numpys_linear_quantile() -> None:
    rng = np.random.default_rng(0)
    arrays = [np.array([v]) for v in (0.0, -0.0, 2.5, -1e300)]
    arrays += [rng.normal(size=n) for n in (2, 3, 4, 39, 40, 41, 199, 200, 201, 2000, 4001)]
    arrays += [rng.integers(0, 5, size=n) / 7 for n in (2, 17, 2000)]  # ties
    arrays += [np.zeros(50), -np.zeros(50), np.r_[np.full(1000, -0.0), np.full(1000, 0.0)]]
    arrays += [rng.choice([-0.0, 0.0, 1.0, 1e-300], size=n) for n in (5, 80, 2000)]
    for x in arrays:
        ours, ref = ms.percentile_interval(x.copy()), reference_percentile_interval(x)
        assert json.dumps(ours) == json.dumps(ref), x.size
        assert [np.signbit(v) for v in ours] == [np.signbit(v) for v in ref]


@pytest.mark.parametrize("g", [2, 3, 7, 34, 100, 131, 132, 400])
@pytest.mark.parametrize("seed", [0, 1, 12345])
def test_resampled_means_match_the_plain_draws(g: int, seed: int) -> None:
    rng = np.random.default_rng(g * 1000 + seed)
    sizes = rng.integers(1, 5, size=g).astype(np.float64)
    cases = [
        (rng.integers(-50, 51, size=g).astype(np.float64), np.ones(g)),  # integer rewards
        (rng.integers(-50, 51, size=g) * sizes, sizes),  # integer sums, unequal sizes
        (rng.binomial(sizes.astype(np.int64), 0.3).astype(np.float64), sizes),  # rates
        (rng.normal(size=g), sizes),  # real values: the plain path
        (rng.integers(0, 3, size=g) / 3 * sizes, sizes),  # fractions (pass^k)
        (np.full(g, 2.0**52), np.ones(g)),  # integers too large to add exactly
    ]
    for sums, sz in cases:
        for n_boot in (1, 500, 2000):
            ours = intervals._resampled_means(sums, sz, n_boot, seed)
            ref = reference_resampled_means(sums, sz, n_boot, seed)
            assert ours.tobytes() == ref.tobytes()
            # a second time: from the cached counts
            again = intervals._resampled_means(sums, sz, n_boot, seed)
            assert again.tobytes() == ref.tobytes()


def _synthetic(n: int, seed: int, *, n_scenarios: int, errors: bool) -> list[SampleResult]:
    """Flag samples with shared scenarios, a few categories, epochs and (maybe) errors."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        task, epoch = divmod(i, 2)
        common = {
            "id": f"dipg/1/{seed}/{task:06d}",
            "epoch": epoch,
            "category": rnd.choice(["answerable", "unanswerable", "conflict"]),
            "scenario": f"s{task % n_scenarios}",
        }
        if errors and rnd.random() < 0.05:
            out.append(SampleResult(**common, reward=None, outcome=Outcome.ERROR, error="x"))
            continue
        refusal = rnd.random() < 0.3
        out.append(
            SampleResult(
                **common,
                reward=float(rnd.choice([-50, -35, -5, 0, 10, 20, 30, 50])),
                outcome=rnd.choice(["correct", "incorrect", "correct_abstention", "refusal"]),
                hallucination=rnd.random() < 0.2,
                safe=rnd.random() < 0.6,
                refusal=refusal,
                format_error=rnd.random() < 0.05,
                inconsistency=rnd.random() < 0.1,
            )
        )
    return out


def _scored(suite_name: str, n: int, epochs: int) -> list[SampleResult]:
    """Samples of a suite's generated tasks answered by its reference participants."""
    suite = get_suite(suite_name)
    participants = suite.reference_participants()
    names = sorted(participants)
    profile = suite.default_profile()
    out = []
    for epoch in range(epochs):
        for i, task in enumerate(suite.tasks(7, n)):
            answer = participants[names[(i + epoch) % len(names)]]().answer(
                task.view(), ResponseFormat.JSON
            )
            record = ResponseRecord(id=task.id, epoch=epoch, response=answer)
            out.append(score_record(suite, task, record, profile))
    return out


SAMPLE_SETS = {
    "synthetic_small": lambda: _synthetic(40, 1, n_scenarios=6, errors=True),
    "synthetic_clustered": lambda: _synthetic(600, 2, n_scenarios=150, errors=True),
    "synthetic_no_errors": lambda: _synthetic(300, 3, n_scenarios=300, errors=False),
    "dipg": lambda: _scored("dipg", 120, 2),
    "adversarial": lambda: _scored("adversarial", 40, 2),
    "bias": lambda: _scored("bias", 40, 2),
    "guidelines": lambda: _scored("guidelines", 40, 2),
}


def _summaries(samples: list[SampleResult], suite_name: str) -> str:
    suite = get_suite(suite_name)
    out = {}
    for seed in (0, 3):
        out[f"suite/{seed}"] = suite.summarize(samples, seed, suite.default_profile())
        out[f"flags/{seed}"] = summarize_flags(samples, seed=seed, n_boot=700)
        out[f"calibration/{seed}"] = abstention_calibration(samples, seed=seed)
    for cut in (1, 2, 9):
        out[f"cut/{cut}"] = suite.summarize(samples[:cut], 0)
    return json.dumps({k: v.model_dump(mode="json") for k, v in out.items()}, sort_keys=True)


@pytest.mark.parametrize("name", sorted(SAMPLE_SETS))
def test_summaries_are_those_of_the_plain_engine(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    samples = SAMPLE_SETS[name]()
    suite_name = "dipg" if name.startswith("synthetic") else name
    fast = _summaries(samples, suite_name)
    with monkeypatch.context() as patch:
        patch.setattr(intervals, "_resampled_means", reference_resampled_means)
        patch.setattr(intervals, "percentile_interval", reference_percentile_interval)
        plain = _summaries(samples, suite_name)
    assert fast == plain


@pytest.mark.parametrize("errors", [False, True])
@pytest.mark.parametrize("one_category", [False, True])
def test_copied_estimates_are_those_computed(errors: bool, one_category: bool) -> None:
    """Without errors the errors-as-failures metrics, and with one category its
    metrics, are copies of the run's metrics: they must be what computing gives."""
    samples = _synthetic(300, 4, n_scenarios=60, errors=errors)
    if one_category:
        samples = [s.model_copy(update={"category": "only"}) for s in samples]
    got = summarize_flags(samples, seed=5, n_boot=600, error_reward=-50.0)
    scored = [s for s in samples if s.outcome != Outcome.ERROR]
    failed = [s for s in samples if s.outcome == Outcome.ERROR]
    assert bool(failed) is errors
    as_failures = summary._headline(scored, failed, -50.0, seed=5, n_boot=600)
    assert got.metrics_errors_as_failures == as_failures
    for category, estimates in got.per_category.items():
        group = [s for s in scored if s.category == category]
        assert estimates == summary._headline(group, seed=5, n_boot=600)
    assert got.metrics == summary._headline(scored, seed=5, n_boot=600)
    got.metrics["x"] = got.metrics["mean_reward"]
    assert "x" not in got.metrics_errors_as_failures
    assert all("x" not in e for e in got.per_category.values())


def test_flag_columns_are_rate_flags() -> None:
    samples = _synthetic(200, 6, n_scenarios=40, errors=False)
    columns = summary._Columns(samples)
    expected = [[summary.rate_flags(s)[name] for name in summary.RATE_METRICS] for s in samples]
    assert columns.flags.tolist() == expected
    assert columns.keys == [summary.cluster_key(s) for s in samples]


def test_rate_estimates_are_rate_estimate_per_column() -> None:
    rng = np.random.default_rng(8)
    for n, n_units in [(1, 1), (5, 1), (60, 60), (60, 12), (400, 40), (900, 300)]:
        clusters = [f"u{rng.integers(n_units)}" for _ in range(n)]
        columns = [rng.random(n) < p for p in (0.0, 0.05, 0.5, 1.0)] + [np.ones(n, bool)]
        for keys in (clusters, None):
            got = ms.rate_estimates(columns, keys, n_boot=400, seed=2)
            assert got == [ms.rate_estimate(c, keys, n_boot=400, seed=2) for c in columns]
    assert ms.rate_estimates([[]], []) == [ms.rate_estimate([], [])]
