"""Keep-alive connections to participants, one transport per connection.

httpcore's connection pool re-examines all of its connections on every request and
every response close (a socket poll for each idle one, and a pass over the pool for
each connection). With the 32 connections of an assessment at concurrency 32 that cost
about a millisecond of CPU per request, most of the green agent's CPU per sample.

`ConnectionSlots` keeps the same limits with constant work per request: each slot is
an ordinary transport holding at most one connection, and slots belong to one origin.
A request takes an idle slot of its origin (the most recently used, whose connection
is warm), else opens a new slot while the origin has fewer than `max_connections`,
else queues on the least busy slot (as it would wait for a free connection in one
pool). A slot is busy until its response is closed. Slots idle for longer than the
keep-alive expiry are closed now and then, so that finished participants do not keep
sockets open.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable

import httpx

from medsafe_agents.green.http11 import Http11Transport

KEEPALIVE_EXPIRY_S = 5.0
"""Idle time after which a slot's connection is closed (httpx's default expiry)."""

Origin = tuple[bytes, bytes, int | None]


class _Slot:
    __slots__ = ("busy", "closed", "idle_since", "origin", "transport")

    def __init__(self, origin: Origin, transport: httpx.AsyncBaseTransport) -> None:
        self.origin = origin
        self.transport = transport
        self.busy = 0
        """Requests sent on this slot whose responses are not closed yet."""
        self.idle_since = time.monotonic()
        self.closed = False


class ResponseTooLargeError(Exception):
    """A participant's HTTP response body exceeded the hard cap."""


class _ReleasingStream(httpx.AsyncByteStream):
    """A response body that gives its slot back when closed (once), stopped past
    `limit` bytes when one is set."""

    def __init__(
        self,
        inner: httpx.AsyncByteStream,
        pool: ConnectionSlots,
        slot: _Slot,
        limit: int | None,
        url: httpx.URL,
    ) -> None:
        self._inner = inner
        self._pool: ConnectionSlots | None = pool
        self._slot = slot
        self._limit = limit
        self._url = url

    async def __aiter__(self) -> AsyncIterator[bytes]:
        limit, seen = self._limit, 0
        async for chunk in self._inner:
            if limit is not None:
                seen += len(chunk)
                if seen > limit:
                    raise ResponseTooLargeError(
                        f"the response from {self._url} exceeded {limit} bytes"
                    )
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        finally:
            if self._pool is not None:
                self._pool.release(self._slot)
                self._pool = None


def single_connection_transport() -> Callable[[Origin], httpx.AsyncBaseTransport]:
    """A factory of HTTP transports limited to one keep-alive connection: our own on
    asyncio for plain HTTP (`Http11Transport`), httpx's default for HTTPS, all sharing
    one TLS context (building one per transport costs milliseconds)."""
    ssl_context = httpx.create_ssl_context()
    limits = httpx.Limits(
        max_connections=1, max_keepalive_connections=1, keepalive_expiry=KEEPALIVE_EXPIRY_S
    )

    def make(origin: Origin) -> httpx.AsyncBaseTransport:
        if origin[0] == b"http":
            return Http11Transport(KEEPALIVE_EXPIRY_S)
        return httpx.AsyncHTTPTransport(verify=ssl_context, limits=limits)

    return make


class ConnectionSlots(httpx.AsyncBaseTransport):
    """At most `max_connections` keep-alive connections per origin, one per slot, and
    optionally a hard cap on response bodies (as `CappedTransport`, without a layer)."""

    def __init__(
        self,
        max_connections: int,
        make_transport: Callable[[Origin], httpx.AsyncBaseTransport] | None = None,
        *,
        keepalive_expiry_s: float = KEEPALIVE_EXPIRY_S,
        max_body_bytes: int | None = None,
    ) -> None:
        self.max_connections = max(1, max_connections)
        self.max_body_bytes = max_body_bytes
        """Hard cap on a response body (ResponseTooLargeError past it), if any."""
        self._make = make_transport or single_connection_transport()
        self._expiry = keepalive_expiry_s
        self._slots: dict[Origin, list[_Slot]] = {}
        self._idle: dict[Origin, list[_Slot]] = {}
        """Idle slots per origin, the most recently used last."""
        self._next_sweep = time.monotonic() + keepalive_expiry_s

    def slots(self, origin: Origin) -> list[_Slot]:
        """The open slots of `origin` (for tests and diagnostics)."""
        return list(self._slots.get(origin, ()))

    def _take(self, origin: Origin) -> _Slot:
        idle = self._idle.get(origin)
        if idle:
            slot = idle.pop()
        else:
            slots = self._slots.setdefault(origin, [])
            if len(slots) < self.max_connections:
                slot = _Slot(origin, self._make(origin))
                slots.append(slot)
            else:
                slot = min(slots, key=lambda s: s.busy)
        slot.busy += 1
        return slot

    def release(self, slot: _Slot) -> None:
        """The response sent on `slot` was closed (or its request failed)."""
        slot.busy -= 1
        if slot.busy == 0 and not slot.closed:
            slot.idle_since = time.monotonic()
            self._idle.setdefault(slot.origin, []).append(slot)

    async def _sweep(self, now: float) -> None:
        """Close the slots idle for longer than the keep-alive expiry."""
        self._next_sweep = now + self._expiry
        for origin, idle in list(self._idle.items()):
            stale = [s for s in idle if now - s.idle_since > self._expiry]
            if not stale:
                continue
            idle[:] = [s for s in idle if s not in stale]
            self._slots[origin] = [s for s in self._slots[origin] if s not in stale]
            if not self._slots[origin]:
                del self._slots[origin], self._idle[origin]
            for slot in stale:
                slot.closed = True
                await slot.transport.aclose()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        now = time.monotonic()
        if now >= self._next_sweep:
            await self._sweep(now)
        url = request.url
        slot = self._take((url.raw_scheme, url.raw_host, url.port))
        try:
            response = await slot.transport.handle_async_request(request)
        except BaseException:
            self.release(slot)
            raise
        stream = response.stream
        assert isinstance(stream, httpx.AsyncByteStream)
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_ReleasingStream(stream, self, slot, self.max_body_bytes, url),
            extensions=response.extensions,
            request=request,
        )

    async def aclose(self) -> None:
        slots = [s for origin_slots in self._slots.values() for s in origin_slots]
        self._slots.clear()
        self._idle.clear()
        for slot in slots:
            slot.closed = True
            await slot.transport.aclose()
