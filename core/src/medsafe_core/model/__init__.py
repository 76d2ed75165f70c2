"""Calling models: an async client for OpenAI-compatible chat endpoints (bounded
concurrency, retries, response cache, token counts and cost) and the model-graded
judge. An adapter around the pure engine: it does network I/O."""

from medsafe_core.model.client import MemoryCache, ModelClient, ResponseCache
from medsafe_core.model.settings import ModelSettings
from medsafe_core.model.types import (
    ChatMessage,
    ChatParams,
    ChatResult,
    ModelError,
    ModelErrorKind,
    Prices,
    Usage,
    cache_key,
)

__all__ = [
    "ChatMessage",
    "ChatParams",
    "ChatResult",
    "MemoryCache",
    "ModelClient",
    "ModelError",
    "ModelErrorKind",
    "ModelSettings",
    "Prices",
    "ResponseCache",
    "Usage",
    "cache_key",
]
