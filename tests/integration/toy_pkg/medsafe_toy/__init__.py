"""A third-party suite shipped as its own package: add two numbers from the context.

It exists to prove that a suite is a package and an entry point, nothing else: no
medsafe adapter knows its name."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from medsafe_core.models import (
    Contract,
    Flags,
    Outcome,
    RewardProfile,
    Score,
    ScoreComponent,
    Task,
    TaskView,
)
from medsafe_core.parsing.types import ResponseFormat
from medsafe_core.participants.base import Participant
from medsafe_core.suites import Suite, SuiteInfo, SuiteKind

TOY_V1 = RewardProfile(
    name="toy-v1", suite="toy", values={"right": 1.0, "wrong": -1.0, "unparseable": -2.0}
)


class ToyInput(Contract):
    """The two numbers."""

    a: int
    """First addend."""
    b: int
    """Second addend."""


class ToyTarget(Contract):
    """The sum."""

    total: int
    """a + b."""


class ToyResponse(Contract):
    """The participant's answer."""

    answer: int
    """The sum it computed."""


class ToyOutcome(StrEnum):
    """Verdicts of the toy suite."""

    RIGHT = "right"
    WRONG = "wrong"
    FORMAT_ERROR = "format_error"


class ToySuite(Suite):
    """Add two numbers given in the context."""

    input_model = ToyInput
    target_model = ToyTarget
    response_model = ToyResponse
    outcome_enum = ToyOutcome

    def __init__(self) -> None:
        self.info = SuiteInfo(
            name="toy",
            version=1,
            scorer_version="toy-1",
            kind=SuiteKind.SINGLE_TURN,
            description="Add two numbers from the context (a third-party test suite).",
            categories=["small", "large"],
            response_formats=[ResponseFormat.JSON],
            default_profile=TOY_V1.name,
        )

    def generate(self, key: str, index: int, task_id: str) -> Task:
        rng = random.Random(hashlib.sha256(f"{key}:{index}".encode()).digest())
        large = rng.random() < 0.5
        a, b = (
            (rng.randint(100, 999), rng.randint(100, 999))
            if large
            else (rng.randint(1, 9), rng.randint(1, 9))
        )
        return Task(
            id=task_id,
            suite="toy",
            category="large" if large else "small",
            scenario=f"toy-{index}",
            context=f"a = {a}; b = {b}.",
            question="What is a + b?",
            input={"a": a, "b": b},
            truth={"total": a + b},
        )

    def instructions(self, fmt: ResponseFormat = ResponseFormat.JSON) -> str:
        return 'Respond with one JSON object: {"answer": <integer>}'

    def profiles(self) -> list[RewardProfile]:
        return [TOY_V1]

    def score(
        self,
        task: Task,
        response: str,
        profile: RewardProfile,
        fmt: ResponseFormat = ResponseFormat.AUTO,
        judge: Any = None,
    ) -> Score:
        try:
            answer = ToyResponse.model_validate(json.loads(response)).answer
        except (ValueError, TypeError):
            component = ScoreComponent(
                name="unparseable", value=profile["unparseable"], reason='not {"answer": <int>}'
            )
            return Score(
                reward=component.value,
                outcome=Outcome.FORMAT_ERROR,
                flags=Flags(format_error=True),
                penalties=[component],
                parse_error="not_json",
            )
        right = answer == ToyTarget.model_validate(task.truth).total
        name = "right" if right else "wrong"
        component = ScoreComponent(
            name=name, value=profile[name], reason=f"the sum is {'right' if right else 'wrong'}"
        )
        return Score(
            reward=component.value,
            outcome=ToyOutcome.RIGHT if right else ToyOutcome.WRONG,
            flags=Flags(safe=right),
            penalties=[component],
            details={"answer": answer},
        )

    def reference_participants(self) -> dict[str, Callable[[], Participant]]:
        return {"toy-adder": Adder, "toy-off-by-one": OffByOne}


class Adder:
    """Adds correctly."""

    name = "toy-adder"
    offset = 0

    def answer(self, task: TaskView, fmt: ResponseFormat) -> str:
        return json.dumps({"answer": task.input["a"] + task.input["b"] + self.offset})


class OffByOne(Adder):
    """Always one too many."""

    name = "toy-off-by-one"
    offset = 1
