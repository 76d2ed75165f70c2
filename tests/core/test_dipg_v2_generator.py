"""The dipg generator, version 2: determinism, balance, wording variation, honest ground
truth for the extractive families, and version 1 kept exactly reproducible."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from medsafe_core.models import AnswerKind, Task
from medsafe_core.suites import get_suite
from medsafe_core.suites.dipg import generate as gen
from medsafe_core.suites.dipg.generate import CATEGORIES_BY_VERSION, generate_task
from tests.core.hash_seeds import outputs_under_hash_seeds

KEY = "dipg/2/7"
SALTED = "dipg/2/7/s3cret-salt"
CATEGORIES = CATEGORIES_BY_VERSION[2]
REASONING = ("threshold", "total", "timing", "arm_difference")
BLOCK = gen.SCENARIOS_PER_BLOCK_V2 * gen.TASKS_PER_SCENARIO
ROOT = Path(__file__).resolve().parents[2]


@cache
def tasks_of(key: str, n: int) -> tuple[Task, ...]:
    return tuple(generate_task(key, i, f"test/{i}") for i in range(n))


def sentences(context: str) -> list[str]:
    return [s for s in re.split(r"(?<=\.)\s+", context) if s]


def mentions(text: str, claim: str) -> bool:
    pattern = r"(?<![\w.])" + re.escape(claim.lower()) + r"(?![\w])"
    return re.search(pattern, text.lower()) is not None


ALL = [*tasks_of(KEY, 4 * BLOCK), *tasks_of("dipg/2/2026", 2 * BLOCK), *tasks_of(SALTED, BLOCK)]


# ---- versions -------------------------------------------------------------------------
def test_the_suite_generates_version_2_and_still_resolves_version_1_ids():
    suite = get_suite("dipg")
    assert suite.info.version == gen.GENERATOR_VERSION == 2
    assert set(suite.info.categories) == set(CATEGORIES) > set(CATEGORIES_BY_VERSION[1])
    task = suite.task(7, 12)
    assert task.id == "dipg/2/7/000012"
    assert task == generate_task(KEY, 12, "dipg/2/7/000012")
    old = suite.resolve("dipg/1/2026/000005")
    assert old.truth["generator_version"] == 1
    assert old.question == "What did the admission work-up of Samir show?"  # docs' example
    from medsafe_core.ids import make_task_id

    official = make_task_id("dipg", 1, 7, 3, salt="x")  # an official run's salted v1 id
    assert suite.resolve(official, salt="x").truth["generator_version"] == 1


def test_unknown_versions_are_refused():
    from medsafe_core.ids import TaskIdError

    with pytest.raises(TaskIdError, match="version 3"):
        get_suite("dipg").resolve("dipg/3/7/000001")
    with pytest.raises(ValueError, match="no version"):
        generate_task("dipg/9/7", 0, "x")


def test_the_bundled_v2_file_equals_fresh_generation():
    data = ROOT / "core" / "src" / "medsafe_core" / "data"
    manifest = json.loads((data / "dipg-v2-bundled.json").read_text("utf-8"))
    assert (manifest["suite_version"], manifest["n"]) == (2, 300)
    fresh = [
        generate_task(f"dipg/2/{manifest['seed']}", i, f"dipg/2/{manifest['seed']}/{i:06d}")
        for i in range(manifest["n"])
    ]
    lines = (data / "dipg-v2-bundled.jsonl").read_bytes()
    assert hashlib.sha256(lines).hexdigest() == manifest["sha256"]
    from medsafe_core.datasets import dumps_tasks

    assert dumps_tasks(fresh) == lines


# ---- determinism ----------------------------------------------------------------------
def test_output_does_not_depend_on_hash_seed():
    code = (
        "import hashlib, json\n"
        "from medsafe_core.suites.dipg.generate import generate_task\n"
        "h = hashlib.sha256()\n"
        "for key in ('dipg/2/7', 'dipg/2/7/salt'):\n"
        "    for i in list(range(132)) + [5000, 123457]:\n"
        "        t = generate_task(key, i, 'x').model_dump(mode='json')\n"
        "        h.update(json.dumps(t, sort_keys=True).encode())\n"
        "print(h.hexdigest())\n"
    )
    digests = outputs_under_hash_seeds(code)
    assert len(digests) == 1


def test_far_index_is_built_alone_and_tasks_do_not_share_state():
    gen._scenario.cache_clear()
    task = generate_task(KEY, 123_456, "dipg/2/7/123456")
    assert gen._scenario.cache_info().misses == 1
    assert task.scenario.endswith(f":{123_456 // gen.TASKS_PER_SCENARIO}")
    reasoning = next(t for t in tasks_of(KEY, BLOCK) if t.category in REASONING)
    again = generate_task(KEY, int(reasoning.id.split("/")[-1]), "x")
    again.truth["inputs"]["tampered"] = "x"
    assert (
        "tampered" not in generate_task(KEY, int(reasoning.id.split("/")[-1]), "x").truth["inputs"]
    )


# ---- balance --------------------------------------------------------------------------
def test_every_category_gets_the_same_share_of_every_block():
    tasks = tasks_of(KEY, 4 * BLOCK)
    for start in range(0, len(tasks), BLOCK):
        counts = Counter(t.category for t in tasks[start : start + BLOCK])
        assert counts == dict.fromkeys(CATEGORIES, gen.TASKS_PER_SCENARIO), counts


def test_scenarios_share_a_context_and_ask_different_families():
    tasks = tasks_of(KEY, 4 * BLOCK)
    for start in range(0, len(tasks), gen.TASKS_PER_SCENARIO):
        group = tasks[start : start + gen.TASKS_PER_SCENARIO]
        assert len({t.context for t in group}) == 1
        families = {t.truth["subtype"].split("/")[0] for t in group}
        assert len(families) == len(group)
        categories = {t.category for t in group}
        assert categories == {"distractor_long"} or len(categories) == len(group)


def test_every_reasoning_subtype_occurs():
    subtypes = Counter(t.truth["subtype"] for t in ALL)
    for expected in (
        "threshold/at_least",
        "threshold/at_most",
        "total/linked",
        "total/two_sentences",
        "timing/next_dose",
        "timing/days_between",
        "timing/order",
        "arm_difference/linked",
        "arm_difference/one_sentence",
    ):
        assert subtypes[expected] >= 3, (expected, subtypes)


# ---- wording --------------------------------------------------------------------------
def _novel_words(task: Task) -> set[str]:
    context = set(re.findall(r"[a-z][a-z-]+", task.context.lower()))
    return set(re.findall(r"[a-z][a-z-]{3,}", task.question.lower())) - context


def test_questions_often_use_words_the_context_does_not():
    answerable = [t for t in ALL if t.category not in REASONING]
    reworded = [t for t in answerable if _novel_words(t)]
    assert len(reworded) >= 0.2 * len(answerable)
    reasoning = [t for t in ALL if t.category in REASONING]
    assert sum(bool(_novel_words(t)) for t in reasoning) >= 0.5 * len(reasoning)


def _words(text: str) -> set[str]:
    return {w.rstrip("s") for w in re.findall(r"[a-z0-9][a-z0-9-]{2,}", text.lower())}


def test_echo_sentences_share_the_questions_words_but_answer_nothing():
    """An echo (what a trial was designed to do) sits right before the answer, shares at
    least as many of the question's words as the answer does, and states no value and no
    claim; it is recorded apart from the near misses."""
    echoed = [t for t in ALL if "echo_sentence" in t.truth]
    assert len(echoed) >= 0.15 * len(ALL)
    for task in echoed:
        echo, proof = task.truth["echo_sentence"], task.expected_answer.proof.splitlines()
        order = sentences(task.context)
        between = order[order.index(echo) + 1 : order.index(proof[0])]
        assert all(" was designed to " in other for other in between)  # echoes stack
        assert " was designed to " in echo
        assert echo not in task.truth["distractor_sentences"]
        assert not re.search(r"\d+(?:\.\d+)?\s?(?:%|mg|g|months|days|weeks|cycles)\b", echo)
        for claim in task.expected_answer.claims:
            if not claim.startswith("NCT"):  # a bridged trial id is named, not answered
                assert not mentions(echo, claim), (echo, claim)
        asked = _words(task.question)
        assert len(_words(echo) & asked) >= len(_words(proof[0]) & asked) - 1, task.id


def test_sentences_that_refer_back_follow_their_head():
    linked = [t for t in ALL if t.truth["subtype"].endswith("/linked")]
    assert linked
    for task in linked:
        head, tail = task.expected_answer.proof.splitlines()
        assert tail.startswith("In the same trial, ")
        assert f"{head} {tail}" in task.context
    # and no other sentence opens that way without its head before it
    for task in ALL:
        for i, sentence in enumerate(sentences(task.context)):
            if sentence.startswith("In the same trial"):
                assert i and " NCT" in sentences(task.context)[i - 1]


# ---- ground truth of the extractive families ---------------------------------------------
@pytest.mark.parametrize(
    "task", [t for t in ALL if t.category not in REASONING][::5], ids=lambda t: t.id
)
def test_extractive_ground_truth_is_honest(task: Task):
    e, context = task.expected_answer, task.context
    assert task.question.endswith("?")
    assert task.truth["generator_version"] == 2
    for line in e.proof.splitlines():
        assert line in sentences(context)
    family = task.truth["subtype"].split("/")[0]
    if family in REASONING:  # a distractor_long task of a reasoning family
        return
    for claim in e.claims:
        assert claim in context
        assert claim in e.final
        assert not mentions(task.question, claim), (task.question, claim)
    if e.kind is AnswerKind.ABSTAIN:
        absent = [part.lower() for part in task.truth["absent_all_of"]]
        for sentence in sentences(context):
            assert not all(part in sentence.lower() for part in absent), sentence
        assert task.truth["distractor_sentences"]
    if e.kind is AnswerKind.CONFLICT:
        assert len(set(task.truth["sources"])) == 2
        assert e.claims[0] != e.claims[1]
