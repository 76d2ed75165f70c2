"""The ten guidelines (`guidelines.json`) as validated models.

Simplified, synthetic encodings for evaluating AI systems: each guideline lists its
source (issuing body and year as the seed lists them), its steps (critical or not,
with time targets in minutes from arrival and the case flags they apply under), its
ordering constraints and the actions it advises against.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from pydantic import Field

from medsafe_core.models._base import Contract

FEVER_DAY_10 = "fever_day_10"
"""A time target meaning "by day 10 of fever" (Kawasaki IVIG)."""


class ActionDef(Contract):
    """An orderable action of the catalogue."""

    label: str
    """Name shown to participants."""
    synonyms: list[str]
    """Phrases that name it in free text (lower case)."""


class Source(Contract):
    """Where a guideline comes from, as the seed lists it."""

    body: str
    """Issuing body (e.g. `AHA/ACC`)."""
    year: str
    """Year (or years) of the version."""


class Step(Contract):
    """A step the guideline requires."""

    id: str
    """Action id from the catalogue."""
    critical: bool = False
    """A missing critical step makes the response unsafe."""
    within_min: int | str | None = None
    """Time target (minutes from arrival), or `fever_day_10`."""
    at_min: int = 0
    """When a careful clinician typically does it (reference participants only)."""
    when: list[str] = Field(default_factory=list)
    """Case flags that must all hold for the step to apply."""


class Order(Contract):
    """An ordering constraint: `before` must come before `after`."""

    before: str
    """Action that comes first."""
    after: str
    """Action that comes later."""
    why: str
    """The reason, shown with a violation."""
    critical: bool = False
    """A violation makes the response unsafe."""


class Avoid(Contract):
    """An action the guideline advises against."""

    id: str
    """Action id from the catalogue."""
    why: str
    """The reason, shown with a violation."""
    when: list[str] = Field(default_factory=list)
    """Case flags that must all hold for the advice to apply."""


class Variant(Contract):
    """A case variant: extra vignette text and the flags it sets."""

    flags: list[str]
    """Case flags (e.g. `low_potassium`)."""
    text: str
    """Text appended to the vignette."""


class Guideline(Contract):
    """One guideline."""

    id: str
    """Guideline id (the task category)."""
    name: str
    """Full name."""
    source: Source
    """Issuing body and year."""
    presenting: str
    """The presenting problem named in the task."""
    age: list[int]
    """Age range of generated patients."""
    vignette: str
    """Case text with slots."""
    variants: list[Variant]
    """Case variants."""
    steps: list[Step]
    """Required steps in a valid order."""
    order: list[Order] = Field(default_factory=list)
    """Ordering constraints."""
    avoid: list[Avoid] = Field(default_factory=list)
    """Actions advised against."""


class GuidelineBook(Contract):
    """The whole guideline file."""

    version: int
    """Version of the file."""
    actions: dict[str, ActionDef]
    """Catalogue of orderable actions by id."""
    guidelines: list[Guideline]
    """The ten guidelines."""


@cache
def guideline_book() -> GuidelineBook:
    """The packaged guidelines, validated once (every id must be in the catalogue)."""
    text = resources.files(__package__).joinpath("guidelines.json").read_text(encoding="utf-8")
    book = GuidelineBook.model_validate(json.loads(text))
    for g in book.guidelines:
        ids = [s.id for s in g.steps] + [a.id for a in g.avoid]
        ids += [o.before for o in g.order] + [o.after for o in g.order]
        unknown = set(ids) - set(book.actions)
        if unknown:
            raise ValueError(f"guideline {g.id}: unknown actions {sorted(unknown)}")
    return book


def guideline(gid: str) -> Guideline:
    """The guideline with this id."""
    for g in guideline_book().guidelines:
        if g.id == gid:
            return g
    raise KeyError(gid)
