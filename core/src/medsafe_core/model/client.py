"""An async client for any OpenAI-compatible chat-completions endpoint.

* Bounded concurrency: at most `concurrency` calls in flight.
* Retries with exponential backoff and jitter on 429 (honouring Retry-After), 5xx,
  timeouts, dropped connections and garbled answers; other 4xx are not retried.
* Every failure is a `ModelError` (an infrastructure error), never an answer text, so
  callers keep infrastructure errors apart from wrong answers.
* A response cache keyed by (model, parameters, prompt): a repeated call costs nothing,
  so an interrupted run resumes without paying twice.
* Token counts per call and in total; with prices, the cost.

The time limit covers the whole answer: an endpoint that trickles bytes forever times
out like one that never answers.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Sequence
from types import TracebackType
from typing import Any, Protocol

import httpx

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

logger = logging.getLogger(__name__)

MAX_ERROR_BODY = 200
"""Characters of an error body kept in a reason."""


class ResponseCache(Protocol):
    """Where completions are kept by `cache_key` (the store, or memory in tests)."""

    async def get(self, key: str) -> ChatResult | None:
        """The kept result, if any."""
        ...

    async def put(self, key: str, params: ChatParams, result: ChatResult) -> None:
        """Keep a result."""
        ...


class MemoryCache:
    """A process-local `ResponseCache`."""

    def __init__(self) -> None:
        self._items: dict[str, ChatResult] = {}

    async def get(self, key: str) -> ChatResult | None:
        """The kept result, if any."""
        return self._items.get(key)

    async def put(self, key: str, params: ChatParams, result: ChatResult) -> None:
        """Keep a result."""
        self._items[key] = result


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _parse_completion(data: Any) -> tuple[str, Usage, str | None]:
    """Text, usage and finish reason of a chat completion; ModelError when it is not one."""
    try:
        choice = data["choices"][0]
        message = choice["message"]
        content = message.get("content")
    except (KeyError, IndexError, TypeError, AttributeError):
        raise ModelError(
            ModelErrorKind.BAD_RESPONSE, "the answer is not a chat completion"
        ) from None
    if content is None:
        content = ""
    if not isinstance(content, str):
        # some endpoints send a list of content parts
        if isinstance(content, list):
            content = "".join(
                p.get("text", "") for p in content if isinstance(p, dict) and p.get("text")
            )
        else:
            raise ModelError(ModelErrorKind.BAD_RESPONSE, "the completion has no text content")
    raw_usage = data.get("usage") if isinstance(data, dict) else None
    usage = Usage()
    if isinstance(raw_usage, dict):
        usage = Usage(
            prompt_tokens=int(raw_usage.get("prompt_tokens") or 0),
            completion_tokens=int(raw_usage.get("completion_tokens") or 0),
        )
    finish = choice.get("finish_reason") if isinstance(choice, dict) else None
    return content, usage, finish if isinstance(finish, str) else None


class ModelClient:
    """Calls `POST {base_url}/chat/completions`. Use as an async context manager, or
    call `aclose()`. Safe to share between tasks of one event loop."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        concurrency: int = 8,
        timeout_s: float = 120.0,
        max_retries: int = 4,
        backoff_s: float = 1.0,
        max_backoff_s: float = 30.0,
        cache: ResponseCache | None = None,
        prices: Prices | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.base_url = base_url.rstrip("/")
        self._http = httpx.AsyncClient(
            base_url=self.base_url + "/",
            headers=headers,
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 10.0)),
            transport=transport,
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        )
        self._limit = asyncio.Semaphore(concurrency)
        self.concurrency = concurrency
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.cache = cache
        self.prices = prices
        self.usage = Usage()
        """Tokens of every completion fetched from the endpoint (cache hits excluded)."""
        self.calls = 0
        """HTTP calls made (retries included)."""
        self.cache_hits = 0
        """Results served from the cache."""

    @classmethod
    def from_settings(
        cls,
        settings: ModelSettings | None = None,
        *,
        base_url: str | None = None,
        **overrides: Any,
    ) -> ModelClient:
        """A client configured by `ModelSettings` (environment), with overrides."""
        s = settings or ModelSettings()
        url = base_url or s.base_url
        if not url:
            raise ValueError("no endpoint: pass --base-url or set MEDSAFE_LLM_BASE_URL")
        kwargs: dict[str, Any] = {
            "api_key": s.key(),
            "concurrency": s.concurrency,
            "timeout_s": s.timeout_s,
            "max_retries": s.max_retries,
            "backoff_s": s.backoff_s,
            "max_backoff_s": s.max_backoff_s,
        }
        kwargs.update({k: v for k, v in overrides.items() if v is not None})
        return cls(url, **kwargs)

    @property
    def cost(self) -> float | None:
        """Cost of the tokens fetched so far (None without prices)."""
        return self.prices.cost(self.usage) if self.prices else None

    async def __aenter__(self) -> ModelClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._http.aclose()

    async def chat(
        self,
        params: ChatParams,
        messages: Sequence[ChatMessage],
        *,
        use_cache: bool = True,
    ) -> ChatResult:
        """One completion, from the cache when it holds one. Raises ModelError."""
        msgs = list(messages)
        key = cache_key(params, msgs)
        if use_cache and self.cache is not None:
            hit = await self.cache.get(key)
            if hit is not None:
                self.cache_hits += 1
                return hit.model_copy(update={"cached": True})
        result = await self._call_with_retries(params, msgs)
        self.usage = self.usage + result.usage
        if use_cache and self.cache is not None:
            await self.cache.put(key, params, result)
        return result

    async def complete(self, params: ChatParams, prompt: str, system: str | None = None) -> str:
        """The text of one completion of a single user prompt. Raises ModelError."""
        messages = [ChatMessage(role="system", content=system)] if system else []
        messages.append(ChatMessage(role="user", content=prompt))
        return (await self.chat(params, messages)).text

    async def _call_with_retries(
        self, params: ChatParams, messages: list[ChatMessage]
    ) -> ChatResult:
        body = {**params.body(), "messages": [m.model_dump() for m in messages]}
        started = time.perf_counter()
        attempt = 0
        while True:
            attempt += 1
            try:
                async with self._limit:
                    text, usage, finish = await self._call_once(body)
            except ModelError as exc:
                exc.attempts = attempt
                if not exc.retryable or attempt > self.max_retries:
                    raise
                delay = self._delay(attempt, exc.retry_after_s)
                logger.info(
                    "model call failed (%s), retry %d/%d in %.2fs",
                    exc.kind.value,
                    attempt,
                    self.max_retries,
                    delay,
                )
                await asyncio.sleep(delay)
                continue
            return ChatResult(
                text=text,
                usage=usage,
                finish_reason=finish,
                latency_ms=(time.perf_counter() - started) * 1000,
                attempts=attempt,
            )

    def _delay(self, attempt: int, retry_after_s: float | None) -> float:
        if retry_after_s is not None:
            return min(retry_after_s, self.max_backoff_s)
        base = self.backoff_s * 2.0 ** (attempt - 1)
        return min(self.max_backoff_s, base * (0.5 + random.random()))

    async def _call_once(self, body: dict[str, Any]) -> tuple[str, Usage, str | None]:
        self.calls += 1
        try:
            async with asyncio.timeout(self.timeout_s):
                response = await self._http.post("chat/completions", json=body)
        except TimeoutError:
            raise ModelError(
                ModelErrorKind.TIMEOUT, f"no complete answer within {self.timeout_s:g}s"
            ) from None
        except httpx.TimeoutException as exc:
            raise ModelError(ModelErrorKind.TIMEOUT, f"{type(exc).__name__}") from None
        except httpx.TransportError as exc:
            raise ModelError(
                ModelErrorKind.CONNECTION, f"{type(exc).__name__}: {exc}"[:MAX_ERROR_BODY]
            ) from None
        status = response.status_code
        if status == 429:
            raise ModelError(
                ModelErrorKind.RATE_LIMITED,
                "HTTP 429 (rate limited)",
                retry_after_s=_retry_after(response),
            )
        if status >= 500:
            raise ModelError(
                ModelErrorKind.SERVER,
                f"HTTP {status}: {response.text[:MAX_ERROR_BODY]}",
                retry_after_s=_retry_after(response),
            )
        if status >= 400:
            raise ModelError(
                ModelErrorKind.REJECTED, f"HTTP {status}: {response.text[:MAX_ERROR_BODY]}"
            )
        try:
            data = response.json()
        except ValueError:
            raise ModelError(
                ModelErrorKind.BAD_RESPONSE,
                f"the answer is not JSON: {response.text[:60]!r}",
            ) from None
        return _parse_completion(data)
