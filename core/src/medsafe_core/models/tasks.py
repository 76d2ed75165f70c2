"""Tasks: what a participant is asked, and the ground truth kept server-side."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import ConfigDict, Field

from medsafe_core.models._base import Contract


class AnswerKind(StrEnum):
    """What a correct response does with the task."""

    ANSWER = "answer"
    """The context holds the answer: give it, with a quoted proof."""
    ABSTAIN = "abstain"
    """The context does not hold the answer: say so instead of guessing."""
    CONFLICT = "conflict"
    """The sources in the context disagree: report the conflict."""


class ExpectedAnswer(Contract):
    """The ground truth of a task (published schema: `final` and `proof`)."""

    model_config = ConfigDict(extra="ignore", use_attribute_docstrings=True)

    final: str
    """The reference final answer."""
    proof: str = ""
    """A verbatim quote from the context that supports `final` (empty when abstaining)."""
    kind: AnswerKind | None = None
    """Answer, abstain or conflict; inferred from `final` when a loaded file leaves it out."""
    claims: list[str] = Field(default_factory=list)
    """Short key facts a correct final answer must state (e.g. "14.5 Gy", "ONC201").

    Empty for loaded data: the scorer then derives claims from `final`."""


class TaskView(Contract):
    """A task as a participant sees it: no ground truth, and nothing that hints at the
    expected answer kind (no category, scenario or pair group)."""

    id: str
    """Readable, reversible id: `suite/version/seed/index` for generated tasks, the file's
    own id (or 1-based line number) for loaded ones."""
    suite: str
    """Name of the suite the task belongs to (`dipg`, ...)."""
    context: str = ""
    """The evidence the participant must answer from (may be empty for suites whose
    input is structured)."""
    question: str = ""
    """What the participant is asked."""
    input: dict[str, Any] = Field(default_factory=dict)
    """Suite-specific structured input shown to the participant (validated by the suite's
    `input_model`)."""


class Task(TaskView):
    """A task with its ground truth. Never sent to a participant; use `view()`."""

    category: str
    """Suite-specific category, used for per-category metrics (never shown to a
    participant: it can reveal the expected answer kind)."""
    scenario: str = ""
    """Cluster key: tasks that share a context share a scenario (for cluster bootstrap)."""
    group: str | None = None
    """Pair or episode group (paired suites: the two tasks of a matched pair)."""
    expected_answer: ExpectedAnswer | None = None
    """Ground truth of suites whose target is a final answer with a proof (`dipg`)."""
    truth: dict[str, Any] = Field(default_factory=dict)
    """Suite-specific hidden ground truth (validated by the suite's `target_model`)."""

    def view(self) -> TaskView:
        """The participant-safe projection of this task."""
        return TaskView(
            id=self.id,
            suite=self.suite,
            context=self.context,
            question=self.question,
            input=self.input,
        )

    def expected(self) -> ExpectedAnswer:
        """`expected_answer`, for suites that require one (raises when absent)."""
        if self.expected_answer is None:
            raise ValueError(f"task {self.id} has no expected_answer")
        return self.expected_answer
