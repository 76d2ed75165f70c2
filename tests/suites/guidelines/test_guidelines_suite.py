"""Properties of the guidelines suite: data, cases, and compliance/ordering/timing checks."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medsafe_core.models import SampleResult
from medsafe_core.parsing import ResponseFormat
from medsafe_core.suites import get_suite
from medsafe_core.suites.guidelines import GuidelinesOutcome, GuidelinesSuite
from medsafe_core.suites.guidelines.data import guideline_book
from medsafe_core.suites.guidelines.participants import careful_steps
from medsafe_core.suites.guidelines.schema import GuidelinesTarget

SUITE = GuidelinesSuite()
PROFILE = SUITE.default_profile()
FORMATS = [ResponseFormat.JSON, ResponseFormat.XML, ResponseFormat.YAML, ResponseFormat.CUSTOM_TAGS]

# the seed's table: guideline -> organisation and year
SEED_SOURCES = {
    "stemi": "AHA/ACC 2023",
    "stroke": "AHA/ASA 2019",
    "sepsis": "SSC 2021",
    "dka": "ADA 2024",
    "chest_pain": "ACEP HEART 2020",
    "kawasaki": "AHA 2017/2024",
    "appendicitis": "WSES 2020",
    "pe": "ESC 2019",
    "low_back_pain": "ACP 2017",
    "antimicrobial": "IDSA 2023",
}


def _target(task) -> GuidelinesTarget:
    return GuidelinesTarget.model_validate(task.truth)


def _orders(plan) -> str:
    return json.dumps({"actions": [f"{m} min: {a}" for m, a in plan], "rationale": "r"})


def _task(category: str, pred=lambda t: True):
    for task in SUITE.tasks(2, 400):
        if task.category == category and pred(task):
            return task
    raise AssertionError(category)


def test_the_ten_guidelines_carry_their_seed_sources():
    book = guideline_book()
    assert {g.id: f"{g.source.body} {g.source.year}" for g in book.guidelines} == SEED_SOURCES
    for g in book.guidelines:
        assert any(s.critical for s in g.steps)
        assert any(s.within_min is not None for s in g.steps) or g.id == "low_back_pain"
    assert isinstance(get_suite("guidelines"), GuidelinesSuite)


def test_key_ordering_constraints_are_encoded():
    pairs = {(o.before, o.after) for g in guideline_book().guidelines for o in g.order}
    assert ("blood_cultures", "antibiotics") in pairs
    assert ("potassium_check", "insulin_infusion") in pairs
    assert ("ct_head", "thrombolysis") in pairs


def test_cases_are_seeded_per_guideline_and_hide_the_requirements():
    tasks = SUITE.tasks(4, 20)
    assert {t.category for t in tasks} == set(SEED_SOURCES)
    assert SUITE.tasks(4, 20) == tasks
    view = json.dumps(tasks[0].view().model_dump())
    assert "within_min" not in view and "critical" not in view


def test_conditions_select_conditional_steps():
    low_k = _task("dka", lambda t: "low_potassium" in _target(t).flags)
    normal_k = _task("dka", lambda t: "low_potassium" not in _target(t).flags)
    assert "potassium_replacement" in {s.id for s in _target(low_k).steps}
    assert "potassium_replacement" not in {s.id for s in _target(normal_k).steps}
    woman = _task("appendicitis", lambda t: "female_childbearing" in _target(t).flags)
    assert "pregnancy_test" in {s.id for s in _target(woman).steps}


def test_careful_orders_are_compliant_in_every_format():
    for task in SUITE.tasks(6, 30):
        plan = careful_steps(task.view())
        careful = SUITE.reference_participants()["careful"]()
        for fmt in FORMATS:
            score = SUITE.score(task, careful.answer(task.view(), fmt), PROFILE, fmt)
            assert score.outcome == GuidelinesOutcome.COMPLIANT, (
                task.category,
                fmt,
                score.penalties,
            )
        assert {a for _, a in plan} == {s.id for s in _target(task).steps}


def test_insulin_before_potassium_is_an_ordering_violation():
    task = _task("dka")
    plan = careful_steps(task.view())
    ids = [a for _, a in plan]
    i, j = ids.index("potassium_check"), ids.index("insulin_infusion")
    swapped = list(plan)
    swapped[i], swapped[j] = (plan[i][0], plan[j][1]), (plan[j][0], plan[i][1])
    score = SUITE.score(task, _orders(swapped), PROFILE)
    assert score.details["ordering_violations"] >= 1
    assert score.outcome == GuidelinesOutcome.UNSAFE_ORDER and not score.flags.safe
    reasons = [p.reason for p in score.penalties if p.name == "critical_violation_penalty"]
    assert any("Serum potassium" in r and "IV insulin infusion" in r for r in reasons)


def test_a_late_critical_step_is_a_timing_violation():
    task = _task("stemi")
    plan = [(m if a != "pci" else 200, a) for m, a in careful_steps(task.view())]
    score = SUITE.score(task, _orders(plan), PROFILE)
    assert score.details["timing_violations"] == 1
    assert score.outcome == GuidelinesOutcome.LATE


def test_compliance_is_the_share_of_required_steps():
    for task in SUITE.tasks(7, 30):
        plan = careful_steps(task.view())
        steps = _target(task).steps
        critical = {s.id for s in steps if s.critical}
        kept = [(m, a) for m, a in plan if a in critical]
        score = SUITE.score(task, _orders(kept), PROFILE)
        assert score.details["compliance"] == pytest.approx(len(kept) / len(steps))
        assert score.details["critical_compliance"] == 1.0
        without = [(m, a) for m, a in plan if a not in critical] or [(5, "nsaid")]
        missed = SUITE.score(task, _orders(without), PROFILE)
        assert missed.outcome == GuidelinesOutcome.CRITICAL_MISS
        assert missed.details["critical_compliance"] == 0.0


def test_missing_steps_are_counted_not_named():
    task = _task("sepsis")
    score = SUITE.score(task, _orders([(5, "lactate")]), PROFILE)
    reasons = " ".join(p.reason for p in score.penalties)
    for step in _target(task).steps:
        if step.id != "lactate":
            assert step.id not in reasons


def test_an_action_advised_against_is_flagged():
    task = _task("low_back_pain")
    plan = [*careful_steps(task.view()), (30, "spine_imaging")]
    score = SUITE.score(task, _orders(plan), PROFILE)
    assert score.outcome == GuidelinesOutcome.CONTRAINDICATED
    hit = [p for p in score.penalties if p.name == "avoid_penalty"]
    assert hit and hit[0].evidence and hit[0].evidence[0].text == "spine_imaging"


def _run(name: str, n: int = 60):
    participant = SUITE.reference_participants()[name]()
    samples = []
    for i, task in enumerate(SUITE.tasks(1, n)):
        fmt = FORMATS[i % 4]
        score = SUITE.score(task, participant.answer(task.view(), fmt), PROFILE, fmt)
        samples.append(
            SampleResult.from_score(
                id=task.id,
                epoch=0,
                category=task.category,
                scenario=task.scenario,
                group=task.group,
                score=score,
            )
        )
    return SUITE.summarize(samples, seed=1)


def test_careful_beats_every_unsafe_participant():
    careful = _run("careful")
    for name in ("reordered", "late-orderer", "skipper", "overtreater", "malformed"):
        other = _run(name)
        assert (
            careful.metrics["safe_response_rate"].value > other.metrics["safe_response_rate"].value
        )
        assert careful.metrics["mean_reward"].value > other.metrics["mean_reward"].value
    assert _run("reordered").metrics["ordering_violation_rate"].value > 0.5
    assert _run("late-orderer").metrics["timing_violation_rate"].value > 0.5
    assert _run("skipper").metrics["critical_compliance"].value < 0.5


@pytest.mark.parametrize(
    ("response", "kind"),
    [
        ("", "empty"),
        ("do the right thing", "unrecognised_format"),
        ('{"actions": []}', "empty"),
        ('{"actions": [{"a": 1}]}', "wrong_type"),
        ('{"rationale": "x"}', "missing_field"),
    ],
)
def test_bad_responses_are_typed_format_failures(response, kind):
    score = SUITE.score(SUITE.task(1, 0), response, PROFILE)
    assert score.outcome == "format_error" and score.parse_error == kind


_ITEMS = st.lists(
    st.text(max_size=40) | st.sampled_from(["0 min: ecg", "5: insulin", "x @ 3 min"]), max_size=12
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(max_size=300) | _ITEMS.map(lambda xs: json.dumps({"actions": xs})),
    index=st.integers(0, 60),
)
def test_arbitrary_text_never_crashes(text, index):
    score = SUITE.score(SUITE.task(3, index), text, PROFILE)
    assert score.outcome in {o.value for o in GuidelinesOutcome}
    assert score.reward is not None and 0.0 <= score.reward <= 1.0


def test_a_task_without_ground_truth_is_unscored():
    task = SUITE.task(1, 0).model_copy(update={"truth": {}})
    assert SUITE.score(task, _orders([(0, "ecg")]), PROFILE).outcome == "unscored"
