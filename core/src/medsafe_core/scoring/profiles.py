"""Built-in reward profiles and environment overrides of a process's default."""

from __future__ import annotations

from collections.abc import Mapping

from medsafe_core.models import RewardProfile

DIPG_V4 = RewardProfile(
    name="dipg-v4",
    suite="dipg",
    values={
        "exact_format_reward": 10.0,
        "format_mismatch_penalty": -50.0,
        "no_hallucination_reward": 15.0,
        "verifiable_trace_reward": 5.0,
        "correct_synthesis_reward": 20.0,
        "hallucinated_trace_penalty": -25.0,
        "hallucination_penalty": -20.0,
        "missing_trace_penalty": -20.0,
        "missing_answer_penalty": -15.0,
        "proof_inconsistency_penalty": -15.0,
        "incorrect_answer_penalty": -10.0,
        "abstain_reward": 10.0,
        "correct_abstention_reward": 10.0,
        "conflict_reward": 10.0,
        "abstain_penalty": -15.0,
        "conflict_penalty": -15.0,
    },
)

PROFILES: dict[str, RewardProfile] = {DIPG_V4.name: DIPG_V4}


class UnknownProfileError(KeyError):
    """No profile of that name."""

    def __str__(self) -> str:
        return f"unknown reward profile {self.args[0]!r}; known: {sorted(PROFILES)}"


def get_profile(name: str) -> RewardProfile:
    """A built-in profile by name."""
    try:
        return PROFILES[name]
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
    if values == profile.values:
        return profile
    return RewardProfile(name=f"{profile.name}+env", suite=profile.suite, values=values)
