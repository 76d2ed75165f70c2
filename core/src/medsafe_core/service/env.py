"""The environment: drawing a task at reset, scoring a step, the state a participant sees.

Shared by the self-contained HTTP `/reset` and `/step` and by `/ws` sessions. Nothing
here puts a task's ground truth into an observation or a state.
"""

from __future__ import annotations

import json
import secrets
import uuid
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from medsafe_core.ids import TaskIdError, parse_task_id
from medsafe_core.models import Task
from medsafe_core.parsing.types import ResponseFormat
from medsafe_core.service.env_schemas import (
    EnvAction,
    EnvObservation,
    EnvResponse,
    EnvState,
    ResetRequest,
)
from medsafe_core.service.errors import ApiError, validation_problem
from medsafe_core.service.state import ServiceState
from medsafe_core.suites import EpisodeState, StepResult, Suite, SuiteKind, resolve_task

M = TypeVar("M", bound=BaseModel)


def parse_model(model: type[M], data: Any, prefix: str = "") -> M:
    """Validate data decoded from JSON into a model, or a 422 naming the fields."""
    try:  # through JSON, so that strict models see what an HTTP body would give them
        return model.model_validate_json(json.dumps(data))
    except ValidationError as exc:
        raise validation_problem(exc, prefix) from None


def lookup_task(state: ServiceState, task_id: str, field: str) -> Task:
    """Regenerate a task from its id, or a 422 naming the field."""
    try:
        return resolve_task(task_id, state.salt)
    except TaskIdError as exc:
        raise ApiError.invalid(field, str(exc)) from None


def draw_task(state: ServiceState, suite: Suite, req: ResetRequest, seed: int, index: int) -> Task:
    """The task a reset plays: `task_id`, else the `index`-th task of `seed` (of
    `category`, when given)."""
    if req.task_id is not None:
        task = lookup_task(state, req.task_id, "task_id")
        if task.suite != suite.name:
            raise ApiError.invalid("task_id", f"task {req.task_id} is not of suite {suite.name}")
        return task
    if req.category is None:
        return suite.task(seed, index)
    if req.category not in suite.info.categories:
        raise ApiError.invalid(
            "category", f"unknown category {req.category!r}; known: {suite.info.categories}"
        )
    for position, task in enumerate(suite.iter_tasks(seed, [req.category])):
        if position == index:
            return task
    raise ApiError.invalid("index", "no task at that index")  # pragma: no cover - infinite


def observation(
    suite: Suite, task: Task, fmt: ResponseFormat, episode_id: str, **extra: Any
) -> EnvObservation:
    """The participant-safe observation of a task."""
    view = task.view()
    return EnvObservation(
        task_id=view.id,
        suite=view.suite,
        context=view.context,
        question=view.question,
        input=view.input,
        prompt=suite.prompt(view, fmt),
        metadata={"episode_id": episode_id, **extra},
    )


class Episode:
    """One episode of one task (a `/ws` session holds one at a time)."""

    def __init__(
        self, suite: Suite, task: Task, fmt: ResponseFormat, episode_id: str, seed: int | None
    ) -> None:
        self.suite = suite
        self.task = task
        self.fmt = fmt
        self.episode_id = episode_id
        self.seed = seed
        self.first = suite.reset(task, fmt)
        self.state: EpisodeState = self.first.state

    @classmethod
    def start(
        cls, state: ServiceState, req: ResetRequest, *, default_index: int = 0
    ) -> tuple[Episode, int]:
        """Begin an episode; the index of the task drawn."""
        suite = state.suite(req.suite)
        seed = req.seed if req.seed is not None else secrets.randbelow(2**31)
        index = req.index if req.index is not None else default_index
        task = draw_task(state, suite, req, seed, index)
        parsed = parse_task_id(task.id)
        episode = cls(
            suite,
            task,
            req.format,
            req.episode_id or uuid.uuid4().hex,
            parsed.seed if parsed else None,
        )
        return episode, index

    def reset_response(self) -> EnvResponse:
        """The first observation (the suite's own first prompt: an episodic suite's
        opening observation, a single-turn suite's task with its instructions)."""
        obs = observation(self.suite, self.task, self.fmt, self.episode_id)
        obs.prompt = self.first.observation.prompt
        return EnvResponse(observation=obs, reward=None, done=False)

    def step(
        self, state: ServiceState, action: EnvAction, request_id: str | None = None
    ) -> EnvResponse:
        """Score the action against this episode's task."""
        if self.state.done:
            raise ApiError.invalid("action", "the episode has ended; reset to start another")
        if action.task_id is not None and action.task_id != self.task.id:
            raise ApiError.invalid(
                "action.task_id", f"this episode plays {self.task.id}, not {action.task_id}"
            )
        profile = state.profile(self.suite)
        result: StepResult = self.suite.step(self.task, self.state, action.llm_response, profile)
        self.state = result.state
        extra: dict[str, Any] = {"turn": result.observation.turn}
        if request_id is not None:
            extra["request_id"] = request_id
        if result.score is not None:
            score = result.score
            flags = score.flags.model_dump()
            extra |= flags  # top level too: the published client reads them there
            extra |= {
                "outcome": str(score.outcome),
                "flags": flags,
                "penalties": [p.model_dump(mode="json") for p in score.penalties],
                "response_format": score.response_format,
                "parse_error": score.parse_error,
                "unscored_reason": score.unscored_reason,
            }
        obs = observation(self.suite, self.task, self.fmt, self.episode_id, **extra)
        obs.feedback = result.observation.feedback
        obs.turn = result.observation.turn
        obs.prompt = result.observation.prompt  # episodic suites show their progress here
        return EnvResponse(observation=obs, reward=result.reward, done=result.done)

    def env_state(self) -> EnvState:
        """The state a participant may see."""
        return EnvState(
            episode_id=self.episode_id,
            step_count=self.state.turn,
            suite=self.suite.name,
            task_id=self.task.id,
            seed=self.seed,
            done=self.state.done,
        )


def stateless_step(state: ServiceState, action: EnvAction, request_id: str | None) -> EnvResponse:
    """HTTP `/step`: self-contained, the action names its task."""
    if action.task_id is None:
        raise ApiError.invalid(
            "action.task_id",
            "HTTP /step has no session: name the task (the `task_id` from /reset), or use /ws",
            "missing",
        )
    task = lookup_task(state, action.task_id, "action.task_id")
    suite = state.suite(task.suite, "action.task_id")
    if suite.info.kind == SuiteKind.EPISODIC:
        raise ApiError.invalid("action.task_id", "episodic suites need a /ws session")
    episode = Episode(suite, task, ResponseFormat.JSON, uuid.uuid4().hex, None)
    return episode.step(state, action, request_id)
