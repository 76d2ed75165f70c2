"""What each kind of purple participant answers.

`baseline`, `hallucinator`, `refuser` and `malformed` are the core's reference
participants; `slow` answers like the baseline after a delay; `crasher` fails every
request; `llm` asks an OpenAI-compatible chat endpoint (see `llm.py`).
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
            task = TaskView(
                id=str(raw.get("id", "task")),
                suite=str(raw.get("suite", "")),
                category="",
                context=str(raw.get("context", "")),
                question=str(raw.get("question", "")),
            )
            try:
                fmt = ResponseFormat(item.get("format", "json"))
            except ValueError:
                fmt = ResponseFormat.JSON
    if task is None:
        m = _PROMPT.search(prompt)
        if m is not None:
            task = TaskView(
                id="task", suite="", category="", context=m["context"], question=m["question"]
            )
    return Question(prompt=prompt, task=task, format=fmt)


def core_answerer(kind: str) -> Answerer:
    """One of the core's reference participants as an answerer."""
    from medsafe_core.participants import PARTICIPANTS

    participant = PARTICIPANTS[kind]()

    async def _answer(q: Question) -> str:
        if q.task is None:
            return "I could not find a CONTEXT and QUESTION in your message."
        return participant.answer(q.task, q.format)

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


CORE_KINDS = ("baseline", "hallucinator", "refuser", "malformed")
KINDS = (*CORE_KINDS, "slow", "crasher", "llm")
