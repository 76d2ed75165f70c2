"""Confidence intervals: Wilson score intervals and the (cluster) percentile bootstrap.

Every interval is a two-sided 95% interval. The bootstrap is exact resampling, not
an approximation: resampling G units with replacement gives each unit a count drawn
from Multinomial(G, 1/G, ..., 1/G). Units with the same (sum, size) profile are
interchangeable for a mean, so when there are few distinct profiles (binary flags,
the reward ladder) we draw the counts per profile from Multinomial(G, share of each
profile), which has the same distribution and costs D draws instead of G per
replicate. Many distinct profiles (continuous values) fall back to drawing indices.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from medsafe_core.models import Estimate

Z95 = 1.959964
"""Standard normal quantile for a two-sided 95% interval."""

LEVEL = 0.95
"""Coverage of every interval this package reports."""

_QUANTILES = ((1.0 - LEVEL) / 2, 1.0 - (1.0 - LEVEL) / 2)
"""The percentiles that bound a bootstrap interval."""

# Grouped multinomial draws cost roughly six times more per cell than index draws, so
# they win while there are at most G / 6 distinct unit profiles.
_MULTINOMIAL_MAX_SHARE = 6
# Draws are made in chunks of about this many cells to bound memory.
_CHUNK_CELLS = 2_000_000
# Unit counts of index draws are kept (per G, n_boot and seed; 8 of them, 2 MiB each
# at most) up to this many cells.
_CACHE_MAX_CELLS = 1 << 18
# Integers up to 2^53 are exact floats, so their sums do not depend on the order.
_EXACT_INTEGERS = float(1 << 53)


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion `successes / n`.

    The interval is the set of p with |p_hat - p| <= z * sqrt(p (1 - p) / n):
    centre (p_hat + z^2 / 2n) / (1 + z^2 / n), half-width
    z / (1 + z^2 / n) * sqrt(p_hat (1 - p_hat) / n + z^2 / 4n^2).
    Unlike the Wald interval it stays inside [0, 1] and keeps near-nominal coverage
    at small n and at proportions near 0 or 1.
    """
    if n <= 0:
        raise ValueError("wilson needs n >= 1 trials")
    if not 0 <= successes <= n:
        raise ValueError(f"successes must lie in [0, n]; got {successes} of {n}")
    p = successes / n
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1.0 - p) / n + z2 / (4 * n * n))
    # At 0 or n the exact bound is 0 or 1; rounding would otherwise leave ~1e-17.
    lo = 0.0 if successes == 0 else max(0.0, centre - half)
    hi = 1.0 if successes == n else min(1.0, centre + half)
    return lo, hi


def has_shared_clusters(clusters: Sequence[str]) -> bool:
    """True when some cluster key occurs more than once (samples are not independent)."""
    return len(set(clusters)) < len(clusters)


