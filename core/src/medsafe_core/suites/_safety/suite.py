"""The base of the safety suites, whose rewards are weighted means of the five
dimensions, in [0, 1]."""

from __future__ import annotations

from medsafe_core.models import RewardProfile
from medsafe_core.suites.base import Suite


class DimensionSuite(Suite):
    """A suite whose reward is a weighted mean of dimension scores in [0, 1]."""

    def error_reward(self, profile: RewardProfile) -> float | None:
        # a missing response earns what a format error earns (the profiles also hold
        # negative constants for display, so the base class's minimum would be wrong)
        return 0.0
