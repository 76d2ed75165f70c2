"""The green agent's participant connections (`ConnectionSlots`): one keep-alive
connection per slot, at most `max_connections` slots per origin, a slot busy until
its response is closed, idle slots reused and closed after the keep-alive expiry."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from medsafe_agents.green.connections import ConnectionSlots
from medsafe_agents.green.limits import participant_http_client

from .helpers import serve

A = (b"http", b"a.test", None)


class Recorder:
    """Inner transports that answer at once and remember what they served."""

    def __init__(self) -> None:
        self.made: list[httpx.AsyncBaseTransport] = []
        self.closed: list[httpx.AsyncBaseTransport] = []
        self.fail = False

    def make(self, origin: object) -> httpx.AsyncBaseTransport:
        recorder = self

        class Inner(httpx.MockTransport):
            async def aclose(self) -> None:
                recorder.closed.append(self)

        def answer(request: httpx.Request) -> httpx.Response:
            if recorder.fail:
                raise httpx.ConnectError("refused", request=request)
            return httpx.Response(200, text=str(len(recorder.made)))

        transport = Inner(answer)
        self.made.append(transport)
        return transport


async def open_response(pool: ConnectionSlots, url: str) -> httpx.Response:
    return await pool.handle_async_request(httpx.Request("GET", url))


async def test_sequential_requests_reuse_one_slot():
    recorder = Recorder()
    pool = ConnectionSlots(8, recorder.make)
    for _ in range(5):
        response = await open_response(pool, "http://a.test/")
        await response.aread()
        await response.aclose()
    assert len(recorder.made) == 1
    assert [s.busy for s in pool.slots(A)] == [0]


async def test_a_slot_is_busy_until_its_response_is_closed():
    recorder = Recorder()
    pool = ConnectionSlots(3, recorder.make)
    held = [await open_response(pool, "http://a.test/") for _ in range(3)]
    assert len(recorder.made) == 3  # one connection per response in flight
    queued = [await open_response(pool, "http://a.test/") for _ in range(3)]
    assert len(recorder.made) == 3  # the limit: further requests share the slots
    assert sorted(s.busy for s in pool.slots(A)) == [2, 2, 2]
    for response in held + queued:
        await response.aclose()
        await response.aclose()  # closing twice gives the slot back once
    assert [s.busy for s in pool.slots(A)] == [0, 0, 0]
    again = await open_response(pool, "http://a.test/")
    assert len(recorder.made) == 3
    await again.aclose()


async def test_origins_have_their_own_slots_and_limit():
    recorder = Recorder()
    pool = ConnectionSlots(2, recorder.make)
    held = [await open_response(pool, f"http://{host}.test/") for host in "aabbb"]
    assert len(pool.slots(A)) == 2
    assert len(pool.slots((b"http", b"b.test", None))) == 2
    assert len(recorder.made) == 4
    for response in held:
        await response.aclose()


async def test_a_failed_request_gives_its_slot_back():
    recorder = Recorder()
    pool = ConnectionSlots(2, recorder.make)
    recorder.fail = True
    for _ in range(3):
        with pytest.raises(httpx.ConnectError):
            await open_response(pool, "http://a.test/")
    assert [s.busy for s in pool.slots(A)] == [0]


async def test_idle_slots_are_closed_after_the_keepalive_expiry():
    recorder = Recorder()
    pool = ConnectionSlots(4, recorder.make, keepalive_expiry_s=0.05)
    held = [await open_response(pool, "http://a.test/") for _ in range(2)]
    await held[0].aclose()
    await asyncio.sleep(0.1)
    other = await open_response(pool, "http://b.test/")  # sweeps the expired slot
    assert recorder.closed == [recorder.made[0]]
    assert len(pool.slots(A)) == 1  # the busy one stays
    await held[1].aclose()
    await other.aclose()
    await pool.aclose()
    assert set(recorder.closed) == set(recorder.made)


async def test_real_connections_are_kept_alive_and_bounded():
    """Over sockets: 40 calls at concurrency 4 use at most 4 connections."""
    peers: set[tuple[str, int]] = set()

    async def answer(request: Request) -> PlainTextResponse:
        assert request.client is not None
        peers.add((request.client.host, request.client.port))
        await asyncio.sleep(0.01)
        return PlainTextResponse("ok")

    app = Starlette(routes=[Route("/", answer, methods=["POST"])])
    async with serve(app) as url:
        http = participant_http_client(64 * 1024, max_connections=4)
        gate = asyncio.Semaphore(4)

        async def call() -> str:
            async with gate:
                return (await http.post(url + "/", content=b"{}")).text

        try:
            texts = await asyncio.gather(*(call() for _ in range(40)))
        finally:
            await http.aclose()
    assert texts == ["ok"] * 40
    assert 1 <= len(peers) <= 4


async def test_plain_http_survives_server_closes_and_reports_failures():
    """On the asyncio backend: a `Connection: close` answer is honoured, a refused port and a silent server give
    httpx's ConnectError and ReadTimeout, a large body arrives whole."""

    async def answer(request: Request) -> PlainTextResponse:
        if request.query_params.get("close"):
            return PlainTextResponse("bye", headers={"connection": "close"})
        if request.query_params.get("slow"):
            await asyncio.sleep(1.0)
        if request.query_params.get("big"):
            return PlainTextResponse("x" * 3_000_000)
        return PlainTextResponse("ok")

    app = Starlette(routes=[Route("/", answer)])
    async with serve(app) as url:
        pool = ConnectionSlots(2)
        http = httpx.AsyncClient(transport=pool, timeout=httpx.Timeout(5.0))
        try:
            assert (await http.get(url + "/")).text == "ok"
            assert (await http.get(url + "/?close=1")).text == "bye"
            assert (await http.get(url + "/")).text == "ok"
            assert len((await http.get(url + "/?big=1")).content) == 3_000_000
            with pytest.raises(httpx.ReadTimeout):
                await http.get(url + "/?slow=1", timeout=httpx.Timeout(0.1))
            assert (await http.get(url + "/")).text == "ok"
        finally:
            await http.aclose()
    async with httpx.AsyncClient(transport=ConnectionSlots(2)) as closed:
        with pytest.raises(httpx.ConnectError):
            await closed.get(url + "/")


