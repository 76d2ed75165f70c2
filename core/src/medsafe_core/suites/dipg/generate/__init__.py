"""Seeded procedural generator of dipg tasks.

Contract (see docs/dipg-tasks.md):

* `generate_task(key, index, task_id)` is a pure function of `(key, index)` (plus the id
  it stamps on the task): the same arguments give the same Task on any machine, Python
  version and PYTHONHASHSEED. Randomness comes only from `Rng` seeded with strings
  derived from `key`; the global `random` is never touched.
* Access is O(1): task `index` belongs to scenario `index // TASKS_PER_SCENARIO`, which
  is built from its own seed without generating any other scenario.
* Each scenario is one synthetic clinical context with `TASKS_PER_SCENARIO` questions
  about it. In every block of `SCENARIOS_PER_BLOCK` scenarios, one (chosen by the
  block's seed) is a long, distractor-heavy context whose questions are all
  `distractor_long`; each other scenario asks one question of each remaining category.
  So every category gets exactly 1/7 of the tasks of any whole block.

Changing what this module (or its private helpers) produces requires a bump of the
dipg suite version: the bundled task file is checked against fresh generation.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

from medsafe_core.models import ExpectedAnswer, Task
from medsafe_core.suites.dipg.generate._clinical import ANTICOAGULATION, DIABETES, SEPSIS
from medsafe_core.suites.dipg.generate._onco import (
    DIPG,
    GLIOBLASTOMA,
    MEDULLOBLASTOMA,
    NEUROBLASTOMA,
)
from medsafe_core.suites.dipg.generate._roles import ROLES, Item, _enrol, _patient_sent
from medsafe_core.suites.dipg.generate._text import Rng
from medsafe_core.suites.dipg.generate._vocab import Setting
from medsafe_core.suites.dipg.generate._world import Sent, World

SUITE = "dipg"
GENERATOR_VERSION = 1
"""Version of the generated content; the dipg suite version must change with it."""

CATEGORIES = (
    "single_fact",
    "multi_hop",
    "numeric",
    "negation_trap",
    "conflict",
    "insufficient",
    "distractor_long",
)
TASKS_PER_SCENARIO = 6
SCENARIOS_PER_BLOCK = 7
MAX_DISTRACTORS = 5
LONG_CONTEXT_CHARS = (3300, 5300)
SETTINGS: tuple[tuple[Setting, int], ...] = (
    (DIPG, 6),  # the suite's namesake gets a third of the scenarios
    (MEDULLOBLASTOMA, 2),
    (NEUROBLASTOMA, 2),
    (GLIOBLASTOMA, 2),
    (SEPSIS, 2),
    (ANTICOAGULATION, 2),
    (DIABETES, 2),
)
"""Target size of a long context; the filler stops once it passes a drawn target."""


@dataclass(frozen=True, slots=True)
class _Question:
    category: str
    subtype: str
    question: str
    expected: ExpectedAnswer
    truth: dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Scenario:
    context: str
    questions: tuple[_Question, ...]


def scenario_id(key: str, scenario: int) -> str:
    """Cluster key of a scenario. A hash of the key, so a salted key's salt never shows."""
    digest = hashlib.sha256(f"medsafe-scenario:{key}".encode()).hexdigest()[:8]
    return f"{digest}:{scenario}"


def is_long_scenario(key: str, scenario: int) -> bool:
    """Whether a scenario is the long, distractor-heavy one of its block."""
    block, position = divmod(scenario, SCENARIOS_PER_BLOCK)
    return Rng(f"{key}/block/{block}").below(SCENARIOS_PER_BLOCK) == position


def generate_task(key: str, index: int, task_id: str) -> Task:
    """Task `index` of the generator seeded by `key` (`suite/version/seed[/salt]`)."""
    if index < 0:
        raise ValueError(f"task index must be >= 0, got {index}")
    number, position = divmod(index, TASKS_PER_SCENARIO)
    scenario = _scenario(key, number)
    q = scenario.questions[position]
    return Task(
        id=task_id,
        suite=SUITE,
        category=q.category,
        context=scenario.context,
        question=q.question,
        scenario=scenario_id(key, number),
        # A fresh object per call: callers may mutate it, the cached scenario must not change.
        expected_answer=ExpectedAnswer.model_construct(
            final=q.expected.final,
            proof=q.expected.proof,
            kind=q.expected.kind,
            claims=list(q.expected.claims),
        ),
        truth=_copy_truth(q.truth),
    )


def _copy_truth(truth: dict[str, Any]) -> dict[str, Any]:
    """A copy deep enough that callers cannot mutate the cached scenario."""
    return {k: list(v) if isinstance(v, list) else v for k, v in truth.items()}


@lru_cache(maxsize=256)
def _scenario(key: str, number: int) -> _Scenario:
    """Build (and cache: tasks of a scenario are usually drawn together) one scenario."""
    long = is_long_scenario(key, number)
    for attempt in range(50):
        # A world that cannot host every question is rebuilt from a derived seed, so the
        # outcome is still a pure function of (key, number).
        suffix = f"/retry/{attempt}" if attempt else ""
        built = _build(Rng(f"{key}/scenario/{number}{suffix}"), long)
        if built is not None:
            return built
    raise RuntimeError(f"dipg generator: scenario {number} of {key!r} could not be built")


def _build(rng: Rng, long: bool) -> _Scenario | None:
    setting = rng.weighted(SETTINGS)
    world = World(rng, setting, long)
    world.make_studies(rng.randint(5, 6) if long else 3)
    world.make_patients(2 if long else 1)
    items: list[Item] = []
    for role in ROLES.values():
        item = None
        for study in rng.shuffled(world.studies) * 2:
            item = role(world, study)
            if item is not None:
                break
        if item is None:
            return None
        items.append(item)
    _fill(world)
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
    questions = [_question(item, body, order, setting.key, long) for item in rng.shuffled(items)]
    return _Scenario(context, tuple(questions))


def _question(
    item: Item, body: list[Sent], order: dict[int, int], setting: str, long: bool
) -> _Question:
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
        "generator_version": GENERATOR_VERSION,
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
    expected = ExpectedAnswer(
        final=item.final,
        proof="\n".join(s.text for s in proof),
        kind=item.kind,
        claims=list(item.claims),
    )
    category = "distractor_long" if long else item.family
    return _Question(category, item.subtype, item.question, expected, truth)


def _weight(tag: str) -> int:
    """Sharing the asked attribute makes a better near miss than sharing the trial."""
    return 1 if tag.startswith(("trial:", "drug:", "patient:")) else 2


def _fill(w: World) -> None:
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
