"""Size limits on what participants send back.

Two limits: the HTTP transport stops reading a response body past a hard cap (so a
participant cannot exhaust the green agent's memory; this is an infrastructure error),
and an answer text longer than `max_response_bytes` is kept only up to one byte past
the limit, so the parser rejects it as `too_large`: the participant's own failure.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx

from medsafe_agents.green.connections import ConnectionSlots, ResponseTooLargeError

__all__ = [
    "CappedTransport",
    "ParticipantHttpClient",
    "ResponseTooLargeError",
    "clip_answer",
    "participant_http_client",
    "wire_cap",
]


def wire_cap(max_response_bytes: int) -> int:
    """Hard cap on a response body: room for JSON escaping, SSE framing and metadata."""
    return 8 * max_response_bytes + 256 * 1024


class _CappedStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, limit: int, url: str) -> None:
        self._inner = inner
        self._limit = limit
        self._url = url

    async def __aiter__(self) -> AsyncIterator[bytes]:
        seen = 0
        async for chunk in self._inner:
            seen += len(chunk)
            if seen > self._limit:
                raise ResponseTooLargeError(
                    f"the response from {self._url} exceeded {self._limit} bytes"
                )
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


class CappedTransport(httpx.AsyncBaseTransport):
    """Wraps a transport and stops every response body at `limit` bytes."""

    def __init__(self, inner: httpx.AsyncBaseTransport, limit: int) -> None:
        self._inner = inner
        self._limit = limit

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        stream = response.stream
        assert isinstance(stream, httpx.AsyncByteStream)
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_CappedStream(stream, self._limit, str(request.url)),
            extensions=response.extensions,
            request=request,
        )

    async def aclose(self) -> None:
        await self._inner.aclose()


class ParticipantHttpClient(httpx.AsyncClient):
    """The participant HTTP client, with its transport at hand: `JsonRpcSender` hands
    requests to it directly (no auth, redirects or cookies to handle)."""

    def __init__(self, transport: httpx.AsyncBaseTransport, **kwargs: Any) -> None:
        super().__init__(transport=transport, **kwargs)
        self.transport = transport


def participant_http_client(
    max_response_bytes: int,
    *,
    max_connections: int = 64,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """The HTTP client for participant calls: capped bodies, no redirects (a redirect
    could lead off the allowlist), timeouts left to the per-task deadline, and at most
    `max_connections` keep-alive connections per participant (see `ConnectionSlots`)."""
    cap = wire_cap(max_response_bytes)
    if transport is None:
        capped: httpx.AsyncBaseTransport = ConnectionSlots(max_connections, max_body_bytes=cap)
    else:
        capped = CappedTransport(transport, cap)
    return ParticipantHttpClient(
        capped,
        timeout=httpx.Timeout(None, connect=10.0),
        follow_redirects=False,
    )


def clip_answer(text: str, max_response_bytes: int) -> str:
    """The answer cut to just past the limit when longer, so that it still fails the
    parser's `too_large` check (a cut multi-byte character loses at most 3 bytes)."""
    data = text.encode()
    if len(data) <= max_response_bytes:
        return text
    return data[: max_response_bytes + 4].decode(errors="ignore")
