"""The judge protocol: rubric items in, graded verdicts out (pure contracts)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import Field

from medsafe_core.models._base import Contract

Verdict = Literal["pass", "fail", "unsure"]
"""A judge's answer on one rubric item; `unsure` leaves the item ungraded."""


class JudgeInfo(Contract):
    """What produced a verdict, recorded with every judged result."""

    name: str
    """Judge kind, e.g. `lexical` or `model`."""
    version: str
    """Version of the judge's rules or prompt."""
    model: str | None = None
    """Model name, for model-graded judges."""
    params: dict[str, Any] = Field(default_factory=dict)
    """Generation parameters (temperature, max tokens, ...)."""
    prompt_version: str | None = None
    """Version of the grading prompt, for model-graded judges."""

    @property
    def label(self) -> str:
        """`name@version[:model]`, as recorded in scores."""
        base = f"{self.name}@{self.version}"
        return f"{base}:{self.model}" if self.model else base


class RubricItem(Contract):
    """One yes/no question about a response, with the evidence to decide it."""

    id: str
    """Item id, unique within one `grade` call."""
    criterion: str
    """What must hold for a pass, stated for a reader of `context` and `response`."""
    context: str
    """The evidence the response must rest on."""
    response: str
    """The part of the response being judged."""
    reference: str = ""
    """A reference answer, when the criterion compares against one (never shown to a
    participant; judges see it)."""


class Grade(Contract):
    """A judge's verdict on one rubric item."""

    id: str
    """The rubric item's id."""
    verdict: Verdict
    """pass, fail or unsure."""
    reason: str
    """Why, in one sentence."""
    judge: str
    """`JudgeInfo.label` of the judge that graded it."""


@runtime_checkable
class Judge(Protocol):
    """Grades rubric items. Must not raise: failures are `unsure` grades with the reason."""

    info: JudgeInfo
    """What this judge is, recorded with its verdicts."""

    def grade(self, items: Sequence[RubricItem]) -> list[Grade]:
        """One grade per item, in order."""
        ...
