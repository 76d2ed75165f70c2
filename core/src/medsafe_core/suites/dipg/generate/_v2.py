"""Version 2 of the dipg generator: the six extractive families, reworded, plus four
reasoning families whose answers are computed from stated values.

Scenarios come in blocks of 11: one long scenario and ten standard ones. A block's seed
orders the ten families; standard scenario `r` (0..9) asks the six families starting at
`6 r` in that order (cyclically), so each family is asked exactly six times per block,
as often as `distractor_long`. The long scenario asks the first six families.
"""

from __future__ import annotations

import re

from medsafe_core.suites.dipg.generate._reason import arm_difference, threshold, timing, total
from medsafe_core.suites.dipg.generate._reword import echo, reword
from medsafe_core.suites.dipg.generate._roles import ROLES, Item, RoleFn
from medsafe_core.suites.dipg.generate._scenario import Scenario, fill, first_item, question_of
from medsafe_core.suites.dipg.generate._settings import SETTINGS
from medsafe_core.suites.dipg.generate._text import Rng
from medsafe_core.suites.dipg.generate._world import Sent, World

REASONING = ("threshold", "total", "timing", "arm_difference")
FAMILIES_V2 = (
    "single_fact",
    "multi_hop",
    "numeric",
    "negation_trap",
    "conflict",
    "insufficient",
    *REASONING,
)
CATEGORIES_V2 = (*FAMILIES_V2[:6], "distractor_long", *REASONING)
ROLES_V2: dict[str, RoleFn] = {
    "insufficient": ROLES["insufficient"],
    "conflict": ROLES["conflict"],
    "threshold": threshold,
    "total": total,
    "timing": timing,
    "arm_difference": arm_difference,
    "negation_trap": ROLES["negation_trap"],
    "multi_hop": ROLES["multi_hop"],
    "numeric": ROLES["numeric"],
    "single_fact": ROLES["single_fact"],
}
"""Builders in the order they run: withheld attributes first, so nothing states them."""
PER_SCENARIO = 6


def block_families(rng: Rng, rank: int, long: bool) -> tuple[str, ...]:
    """The families a scenario asks: `rank` is its place among the block's standard ones."""
    order = rng.shuffled(FAMILIES_V2)
    if long:
        return tuple(order[:PER_SCENARIO])
    return tuple(order[(PER_SCENARIO * rank + j) % len(order)] for j in range(PER_SCENARIO))


def build_v2(rng: Rng, long: bool, families: tuple[str, ...]) -> Scenario | None:
    """One v2 scenario asking `families`, or None when the drawn world cannot host them."""
    setting = rng.weighted(SETTINGS)
    world = World(rng, setting, long)
    world.make_studies(rng.randint(5, 6) if long else 3)
    world.make_patients(2 if long else 1)
    items: list[Item] = []
    for family, role in ROLES_V2.items():
        if family not in families:
            continue
        item = first_item(rng, world, role)
        if item is None:
            return None
        items.append(reword(world, item))
    echoes = [(e, item) for item in items if (e := echo(world, item)) is not None]
    fill(world)
    units = _units(rng, world, echoes)
    body = [s for unit in units for s in unit]
    background = rng.sample(
        setting.background, len(setting.background) if long else rng.randint(1, 2)
    )
    if long:
        paragraphs = [" ".join(background)]
        start = 0
        while start < len(units):
            size = rng.randint(3, 5)
            paragraphs.append(" ".join(s.text for u in units[start : start + size] for s in u))
            start += size
        context = "\n\n".join(paragraphs)
    else:
        context = " ".join(background) + "\n\n" + " ".join(s.text for s in body)
    if not all(_derived_absent(item, context) for item in items):
        return None
    order = {id(s): i for i, s in enumerate(body)}
    questions = [
        question_of(item, body, order, setting.key, long, 2) for item in rng.shuffled(items)
    ]
    return Scenario(context, tuple(questions))


def _units(rng: Rng, w: World, echoes: list[tuple[Sent, Item]]) -> list[list[Sent]]:
    """The context's sentences in groups that stay together when shuffled: a sentence with
    the ones that refer back to it, and an echo right before the answer it imitates."""
    followers = {id(f): h for h, f in w.links}
    echo_ids = {id(e) for e, _ in echoes}
    units = rng.shuffled([[s] for s in w.sents if id(s) not in followers and id(s) not in echo_ids])
    for head, follower in w.links:
        unit = next(u for u in units if u[-1] is head or head in u)
        unit.insert(unit.index(head) + 1, follower)
    position = {id(s): i for i, u in enumerate(units) for s in u}
    for sent, item in echoes:
        first = min(item.proof, key=lambda s: position[id(s)])
        units[position[id(first)]].insert(0, sent)
    return units


def _derived_absent(item: Item, context: str) -> bool:
    """A computed answer must not be stated by the context (else it is only a lookup)."""
    derived = str(item.extra.get("derived", ""))
    if not derived or derived in ("yes", "no"):
        return True
    number, _, unit = derived.partition(" ")
    units = [re.escape(unit)] + (["%"] if unit == "percentage points" else [])
    # the amount in any spelling: "7 days", "7.0 days"; "12 percentage points", "12%"
    pattern = rf"(?<![\w.:]){re.escape(number)}(?:\.0+)?\s?(?:{'|'.join(units)})(?![\w:])"
    return re.search(pattern, context) is None
