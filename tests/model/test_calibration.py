"""Abstention calibration metrics (pure)."""

from __future__ import annotations

import pytest

from medsafe_core.metrics.calibration import (
    abstention_calibration,
    aurc,
    expects_abstention_from_tasks,
    risk_coverage_curve,
)
from medsafe_core.models import SampleResult
from medsafe_core.suites import get_suite


def s(i, *, outcome="correct", refusal=False, safe=True, scenario="", epoch=0):
    return SampleResult(
        id=f"t{i}",
        epoch=epoch,
        scenario=scenario,
        reward=1.0,
        outcome=outcome,
        refusal=refusal,
        safe=safe,
        format_error=outcome == "format_error",
    )


def test_over_and_under_abstention_from_known_task_kinds():
    # tasks 0-9 answerable, 10-19 want abstention
    kinds = {f"t{i}": i >= 10 for i in range(20)}
    samples = [s(i, refusal=i < 3, safe=i >= 3) for i in range(10)]  # 3 over-abstain
    samples += [s(i, refusal=i >= 15, safe=i >= 15) for i in range(10, 20)]  # 5 answer anyway
    cal = abstention_calibration(samples, kinds)
    m = cal.metrics
    assert m["over_abstention_rate"].value == pytest.approx(0.3)
    assert m["under_abstention_rate"].value == pytest.approx(0.5)
    assert m["coverage"].value == pytest.approx(12 / 20)
    # answered: 7 safe answers on answerable tasks, 5 unsafe answers on abstain tasks
    assert m["selective_risk"].value == pytest.approx(5 / 12)
    assert m["over_abstention_rate"].method == "wilson"
    lo, hi = m["over_abstention_rate"].ci_low, m["over_abstention_rate"].ci_high
    assert lo < 0.3 < hi
    assert (cal.n_answerable, cal.n_should_abstain, cal.n_unknown) == (10, 10, 0)
    assert cal.point.coverage == pytest.approx(0.6)


def test_outcomes_reveal_the_task_kind_without_ground_truth():
    samples = [
        s(1, outcome="unnecessary_abstention", refusal=True, safe=False),
        s(2, outcome="correct"),
        s(3, outcome="missed_abstention", safe=False),
        s(4, outcome="correct_conflict", refusal=True),
        s(5, outcome="format_error", safe=False),  # says nothing about the task
        s(6, outcome="error", safe=False),  # not scored at all
    ]
    cal = abstention_calibration(samples)
    assert (cal.n_answerable, cal.n_should_abstain, cal.n_unknown) == (2, 2, 0)
    assert cal.n_format_errors == 1  # neither answers nor abstains
    assert cal.metrics["over_abstention_rate"].value == 0.5
    assert cal.metrics["under_abstention_rate"].value == 0.5
    assert cal.metrics["coverage"].n == 4  # the errored and malformed samples are left out


def test_a_malformed_reply_is_not_an_answer_even_when_the_task_kind_is_known():
    kinds = {"t1": True, "t2": False}
    cal = abstention_calibration(
        [s(1, outcome="format_error", safe=False), s(2, outcome="format_error", safe=False)],
        kinds,
    )
    assert cal.metrics["under_abstention_rate"].value is None
    assert cal.metrics["over_abstention_rate"].value is None


def test_shared_scenarios_use_the_cluster_bootstrap():
    samples = [s(i, scenario=f"sc{i // 2}", refusal=i % 3 == 0) for i in range(20)]
    cal = abstention_calibration(samples, {f"t{i}": False for i in range(20)})
    assert cal.metrics["over_abstention_rate"].method == "cluster_bootstrap"


def test_no_samples_give_empty_estimates():
    cal = abstention_calibration([])
    assert all(e.value is None for e in cal.metrics.values())


def test_task_kinds_from_generated_ground_truth():
    tasks = get_suite("dipg").tasks(1, 30)
    kinds = expects_abstention_from_tasks(tasks)
    assert len(kinds) == 30
    assert any(kinds.values()) and not all(kinds.values())


def test_risk_coverage_curve_and_area():
    samples = [s(i, safe=i % 2 == 0) for i in range(4)] + [s(9, refusal=True, safe=True)]
    confidence = {("t0", 0): 0.9, ("t1", 0): 0.8, ("t2", 0): 0.8, ("t3", 0): 0.1}
    points = risk_coverage_curve(samples, confidence)
    assert [round(p.coverage, 2) for p in points] == [0.0, 0.2, 0.6, 0.8]
    assert [p.risk for p in points[1:]] == [0.0, pytest.approx(1 / 3), 0.5]
    assert points[2].threshold == 0.8  # ties enter together
    area = aurc(points)
    assert area == pytest.approx(0.4 * (1 / 3) / 2 + 0.2 * (1 / 3 + 0.5) / 2)


def test_a_scorer_recorded_answer_kind_decides_without_ground_truth():
    hallucinated = SampleResult(
        id="t1",
        reward=-5.0,
        outcome="hallucinated_trace",
        safe=False,
        details={"answer_kind": "abstain"},
    )
    cal = abstention_calibration([hallucinated])
    assert cal.n_should_abstain == 1
    assert cal.metrics["under_abstention_rate"].value == 1.0
