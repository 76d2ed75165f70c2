"""Scoring: reward profiles by name across suites, and overrides."""

from medsafe_core.scoring.profiles import (
    UnknownProfileError,
    all_profiles,
    get_profile,
    with_env_overrides,
    with_overrides,
)

__all__ = [
    "UnknownProfileError",
    "all_profiles",
    "get_profile",
    "with_env_overrides",
    "with_overrides",
]
