"""The participant protocol: something that answers a task view in a response format."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from medsafe_core.models import TaskView
from medsafe_core.parsing.types import ResponseFormat


@runtime_checkable
class Participant(Protocol):
    """A reference participant. It sees only the `TaskView` (never the ground truth)."""

    name: str
    """Short name, as registered in `PARTICIPANTS`."""

    def answer(self, task: TaskView, fmt: ResponseFormat) -> str:
        """The full response text for one task, in the requested format."""
        ...
