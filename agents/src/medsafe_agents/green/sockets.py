"""A plain TCP connection's receiving end on asyncio itself, without anyio's layer.

anyio adds a cancel scope and a yield to the event loop to every write, and answers
"is this idle connection readable?" (asked before each reuse) by building a dict of
socket attributes: for the green agent's many small participant calls that was about
0.2 ms of CPU per request. `SocketProtocol` is an `asyncio.Protocol` with its own read
buffer, which `Http11Transport` reads and writes directly.
"""

from __future__ import annotations

import asyncio

_PAUSE_ABOVE = 256 * 1024
"""Bytes buffered before the socket stops being read (until they are taken)."""
_RESUME_BELOW = 64 * 1024


class SocketProtocol(asyncio.Protocol):
    """Buffers what the peer sends; read it with `wait_readable` and `take`."""

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
