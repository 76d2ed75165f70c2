"""Seeded procedural generator of dipg tasks.

Contract (see docs/dipg-tasks.md):

* `generate_task(key, index, task_id)` is a pure function of `(key, index)` (plus the id
  it stamps on the task): the same arguments give the same Task on any machine, Python
  version and PYTHONHASHSEED. Randomness comes only from `Rng` seeded with strings
  derived from `key`; the global `random` is never touched.
* The key names its generator version (`dipg/<version>/<seed>[/<salt>]`), and every
  version stays reproducible: version 1 (`_v1`, frozen) asks six extractive question
  families; version 2 (`_v2`) adds four reasoning families and varies the wording.
* Access is O(1): task `index` belongs to scenario `index // TASKS_PER_SCENARIO`, which
  is built from its own seed without generating any other scenario.
* Each scenario is one synthetic clinical context with `TASKS_PER_SCENARIO` questions
  about it. In every block of scenarios one (chosen by the block's seed) is a long,
  distractor-heavy context whose questions are all `distractor_long`; the others ask
  one question of each of several families, so every category gets the same share of
  the tasks of any whole block (1/7 in version 1, 1/11 in version 2).

Changing what a version produces requires a new version: the bundled task files are
checked against fresh generation.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

from medsafe_core.models import ExpectedAnswer, Task
from medsafe_core.suites.dipg.generate._scenario import Scenario
from medsafe_core.suites.dipg.generate._settings import SETTINGS
from medsafe_core.suites.dipg.generate._text import Rng
from medsafe_core.suites.dipg.generate._v1 import CATEGORIES_V1, build_v1
from medsafe_core.suites.dipg.generate._v2 import CATEGORIES_V2, block_families, build_v2

SUITE = "dipg"
GENERATOR_VERSION = 2
"""Version of the generated content; the dipg suite version must change with it."""
VERSIONS = (1, 2)
"""Every generator version this code reproduces (task ids select one)."""

CATEGORIES = CATEGORIES_V2
"""Categories of the current version (a superset of version 1's)."""
CATEGORIES_BY_VERSION: dict[int, tuple[str, ...]] = {1: CATEGORIES_V1, 2: CATEGORIES_V2}
TASKS_PER_SCENARIO = 6
SCENARIOS_PER_BLOCK = 7
"""Scenarios per block in version 1 (one long); version 2 uses `SCENARIOS_PER_BLOCK_V2`."""
SCENARIOS_PER_BLOCK_V2 = 11

__all__ = [
    "CATEGORIES",
    "CATEGORIES_BY_VERSION",
    "GENERATOR_VERSION",
    "SETTINGS",
    "SUITE",
    "TASKS_PER_SCENARIO",
    "VERSIONS",
    "generate_task",
    "is_long_scenario",
    "key_version",
    "scenario_id",
]


def key_version(key: str) -> int:
    """The generator version a key (`dipg/<version>/<seed>[/<salt>]`) asks for."""
    parts = key.split("/")
    version = int(parts[1]) if len(parts) >= 3 and parts[1].isdigit() else -1
    if version not in VERSIONS:
        raise ValueError(f"dipg generator: no version in key {key!r} (known: {VERSIONS})")
    return version


def scenario_id(key: str, scenario: int) -> str:
    """Cluster key of a scenario. A hash of the key, so a salted key's salt never shows."""
    digest = hashlib.sha256(f"medsafe-scenario:{key}".encode()).hexdigest()[:8]
    return f"{digest}:{scenario}"


def _block_size(key: str) -> int:
    return SCENARIOS_PER_BLOCK if key_version(key) == 1 else SCENARIOS_PER_BLOCK_V2


def is_long_scenario(key: str, scenario: int) -> bool:
    """Whether a scenario is the long, distractor-heavy one of its block."""
    size = _block_size(key)
    block, position = divmod(scenario, size)
    return Rng(f"{key}/block/{block}").below(size) == position


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
    return {
        k: list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v
        for k, v in truth.items()
    }


@lru_cache(maxsize=256)
def _scenario(key: str, number: int) -> Scenario:
    """Build (and cache: tasks of a scenario are usually drawn together) one scenario."""
    version = key_version(key)
    long = is_long_scenario(key, number)
    families: tuple[str, ...] = ()
    if version == 2:
        block, position = divmod(number, SCENARIOS_PER_BLOCK_V2)
        long_at = Rng(f"{key}/block/{block}").below(SCENARIOS_PER_BLOCK_V2)
        rank = position - (position > long_at)  # its place among the standard scenarios
        families = block_families(Rng(f"{key}/families/{block}"), rank, long)
    for attempt in range(50):
        # A world that cannot host every question is rebuilt from a derived seed, so the
        # outcome is still a pure function of (key, number).
        suffix = f"/retry/{attempt}" if attempt else ""
        rng = Rng(f"{key}/scenario/{number}{suffix}")
        built = build_v1(rng, long) if version == 1 else build_v2(rng, long, families)
        if built is not None:
            return built
    raise RuntimeError(f"dipg generator: scenario {number} of {key!r} could not be built")
