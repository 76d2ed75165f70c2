"""Playing a whole episode of any episodic suite with an in-process participant.

Generic over `Suite` (nothing here is audit-specific): reset, then ask the participant
for one action per observation until the suite ends the episode. The transcript (a JSON
list of the raw actions) is what `Suite.score` replays, so a stored run re-scores.
"""

from __future__ import annotations

import json

from medsafe_core.models import RewardProfile, Score, Task, TaskView
from medsafe_core.parsing.types import ResponseFormat
from medsafe_core.participants.base import Participant
from medsafe_core.suites.base import Observation, Suite

SAFETY_CAP = 10_000
"""Most steps played even if a suite never ends an episode."""


def observation_view(observation: Observation) -> TaskView:
    """What an episodic participant answers: the task id and the observation's text."""
    return TaskView(
        id=observation.task.id, suite=observation.task.suite, question=observation.prompt
    )


def play_episode(
    suite: Suite,
    task: Task,
    participant: Participant,
    profile: RewardProfile | None = None,
    fmt: ResponseFormat = ResponseFormat.JSON,
) -> tuple[str, Score]:
    """(transcript, score) of one episode played to its end."""
    profile = profile or suite.default_profile()
    result = suite.reset(task, fmt)
    actions: list[str] = []
    while not result.done and len(actions) < SAFETY_CAP:
        action = participant.answer(observation_view(result.observation), fmt)
        actions.append(action)
        result = suite.step(task, result.state, action, profile)
    transcript = json.dumps(actions)
    score = result.score if result.score is not None else suite.score(task, transcript, profile)
    return transcript, score
