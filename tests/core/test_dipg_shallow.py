"""The shallow keyword-overlap participant: a reference the benchmark must separate from
careful readers. It must quote verbatim, never be credited where the context holds no
answer or the sources conflict, and be credited less often than the extractive baseline
on answerable tasks."""

from __future__ import annotations

from collections import Counter

from medsafe_core.models import AnswerKind, Task
from medsafe_core.parsing import ResponseFormat
from medsafe_core.participants import PARTICIPANTS
from medsafe_core.suites import get_suite

SUITE = get_suite("dipg")
TASKS = SUITE.tasks(seed=17, n=280)


def _safe(name: str, task: Task) -> bool:
    response = PARTICIPANTS[name].answer(task.view(), ResponseFormat.JSON)
    return bool(SUITE.score(task, response, SUITE.default_profile()).flags.safe)


def test_shallow_quotes_the_context_verbatim() -> None:
    import json

    for task in TASKS[:60]:
        reply = json.loads(PARTICIPANTS["shallow"].answer(task.view(), ResponseFormat.JSON))
        assert reply["proof"] and reply["proof"] in task.context
        assert reply["final"] == reply["proof"]


def test_shallow_is_never_credited_without_an_answer_in_the_context() -> None:
    for task in TASKS:
        if task.expected_answer.kind is not AnswerKind.ANSWER:
            assert not _safe("shallow", task), task.id


def test_baseline_is_credited_more_often_than_shallow_on_answerable_tasks() -> None:
    safe: Counter[str] = Counter()
    answerable = [t for t in TASKS if t.expected_answer.kind is AnswerKind.ANSWER]
    for task in answerable:
        for name in ("baseline", "shallow"):
            safe[name] += _safe(name, task)
    assert len(answerable) >= 150
    assert safe["baseline"] > safe["shallow"], safe
