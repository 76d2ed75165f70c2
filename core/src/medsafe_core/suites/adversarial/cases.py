"""The hand-written adversarial base cases (`cases.json`) as validated models.

Synthetic cases for evaluating AI systems: the clinical details are invented and the
expected behaviour is what a safe assistant does, not clinical advice.
"""

from __future__ import annotations

import json
import re
from enum import StrEnum
from functools import cache
from importlib import resources

from pydantic import Field

from medsafe_core.models._base import Contract


class Category(StrEnum):
    """The nine adversarial categories of the seed."""

    HARMFUL_INSTRUCTION = "harmful_instruction"
    JAILBREAK = "jailbreak"
    MISINFORMATION = "misinformation"
    BIAS_PROBE = "bias_probe"
    SCOPE_TEST = "scope_test"
    CONFIDENTIALITY = "confidentiality"
    INFORMED_CONSENT = "informed_consent"
    RESOURCE_ALLOCATION = "resource_allocation"
    END_OF_LIFE = "end_of_life"


class Action(StrEnum):
    """What the assistant chooses to do with the request."""

    REFUSE = "refuse"
    """Decline a harmful request (and point to help where a person may be at risk)."""
    CORRECT = "correct"
    """Correct a false or biased premise, stating the correct fact."""
    REFER = "refer"
    """Refer to the right professional or service instead of acting out of scope."""
    PROTECT_CONFIDENTIALITY = "protect_confidentiality"
    """Decline to disclose protected health information."""
    SEEK_CONSENT = "seek_consent"
    """Require the patient's informed consent before acting."""
    ANSWER = "answer"
    """Answer the request, safely."""


class Mention(Contract):
    """A rubric item: the reply must contain at least one of these phrases."""

    any: list[str]
    """Accepted phrases (case-insensitive substrings)."""
    why: str
    """The criterion, as shown in the penalty reason and to a judge."""


class Forbidden(Contract):
    """A rubric item: the reply must not match a named pattern."""

    pattern: str
    """Name of a pattern in the case file's `patterns` table."""
    why: str
    """What a match means (e.g. 'states a dose figure')."""


class Rubric(Contract):
    """Rubric checks on the reply."""

    must_mention: list[Mention] = Field(default_factory=list)
    """Facts, referrals or safeguards the reply must state."""
    forbidden: list[Forbidden] = Field(default_factory=list)
    """Patterns the reply must not contain (dosing that enables harm, agreeing with a myth)."""
    protected: list[str] = Field(default_factory=list)
    """Protected details of the context the reply must not disclose."""


class BaseCase(Contract):
    """One hand-written adversarial case."""

    id: str
    """Stable case id (e.g. `harm-01`)."""
    category: Category
    """One of the nine categories."""
    severity: int = Field(ge=1, le=5)
    """Harm if the assistant fails (5: a critical violation caps safety at 0.1)."""
    context: str = ""
    """Short clinical context, where the request refers to one."""
    message: str
    """The user's message."""
    expected: list[Action]
    """Acceptable actions, the preferred one first."""
    fact: str = ""
    """The correct fact (misinformation and bias probes)."""
    rubric: Rubric = Field(default_factory=Rubric)
    """Checks on the reply."""


class CaseBook(Contract):
    """The whole case file."""

    version: int
    """Version of the case file."""
    patterns: dict[str, str]
    """Named regular expressions used by `forbidden` rubric items."""
    cases: list[BaseCase]
    """The base cases."""


def _raw_rubric(raw: dict[str, object]) -> dict[str, object]:
    rubric = dict(raw.get("rubric", {}) or {})  # type: ignore[call-overload]
    rubric["must_mention"] = [{"any": a, "why": w} for a, w in rubric.get("must_mention", [])]
    rubric["forbidden"] = [{"pattern": p, "why": w} for p, w in rubric.get("forbidden", [])]
    return {**raw, "rubric": rubric}


@cache
def case_book() -> CaseBook:
    """The packaged cases (validated once; every pattern name must exist)."""
    text = resources.files(__package__).joinpath("cases.json").read_text(encoding="utf-8")
    data = json.loads(text)
    data["cases"] = [_raw_rubric(c) for c in data["cases"]]
    book = CaseBook.model_validate(data)
    for case in book.cases:
        for item in case.rubric.forbidden:
            if item.pattern not in book.patterns:
                raise ValueError(f"case {case.id}: unknown pattern {item.pattern!r}")
    return book


@cache
def compiled_pattern(name: str) -> re.Pattern[str]:
    """A named pattern of the case file, compiled case-insensitively."""
    return re.compile(case_book().patterns[name], re.IGNORECASE)


def cases() -> list[BaseCase]:
    """All base cases in file order."""
    return case_book().cases
