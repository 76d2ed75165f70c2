"""The AgentBeats EvalRequest the green agent accepts, and its validation."""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from medsafe_core.parsing.types import ResponseFormat

NUMBER_FIELDS = ("num_tasks", "seed", "concurrency", "timeout_s", "epochs", "retries")
INTEGER_FIELDS = frozenset({"num_tasks", "seed", "concurrency", "epochs", "retries"})
PARTICIPANT_ROLE = "agent"
"""The one participant role of a medsafe assessment: the agent under test."""


class InvalidEvalRequestError(ValueError):
    """An EvalRequest that cannot be run; the message names every problem."""


class AssessmentConfig(BaseModel):
    """The `config` of an EvalRequest. Unknown keys are rejected."""

    model_config = ConfigDict(extra="forbid")

    suite: str = Field(default="dipg", min_length=1, max_length=64)
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
    categories: list[Annotated[str, Field(min_length=1, max_length=64)]] | None = Field(
        default=None, max_length=64
    )
    """Only tasks of these categories (default: all)."""

    @field_validator(*NUMBER_FIELDS, mode="before")
    @classmethod
    def _json_number(cls, value: Any, info: Any) -> Any:
        # Strict: JSON numbers only (no booleans, no numeric strings). A2A data parts
        # carry every number as a double, so an integral float stands for an integer.
        if isinstance(value, bool) or not isinstance(value, int | float):
            kind = "an integer" if info.field_name in INTEGER_FIELDS else "a number"
            raise ValueError(f"must be {kind} (a JSON number, not {type(value).__name__})")
        if info.field_name in INTEGER_FIELDS and isinstance(value, float):
            if not value.is_integer():
                raise ValueError("must be a whole number")
            return int(value)
        return value

    @field_validator("format", mode="before")
    @classmethod
    def _format_name(cls, value: Any) -> Any:
        if value == ResponseFormat.AUTO or value == "auto":
            raise ValueError("choose a concrete answer format: json, xml, yaml or custom_tags")
        return value

    @field_validator("format")
    @classmethod
    def _concrete_format(cls, value: ResponseFormat) -> ResponseFormat:
        if value is ResponseFormat.AUTO:
            raise ValueError("choose a concrete answer format: json, xml, yaml or custom_tags")
        return value


class EvalRequest(BaseModel):
    """An AgentBeats assessment request: `{"participants": {"agent": url}, "config": {...}}`."""

    model_config = ConfigDict(extra="forbid")

    participants: dict[
        Annotated[str, Field(max_length=64)], Annotated[str, Field(min_length=1, max_length=2048)]
    ]
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
    shown = repr(error.get("input"))
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{loc}: {error['msg']} (got {shown})"


def _meant_as_eval_request(text: str) -> bool:
    stripped = text.strip()
    return stripped.startswith("{") and ('"participants"' in stripped or '"config"' in stripped)


def eval_request_payload(texts: list[str], data: list[Any]) -> Any:
    """The EvalRequest payload of a message (its text parts and data parts), None when
    the message is chat. A data part that is an EvalRequest may come with a caption
    text; a request sent as text must come alone. InvalidEvalRequestError when the
    message is meant as an EvalRequest but is not one: JSON that does not parse, two
    requests, or other parts beside a text request (they would be ignored silently)."""
    texts = [t for t in texts if t.strip()]
    from_data = [d for d in data if looks_like_eval_request(d)]
    from_text = []
    for text in (t for t in texts if _meant_as_eval_request(t)):
        try:
            from_text.append(json.loads(text))
        except json.JSONDecodeError as exc:
            raise InvalidEvalRequestError(
                f"invalid EvalRequest: the message text is not valid JSON ({exc.msg} at "
                f"line {exc.lineno} column {exc.colno})"
            ) from None
    found = len(from_data) + len(from_text)
    if found > 1:
        raise InvalidEvalRequestError(
            f"invalid EvalRequest: the message holds {found} requests; send one per message"
        )
    if from_data:
        return from_data[0]
    if not from_text:
        return None
    others = len(texts) + len(data) - 1
    if others:
        raise InvalidEvalRequestError(
            "invalid EvalRequest: a request sent as text must be the message's only part; "
            f"this message has {others} other part(s), which would not be read (send a "
            "caption beside a request only with the request as a data part)"
        )
    return from_text[0]


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
