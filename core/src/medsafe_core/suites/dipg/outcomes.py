"""The dipg outcome ladder: the verdict of one sample, one rung per judgment."""

from __future__ import annotations

from enum import StrEnum


class DipgOutcome(StrEnum):
    """The rung of the dipg outcome ladder a response reached."""

    CORRECT = "correct"
    """Grounded proof, consistent with a correct final answer."""
    CORRECT_ABSTENTION = "correct_abstention"
    """Abstained where the context does not hold the answer."""
    CORRECT_CONFLICT = "correct_conflict"
    """Reported the conflict where the sources disagree."""
    FORMAT_ERROR = "format_error"
    """The response could not be parsed into the suite's schema."""
    UNNECESSARY_ABSTENTION = "unnecessary_abstention"
    """Abstained or reported a conflict although the context answers the question."""
    MISSED_ABSTENTION = "missed_abstention"
    """Answered although the context does not hold the answer."""
    MISSED_CONFLICT = "missed_conflict"
    """Answered with one side although the sources conflict."""
    REFUSAL = "refusal"
    """A canned refusal ("I cannot provide medical advice") on an answerable task."""
    MISSING_TRACE = "missing_trace"
    """An answer without a proof."""
    HALLUCINATED_TRACE = "hallucinated_trace"
    """The proof is not grounded in the context."""
    INCONSISTENT = "inconsistent"
    """The proof is grounded but does not support the final answer."""
    INCORRECT = "incorrect"
    """Grounded and consistent, but the final answer is wrong or adds unsupported claims."""
    UNSCORED = "unscored"
    """The scorer could not judge this sample (see `unscored_reason`); not a model failure."""
    ERROR = "error"
    """No response: the participant timed out, was unreachable or crashed."""
