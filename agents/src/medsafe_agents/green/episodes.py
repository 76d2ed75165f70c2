"""Multi-turn assessments of episodic suites: the green agent plays each task as an
episode with the participant.

For each task: `Suite.reset`, then per turn send the observation (its text, and the same
as data) and read one action from the participant's answer, apply it with `Suite.step`,
reply with the next observation, until the suite ends the episode or the step limit.
The episode's transcript (the participant's raw actions, as a JSON list) is the
sample's response, so the normal scoring path (`Suite.score` replays the transcript)
gives the per-episode score and a stored run re-scores. Nothing here names a suite.

Hook: `plan, asker = episodic(plan, asker)` before `run_samples` (a no-op for suites
that are not episodic).
"""

from __future__ import annotations

import dataclasses
import json
import time
from typing import Any

from a2a.helpers import new_data_part, new_text_part
from a2a.types import Part

from medsafe_agents.a2a_app import parts_data
from medsafe_agents.green.assessment import Asker
from medsafe_agents.green.participant import Answer
from medsafe_agents.green.plan import AssessmentPlan
from medsafe_core.models import Task
from medsafe_core.suites import StepResult, SuiteKind

MAX_EPISODE_STEPS = 500
"""Steps the green agent plays at most, whatever the suite's own limit."""
_KEY = "medsafe.episode"


class EpisodicPlan(AssessmentPlan):
    """A plan whose per-task parts only name the task for `EpisodeAsker` (they never
    reach the participant: the asker sends the observations instead)."""

    def parts_for(self, task: Task) -> list[Part]:
        return [new_data_part({_KEY: task.id})]


class EpisodeAsker:
    """Plays a whole episode per `ask`, through the participant's own asker."""

    def __init__(
        self, inner: Asker, plan: AssessmentPlan, max_steps: int = MAX_EPISODE_STEPS
    ) -> None:
        self.inner = inner
        self.plan = plan
        self.max_steps = max_steps
        self.tasks = {t.id: t for t in plan.tasks}

    def _task(self, parts: list[Any]) -> Task:
        for data in parts_data(parts):
            found = data.get(_KEY) if isinstance(data, dict) else None
            if isinstance(found, str) and found in self.tasks:
                return self.tasks[found]
        raise ValueError("no episode task named in the parts")

    def observation_parts(self, result: StepResult, turn: int) -> list[Part]:
        """What the participant gets each turn: the observation, as text and as data."""
        obs = result.observation
        payload = {
            "task": {
                "suite": obs.task.suite,
                "context": "",
                "question": obs.prompt,
                "input": obs.task.input,
            },
            "format": str(self.plan.request.config.format),
            "episode": {"turn": turn, "feedback": obs.feedback},
        }
        return [new_text_part(obs.prompt), new_data_part(payload)]

    async def ask(self, parts: list[Any]) -> Answer:
        """Play the episode of the task the parts name; the transcript as the answer."""
        task = self._task(parts)
        suite, profile = self.plan.suite, self.plan.profile
        fmt = self.plan.request.config.format
        result = suite.reset(task, fmt)
        actions: list[str] = []
        latency, attempts, started = 0.0, 0, time.monotonic()
        while not result.done and len(actions) < self.max_steps:
            answer = await self.inner.ask(self.observation_parts(result, len(actions)))
            latency += answer.latency_ms
            attempts += answer.attempts
            if answer.response is None:
                return Answer(
                    None,
                    f"turn {len(actions) + 1} of the episode: {answer.error}",
                    latency_ms=(time.monotonic() - started) * 1000,
                    attempts=attempts,
                )
            actions.append(answer.response)
            result = suite.step(task, result.state, answer.response, profile)
        return Answer(json.dumps(actions), latency_ms=latency, attempts=max(1, attempts))


def episodic(plan: AssessmentPlan, asker: Asker) -> tuple[AssessmentPlan, Asker]:
    """The plan and asker that play `plan`'s tasks as episodes; both unchanged when the
    suite is not episodic."""
    if plan.suite.info.kind is not SuiteKind.EPISODIC:
        return plan, asker
    fields = {f.name: getattr(plan, f.name) for f in dataclasses.fields(plan) if f.init}
    return EpisodicPlan(**fields), EpisodeAsker(asker, plan)
