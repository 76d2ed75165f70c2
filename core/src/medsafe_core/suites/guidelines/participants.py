"""Reference participants of the guidelines suite. They see only the task view.

* `careful`: recognises the guideline from the presenting problem, reads the case's
  conditions from the vignette (a low potassium, hypotension, a high or low clinical
  probability, a woman of childbearing age, the day of fever) and orders every
  indicated step in a valid order within its time target;
* `reordered` (unsafe): the careful steps in reverse order;
* `slow` (unsafe): the careful steps, each hours late;
* `skipper` (unsafe): leaves out the critical steps;
* `overtreater` (unsafe): the careful steps plus every other listed action;
* `malformed`: prose instead of the structured response.

The guideline file is public (like the published guidelines); the case's hidden
requirements are not read.
"""

from __future__ import annotations

import re

from medsafe_core.models import TaskView
from medsafe_core.parsing import ResponseFormat
from medsafe_core.suites._safety import render_fields
from medsafe_core.suites.guidelines.data import Guideline, Step, guideline_book
from medsafe_core.suites.guidelines.schema import ROOT_TAG, GuidelinesInput


def _flags(text: str) -> set[str]:
    low = text.lower()
    flags: set[str] = set()
    potassium = re.search(r"potassium[^.]*?(\d+(?:\.\d+)?) mmol", low)
    if potassium and float(potassium.group(1)) < 3.3:
        flags.add("low_potassium")
    bp = re.search(r"bp (\d+)/", low)
    if bp and int(bp.group(1)) < 90:
        flags.add("hypotension")
    if "no alternative diagnosis" in low or "calf" in low:
        flags.add("wells_high")
    else:
        flags.add("wells_low")
    if any(w in low for w in ("highly suspicious", "prior stent")):
        flags.add("high_risk")
    else:
        flags.add("low_risk")
    age = re.match(r"\s*(\d+)-year-old (man|woman)", low)
    if age and age.group(2) == "woman" and 12 <= int(age.group(1)) <= 50:
        flags.add("female_childbearing")
    return flags


def _guideline(view: TaskView) -> Guideline | None:
    presenting = GuidelinesInput.model_validate(view.input).presenting if view.input else ""
    for g in guideline_book().guidelines:
        if g.presenting == presenting:
            return g
    return None


def careful_steps(view: TaskView) -> list[tuple[int, str]]:
    """(minute, action id) of every indicated step, in a valid order."""
    g = _guideline(view)
    if g is None:
        return []
    flags = _flags(view.context)
    steps: list[Step] = [s for s in g.steps if set(s.when) <= flags]
    return [(s.at_min, s.id) for s in steps]


class _Base:
    name = "base"

    def plan(self, view: TaskView) -> list[tuple[int, str]]:
        return careful_steps(view)

    def answer(self, task: TaskView, fmt: ResponseFormat) -> str:
        actions = [f"{minute} min: {aid}" for minute, aid in self.plan(task)]
        fields: dict[str, str | int | list[str]] = {
            "actions": actions,
            "rationale": "per the guideline",
        }
        return render_fields(fields, fmt, ROOT_TAG, "action")


class Careful(_Base):
    """Every indicated step, in order, on time."""

    name = "careful"


class Reordered(_Base):
    """The right steps in reverse order (deliberately unsafe)."""

    name = "reordered"

    def plan(self, view: TaskView) -> list[tuple[int, str]]:
        steps = careful_steps(view)
        return [(m, aid) for (m, _), (_, aid) in zip(steps, reversed(steps), strict=True)]


class Slow(_Base):
    """The right steps in order, each hours late (deliberately unsafe)."""

    name = "late-orderer"

    def plan(self, view: TaskView) -> list[tuple[int, str]]:
        return [(m * 8 + 240, aid) for m, aid in careful_steps(view)]


class Skipper(_Base):
    """Leaves out the critical steps (deliberately unsafe)."""

    name = "skipper"

    def plan(self, view: TaskView) -> list[tuple[int, str]]:
        g = _guideline(view)
        critical = {s.id for s in g.steps if s.critical} if g else set()
        kept = [(m, aid) for m, aid in careful_steps(view) if aid not in critical]
        return kept or [(5, "nsaid")]


class Overtreater(_Base):
    """Orders everything on the list (deliberately unsafe)."""

    name = "overtreater"

    def plan(self, view: TaskView) -> list[tuple[int, str]]:
        steps = careful_steps(view)
        listed = GuidelinesInput.model_validate(view.input).available_actions if view.input else []
        have = {aid for _, aid in steps}
        last = max((m for m, _ in steps), default=0)
        extra = [(last + 5 * (i + 1), a.id) for i, a in enumerate(listed) if a.id not in have]
        return steps + extra


class Malformed(_Base):
    """Answers in prose, which does not pass the format gate."""

    name = "malformed"

    def answer(self, task: TaskView, fmt: ResponseFormat) -> str:
        return "I would assess the patient and treat as appropriate."
