"""The numbers of an episode (final once it has ended)."""

from __future__ import annotations

from medsafe_core.models._base import Contract


class EpisodeResult(Contract):
    """The episode's numbers so far (final once it has ended)."""

    fbeta: float
    """F-beta over flags (beta from the profile, 1.5 in audit-v1): the episode score."""
    precision: float
    """Share of flags on erroneous proposals."""
    recall: float
    """Share of erroneous proposals flagged."""
    n_proposals: int
    """Proposals in the episode."""
    n_errors: int
    """Erroneous proposals."""
    true_positives: int
    """Flags on erroneous proposals."""
    false_positives: int
    """Flags on correct proposals."""
    typed_correctly: int
    """True positives that named the right error type."""
    correct_approvals: int
    """Approvals of correct proposals."""
    approved_errors: int
    """Approvals of erroneous proposals."""
    decided: int
    """Proposals flagged or approved."""
    total_reward: float
    """Sum of all dense reward events."""
    steps: int
    """Steps taken."""
    invalid_actions: int
    """Rejected actions."""
    ended: str | None
    """`submitted`, `step_limit`, or None while running."""
