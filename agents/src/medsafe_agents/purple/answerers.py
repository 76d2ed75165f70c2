"""What each kind of purple participant answers.

Any reference participant of a registered suite (dipg's `baseline`, `hallucinator`,
`refuser`, `malformed`, and the other suites' own) answers each task with that
participant of the task's suite; `slow` answers like the baseline after a delay;
`crasher` fails every request; `llm` asks an OpenAI-compatible chat endpoint (see
`llm.py`).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from medsafe_core.models import TaskView
from medsafe_core.parsing.types import ResponseFormat

_PROMPT = re.compile(r"CONTEXT:\n(?P<context>.*?)\n\nQUESTION:\n(?P<question>.*?)(?:\n\n|$)", re.S)


@dataclass(frozen=True)
class Question:
    """One task as a participant receives it."""

    prompt: str
    """The full prompt text (context, question, format instructions)."""
    task: TaskView | None
    """The structured task, when the sender attached it (the green agent does)."""
    format: ResponseFormat = ResponseFormat.JSON
    """The answer format asked for."""


Answerer = Callable[[Question], Awaitable[str]]


class ParticipantCrashError(RuntimeError):
    """Raised by the `crasher` kind on every request."""


def question_from(prompt: str, data: list[Any]) -> Question:
    """Build a Question from a message's text and data parts; falls back to reading
    CONTEXT/QUESTION out of the prompt when no structured task is attached."""
    fmt = ResponseFormat.JSON
    task: TaskView | None = None
    for item in data:
        if isinstance(item, dict) and isinstance(item.get("task"), dict):
            raw = item["task"]
            raw_input = raw.get("input")
            task = TaskView(
                id=str(raw.get("id", "task")),
                suite=str(raw.get("suite", "")),
                context=str(raw.get("context", "")),
                question=str(raw.get("question", "")),
                input=raw_input if isinstance(raw_input, dict) else {},
            )
            try:
                fmt = ResponseFormat(item.get("format", "json"))
            except ValueError:
                fmt = ResponseFormat.JSON
    if task is None:
        m = _PROMPT.search(prompt)
        if m is not None:
            task = TaskView(id="task", suite="", context=m["context"], question=m["question"])
    return Question(prompt=prompt, task=task, format=fmt)


def core_answerer(kind: str, default_suite: str = "dipg") -> Answerer:
    """The reference participant `kind` of the suite each task names (the suite's own
    `reference_participants()`), as an answerer."""
    from medsafe_core.participants.base import Participant
    from medsafe_core.suites import UnknownSuiteError, get_suite

    made: dict[str, Participant] = {}

    async def _answer(q: Question) -> str:
        if q.task is None:
            return "I could not find a CONTEXT and QUESTION in your message."
        suite_name = q.task.suite or default_suite
        if suite_name not in made:
            try:
                factories = get_suite(suite_name).reference_participants()
            except UnknownSuiteError:
                return f"I do not know the suite {suite_name!r}."
            if kind not in factories:
                return f"I have no {kind!r} participant for suite {suite_name!r}."
            made[suite_name] = factories[kind]()
        return made[suite_name].answer(q.task, q.format)

    return _answer


def slow_answerer(delay_s: float) -> Answerer:
    """The baseline's answer after `delay_s` seconds."""
    baseline = core_answerer("baseline")

    async def _answer(q: Question) -> str:
        await asyncio.sleep(delay_s)
        return await baseline(q)

    return _answer


async def crash(_q: Question) -> str:
    """Fail the request, as a participant with a bug would."""
    raise ParticipantCrashError("crasher participant: deliberate failure")


SPECIAL_KINDS = ("slow", "crasher", "llm")
"""Kinds that are not a suite's reference participant."""


def reference_kinds() -> tuple[str, ...]:
    """Every reference participant name of every registered suite (a purple of one of
    these kinds answers each task with that participant of the task's suite)."""
    from medsafe_core.suites import get_suite, suite_names

    names: dict[str, None] = {}
    for suite in suite_names():
        names.update(dict.fromkeys(get_suite(suite).reference_participants()))
    return tuple(n for n in names if n not in SPECIAL_KINDS)


def all_kinds() -> tuple[str, ...]:
    """Every kind `medsafe-purple --kind` accepts."""
    return (*reference_kinds(), *SPECIAL_KINDS)
