"""Properties of the bias suite: matched pairs, per-case scoring, pair verdicts."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medsafe_core.metrics import mcnemar_exact
from medsafe_core.models import SampleResult
from medsafe_core.parsing import ResponseFormat
from medsafe_core.suites import get_suite
from medsafe_core.suites.base import SuiteKind
from medsafe_core.suites.bias import BiasOutcome, BiasSuite
from medsafe_core.suites.bias.pairs import pair_verdicts
from medsafe_core.suites.bias.schema import BiasTarget
from medsafe_core.suites.bias.templates import BiasType

SUITE = BiasSuite()
PROFILE = SUITE.default_profile()
FORMATS = [ResponseFormat.JSON, ResponseFormat.XML, ResponseFormat.YAML, ResponseFormat.CUSTOM_TAGS]


def _target(task) -> BiasTarget:
    return BiasTarget.model_validate(task.truth)


def _sample(task, response: str) -> SampleResult:
    score = SUITE.score(task, response, PROFILE)
    return SampleResult.from_score(
        id=task.id,
        epoch=0,
        category=task.category,
        scenario=task.scenario,
        group=task.group,
        score=score,
    )


def _answer(dx: str, esi: int, dispo: str) -> str:
    return json.dumps({"diagnosis": dx, "esi": esi, "disposition": dispo, "rationale": "r"})


def _pair(bias: BiasType, seed: int = 3):
    tasks = SUITE.tasks(seed, 44)
    for a, b in zip(tasks[::2], tasks[1::2], strict=True):
        if a.category == bias:
            return a, b
    raise AssertionError(bias)


def _truthful(task) -> str:
    t = _target(task).truth
    return _answer(t.diagnosis, t.esi[0], t.disposition[0])


def test_paired_kind_and_registration():
    assert SUITE.info.kind is SuiteKind.PAIRED
    assert isinstance(get_suite("bias"), BiasSuite)
    assert set(SUITE.info.categories) == {b.value for b in BiasType} and len(BiasType) == 11


def test_every_22_tasks_hold_one_pair_of_each_bias_type():
    tasks = SUITE.tasks(5, 22)
    assert sorted(t.category for t in tasks[::2]) == sorted(b.value for b in BiasType)


def test_pair_members_differ_in_one_place_only():
    tasks = SUITE.tasks(8, 88)
    for a, b in zip(tasks[::2], tasks[1::2], strict=True):
        assert a.group == b.group and a.group is not None
        assert a.question == b.question and a.input == b.input
        assert _target(a).truth == _target(b).truth
        assert a.context != b.context
        wa, wb = a.context.split(), b.context.split()
        head = next(
            i for i, (x, y) in enumerate(zip([*wa, None], [*wb, None], strict=False)) if x != y
        )
        tail = next(
            i
            for i, (x, y) in enumerate(zip([*wa[::-1], None], [*wb[::-1], None], strict=False))
            if x != y
        )
        middle_a, middle_b = wa[head : len(wa) - tail], wb[head : len(wb) - tail]
        # one attribute value, one cue sentence or one framing sentence
        assert len(middle_a) + len(middle_b) <= 30, (a.category, middle_a, middle_b)
        assert len(wa) - len(middle_a) >= 20


def test_views_hide_group_and_bias_type():
    view = SUITE.task(1, 0).view().model_dump()
    assert "group" not in view and "category" not in view and "truth" not in view


def test_a_changed_decision_flips_pair_consistency():
    a, b = _pair(BiasType.RACIAL)
    same = pair_verdicts([_sample(a, _truthful(a)), _sample(b, _truthful(b))])
    t = _target(b).truth
    changed = pair_verdicts(
        [_sample(a, _truthful(a)), _sample(b, _answer(t.diagnosis, 4, "discharge"))]
    )
    assert same[0].consistent and not changed[0].consistent
    assert changed[0].control_correct and not changed[0].variant_correct


def test_age_pairs_may_differ_in_urgency_but_not_in_diagnosis():
    a, b = _pair(BiasType.AGE)
    t = _target(a).truth
    assert "esi" not in _target(a).invariant
    urgency = pair_verdicts(
        [
            _sample(a, _answer(t.diagnosis, 3, t.disposition[0])),
            _sample(b, _answer(t.diagnosis, 2, t.disposition[0])),
        ]
    )
    dx = pair_verdicts(
        [
            _sample(a, _answer(t.diagnosis, 2, t.disposition[0])),
            _sample(b, _answer("Constipation", 2, t.disposition[0])),
        ]
    )
    assert urgency[0].consistent and not dx[0].consistent


def test_an_unreadable_member_makes_the_pair_inconsistent():
    a, b = _pair(BiasType.ANCHORING)
    verdicts = pair_verdicts([_sample(a, _truthful(a)), _sample(b, "no idea")])
    assert not verdicts[0].consistent


def test_under_triage_lowers_safety():
    a, _ = _pair(BiasType.PREMATURE_CLOSURE)
    t = _target(a).truth
    good = SUITE.score(a, _truthful(a), PROFILE)
    under = SUITE.score(a, _answer(t.diagnosis, 4, "discharge"), PROFILE)
    assert good.outcome == BiasOutcome.CORRECT and good.flags.safe
    assert under.outcome == BiasOutcome.UNDER_TRIAGE
    assert under.details["dimensions"]["safety"] < good.details["dimensions"]["safety"]


def _run(name: str, n: int = 132):
    participant = SUITE.reference_participants()[name]()
    samples = []
    for i, task in enumerate(SUITE.tasks(1, n)):
        fmt = FORMATS[(i // 2) % 4]
        samples.append(_sample(task, participant.answer(task.view(), fmt)))
    return samples, SUITE.summarize(samples, seed=1)


def test_careful_is_consistent_and_the_biased_one_is_caught():
    _, careful = _run("careful")
    _, biased = _run("biased")
    assert careful.metrics["inconsistency_rate"].value < biased.metrics["inconsistency_rate"].value
    assert careful.metrics["mean_reward"].value > biased.metrics["mean_reward"].value
    assert biased.metrics["mcnemar_p"].value < 0.05
    for bias in ("anchoring", "confirmation", "authority"):
        per = biased.per_category[bias]
        assert (
            per["inconsistency_rate"].value > careful.per_category[bias]["inconsistency_rate"].value
        )
        assert per["inconsistency_rate"].ci_low is not None


def test_mcnemar_follows_the_discordant_pairs():
    samples, metrics = _run("biased")
    verdicts = pair_verdicts(samples)
    b = sum(v.control_correct and not v.variant_correct for v in verdicts)
    c = sum(v.variant_correct and not v.control_correct for v in verdicts)
    assert metrics.metrics["mcnemar_p"].value == mcnemar_exact(b, c)


def test_the_random_and_malformed_participants_score_below_careful():
    _, careful = _run("careful")
    for name in ("random", "malformed"):
        _, other = _run(name)
        assert (
            careful.metrics["safe_response_rate"].value > other.metrics["safe_response_rate"].value
        )
        assert (
            other.metrics["inconsistency_rate"].value > careful.metrics["inconsistency_rate"].value
        )


def test_bad_fields_are_typed_format_failures():
    task = SUITE.task(1, 0)
    for response, kind in [
        (_answer("x", 9, "admit"), "wrong_type"),
        (_answer("x", 2, "teleport"), "wrong_type"),
        (json.dumps({"diagnosis": "x"}), "missing_field"),
        ("", "empty"),
    ]:
        score = SUITE.score(task, response, PROFILE)
        assert score.outcome == "format_error" and score.parse_error == kind


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(max_size=300)
    | st.fixed_dictionaries(
        {
            "diagnosis": st.text(max_size=30),
            "esi": st.text(max_size=4) | st.integers(-3, 9),
            "disposition": st.text(max_size=20) | st.sampled_from(["admit", "icu", "discharge"]),
        }
    ).map(json.dumps),
    index=st.integers(0, 100),
)
def test_arbitrary_text_never_crashes(text, index):
    score = SUITE.score(SUITE.task(4, index), text, PROFILE)
    assert score.outcome in {o.value for o in BiasOutcome}
    assert score.reward is not None and 0.0 <= score.reward <= 1.0


def test_a_task_without_ground_truth_is_unscored():
    task = SUITE.task(1, 0).model_copy(update={"truth": {}})
    assert SUITE.score(task, _truthful(SUITE.task(1, 0)), PROFILE).outcome == "unscored"


def test_common_spellings_of_a_decision_score_the_same():
    a, _ = _pair(BiasType.CONFIRMATION)
    t = _target(a).truth
    plain = SUITE.score(a, _answer(t.diagnosis, t.esi[0], t.disposition[0]), PROFILE)
    roman = ["I", "II", "III", "IV", "V"][t.esi[0] - 1]
    spelled = json.dumps(
        {
            "diagnosis": t.diagnosis.upper(),
            "esi": f"ESI level {roman}",
            "disposition": t.disposition[0].replace("_", " "),
        }
    )
    assert SUITE.score(a, spelled, PROFILE).reward == plain.reward
