"""Reasoning questions of dipg version 2: the inputs are stated verbatim, the answer is
computed from them (recomputed here from the parsed inputs) and never stated itself."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

import pytest

from medsafe_core.models import AnswerKind, Task
from medsafe_core.suites.dipg.generate import generate_task

REASONING = ("threshold", "total", "timing", "arm_difference")
OPERATIONS = {
    "threshold": ("at_least", "at_most"),
    "total": ("sum",),
    "timing": ("clock_plus", "days_between", "earlier"),
    "arm_difference": ("difference",),
}


@cache
def reasoning_tasks() -> tuple[Task, ...]:
    out = []
    for key, n in (("dipg/2/7", 1320), ("dipg/2/2026", 660), ("dipg/2/7/salt", 660)):
        for i in range(n):
            task = generate_task(key, i, f"{key}/{i}")
            if task.truth["subtype"].split("/")[0] in REASONING:
                out.append(task)
    return tuple(out)


TASKS = reasoning_tasks()


def mentions(text: str, phrase: str) -> bool:
    """`phrase` as a whole phrase of `text` ("7 September" is not in "27 September")."""
    return re.search(rf"(?<![\w.:]){re.escape(phrase)}(?![\w:])", text, re.IGNORECASE) is not None


def _number(text: str) -> tuple[float, str]:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s?(.+)", text)
    assert m, text
    return float(m[1]), m[2]


def _decimals(text: str) -> int:
    m = re.match(r"\d+(?:\.(\d+))?", text)
    assert m
    return len(m[1] or "")


def _date(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d %B %Y").date()


def recompute(operation: str, inputs: dict[str, str]) -> str:
    """The derived value, from the inputs alone."""
    if operation == "sum":
        (a, unit), (b, unit_b) = _number(inputs["first"]), _number(inputs["second"])
        assert unit == unit_b
        return f"{a + b:g} {unit}"
    if operation == "difference":
        (a, unit), (b, unit_b) = _number(inputs["experimental"]), _number(inputs["control"])
        assert unit == unit_b
        decimals = max(_decimals(inputs["experimental"]), _decimals(inputs["control"]))
        shown = "percentage points" if unit == "%" else unit
        return f"{abs(a - b):.{decimals}f} {shown}"
    if operation == "clock_plus":
        hours, _ = _number(inputs["interval"])
        h, m = map(int, inputs["given"].split(":"))
        due = h * 60 + m + int(hours) * 60
        return f"{due // 60 % 24:02d}:{due % 60:02d}"
    if operation == "days_between":
        return f"{(_date(inputs['event']) - _date(inputs['start'])).days} days"
    if operation == "earlier":
        return "yes" if _date(inputs["event"]) < _date(inputs["start"]) else "no"
    value, unit = _number(inputs["value"])
    limit, unit_limit = _number(inputs["limit"])
    assert unit == unit_limit and value != limit
    meets = value >= limit if operation == "at_least" else value <= limit
    return "yes" if meets else "no"


def test_every_family_and_operation_is_generated():
    seen = {(t.truth["subtype"].split("/")[0], t.truth["operation"]) for t in TASKS}
    assert seen == {(f, op) for f, ops in OPERATIONS.items() for op in ops}
    answers = {t.truth["derived"] for t in TASKS if t.truth["derived"] in ("yes", "no")}
    assert answers == {"yes", "no"}


@pytest.mark.parametrize("task", TASKS[::3], ids=lambda t: t.id)
def test_reasoning_ground_truth(task: Task):
    e, truth, context = task.expected_answer, task.truth, task.context
    family = truth["subtype"].split("/")[0]
    assert e.kind is AnswerKind.ANSWER
    assert truth["operation"] in OPERATIONS[family]
    proof = e.proof.splitlines()
    assert len(proof) == len(truth["answer_sentences"]) >= 1
    positions = [context.index(line) for line in proof]
    assert positions == sorted(positions)  # proof lines in context order
    # every input is stated verbatim, by a proof sentence
    for value in truth["inputs"].values():
        assert any(mentions(line, value) for line in proof), (value, proof)
    # the derived value is right, by recomputation from the inputs
    derived = truth["derived"]
    assert recompute(truth["operation"], truth["inputs"]) == derived
    if derived in ("yes", "no"):
        assert e.final.startswith(f"{derived.capitalize()}. ")
        assert e.claims[0] == derived.capitalize()
    else:
        # stated by the final, with its unit, and by no sentence of the context
        assert derived in e.final and e.claims == [derived]
        number, _, unit = derived.partition(" ")
        units = [re.escape(unit)] + (["%"] if unit == "percentage points" else [])
        pattern = rf"(?<![\w.:]){re.escape(number)}(?:\.0+)?\s?(?:{'|'.join(units)})(?![\w:])"
        assert not re.search(pattern, context), derived
    # the question never gives the answer or an input away
    for value in [*truth["inputs"].values(), derived]:
        assert not mentions(task.question, value)


def test_inputs_are_spread_over_two_sentences_except_one_sentence_arms():
    for task in TASKS:
        proof = task.expected_answer.proof.splitlines()
        if task.truth["subtype"] == "arm_difference/one_sentence":
            assert len(proof) == 1
            continue
        assert len(proof) == 2, task.id
        first, second = task.truth["inputs"].values()
        assert not any(mentions(line, first) and mentions(line, second) for line in proof)
