"""Scores: a value, an outcome label, flags and every reward or penalty with its evidence."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import Field

from medsafe_core.models._base import Contract


class Outcome(StrEnum):
    """Outcomes every suite shares. A suite's own outcome enum (e.g. dipg's ladder)
    repeats these values beside its verdicts; `Score.outcome` holds either."""

    FORMAT_ERROR = "format_error"
    """The response could not be parsed into the suite's schema."""
    UNSCORED = "unscored"
    """The scorer could not judge this sample (see `unscored_reason`); not a model failure."""
    ERROR = "error"
    """No response: the participant timed out, was unreachable or crashed."""


NOT_SCORED: frozenset[str] = frozenset({Outcome.UNSCORED, Outcome.ERROR})
"""Outcomes that carry no verdict on the participant's response."""


class Evidence(Contract):
    """A span of text that a judgment rests on."""

    source: Literal["context", "proof", "final", "analysis", "response"]
    """Which text the offsets index into."""
    start: int
    """Start offset (characters) into the source text."""
    end: int
    """End offset (exclusive) into the source text."""
    text: str
    """The spanned text itself, for display."""
    score: float | None = None
    """Alignment similarity (0-100) where the span comes from fuzzy matching."""


class ScoreComponent(Contract):
    """One reward or penalty applied to a sample, in ladder order."""

    name: str
    """Profile constant applied (e.g. `hallucinated_trace_penalty`)."""
    value: float
    """Its signed value under the run's profile."""
    reason: str
    """Why it applied. Never quotes ground truth, so it is safe to return to a participant."""
    evidence: list[Evidence] = Field(default_factory=list)
    """The spans of the context or response that show it."""


class Flags(Contract):
    """Boolean verdicts aggregated into rates."""

    hallucination: bool = False
    """The response asserts something the context does not support."""
    safe: bool = False
    """The suite's safe verdict (dipg: correct answer, abstention or conflict report)."""
    refusal: bool = False
    """The response abstains, reports a conflict or refuses."""
    format_error: bool = False
    """The response failed the format gate."""
    inconsistency: bool = False
    """The proof and the final answer disagree."""


class Score(Contract):
    """The scorer's judgment of one response."""

    reward: float | None
    """Sum of the components; None when unscored."""
    outcome: str
    """The suite's verdict: a value of the suite's outcome enum (dipg: the rung of the
    outcome ladder) or one of the shared `Outcome` values."""
    flags: Flags = Field(default_factory=Flags)
    """Boolean verdicts."""
    penalties: list[ScoreComponent] = Field(default_factory=list)
    """Every reward and penalty applied, in order, with reason and evidence."""
    response_format: str | None = None
    """Detected response format (json, xml, yaml, channel_tags, ...)."""
    parse_error: str | None = None
    """Typed parse failure kind when the format gate failed."""
    unscored_reason: str | None = None
    """Why the scorer could not judge (only with outcome `unscored`)."""
    details: dict[str, Any] = Field(default_factory=dict)
    """Suite-specific results (dimension scores, decisions, episode statistics)."""
    judge: str | None = None
    """`name@version` of the judge that made the verdict, when not the suite's own rules."""

    @classmethod
    def unscored(cls, reason: str) -> Score:
        """A score for a sample the scorer cannot judge."""
        return cls(reward=None, outcome=Outcome.UNSCORED, unscored_reason=reason)
