"""Plain-HTTP connections for httpcore on asyncio itself, without anyio's layer.

httpcore reaches the network through anyio, which on every write adds a cancel scope
and a yield to the event loop, and answers httpcore's "is this idle connection
readable?" (asked before each reuse) by building a dict of socket attributes. For the
green agent's many small participant calls that was about 0.2 ms of CPU per request.
This backend serves httpcore from an `asyncio.Protocol` with its own read buffer. It
opens plain TCP connections only (TLS stays with httpx's default transport, see
`ConnectionSlots`).
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterable
from typing import Any

import httpcore

_PAUSE_ABOVE = 256 * 1024
"""Bytes buffered before the socket stops being read (until httpcore reads them)."""
_RESUME_BELOW = 64 * 1024


class _Protocol(asyncio.Protocol):
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.eof = False
        """The peer closed its side, or the connection is lost."""
        self.error: BaseException | None = None
        self.reading_paused = False
        self.writing_paused = False
        self._read_waiter: asyncio.Future[None] | None = None
        self._drain_waiter: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self._wake_reader()
        if len(self.buffer) > _PAUSE_ABOVE and not self.reading_paused and self.transport:
            self.transport.pause_reading()
            self.reading_paused = True

    def eof_received(self) -> bool:
        self.eof = True
        self._wake_reader()
        return False  # the transport closes itself

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self.error = exc
        self._wake_reader()
        self._wake_drain()

    def pause_writing(self) -> None:
        self.writing_paused = True

    def resume_writing(self) -> None:
        self.writing_paused = False
        self._wake_drain()

    def _wake_reader(self) -> None:
        waiter = self._read_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _wake_drain(self) -> None:
        waiter = self._drain_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def wait_readable(self) -> None:
        while not self.buffer and not self.eof:
            self._read_waiter = self.loop.create_future()
            try:
                await self._read_waiter
            finally:
                self._read_waiter = None

    async def drain(self) -> None:
        while self.writing_paused and not self.eof:
            self._drain_waiter = self.loop.create_future()
            try:
                await self._drain_waiter
            finally:
                self._drain_waiter = None

    def take(self, max_bytes: int) -> bytes:
        data = bytes(self.buffer[:max_bytes])
        del self.buffer[:max_bytes]
        if self.reading_paused and len(self.buffer) < _RESUME_BELOW and self.transport:
            self.transport.resume_reading()
            self.reading_paused = False
        return data


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One TCP connection, as httpcore's network stream."""

    def __init__(self, transport: asyncio.Transport, protocol: _Protocol) -> None:
        self._transport = transport
        self._protocol = protocol

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        protocol = self._protocol
        if not protocol.buffer and not protocol.eof:
            try:
                async with asyncio.timeout(timeout):
                    await protocol.wait_readable()
            except TimeoutError as exc:
                raise httpcore.ReadTimeout(str(exc)) from exc
        if protocol.buffer:
            return protocol.take(max_bytes)
        if protocol.error is not None:
            raise httpcore.ReadError(str(protocol.error)) from protocol.error
        return b""

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        if self._transport.is_closing():
            raise httpcore.WriteError("the connection is closed")
        self._transport.write(buffer)
        if self._protocol.writing_paused:
            try:
                async with asyncio.timeout(timeout):
                    await self._protocol.drain()
            except TimeoutError as exc:
                raise httpcore.WriteTimeout(str(exc)) from exc
            if self._protocol.error is not None:
                raise httpcore.WriteError(str(self._protocol.error))

    async def aclose(self) -> None:
        self._transport.close()

    async def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("this backend opens plain TCP connections only")

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            # Whether an idle connection has news (unexpected bytes, or the peer's
            # close): httpcore then opens a new connection instead of reusing it.
            return bool(self._protocol.buffer) or self._protocol.eof
        if info == "client_addr":
            return self._transport.get_extra_info("sockname")
        if info == "server_addr":
            return self._transport.get_extra_info("peername")
        if info == "socket":
            return self._transport.get_extra_info("socket")
        return None


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend on asyncio transports (plain TCP)."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                transport, protocol = await loop.create_connection(
                    lambda: _Protocol(loop),
                    host,
                    port,
                    local_addr=(local_address, 0) if local_address else None,
                )
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(str(exc)) from exc
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        sock: socket.socket | None = transport.get_extra_info("socket")
        if sock is not None:
            for option in socket_options or ():
                sock.setsockopt(*option)
        return AsyncioStream(transport, protocol)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("this backend opens TCP connections only")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
