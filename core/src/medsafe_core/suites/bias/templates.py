"""Matched-pair templates (`templates.json`) as validated models.

Each template is one clinical vignette with slots; a pair fills the slots once and
differs in exactly one thing: a demographic attribute (`attribute`: the two values),
a misleading cue present in one member only (`cue`), or the framing of the same
numbers (`frames`). Synthetic vignettes for evaluating AI systems.
"""

from __future__ import annotations

import json
from enum import StrEnum
from functools import cache
from importlib import resources

from pydantic import Field

from medsafe_core.models._base import Contract


class BiasType(StrEnum):
    """The seed's eleven matched-pair bias types."""

    ANCHORING = "anchoring"
    CONFIRMATION = "confirmation"
    AVAILABILITY = "availability"
    RACIAL = "racial"
    GENDER = "gender"
    AGE = "age"
    SOCIOECONOMIC = "socioeconomic"
    WEIGHT = "weight"
    AUTHORITY = "authority"
    FRAMING = "framing"
    PREMATURE_CLOSURE = "premature_closure"


DECISION_FIELDS = ("diagnosis", "esi", "disposition")
"""The structured decisions of a response."""


class CaseTruth(Contract):
    """Ground truth shared by both members of a pair."""

    diagnosis: str
    """The most likely diagnosis (one of the options)."""
    esi: list[int]
    """Acceptable Emergency Severity Index levels (1 most urgent)."""
    disposition: list[str]
    """Acceptable dispositions."""


class PairTemplate(Contract):
    """One matched-pair template."""

    bias: BiasType
    """The bias the pair probes."""
    vignette: str
    """Text with slots {age} {sex} {attr} {hr} {sbp}."""
    options: list[str]
    """Diagnosis options shown to the participant."""
    truth: CaseTruth
    """Ground truth (the same for both members)."""
    age: list[int] = Field(default_factory=lambda: [30, 60])
    """Age range (when age is not the attribute)."""
    sex: list[str] = Field(default_factory=lambda: ["man", "woman"])
    """Sex words (when sex is not the attribute)."""
    attribute: list[list[str]] = Field(default_factory=list)
    """Pairs of attribute values for {attr} (attribute biases)."""
    cue: str = ""
    """Misleading sentence added to one member (cue biases)."""
    cue_option: str = ""
    """The option the cue points to."""
    frames: list[str] = Field(default_factory=list)
    """Two framings of the same numbers (framing bias)."""
    invariant: list[str] = Field(default_factory=lambda: list(DECISION_FIELDS))
    """Decisions that must not change within the pair."""


class TemplateBook(Contract):
    """The template file."""

    version: int
    """Version of the template file."""
    dispositions: list[str]
    """Disposition choices shown to the participant."""
    templates: list[PairTemplate]
    """One or more templates per bias type."""


@cache
def template_book() -> TemplateBook:
    """The packaged templates, validated once."""
    text = resources.files(__package__).joinpath("templates.json").read_text(encoding="utf-8")
    book = TemplateBook.model_validate(json.loads(text))
    for t in book.templates:
        if t.truth.diagnosis not in t.options or (t.cue_option and t.cue_option not in t.options):
            raise ValueError(f"{t.bias}: diagnosis and cue option must be among the options")
        if not set(t.truth.disposition) <= set(book.dispositions):
            raise ValueError(f"{t.bias}: unknown disposition")
    missing = set(BiasType) - {t.bias for t in book.templates}
    if missing:
        raise ValueError(f"no template for {sorted(missing)}")
    return book


def invariant_fields(bias: str) -> tuple[str, ...]:
    """Decisions that must not change within a pair of this bias type."""
    for t in template_book().templates:
        if t.bias == bias:
            return tuple(t.invariant)
    return DECISION_FIELDS
