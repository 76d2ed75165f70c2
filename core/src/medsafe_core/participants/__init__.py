"""Reference participants that need no LLM: a grounded extractive baseline, a shallow
keyword-overlap participant, and deliberately bad participants (hallucinating, refusing,
malformed).

`PARTICIPANTS` maps a name to a factory: `PARTICIPANTS["baseline"]()` gives a new
participant. For convenience each factory also answers directly
(`PARTICIPANTS["baseline"].answer(task, fmt)`) with a shared instance; the reference
participants are stateless, so both are equivalent.
"""

from __future__ import annotations

from collections.abc import Callable

from medsafe_core.models import TaskView
from medsafe_core.parsing.types import ResponseFormat
from medsafe_core.participants.bad import CannedRefuser, Hallucinator, Malformed
from medsafe_core.participants.base import Participant
from medsafe_core.participants.extractive import ExtractiveBaseline
from medsafe_core.participants.render import render_response
from medsafe_core.participants.shallow import ShallowOverlap


class ParticipantFactory:
    """Makes participants of one kind; also answers directly with a shared instance."""

    def __init__(self, make: Callable[[], Participant]) -> None:
        self._make = make
        self._shared: Participant | None = None

    def __call__(self) -> Participant:
        return self._make()

    def answer(self, task: TaskView, fmt: ResponseFormat) -> str:
        """Answer with a shared instance (reference participants are stateless)."""
        if self._shared is None:
            self._shared = self._make()
        return self._shared.answer(task, fmt)


PARTICIPANTS: dict[str, ParticipantFactory] = {
    "baseline": ParticipantFactory(ExtractiveBaseline),
    "hallucinator": ParticipantFactory(Hallucinator),
    "refuser": ParticipantFactory(CannedRefuser),
    "malformed": ParticipantFactory(Malformed),
    "shallow": ParticipantFactory(ShallowOverlap),
}
"""Reference participants by name (the purple agent's `--kind`)."""

__all__ = [
    "PARTICIPANTS",
    "CannedRefuser",
    "ExtractiveBaseline",
    "Hallucinator",
    "Malformed",
    "Participant",
    "ParticipantFactory",
    "ShallowOverlap",
    "render_response",
]