async def test_an_idle_connection_the_server_closed_is_replaced():
    """A server that drops idle keep-alive connections (its keep-alive timeout): the
    next request opens a new connection instead of failing on the dead one."""
    accepted = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal accepted
        accepted += 1
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
        await writer.drain()
        await asyncio.sleep(0.05)
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server, httpx.AsyncClient(transport=ConnectionSlots(1)) as http:
        for _ in range(3):
            assert (await http.get(f"http://127.0.0.1:{port}/")).text == "ok"
            await asyncio.sleep(0.2)
    assert accepted == 3


async def test_the_participant_client_caps_response_bodies():
    """The default participant client stops reading past the wire cap, and its
    connection slot is free again afterwards."""
    from medsafe_agents.green.limits import ResponseTooLargeError, wire_cap

    async def answer(request: Request) -> PlainTextResponse:
        size = int(request.query_params.get("size", "2"))
        return PlainTextResponse("x" * size)

    app = Starlette(routes=[Route("/", answer)])
    async with serve(app) as url:
        http = participant_http_client(1024, max_connections=1)
        try:
            cap = wire_cap(1024)
            assert len((await http.get(f"{url}/?size={cap}")).content) == cap
            with pytest.raises(ResponseTooLargeError, match=f"exceeded {cap} bytes"):
                await http.get(f"{url}/?size={cap + 1}")
            assert (await http.get(url + "/")).text == "xx"
        finally:
            await http.aclose()
