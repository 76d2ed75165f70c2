"""Helpers for the audit suite tests: play an episode through the Suite interface."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from medsafe_core.models import RewardProfile, Score, Task, TaskView
from medsafe_core.participants.base import Participant
from medsafe_core.suites import EpisodeState, StepResult, get_suite
from medsafe_core.suites.audit import AuditSuite


def audit() -> AuditSuite:
    suite = get_suite("audit")
    assert isinstance(suite, AuditSuite)
    return suite


def call(tool: str, **arguments: object) -> str:
    return json.dumps({"tool": tool, "arguments": arguments})


@dataclass
class Played:
    steps: list[StepResult] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)

    @property
    def final(self) -> StepResult:
        return self.steps[-1]

    @property
    def score(self) -> Score:
        assert self.final.score is not None
        return self.final.score

    @property
    def state(self) -> EpisodeState:
        return self.final.state


def play(task: Task, participant: Participant, profile: RewardProfile | None = None) -> Played:
    """Play one episode to its end through reset/step."""
    suite = audit()
    profile = profile or suite.default_profile()
    result = suite.reset(task)
    played = Played()
    while not result.done:
        view = TaskView(id=task.id, suite=task.suite, question=result.observation.prompt)
        action = participant.answer(view)
        played.actions.append(action)
        result = suite.step(task, result.state, action, profile)
        played.steps.append(result)
    return played
