"""Pieces shared by every generator version: the scenario and question records, the
ground truth of one question, and the filler sentences around the questions' needles."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from medsafe_core.models import ExpectedAnswer
from medsafe_core.suites.dipg.generate._roles import Item, RoleFn, _enrol, _patient_sent
from medsafe_core.suites.dipg.generate._text import Rng
from medsafe_core.suites.dipg.generate._world import Sent, World

MAX_DISTRACTORS = 5
LONG_CONTEXT_CHARS = (3300, 5300)
"""Target size of a long context; the filler stops once it passes a drawn target."""


@dataclass(frozen=True, slots=True)
class Question:
    """One question of a scenario, with its expected answer and ground truth."""

    category: str
    subtype: str
    question: str
    expected: ExpectedAnswer
    truth: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Scenario:
    """One context and the questions asked about it."""

    context: str
    questions: tuple[Question, ...]


def question_of(
    item: Item,
    body: list[Sent],
    order: dict[int, int],
    setting: str,
    long: bool,
    version: int,
) -> Question:
    """The question record of an item: proof in context order, near misses ranked."""
    proof = sorted(item.proof, key=lambda s: order[id(s)])
    proof_ids = {id(s) for s in proof}
    wanted = set(item.tags)
    scored = [
        (-sum(_weight(tag) for tag in s.tags if tag in wanted), i, s.text)
        for i, s in enumerate(body)
        if id(s) not in proof_ids
    ]
    distractors = [text for score, _, text in sorted(scored) if score < 0][:MAX_DISTRACTORS]
    truth: dict[str, Any] = {
        "generator_version": version,
        "setting": setting,
        "scenario_kind": "long" if long else "standard",
        "subtype": f"{item.family}/{item.subtype}",
        "attribute": item.attribute,
        "answer_sentences": [s.text for s in proof],
        "sources": [s.label for s in proof if s.label],
        "distractor_sentences": distractors,
    }
    if item.absent:
        truth["absent_all_of"] = list(item.absent)
    truth.update(item.extra)
    expected = ExpectedAnswer(
        final=item.final,
        proof="\n".join(s.text for s in proof),
        kind=item.kind,
        claims=list(item.claims),
    )
    category = "distractor_long" if long else item.family
    return Question(category, item.subtype, item.question, expected, truth)


def _weight(tag: str) -> int:
    """Sharing the asked attribute makes a better near miss than sharing the trial."""
    return 1 if tag.startswith(("trial:", "drug:", "patient:")) else 2


def fill(w: World) -> None:
    """Background facts about every study: the haystack around the questions' needles.

    Every call goes through the world's registry, so a filler sentence can never state
    a withheld attribute or a second value for an asked one."""
    rng, s = w.rng, w.setting
    for p in w.patients:
        _patient_sent(w, p.name, "trial")
        _patient_sent(w, p.name, "finding")
    for st in w.studies:
        _enrol(w, st)
    if not w.long:
        for st in w.studies:
            if not any(k[0] == st.trial and k[1] == "ep" for k in w.by_key):
                w.endpoint(st, rng.choice(s.endpoints))
            if rng.chance(0.3):
                w.endpoint(st, rng.choice(s.endpoints))
            if rng.chance(0.45):
                w.dose(st)
            if rng.chance(0.25):
                w.course(st)
            if s.protocols and rng.chance(0.2):
                w.protocol(st, rng.choice(s.protocols))
        return
    actions: list[partial[Sent | None]] = []
    for st in w.studies:
        actions += [partial(w.dose, st), partial(w.course, st), partial(w.safety, st, False)]
        actions += [partial(w.endpoint, st, ep) for ep in s.endpoints]
        actions += [partial(w.protocol, st, proto) for proto in s.protocols]
        actions.append(partial(w.polarity, st, rng.choice(s.endpoints), rng.chance(0.5)))
        for finding in rng.sample(s.findings, 2):
            actions.append(partial(w.subgroup, st, finding, rng.choice(s.endpoints)))
    target = rng.randint(*LONG_CONTEXT_CHARS)
    size = sum(len(x.text) + 1 for x in w.sents)
    for action in rng.shuffled(actions):
        if size >= target:
            break
        added = action()
        if added is not None:
            size += len(added.text) + 1


def first_item(rng: Rng, world: World, role: RoleFn) -> Item | None:
    """The role's question about the first study (in a shuffled order, tried twice) that
    can carry it, or None when none can."""
    for study in rng.shuffled(world.studies) * 2:
        item = role(world, study)
        if item is not None:
            return item
    return None
