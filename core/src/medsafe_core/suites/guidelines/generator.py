"""Seeded cases per guideline: task `index` takes guideline `(index + offset) % 10`,
fills the vignette (age, sex, vitals, a variant with its flags) and resolves the
steps, ordering constraints and advice that apply under the case's flags."""

from __future__ import annotations

import random

from medsafe_core.models import Task
from medsafe_core.suites._safety import task_rng
from medsafe_core.suites.guidelines.data import FEVER_DAY_10, Guideline, guideline_book
from medsafe_core.suites.guidelines.schema import (
    AvoidRule,
    CatalogueItem,
    GuidelinesInput,
    GuidelinesTarget,
    OrderRule,
    RequiredStep,
)

GENERATOR_VERSION = 1
SUITE = "guidelines"
N_DISTRACTORS = 4


def _applies(when: list[str], flags: set[str]) -> bool:
    return set(when) <= flags


def resolve_target(g: Guideline, flags: set[str], fever_day: int) -> GuidelinesTarget:
    """The requirements of guideline `g` for a case with these flags."""
    steps = []
    for s in g.steps:
        if not _applies(s.when, flags):
            continue
        within = s.within_min
        if within == FEVER_DAY_10:
            within = (10 - fever_day) * 1440
        steps.append(RequiredStep(id=s.id, critical=s.critical, within_min=within))
    present = {s.id for s in steps}
    order = [
        OrderRule(before=o.before, after=o.after, why=o.why, critical=o.critical)
        for o in g.order
        if o.before in present and o.after in present
    ]
    avoid = [AvoidRule(id=a.id, why=a.why) for a in g.avoid if _applies(a.when, flags)]
    source = f"{g.source.body} {g.source.year}"
    return GuidelinesTarget(
        guideline=g.id, source=source, flags=sorted(flags), steps=steps, order=order, avoid=avoid
    )


def _vignette(g: Guideline, rng: random.Random) -> tuple[str, set[str], int]:
    age = rng.randint(*g.age)
    sex = rng.choice(["man", "woman"])
    fever_day = rng.randint(5, 8)
    variant = rng.choice(g.variants)
    slots = {
        "age": str(age),
        "sex": sex,
        "child": "girl" if sex == "woman" else "boy",
        "hr": str(rng.randint(88, 124)),
        "sbp": str(rng.randint(112, 156)),
        "fever_day": str(fever_day),
    }
    text = g.vignette.format(**slots, variant=variant.text.format(**slots))
    flags = set(variant.flags)
    if sex == "woman" and 12 <= age <= 50:
        flags.add("female_childbearing")
    return text, flags, fever_day


def _catalogue(g: Guideline, rng: random.Random) -> list[CatalogueItem]:
    actions = guideline_book().actions
    own = list(dict.fromkeys([s.id for s in g.steps] + [a.id for a in g.avoid]))
    others = sorted(set(actions) - set(own))
    chosen = own + rng.sample(others, N_DISTRACTORS)
    rng.shuffle(chosen)
    return [CatalogueItem(id=a, label=actions[a].label) for a in chosen]


def generate_task(key: str, index: int, task_id: str) -> Task:
    """Task `index` under the random key (suite/version/seed[/salt])."""
    book = guideline_book().guidelines
    offset = task_rng(key, "offset").randrange(len(book))
    g = book[(index + offset) % len(book)]
    rng = task_rng(key, index)
    text, flags, fever_day = _vignette(g, rng)
    visible = GuidelinesInput(presenting=g.presenting, available_actions=_catalogue(g, rng))
    question = (
        f"Presenting problem: {g.presenting}. List your orders as an ordered list of "
        "actions, each with the time in minutes from arrival.\nAvailable actions: "
        + "; ".join(f"{a.id} ({a.label})" for a in visible.available_actions)
        + "."
    )
    return Task(
        id=task_id,
        suite=SUITE,
        context=text,
        question=question,
        input=visible.model_dump(mode="json"),
        category=g.id,
        truth=resolve_target(g, flags, fever_day).model_dump(mode="json"),
    )