def _unit_totals(
    values: NDArray[np.float64], clusters: Sequence[str] | None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per resampling unit: the sum of its values and its number of members."""
    if clusters is None:
        return values, np.ones_like(values)
    if len(clusters) != values.size:
        raise ValueError(f"{len(clusters)} cluster keys for {values.size} values")
    codes, units = _codes(clusters)
    sums = np.asarray(np.bincount(codes, weights=values, minlength=units), dtype=np.float64)
    sizes = np.bincount(codes, minlength=units).astype(np.float64)
    return sums, sizes


def _codes(clusters: Sequence[str]) -> tuple[NDArray[np.intp], int]:
    """Each member's unit, numbered by first appearance, and the number of units."""
    index: dict[str, int] = {}
    codes = np.fromiter(
        (index.setdefault(c, len(index)) for c in clusters), dtype=np.intp, count=len(clusters)
    )
    return codes, len(index)


def _resampled_means(
    sums: NDArray[np.float64],
    sizes: NDArray[np.float64],
    n_boot: int,
    seed: int,
) -> NDArray[np.float64]:
    """Mean over all members of G units drawn with replacement, `n_boot` times, from a
    generator seeded with `seed`."""
    g = sums.size
    # Complex numbers sort by real then imaginary part: a fast unique over row pairs.
    profiles, mult = np.unique(sums + 1j * sizes, return_counts=True)
    if profiles.size * _MULTINOMIAL_MAX_SHARE <= g:
        out = np.empty(n_boot, dtype=np.float64)
        rng = np.random.default_rng(seed)
        step = max(1, _CHUNK_CELLS // profiles.size)
        for start in range(0, n_boot, step):
            stop = min(n_boot, start + step)
            counts = rng.multinomial(g, mult / g, size=stop - start).astype(np.float64)
            out[start:stop] = (counts @ profiles.real) / (counts @ profiles.imag)
        return out
    # Equal sizes (always so without clusters) make the denominator a constant.
    equal = bool(np.all(sizes == sizes[0]))
    if _exact_in_any_order(sums, g) and g * n_boot <= _CACHE_MAX_CELLS and type(seed) is int:
        # Integer sums add up exactly in any order, so a replicate's sum is the same
        # number as a sum over its drawn units: take it from the draws' unit counts,
        # which depend only on (G, n_boot, seed) and so serve every metric alike.
        drawn = _index_counts(g, n_boot, seed)
        den = g * sizes[0] if equal else drawn @ sizes
        return np.asarray((drawn @ sums) / den, dtype=np.float64)
    return _index_means(sums, sizes, n_boot, np.random.default_rng(seed), equal)


def _exact_in_any_order(sums: NDArray[np.float64], g: int) -> bool:
    """True when every sum of g of these values (with repeats) is an exact float."""
    top = float(np.abs(sums).max())
    return bool(np.all(sums == np.trunc(sums))) and top * g < _EXACT_INTEGERS


def _index_means(
    sums: NDArray[np.float64],
    sizes: NDArray[np.float64],
    n_boot: int,
    rng: np.random.Generator,
    equal: bool,
) -> NDArray[np.float64]:
    """Replicate means from drawn unit indices (sums in the order drawn)."""
    g = sums.size
    out = np.empty(n_boot, dtype=np.float64)
    dtype = _index_dtype(g)
    step = max(1, _CHUNK_CELLS // g)
    for start in range(0, n_boot, step):
        stop = min(n_boot, start + step)
        idx = rng.integers(0, g, size=(stop - start, g), dtype=dtype)
        # Equal sizes save a second gather as large as the first.
        den = g * sizes[0] if equal else sizes[idx].sum(axis=1)
        out[start:stop] = sums[idx].sum(axis=1) / den
    return out


def _index_dtype(g: int) -> type[np.unsignedinteger[Any]] | type[np.signedinteger[Any]]:
    # Small index types are much cheaper to draw; uint16 covers up to 65,536 units.
    return np.uint16 if g <= 1 << 16 else np.int64


@functools.lru_cache(maxsize=8)
def _index_counts(g: int, n_boot: int, seed: int) -> NDArray[np.float64]:
    """How many times each of G units is drawn in each of `n_boot` replicates, for the
    very draws `_index_means` makes with a generator seeded with `seed` (read-only)."""
    rng = np.random.default_rng(seed)
    out = np.empty((n_boot, g), dtype=np.float64)
    dtype = _index_dtype(g)
    step = max(1, _CHUNK_CELLS // g)
    for start in range(0, n_boot, step):
        stop = min(n_boot, start + step)
        rows = stop - start
        idx = rng.integers(0, g, size=(rows, g), dtype=dtype)
        cells = idx + np.arange(0, rows * g, g, dtype=np.intp)[:, None]
        out[start:stop] = np.bincount(cells.ravel(), minlength=rows * g).reshape(rows, g)
    out.flags.writeable = False
    return out


def bootstrap_replicates(
    values: ArrayLike,
    clusters: Sequence[str] | None = None,
    *,
    n_boot: int = 2000,
    seed: int = 0,
) -> NDArray[np.float64]:
    """The bootstrap distribution of the mean of `values` (`n_boot` replicates).

    With `clusters`, whole clusters are resampled with replacement and each replicate
    is the mean over all their members (block bootstrap): this keeps the correlation
    inside a cluster, which the plain bootstrap would ignore and so report too narrow
    an interval. Without `clusters`, single values are resampled. Deterministic given
    `seed`.
    """
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 1 or x.size == 0:
        raise ValueError("bootstrap needs a non-empty 1-D sequence of values")
    if not np.all(np.isfinite(x)):
        raise ValueError("bootstrap values must be finite")
    if n_boot < 1:
        raise ValueError("n_boot must be >= 1")
    sums, sizes = _unit_totals(x, clusters)
    return _resampled_means(sums, sizes, n_boot, seed)


def percentile_interval(replicates: NDArray[np.float64]) -> tuple[float, float]:
    """The central 95% of a bootstrap distribution.

    The same numbers as `np.quantile(replicates, [tail, 1 - tail])` (its default
    `linear` method, step for step), without the cost of `np.quantile`, which also
    imports `numpy.ma` on first use (about 35 ms).
    """
    x = np.asarray(replicates, dtype=np.float64)
    n = x.size
    if x.ndim != 1 or n == 0 or not np.all(np.isfinite(x)):
        tail = (1.0 - LEVEL) / 2
        lo, hi = np.quantile(replicates, [tail, 1.0 - tail])
        return float(lo), float(hi)
    # numpy's linear method: virtual index v = (n - 1) q between the order statistics
    # at floor(v) and floor(v) + 1 (both the largest when v >= n - 1), weight
    # gamma = v - floor(v), and a lerp that counts from the nearer end.
    points = [_quantile_point(q, n) for q in _QUANTILES]
    ranks = sorted({r % n for prev, nxt, _ in points for r in (prev, nxt)})
    ordered = np.partition(x, ranks)
    out = []
    for prev, nxt, gamma in points:
        a, b = ordered[prev], ordered[nxt]
        diff = b - a
        out.append(float(b - diff * (1 - gamma) if gamma >= 0.5 else a + diff * gamma))
    return out[0], out[1]


def _quantile_point(q: float, n: int) -> tuple[int, int, np.float64]:
    """Neighbouring ranks and weight of quantile q of n values, as `np.quantile`'s
    linear method takes them."""
    virtual = np.float64(n - 1) * np.float64(q)
    prev = int(np.floor(virtual))
    nxt = prev + 1
    if virtual >= n - 1:
        prev = nxt = -1
    return prev, nxt, virtual - np.float64(prev)


def bootstrap_mean(
    values: ArrayLike,
    clusters: Sequence[str] | None = None,
    *,
    n_boot: int = 2000,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile bootstrap 95% CI of the mean; cluster (block) bootstrap with `clusters`.

    A single unit or identical units give a zero-width interval: the bootstrap sees
    no variation. `mean_estimate` reports no interval in the single-unit case.
    """
    return percentile_interval(bootstrap_replicates(values, clusters, n_boot=n_boot, seed=seed))


def mean_estimate(
    values: ArrayLike,
    clusters: Sequence[str] | None = None,
    *,
    n_boot: int = 2000,
    seed: int = 0,
) -> Estimate:
    """Mean with a bootstrap CI (`cluster_bootstrap` with clusters, else `bootstrap`).

    Empty input gives `value=None`; a single resampling unit gives the value without
    an interval, since one unit says nothing about the spread.
    """
    x = np.asarray(values, dtype=np.float64)
    method = "bootstrap" if clusters is None else "cluster_bootstrap"
    if x.size == 0:
        return Estimate(value=None, n=0, method=method)
    value = float(x.mean())
    units = x.size if clusters is None else len(set(clusters))
    if units < 2:
        return Estimate(value=value, n=int(x.size), method=method)
    lo, hi = bootstrap_mean(x, clusters, n_boot=n_boot, seed=seed)
    return Estimate(value=value, ci_low=lo, ci_high=hi, n=int(x.size), method=method)


def rate_estimate(
    flags: ArrayLike,
    clusters: Sequence[str] | None = None,
    *,
    n_boot: int = 2000,
    seed: int = 0,
) -> Estimate:
    """Proportion of true flags: Wilson for independent items, else cluster bootstrap.

    At a rate of exactly 0 or 1 every cluster has the same value, so the percentile
    bootstrap collapses to a point; there the Wilson interval over the number of
    clusters is reported instead (the effective sample size when members of a cluster
    agree perfectly, hence the widest plausible interval).
    """
    x = np.asarray(flags, dtype=bool)
    n = int(x.size)
    if n == 0:
        return Estimate(
            value=None, n=0, method="wilson" if clusters is None else "cluster_bootstrap"
        )
    k = int(x.sum())
    value = k / n
    if clusters is None:
        lo, hi = wilson(k, n)
        return Estimate(value=value, ci_low=lo, ci_high=hi, n=n, method="wilson")
    units = len(set(clusters))
    if k in (0, n):
        lo, hi = wilson(units if k == n else 0, units)
    elif units < 2:
        return Estimate(value=value, n=n, method="cluster_bootstrap")
    else:
        lo, hi = bootstrap_mean(x, clusters, n_boot=n_boot, seed=seed)
    return Estimate(value=value, ci_low=lo, ci_high=hi, n=n, method="cluster_bootstrap")


def rate_estimates(
    columns: Sequence[ArrayLike],
    clusters: Sequence[str] | None = None,
    *,
    n_boot: int = 2000,
    seed: int = 0,
) -> list[Estimate]:
    """`rate_estimate` of each column of flags over the same samples and clusters: the
    same estimates, with the clusters coded once for all columns."""
    if clusters is None:
        return [rate_estimate(c, None, n_boot=n_boot, seed=seed) for c in columns]
    codes, units = _codes(clusters)
    sizes: NDArray[np.float64] | None = None
    out = []
    for column in columns:
        x = np.asarray(column, dtype=bool)
        n = int(x.size)
        if n == 0:
            out.append(Estimate(value=None, n=0, method="cluster_bootstrap"))
            continue
        k = int(x.sum())
        value = k / n
        if k in (0, n):
            lo, hi = wilson(units if k == n else 0, units)
        elif units < 2:
            out.append(Estimate(value=value, n=n, method="cluster_bootstrap"))
            continue
        else:
            # as bootstrap_mean(x, clusters) computes it
            if n != codes.size:
                raise ValueError(f"{codes.size} cluster keys for {n} values")
            if n_boot < 1:
                raise ValueError("n_boot must be >= 1")
            if sizes is None:
                sizes = np.bincount(codes, minlength=units).astype(np.float64)
            values = x.astype(np.float64)
            sums = np.asarray(np.bincount(codes, weights=values, minlength=units), np.float64)
            lo, hi = percentile_interval(_resampled_means(sums, sizes, n_boot, seed))
        out.append(Estimate(value=value, ci_low=lo, ci_high=hi, n=n, method="cluster_bootstrap"))
    return out
