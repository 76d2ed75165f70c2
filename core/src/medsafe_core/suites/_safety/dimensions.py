"""The five reward dimensions of the Healthcare AI GYM seed and their weighted sum.

Each dimension is a number in [0, 1], or None where it does not apply to a suite or a
response; the reward is the weighted mean over the dimensions that apply, with the
weights `w_<dimension>` of the run's reward profile.
"""

from __future__ import annotations

from collections.abc import Mapping

from medsafe_core.models import RewardProfile

DIMENSIONS = ("accuracy", "format", "process", "safety", "coherence")
"""Dimension names, in the seed's order."""


def dimension_weights(profile: RewardProfile) -> dict[str, float]:
    """The weight of each dimension in a profile (0 for those it leaves out)."""
    return {d: float(profile.values.get(f"w_{d}", 0.0)) for d in DIMENSIONS}


def weighted_reward(dims: Mapping[str, float | None], profile: RewardProfile) -> float:
    """Weighted mean of the dimensions that apply, in [0, 1] (0 when none applies)."""
    weights = dimension_weights(profile)
    total = sum(weights[d] for d in DIMENSIONS if dims.get(d) is not None)
    if total <= 0:
        return 0.0
    value = sum(weights[d] * float(dims[d] or 0.0) for d in DIMENSIONS if dims.get(d) is not None)
    return round(min(1.0, max(0.0, value / total)), 6)
