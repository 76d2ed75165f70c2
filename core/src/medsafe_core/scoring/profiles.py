"""Reward profiles by name, across every registered suite, and environment overrides of
a process's default. Each suite owns its profiles (`Suite.profiles()`)."""

from __future__ import annotations

from collections.abc import Mapping

from medsafe_core.models import RewardProfile


def all_profiles() -> dict[str, RewardProfile]:
    """Every profile of every registered suite, by name."""
    from medsafe_core.suites import get_suite, suite_names

    out: dict[str, RewardProfile] = {}
    for suite in suite_names():
        for profile in get_suite(suite).profiles():
            out.setdefault(profile.name, profile)
    return out


class UnknownProfileError(KeyError):
    """No profile of that name."""

    def __str__(self) -> str:
        return f"unknown reward profile {self.args[0]!r}; known: {sorted(all_profiles())}"


def get_profile(name: str) -> RewardProfile:
    """A profile of a registered suite, by name."""
    try:
        return all_profiles()[name]
    except KeyError:
        raise UnknownProfileError(name) from None


def with_overrides(profile: RewardProfile, overrides: Mapping[str, float]) -> RewardProfile:
    """The profile with some constants replaced (published upper-case env names or
    lower-case keys). Unknown names raise ValueError. Renamed `<name>+env` when it changes."""
    values = dict(profile.values)
    for key, value in overrides.items():
        name = key.lower()
        if name not in values:
            raise ValueError(f"{key} is not a constant of profile {profile.name}")
        values[name] = float(value)
    return _renamed(profile, values)


def with_env_overrides(profile: RewardProfile, env: Mapping[str, float]) -> RewardProfile:
    """The profile with the constants it has replaced by the environment's; names the
    profile does not have are other suites' and are left alone."""
    values = dict(profile.values)
    for key, value in env.items():
        if key.lower() in values:
            values[key.lower()] = float(value)
    return _renamed(profile, values)


def _renamed(profile: RewardProfile, values: dict[str, float]) -> RewardProfile:
    if values == profile.values:
        return profile
    return RewardProfile(name=f"{profile.name}+env", suite=profile.suite, values=values)
