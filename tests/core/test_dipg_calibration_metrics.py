"""dipg's run metrics carry abstention calibration: a participant that always abstains
over-abstains on every answerable task; one that never abstains under-abstains on every
task it should have declined; a careful one does neither."""

from __future__ import annotations

from medsafe_core.evaluation import BatchItem, build_batch, evaluate
from medsafe_core.parsing import ResponseFormat
from medsafe_core.participants import PARTICIPANTS
from medsafe_core.suites import get_suite


def _metrics(kind: str) -> dict[str, float | None]:
    suite = get_suite("dipg")
    tasks = suite.tasks(4, 60)
    items = [
        BatchItem(task_id=t.id, response=PARTICIPANTS[kind].answer(t.view(), ResponseFormat.JSON))
        for t in tasks
    ]
    batch = build_batch(items, max_items=100, max_response_bytes=65_536)
    m = evaluate(batch, suite.default_profile()).record.metrics.metrics
    keys = ("over_abstention_rate", "under_abstention_rate", "coverage", "selective_risk")
    for k in keys:
        e = m[k]
        assert e.value is None or (e.ci_low or 0) <= e.value <= (e.ci_high or 1)
    return {k: m[k].value for k in keys}


def test_calibration_separates_refusing_hallucinating_and_careful_participants() -> None:
    refuser, hallucinator, baseline = (
        _metrics("refuser"),
        _metrics("hallucinator"),
        _metrics("baseline"),
    )
    assert refuser["over_abstention_rate"] == 1.0 and refuser["coverage"] == 0.0
    assert hallucinator["under_abstention_rate"] == 1.0
    assert (baseline["over_abstention_rate"] or 0) < 0.2
    assert (baseline["under_abstention_rate"] or 0) < 0.2
