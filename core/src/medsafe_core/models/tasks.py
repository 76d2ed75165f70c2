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
    """A task as a participant sees it: no ground truth."""

    id: str
    """Readable, reversible id: `suite/version/seed/index` for generated tasks, the file's
    own id (or 1-based line number) for loaded ones."""
    suite: str
    """Name of the suite the task belongs to (`dipg`, ...)."""
    category: str
    """Suite-specific category, used for per-category metrics."""
    context: str
    """The clinical evidence the participant must answer from."""
    question: str
    """The question to answer."""
    scenario: str = ""
    """Cluster key: tasks that share a context share a scenario (for cluster bootstrap)."""
    group: str | None = None
    """Pair or episode group (paired suites: the two tasks of a matched pair)."""


class Task(TaskView):
    """A task with its ground truth. Never sent to a participant; use `view()`."""

    expected_answer: ExpectedAnswer
    """Ground truth for scoring."""
    truth: dict[str, Any] = Field(default_factory=dict)
    """Suite-specific hidden ground truth (e.g. injected errors of an audit cohort)."""

    def view(self) -> TaskView:
        """The participant-safe projection of this task."""
        return TaskView.model_validate(self.model_dump(include=set(TaskView.model_fields)))
