"""The dipg task generator, version 1 (frozen): determinism, O(1) access, balance and honest
ground truth. Version 2 has its own tests (test_dipg_v2_*.py)."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from functools import cache

import pytest

from medsafe_core.models import AnswerKind, Task
from medsafe_core.suites.dipg import generate as gen
from medsafe_core.suites.dipg.generate import CATEGORIES_BY_VERSION, generate_task
from tests.core.hash_seeds import outputs_under_hash_seeds

CATEGORIES = CATEGORIES_BY_VERSION[1]
KEY = "dipg/1/7"
SALTED = "dipg/1/7/s3cret-salt"


@cache
def tasks_of(key: str, n: int) -> tuple[Task, ...]:
    return tuple(generate_task(key, i, f"test/{i}") for i in range(n))


def sentences(context: str) -> list[str]:
    """The generator's sentences: they end with a period followed by white space."""
    return [s for s in re.split(r"(?<=\.)\s+", context) if s]


def mentions(text: str, claim: str) -> bool:
    """Whether `claim` occurs in `text` as a whole phrase (not inside an id or number)."""
    pattern = r"(?<![\w.])" + re.escape(claim.lower()) + r"(?![\w])"
    return re.search(pattern, text.lower()) is not None


ALL = [*tasks_of(KEY, 2100), *tasks_of("dipg/1/2026", 700), *tasks_of(SALTED, 700)]


# ---- determinism and access ---------------------------------------------------------
def test_same_key_and_index_give_identical_tasks():
    gen._scenario.cache_clear()
    first = generate_task(KEY, 41, "x").model_dump()
    gen._scenario.cache_clear()
    assert generate_task(KEY, 41, "x").model_dump() == first


def test_returned_tasks_do_not_share_mutable_state_with_the_cache():
    task = generate_task(KEY, 3, "x")
    task.truth["distractor_sentences"].append("tampered")
    task.expected_answer.claims.append("tampered")
    again = generate_task(KEY, 3, "x")
    assert "tampered" not in again.truth["distractor_sentences"]
    assert "tampered" not in again.expected_answer.claims


def test_output_does_not_depend_on_hash_seed():
    """Same bytes in fresh interpreters with different PYTHONHASHSEED (sets, hash())."""
    code = (
        "import hashlib, json\n"
        "from medsafe_core.suites.dipg.generate import generate_task\n"
        "h = hashlib.sha256()\n"
        "for i in list(range(60)) + [5000, 123457]:\n"
        "    h.update(json.dumps(generate_task('dipg/1/7', i, 'x').model_dump(mode='json'),"
        " sort_keys=True).encode())\n"
        "print(h.hexdigest())\n"
    )
    digests = outputs_under_hash_seeds(code)
    assert len(digests) == 1


def test_different_seeds_and_salts_differ():
    a = [t.model_dump(exclude={"id"}) for t in tasks_of(KEY, 30)]
    b = [t.model_dump(exclude={"id"}) for t in tasks_of("dipg/1/8", 30)]
    c = [t.model_dump(exclude={"id"}) for t in tasks_of(SALTED, 30)]
    assert a != b
    assert a != c
    assert sum(x["context"] == y["context"] for x, y in zip(a, c, strict=True)) == 0


def test_far_index_is_built_without_the_ones_before_it():
    gen._scenario.cache_clear()
    task = generate_task(KEY, 123_456, "dipg/1/7/123456")
    assert gen._scenario.cache_info().misses == 1  # only its own scenario was built
    assert task.id == "dipg/1/7/123456"
    assert task.scenario.endswith(f":{123_456 // gen.TASKS_PER_SCENARIO}")


def test_negative_index_is_rejected():
    with pytest.raises(ValueError, match="index"):
        generate_task(KEY, -1, "x")


def test_suite_regenerates_the_same_task_from_its_id():
    from medsafe_core.suites import get_suite

    suite = get_suite("dipg")
    assert suite.info.version == gen.GENERATOR_VERSION == 2
    assert set(suite.info.categories) >= set(CATEGORIES)
    # a version 1 id still regenerates its version 1 task (old run records verify)
    assert suite.resolve("dipg/1/7/000012") == generate_task(KEY, 12, "dipg/1/7/000012")
    assert suite.resolve("dipg/1/7/000012").truth["generator_version"] == 1


# ---- scenarios and balance ----------------------------------------------------------
def test_at_least_a_thousand_distinct_tasks_per_seed():
    pairs = {(t.context, t.question) for t in tasks_of(KEY, 2000)}
    assert len(pairs) >= 1000


