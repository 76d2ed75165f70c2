"""The model client's contracts: request parameters, results, prices and errors."""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ChatMessage(BaseModel):
    """One message of a chat request."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: Literal["system", "user", "assistant"]
    """Who speaks."""
    content: str
    """What is said."""


class ChatParams(BaseModel):
    """Everything about a request except the messages; part of the cache key."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str
    """Model name as the endpoint knows it."""
    temperature: float | None = Field(default=0.0, ge=0.0, le=2.0)
    """Sampling temperature (None: the endpoint's default)."""
    max_tokens: int | None = Field(default=None, ge=1)
    """Most completion tokens (None: the endpoint's default)."""
    top_p: float | None = Field(default=None, gt=0.0, le=1.0)
    """Nucleus sampling (None: the endpoint's default)."""
    seed: int | None = None
    """Sampling seed, for endpoints that honour it."""
    sample: int = Field(default=0, ge=0)
    """Which draw this is: repeated trials (epochs) of one prompt get different cache
    entries, so an epoch is a fresh sample, not a cached copy of epoch 0."""

    def body(self) -> dict[str, Any]:
        """The request fields the endpoint sees (`sample` stays ours)."""
        out: dict[str, Any] = {"model": self.model}
        for key in ("temperature", "max_tokens", "top_p", "seed"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


def cache_key(params: ChatParams, messages: list[ChatMessage]) -> str:
    """Hash of (model, parameters, prompt): the response cache's key."""
    blob = json.dumps(
        {
            "params": params.model_dump(mode="json"),
            "messages": [m.model_dump(mode="json") for m in messages],
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(blob.encode()).hexdigest()


class Usage(BaseModel):
    """Token counts of one completion."""

    model_config = ConfigDict(extra="forbid")

    prompt_tokens: int = 0
    """Input tokens."""
    completion_tokens: int = 0
    """Output tokens."""

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
        )


class ChatResult(BaseModel):
    """A completion as the endpoint gave it (or as the cache kept it)."""

    model_config = ConfigDict(extra="forbid")

    text: str
    """The assistant message's text."""
    usage: Usage = Field(default_factory=Usage)
    """Token counts the endpoint reported (zero when it reported none)."""
    finish_reason: str | None = None
    """Why generation stopped (`stop`, `length`, ...)."""
    latency_ms: float = 0.0
    """Wall time of the successful call (retries included)."""
    attempts: int = 1
    """HTTP calls made for this result."""
    cached: bool = False
    """True when the result came from the cache and cost nothing this time."""


class Prices(BaseModel):
    """What an endpoint charges, in currency units per million tokens."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    input_per_mtok: float = Field(ge=0.0)
    """Price of a million prompt tokens."""
    output_per_mtok: float = Field(ge=0.0)
    """Price of a million completion tokens."""

    def cost(self, usage: Usage) -> float:
        """Cost of these tokens."""
        return (
            usage.prompt_tokens * self.input_per_mtok
            + usage.completion_tokens * self.output_per_mtok
        ) / 1_000_000


class ModelErrorKind(StrEnum):
    """Why a call gave no completion. All are infrastructure errors, never answers."""

    RATE_LIMITED = "rate_limited"
    """HTTP 429 after every retry."""
    SERVER = "server"
    """HTTP 5xx after every retry."""
    TIMEOUT = "timeout"
    """No complete answer within the time limit, after every retry."""
    CONNECTION = "connection"
    """The endpoint could not be reached."""
    BAD_RESPONSE = "bad_response"
    """The endpoint answered something that is not a chat completion."""
    REJECTED = "rejected"
    """HTTP 4xx other than 429 (bad key, unknown model, bad request): not retried."""


RETRYABLE: frozenset[ModelErrorKind] = frozenset(
    {
        ModelErrorKind.RATE_LIMITED,
        ModelErrorKind.SERVER,
        ModelErrorKind.TIMEOUT,
        ModelErrorKind.CONNECTION,
        ModelErrorKind.BAD_RESPONSE,
    }
)
"""Kinds worth another try."""


class ModelError(Exception):
    """A call that gave no completion: an infrastructure error, kept apart from wrong
    answers (it becomes an ERROR sample, never a scored one)."""

    def __init__(
        self,
        kind: ModelErrorKind,
        reason: str,
        *,
        attempts: int = 1,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(f"{kind.value}: {reason}")
        self.kind = kind
        self.reason = reason
        self.attempts = attempts
        self.retry_after_s = retry_after_s

    @property
    def retryable(self) -> bool:
        """Whether another try may succeed."""
        return self.kind in RETRYABLE
