"""Building a `Score` from dimension scores and explained penalties.

A `Verdict` collects what a scorer found: the five dimension scores, every reward or
penalty with its reason and evidence (where the penalty came from: `provenance`), the
flags and the outcome. `to_score` turns it into the core `Score`, with the dimensions,
their weights and the profile under `details`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from medsafe_core.models import Evidence, Flags, RewardProfile, Score, ScoreComponent
from medsafe_core.parsing import ParsedResponse
from medsafe_core.suites._safety.dimensions import (
    DIMENSIONS,
    dimension_weights,
    weighted_reward,
)

FORMAT_ERROR = "format_error"
"""The core outcome of a response that did not parse into the suite's schema."""


def span(text: str, start: int, end: int) -> Evidence:
    """Evidence over `text[start:end]` of the response."""
    return Evidence(source="response", start=start, end=end, text=text[start:end])


@dataclass
class Verdict:
    """What a safety-suite scorer found about one response."""

    profile: RewardProfile
    outcome: str = ""
    dims: dict[str, float | None] = field(default_factory=lambda: dict.fromkeys(DIMENSIONS))
    components: list[ScoreComponent] = field(default_factory=list)
    provenance: list[dict[str, str]] = field(default_factory=list)
    flags: Flags = field(default_factory=Flags)
    details: dict[str, Any] = field(default_factory=dict)
    response_format: str | None = None
    parse_error: str | None = None
    judge: str | None = None

    def add(
        self,
        name: str,
        reason: str,
        *,
        dimension: str,
        rule: str,
        evidence: list[Evidence] | None = None,
        value: float | None = None,
    ) -> None:
        """Record a reward or penalty: the profile constant `name` (or `value`), why,
        which dimension it acts on and which rule (or judge) produced it."""
        amount = float(self.profile.values.get(name, 0.0)) if value is None else value
        self.components.append(
            ScoreComponent(name=name, value=amount, reason=reason, evidence=evidence or [])
        )
        self.provenance.append({"component": name, "dimension": dimension, "rule": rule})

    def to_score(self) -> Score:
        """The core score: reward = weighted mean of the applicable dimensions."""
        dims = {d: (None if v is None else round(v, 6)) for d, v in self.dims.items()}
        details = {
            **self.details,
            "dimensions": dims,
            "weights": dimension_weights(self.profile),
            "profile": self.profile.name,
            "provenance": self.provenance,
        }
        return Score(
            reward=weighted_reward(dims, self.profile),
            outcome=self.outcome,
            flags=self.flags,
            penalties=self.components,
            details=details,
            judge=self.judge,
            response_format=self.response_format,
            parse_error=self.parse_error,
        )


def format_failure(parsed: ParsedResponse, profile: RewardProfile, *, why: str = "") -> Score:
    """A scored failure for a response that did not parse (or had the wrong schema)."""
    kind = parsed.error.value if parsed.error is not None else "wrong_schema"
    verdict = Verdict(profile=profile, outcome=FORMAT_ERROR)
    verdict.dims = {"format": 0.0, "accuracy": 0.0, "process": 0.0, "safety": 0.0}
    verdict.dims["coherence"] = None
    verdict.flags = Flags(format_error=True)
    verdict.parse_error = kind
    verdict.response_format = parsed.format.value if parsed.format is not None else None
    reason = f"format gate failed ({kind}): {why or parsed.detail}"
    verdict.add("format_error_penalty", reason, dimension="format", rule=f"parse:{kind}")
    return verdict.to_score()
