"""OpenEnv-compatible environment shapes: action, observation, reset/step bodies, state.

They follow openenv-core's server: `POST /reset` and `POST /step` answer
`{"observation": {...}, "reward": float | null, "done": bool}`; `/ws` carries
`{"type": "reset" | "step" | "state" | "close", "data": {...}}` and answers
`{"type": "observation" | "state" | "error", "data": {...}}`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from medsafe_core.ids import MAX_INDEX
from medsafe_core.parsing.types import ResponseFormat


class EnvAction(BaseModel):
    """What a participant does in a step (published field `llm_response`)."""

    model_config = ConfigDict(strict=True, use_attribute_docstrings=True, extra="forbid")

    llm_response: str = Field(max_length=1_000_000)
    """The model's raw response."""
    task_id: str | None = Field(None, max_length=300)
    """Task the response answers; required on HTTP `/step` (it has no session)."""
    metadata: dict[str, Any] = Field(default_factory=dict)
    """Free-form metadata (OpenEnv's Action base field); ignored by scoring."""


class ResetRequest(BaseModel):
    """Body of `POST /reset` and data of a `/ws` reset message."""

    model_config = ConfigDict(strict=True, use_attribute_docstrings=True, extra="forbid")

    seed: int | None = Field(None, ge=0, le=2**63 - 1)
    """Generator seed; random when absent."""
    episode_id: str | None = Field(None, max_length=255)
    """Custom episode identifier."""
    suite: str = Field("dipg", max_length=32)
    """Suite to play."""
    task_id: str | None = Field(None, max_length=300)
    """Play this task instead of drawing one."""
    index: int | None = Field(None, ge=0, le=MAX_INDEX)
    """Task index within the seed; default 0 on HTTP, the next index in a session."""
    category: str | None = Field(None, max_length=300)
    """Draw only tasks of this category."""
    format: ResponseFormat = ResponseFormat.JSON
    """Response format the prompt asks for."""


class StepRequest(BaseModel):
    """Body of `POST /step` (OpenEnv's StepRequest)."""

    model_config = ConfigDict(strict=True, use_attribute_docstrings=True, extra="forbid")

    action: EnvAction
    """The action; on HTTP it must name its `task_id`."""
    timeout_s: float | None = Field(None, gt=0, le=3600)
    """Accepted for OpenEnv compatibility; scoring does not wait on anything."""
    request_id: str | None = Field(None, max_length=255)
    """Optional request identifier, echoed in the observation metadata."""


class EnvObservation(BaseModel):
    """What the participant sees: the task (never its answer), prompt and feedback."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    task_id: str
    """Id of the task being played."""
    suite: str
    """Suite name."""
    context: str
    """Clinical evidence to answer from."""
    question: str
    """The question."""
    input: dict[str, Any] = Field(default_factory=dict)
    """Suite-specific structured input (the category is never shown: it can reveal the
    expected answer kind)."""
    prompt: str
    """Full prompt with answer-format instructions."""
    feedback: str = ""
    """After a step: the penalties and rewards applied, with their reasons."""
    turn: int = 0
    """Steps taken in the episode."""
    metadata: dict[str, Any] = Field(default_factory=dict)
    """After a step: `outcome`, `flags`, `penalties` (with evidence spans),
    `response_format`, `parse_error`; always `episode_id`."""


class EnvResponse(BaseModel):
    """Answer of `/reset` and `/step` (OpenEnv's ResetResponse/StepResponse)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    observation: EnvObservation
    """The observation."""
    reward: float | None = None
    """Reward of the step (None at reset and when unscored)."""
    done: bool = False
    """Whether the episode ended."""


class EnvState(BaseModel):
    """Episode state as shown to the participant (OpenEnv's State plus task fields)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    episode_id: str | None = None
    """Episode identifier."""
    step_count: int = 0
    """Steps taken in the current episode."""
    suite: str | None = None
    """Suite being played."""
    task_id: str | None = None
    """Task being played."""
    seed: int | None = None
    """Seed of the session's tasks."""
    done: bool = False
    """Whether the episode ended."""


class SchemaResponse(BaseModel):
    """JSON schemas of action, observation and state (OpenEnv's `/schema`)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    action: dict[str, Any]
    """Schema of `EnvAction`."""
    observation: dict[str, Any]
    """Schema of `EnvObservation`."""
    state: dict[str, Any]
    """Schema of `EnvState`."""


class EnvMetadata(BaseModel):
    """OpenEnv's `/metadata`."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    name: str
    """Environment name."""
    description: str
    """What it measures."""
    version: str | None = None
    """medsafe-core version."""
    suites: list[str] = Field(default_factory=list)
    """Suites that can be chosen at reset."""


class WSMessage(BaseModel):
    """A message on `/ws`."""

    model_config = ConfigDict(use_attribute_docstrings=True, extra="forbid")

    type: Literal["reset", "step", "state", "close"]
    """Message type."""
    data: dict[str, Any] = Field(default_factory=dict)
    """Reset parameters, or the action of a step."""
