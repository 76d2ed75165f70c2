"""One keep-alive plain-HTTP/1.1 connection on asyncio, as an httpx transport.

Each connection slot of `ConnectionSlots` holds one connection. Through httpx's
transport and an httpcore pool of one, a participant call crossed four layers each
way (httpx's stream wrappers and exception mapping, the pool's request queue and
connection bookkeeping under anyio locks, the connection's own state lock and trace
hooks), about a third of the CPU of a call. `Http11Transport` keeps what those layers
do for one connection: h11 frames requests and parses responses (as in httpcore), a
request waits while the connection serves another, an idle connection is reused unless
the server closed it, sent something unasked or it idled past the keep-alive expiry,
and failures raise the httpx exceptions httpx's own transport raises (ConnectError,
ConnectTimeout, ReadTimeout, ReadError, RemoteProtocolError; "Server disconnected
without sending a response." as httpcore says it). TLS stays with httpx's transport.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import h11
import httpx

from medsafe_agents.green.sockets import SocketProtocol

_READ_SIZE = 64 * 1024
_MAX_INCOMPLETE_EVENT_SIZE = 100 * 1024
"""Largest response head h11 buffers (httpcore's value)."""


class _Connection:
    __slots__ = ("h11", "idle_since", "protocol", "transport")

    def __init__(self, transport: asyncio.Transport, protocol: SocketProtocol) -> None:
        self.transport = transport
        self.protocol = protocol
        self.h11 = h11.Connection(h11.CLIENT, max_incomplete_event_size=_MAX_INCOMPLETE_EVENT_SIZE)
        self.idle_since = time.monotonic()

    def reusable(self, now: float, expiry: float) -> bool:
        """Idle, open, nothing unasked from the server, not past the expiry."""
        protocol = self.protocol
        return (
            self.h11.our_state is h11.IDLE
            and not protocol.buffer
            and not protocol.eof
            and not self.transport.is_closing()
            and now - self.idle_since <= expiry
        )

    async def next_event(self, timeout: float | None, request: httpx.Request) -> object:
        while True:
            try:
                event = self.h11.next_event()
            except h11.RemoteProtocolError as exc:
                raise httpx.RemoteProtocolError(str(exc), request=request) from exc
            if event is not h11.NEED_DATA:
                return event
            protocol = self.protocol
            if not protocol.buffer and not protocol.eof:
                try:
                    async with asyncio.timeout(timeout):
                        await protocol.wait_readable()
                except TimeoutError as exc:
                    raise httpx.ReadTimeout(str(exc), request=request) from exc
            if protocol.buffer:
                data = protocol.take(_READ_SIZE)
            elif protocol.error is not None:
                error = protocol.error
                raise httpx.ReadError(str(error), request=request) from error
            else:
                data = b""
            if not data and self.h11.their_state is h11.SEND_RESPONSE:
                raise httpx.RemoteProtocolError(
                    "Server disconnected without sending a response.", request=request
                )
            self.h11.receive_data(data)


class _Body(httpx.AsyncByteStream):
    """A response body; closing it frees the connection for the next request."""

    def __init__(
        self,
        owner: Http11Transport,
        conn: _Connection,
        request: httpx.Request,
        timeout: float | None,
    ) -> None:
        self._owner = owner
        self._conn = conn
        self._request = request
        self._timeout = timeout
        self._complete = False
        self._released = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self._complete or self._released:
            return
        while True:
            event = await self._conn.next_event(self._timeout, self._request)
            if isinstance(event, h11.Data):
                yield bytes(event.data)
            elif isinstance(event, h11.EndOfMessage | h11.ConnectionClosed):
                self._complete = True
                return
            else:  # pragma: no cover - h11 sends nothing else inside a body
                raise httpx.RemoteProtocolError(f"unexpected {event!r}", request=self._request)

    async def aclose(self) -> None:
        if not self._released:
            self._released = True
            self._owner._release(self._conn, complete=self._complete)


class Http11Transport(httpx.AsyncBaseTransport):
    """At most one keep-alive connection (plain HTTP), one request at a time on it."""

    def __init__(self, keepalive_expiry_s: float) -> None:
        self._expiry = keepalive_expiry_s
        self._conn: _Connection | None = None
        self._lock = asyncio.Lock()
        """Held from a request's start until its response is closed."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await self._lock.acquire()
        try:
            return await self._send(request)
        except BaseException:
            self._lock.release()
            raise

    async def _connect(self, request: httpx.Request, timeout: float | None) -> _Connection:
        loop = asyncio.get_running_loop()
        url = request.url
        try:
            async with asyncio.timeout(timeout):
                transport, protocol = await loop.create_connection(
                    lambda: SocketProtocol(loop), url.host, url.port or 80
                )
        except TimeoutError as exc:
            raise httpx.ConnectTimeout(str(exc), request=request) from exc
        except OSError as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc
        assert isinstance(transport, asyncio.Transport)
        assert isinstance(protocol, SocketProtocol)
        return _Connection(transport, protocol)

    async def _send(self, request: httpx.Request) -> httpx.Response:
        timeouts = request.extensions.get("timeout", {})
        conn = self._conn
        if conn is not None and not conn.reusable(time.monotonic(), self._expiry):
            conn.transport.close()
            conn = self._conn = None
        if conn is None:
            conn = self._conn = await self._connect(request, timeouts.get("connect"))
        try:
            body = await request.aread()
            state = conn.h11
            url = request.url
            target = url.raw_path
            head = h11.Request(method=request.method, target=target, headers=request.headers.raw)
            data = state.send(head) or b""
            if body:
                data += state.send(h11.Data(data=body)) or b""
            data += state.send(h11.EndOfMessage()) or b""
            conn.transport.write(data)  # one send for the whole request
            await self._drain(conn, timeouts.get("write"), request)
            event = await conn.next_event(timeouts.get("read"), request)
            while isinstance(event, h11.InformationalResponse):
                event = await conn.next_event(timeouts.get("read"), request)
            if not isinstance(event, h11.Response):  # pragma: no cover - h11 ensures it
                raise httpx.RemoteProtocolError(f"unexpected {event!r}", request=request)
        except h11.LocalProtocolError as exc:
            self._drop(conn)
            raise httpx.LocalProtocolError(str(exc), request=request) from exc
        except BaseException:
            self._drop(conn)
            raise
        return httpx.Response(
            status_code=event.status_code,
            headers=event.headers.raw_items(),
            stream=_Body(self, conn, request, timeouts.get("read")),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": bytes(event.reason)},
        )

    @staticmethod
    async def _drain(conn: _Connection, timeout: float | None, request: httpx.Request) -> None:
        protocol = conn.protocol
        if not protocol.writing_paused:
            return
        try:
            async with asyncio.timeout(timeout):
                await protocol.drain()
        except TimeoutError as exc:
            raise httpx.WriteTimeout(str(exc), request=request) from exc

    def _drop(self, conn: _Connection) -> None:
        conn.transport.close()
        if self._conn is conn:
            self._conn = None

    def _release(self, conn: _Connection, *, complete: bool) -> None:
        """The response on `conn` was closed: keep the connection for the next request
        when both sides finished the exchange and may go on, else close it."""
        state = conn.h11
        if complete and state.our_state is h11.DONE and state.their_state is h11.DONE:
            state.start_next_cycle()
            conn.idle_since = time.monotonic()
        else:
            self._drop(conn)
        self._lock.release()

    async def aclose(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.transport.close()
