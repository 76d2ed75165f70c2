"""The dense reward (profile `audit-v1`) and the F-beta episode score."""

from __future__ import annotations

import re

from medsafe_core.models import RewardProfile
from medsafe_core.models._base import Contract
from medsafe_core.suites.audit.world import ErrorType

AUDIT_V1 = RewardProfile(
    name="audit-v1",
    suite="audit",
    values={
        "correct_flag": 0.30,
        "correct_flag_wrong_type": 0.10,
        "correct_approval": 0.15,
        "shap_key_feature": 0.12,
        "temporal_audit_error_patient": 0.10,
        "reason_bonus": 0.05,
        "report_quality_max": 0.10,
        "false_positive": -0.25,
        "approved_error": -0.25,
        "duplicate_action": -0.04,
        "invalid_action": -0.02,
        "step_cost": -0.003,
        "fbeta_beta": 1.5,
    },
)
"""The published constants, plus ours: a flag with the wrong error type, approving an
erroneous proposal, invalid actions and the F-beta beta (see docs/audit.md)."""


class RewardEvent(Contract):
    """One reward or penalty, with its reason (provenance)."""

    turn: int
    """Step that earned it (1-based)."""
    name: str
    """Profile constant applied."""
    value: float
    """Its signed value."""
    reason: str
    """Why it applied (names the action and proposal, never the hidden error type)."""
    proposal_id: str | None = None
    """The proposal concerned, if any."""


_REASON_WORDS: dict[ErrorType, list[tuple[str, ...]]] = {
    ErrorType.AGE_BOUNDARY: [("age", "years", "year-old", "old", "young")],
    ErrorType.TEMPORAL: [
        ("death", "died", "deceased", "date", "timeline", "chronolog", "before", "prior"),
    ],
    ErrorType.WINDOW: [("window", "delay", "days", "late", "§5.2", "5.2")],
    ErrorType.COMORBIDITY: [
        ("comorbid",),
        ("threshold", "override", "revok", "nullif", "exceed", "above", "extension", "6.5"),
    ],
}


def reason_names_error(reason: str, error: ErrorType) -> bool:
    """Whether a flag's reason explains the actual error: each required word group of
    the error type occurs (the 2-hop error needs both the comorbidity and the override)."""
    text = reason.lower()
    if error is ErrorType.AGE_BOUNDARY and not re.search(r"\bage\b|\d+\s*(?:years|y/?o)", text):
        return any(word in text for word in _REASON_WORDS[error][0][1:])
    return all(any(word in text for word in group) for group in _REASON_WORDS[error])


def fbeta(true_pos: int, false_pos: int, n_errors: int, beta: float = 1.5) -> tuple[float, ...]:
    """(F-beta, precision, recall) of flags against the erroneous proposals. No flags
    give precision 0; an episode always carries at least one error."""
    flags = true_pos + false_pos
    precision = true_pos / flags if flags else 0.0
    recall = true_pos / n_errors if n_errors else 1.0
    if precision == 0.0 or recall == 0.0:
        return 0.0, precision, recall
    b2 = beta * beta
    return (1 + b2) * precision * recall / (b2 * precision + recall), precision, recall
