"""The AgentBeats EvalRequest the green agent accepts, and its validation."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from medsafe_core.parsing.types import ResponseFormat

PARTICIPANT_ROLE = "agent"
"""The one participant role of a medsafe assessment: the agent under test."""


class InvalidEvalRequestError(ValueError):
    """An EvalRequest that cannot be run; the message names every problem."""


class AssessmentConfig(BaseModel):
    """The `config` of an EvalRequest. Unknown keys are rejected."""

    model_config = ConfigDict(extra="forbid")

    suite: str = "dipg"
    """Suite to draw tasks from (single-turn and paired suites)."""
    num_tasks: int = Field(default=50, ge=1)
    """Number of distinct tasks."""
    seed: int = Field(default=1, ge=0, le=10**18)
    """Public seed of the task generator (official servers also mix in a secret salt)."""
    format: ResponseFormat = ResponseFormat.JSON
    """Answer format the participant is instructed to use (`json`, `xml`, `yaml`,
    `custom_tags`). Any supported format is parsed; plain prose fails the format gate."""
    concurrency: int = Field(default=8, ge=1)
    """Most participant calls in flight at once."""
    timeout_s: float = Field(default=60.0, gt=0, le=3600)
    """Time allowed for one task's answer, retries included."""
    epochs: int = Field(default=1, ge=1, le=20)
    """Trials per task (for pass^k)."""
    retries: int = Field(default=2, ge=0, le=5)
    """Retries of a participant call after a transport error (connection refused, reset)."""
    categories: list[str] | None = None
    """Only tasks of these categories (default: all)."""

    @field_validator("format")
    @classmethod
    def _concrete_format(cls, value: ResponseFormat) -> ResponseFormat:
        if value is ResponseFormat.AUTO:
            raise ValueError("choose a concrete answer format: json, xml, yaml or custom_tags")
        return value


class EvalRequest(BaseModel):
    """An AgentBeats assessment request: `{"participants": {"agent": url}, "config": {...}}`."""

    model_config = ConfigDict(extra="forbid")

    participants: dict[str, str]
    """Role to A2A URL; medsafe has one role, `agent`."""
    config: AssessmentConfig = Field(default_factory=AssessmentConfig)
    """How to run the assessment."""

    @field_validator("participants")
    @classmethod
    def _one_agent(cls, value: dict[str, str]) -> dict[str, str]:
        if set(value) != {PARTICIPANT_ROLE}:
            raise ValueError(
                f"expected exactly one participant with role {PARTICIPANT_ROLE!r}, "
                f"got roles {sorted(value)}"
            )
        return value

    @property
    def participant_url(self) -> str:
        """URL of the agent under test."""
        return self.participants[PARTICIPANT_ROLE]


def _describe(error: dict[str, Any]) -> str:
    loc = ".".join(str(p) for p in error["loc"]) or "request"
    if error["type"] == "extra_forbidden":
        return f"{loc}: unknown key"
    if error["type"] == "missing":
        return f"{loc}: required"
    return f"{loc}: {error['msg']} (got {error.get('input')!r})"


def looks_like_eval_request(payload: Any) -> bool:
    """Whether a message payload is meant as an EvalRequest (not chat)."""
    return isinstance(payload, dict) and ("participants" in payload or "config" in payload)


def payload_from_text(text: str) -> Any:
    """The JSON value of a message text, or None when it is not JSON."""
    stripped = text.strip()
    if not stripped.startswith("{"):
        return None
    try:
        return json.loads(stripped)
    except json.JSONDecodeError:
        return None


def parse_eval_request(payload: Any) -> EvalRequest:
    """Validate an EvalRequest payload; InvalidEvalRequestError lists every problem."""
    try:
        return EvalRequest.model_validate(payload)
    except ValidationError as exc:
        problems = "; ".join(_describe(dict(e)) for e in exc.errors())
        allowed = ", ".join(AssessmentConfig.model_fields)
        raise InvalidEvalRequestError(
            f"invalid EvalRequest: {problems}. Config keys: {allowed}."
        ) from None