def test_every_category_appears_in_balanced_proportions():
    counts = Counter(t.category for t in tasks_of(KEY, 700))
    assert set(counts) == set(CATEGORIES)
    for category in CATEGORIES:
        assert 80 <= counts[category] <= 120, counts  # 100 each if perfectly balanced


def test_tasks_of_a_scenario_share_one_context_and_ask_different_questions():
    tasks = tasks_of(KEY, 2100)
    for start in range(0, 2100, gen.TASKS_PER_SCENARIO):
        group = tasks[start : start + gen.TASKS_PER_SCENARIO]
        assert len({t.context for t in group}) == 1
        assert len({t.scenario for t in group}) == 1
        assert len({t.question for t in group}) == len(group)
        categories = {t.category for t in group}
        assert categories == {"distractor_long"} or len(categories) == len(group)


def test_scenario_ids_do_not_reveal_the_salt():
    for task in tasks_of(SALTED, 12):
        assert "s3cret" not in task.scenario
        assert re.fullmatch(r"[0-9a-f]{8}:\d+", task.scenario)


def test_long_scenarios_are_long_and_standard_ones_are_not():
    long = [len(t.context) for t in ALL if t.category == "distractor_long"]
    standard = [len(t.context) for t in ALL if t.category != "distractor_long"]
    assert min(long) >= 3000
    assert max(long) <= 6500
    assert max(standard) < 4000
    assert sum(long) / len(long) > sum(standard) / len(standard) + 1500


# ---- ground truth -------------------------------------------------------------------
@pytest.mark.parametrize("task", ALL[::7], ids=lambda t: t.id)
def test_ground_truth_is_honest(task: Task):
    e, context = task.expected_answer, task.context
    assert e.kind is not None
    assert task.question.endswith("?")
    for line in e.proof.splitlines():
        assert line in sentences(context)  # whole sentences, verbatim
    for claim in e.claims:
        assert claim in context
        assert claim in e.final
        assert not mentions(task.question, claim), (task.question, claim)
    assert task.truth["answer_sentences"] == (e.proof.splitlines() if e.proof else [])
    for line in task.truth["distractor_sentences"]:
        assert line in sentences(context)
        assert line not in e.proof.splitlines()
    if e.kind is AnswerKind.ANSWER:
        assert e.claims
        assert e.proof
    if e.kind is AnswerKind.ABSTAIN:
        assert (e.proof, e.claims) == ("", [])
        assert e.final.startswith("The provided context does not contain information about")
        absent = [part.lower() for part in task.truth["absent_all_of"]]
        for sentence in sentences(context):
            assert not all(part in sentence.lower() for part in absent), sentence
        assert task.truth["distractor_sentences"], "an abstention task needs near misses"
    if e.kind is AnswerKind.CONFLICT:
        first, second = e.proof.splitlines()
        assert len(set(task.truth["sources"])) == 2
        assert e.claims[0] != e.claims[1]
        assert e.claims[0] in first or e.claims[0] in second
        assert e.final.startswith("The sources conflict")


def test_withheld_doses_are_really_absent():
    """An abstention about a dose: no sentence about that trial states any dose."""
    seen = 0
    for task in ALL:
        if task.truth["subtype"].endswith("insufficient/dose"):
            trial = re.search(r"NCT\d{8}", task.question)
            assert trial is not None
            for sentence in sentences(task.context):
                if trial[0] in sentence:
                    assert not re.search(r"\d (mg|g|mg/kg|mg/m2|units/kg)\b", sentence), sentence
            seen += 1
    assert seen > 10


def test_every_subtype_of_every_family_occurs():
    subtypes = Counter(t.truth["subtype"] for t in ALL)
    families = {s.split("/")[0] for s in subtypes}
    assert families == set(CATEGORIES) - {"distractor_long"}
    assert len(subtypes) >= 20
    kinds = Counter(t.expected_answer.kind for t in ALL if t.category == "distractor_long")
    assert set(kinds) == set(AnswerKind)


def test_contexts_cover_several_clinical_settings_and_number_styles():
    settings = Counter(t.truth["setting"] for t in ALL)
    assert settings["dipg"] > len(ALL) / 5
    assert len(settings) == 7
    text = " ".join({t.context for t in ALL})
    for pattern in (r"\d+\.\d+ months", r"mg/m2", r"mg/kg", r"\d+ Gy", r"between \d+ and \d+"):
        assert re.search(pattern, text), pattern
    assert re.search(r"\b(two|three|four|five|six|seven|eight|nine) cycles\b", text)


def test_truth_serialises_to_json():
    for task in tasks_of(KEY, 42):
        json.dumps(task.model_dump(mode="json"))
        assert hashlib.sha256(task.context.encode()).hexdigest()
