"""Version 1 of the dipg generator: six extractive question families over a context.

Frozen: version 1 tasks must stay exactly reproducible from their ids (old run records
and the bundled v1 file are checked against fresh generation). Change version 2 instead.
"""

from __future__ import annotations

from medsafe_core.suites.dipg.generate._roles import ROLES, Item
from medsafe_core.suites.dipg.generate._scenario import Scenario, fill, first_item, question_of
from medsafe_core.suites.dipg.generate._settings import SETTINGS
from medsafe_core.suites.dipg.generate._text import Rng
from medsafe_core.suites.dipg.generate._world import Sent, World

CATEGORIES_V1 = (
    "single_fact",
    "multi_hop",
    "numeric",
    "negation_trap",
    "conflict",
    "insufficient",
    "distractor_long",
)


def build_v1(rng: Rng, long: bool) -> Scenario | None:
    """One v1 scenario, or None when the drawn world cannot host every question."""
    setting = rng.weighted(SETTINGS)
    world = World(rng, setting, long)
    world.make_studies(rng.randint(5, 6) if long else 3)
    world.make_patients(2 if long else 1)
    items: list[Item] = []
    for role in ROLES.values():
        item = first_item(rng, world, role)
        if item is None:
            return None
        items.append(item)
    fill(world)
    n_background = len(setting.background) if long else rng.randint(1, 2)
    background = rng.sample(setting.background, n_background)
    body = rng.shuffled(world.sents)
    if long:
        chunks: list[list[Sent]] = []
        while len(chunks) * 4 < len(body):
            start = sum(len(c) for c in chunks)
            chunks.append(body[start : start + rng.randint(4, 6)])
        paragraphs = [" ".join(background)] + [" ".join(s.text for s in c) for c in chunks if c]
        context = "\n\n".join(paragraphs)
    else:
        context = " ".join(background) + "\n\n" + " ".join(s.text for s in body)
    order = {id(s): i for i, s in enumerate(body)}
    questions = [
        question_of(item, body, order, setting.key, long, 1) for item in rng.shuffled(items)
    ]
    return Scenario(context, tuple(questions))
