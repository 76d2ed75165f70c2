"""`Http11Transport`, the participant connections' own plain-HTTP/1.1 transport, over
real sockets: keep-alive reuse, one request at a time per connection, bodies framed by
length, chunks or the close, and httpx's exceptions for every failure."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx
import pytest

from medsafe_agents.green.http11 import Http11Transport

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class Server:
    """A raw TCP server on 127.0.0.1 counting its connections and requests."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.connections = 0
        self.requests: list[bytes] = []
        self.server: asyncio.Server | None = None

    async def __aenter__(self) -> str:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.connections += 1
            try:
                await self.handler(reader, writer)
            except (ConnectionError, asyncio.IncompleteReadError):
                pass
            finally:
                writer.close()

        self.server = await asyncio.start_server(handle, "127.0.0.1", 0)
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()


async def read_request(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    return head, await reader.readexactly(length)


def keep_alive(server: Server, answer: bytes = b"ok", delay: float = 0.0) -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            head, body = await read_request(reader)
            server.requests.append(head + body)
            await asyncio.sleep(delay)
            reply = answer + b":" + body
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n%s" % (len(reply), reply))
            await writer.drain()

    return handler


async def test_requests_share_one_keep_alive_connection_one_at_a_time():
    server = Server(lambda r, w: asyncio.sleep(0))
    server.handler = keep_alive(server, delay=0.02)
    async with server as url, httpx.AsyncClient(transport=Http11Transport(5.0)) as http:
        for i in range(3):
            response = await http.post(url + "/x?q=1", content=b"n%d" % i)
            assert response.text == f"ok:n{i}"
        # concurrent requests wait for the connection instead of opening another
        results = await asyncio.gather(
            *(http.post(url + "/", content=b"c%d" % i) for i in range(5))
        )
        assert sorted(r.text for r in results) == [f"ok:c{i}" for i in range(5)]
    assert server.connections == 1
    assert server.requests[0].startswith(b"POST /x?q=1 HTTP/1.1\r\n")
    assert b"\r\ncontent-length: 2\r\n" in server.requests[0].lower()


async def test_an_expired_or_closed_connection_is_replaced():
    server = Server(lambda r, w: asyncio.sleep(0))
    server.handler = keep_alive(server)
    async with server as url, httpx.AsyncClient(transport=Http11Transport(0.05)) as http:
        assert (await http.get(url + "/")).text == "ok:"
        await asyncio.sleep(0.1)  # past the keep-alive expiry
        assert (await http.get(url + "/")).text == "ok:"
    assert server.connections == 2

    async def close_after_answer(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nuntil the end")
        await writer.drain()

    closing = Server(close_after_answer)
    async with closing as url, httpx.AsyncClient(transport=Http11Transport(5.0)) as http:
        for _ in range(2):
            assert (await http.get(url + "/")).text == "until the end"
    assert closing.connections == 2


async def test_a_chunked_body_arrives_whole():
    async def chunked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
        for part in (b"abc", b"x" * 70000, b"z"):
            writer.write(b"%x\r\n%s\r\n" % (len(part), part))
            await writer.drain()
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        await read_request(reader)

    async with Server(chunked) as url, httpx.AsyncClient(transport=Http11Transport(5.0)) as http:
        assert (await http.get(url + "/")).content == b"abc" + b"x" * 70000 + b"z"


async def test_failures_are_httpx_exceptions():
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)

    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 two hundred\r\n\r\n")
        await writer.drain()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(1.0)

    async def cut_short(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc")
        await writer.drain()

    transport = Http11Transport(5.0)
    async with httpx.AsyncClient(transport=transport) as http:
        async with Server(hang_up) as url:
            with pytest.raises(
                httpx.RemoteProtocolError, match="Server disconnected without sending a response"
            ):
                await http.get(url + "/")
        async with Server(garbage) as url:
            with pytest.raises(httpx.RemoteProtocolError):
                await http.get(url + "/")
        async with Server(silent) as url:
            with pytest.raises(httpx.ReadTimeout):
                await http.get(url + "/", timeout=httpx.Timeout(0.1))
        async with Server(cut_short) as url:
            with pytest.raises(httpx.RemoteProtocolError):
                await http.get(url + "/")
        with pytest.raises(httpx.ConnectError):
            await http.get(url + "/")  # that server is gone
        # after every failure the transport is free for the next request
        server = Server(lambda r, w: asyncio.sleep(0))
        server.handler = keep_alive(server)
        async with server as url:
            assert (await http.get(url + "/")).text == "ok:"
