"""Scoring a large batch over several processes gives exactly the record one process
gives (same samples, same order, same metrics)."""

from __future__ import annotations

from medsafe_core.evaluation import POOL_THRESHOLD, BatchItem, build_batch, evaluate
from medsafe_core.parsing import ResponseFormat
from medsafe_core.participants import PARTICIPANTS
from medsafe_core.runs import result_json
from medsafe_core.suites import get_suite


def test_processes_and_one_process_give_the_same_record() -> None:
    suite = get_suite("dipg")
    tasks = suite.tasks(5, POOL_THRESHOLD // 2)
    kinds = ["baseline", "hallucinator"]
    items = [
        BatchItem(
            task_id=t.id,
            epoch=e,
            response=PARTICIPANTS[kinds[(i + e) % 2]].answer(t.view(), ResponseFormat.JSON),
        )
        for e in range(2)
        for i, t in enumerate(tasks)
    ]
    batch = build_batch(items, max_items=len(items), max_response_bytes=65_536)
    one = evaluate(batch, suite.default_profile())
    two = evaluate(batch, suite.default_profile(), workers=2)
    assert two.in_order == one.in_order
    assert result_json(two.record) == result_json(one.record)
