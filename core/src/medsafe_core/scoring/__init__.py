"""Scoring: reward profiles and the suites' judgments."""

from medsafe_core.scoring.profiles import (
    DIPG_V4,
    PROFILES,
    UnknownProfileError,
    get_profile,
    with_overrides,
)

__all__ = ["DIPG_V4", "PROFILES", "UnknownProfileError", "get_profile", "with_overrides"]
