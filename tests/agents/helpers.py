"""Test plumbing for the agents: in-process A2A wiring, real sockets, capture."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from a2a.client import A2ACardResolver, Client, ClientConfig, ClientFactory
from a2a.types import (
    AgentCard,
    GetTaskRequest,
    Message,
    Part,
    Role,
    SendMessageRequest,
    StreamResponse,
    Task,
)
from starlette.applications import Starlette

from medsafe_agents.a2a_app import parts_data, parts_text

PURPLE = "http://127.0.0.1:19010"
"""Where in-process purple agents are mounted (the router sends it to the ASGI app)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Router(httpx.AsyncBaseTransport):
    """Routes `host:port` to in-process ASGI apps (everything else goes out over real
    sockets) and records every request body sent to a routed app."""

    def __init__(self, apps: dict[str, Starlette]) -> None:
        self._apps = {k: httpx.ASGITransport(app=v) for k, v in apps.items()}
        self._real = httpx.AsyncHTTPTransport()
        self.sent: list[tuple[str, bytes]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        target = self._apps.get(f"{request.url.host}:{request.url.port}")
        if target is None:
            return await self._real.handle_async_request(request)
        body = await request.aread()
        self.sent.append((str(request.url), body))
        return await target.handle_async_request(request)

    def rpc_messages(self) -> list[dict[str, Any]]:
        """The JSON-RPC message params sent to routed apps."""
        out = []
        for _, body in self.sent:
            if body:
                payload = json.loads(body)
                out.append(payload["params"]["message"])
        return out

    async def aclose(self) -> None:
        await self._real.aclose()


@asynccontextmanager
async def a2a_client(
    app: Starlette,
    base: str = "http://green.test",
    *,
    legacy: bool = False,
    streaming: bool = True,
    headers: dict[str, str] | None = None,
) -> AsyncIterator[Client]:
    """An SDK client for `app` (A2A 1.x, or the SDK's 0.3 compat client)."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=base, headers=headers, timeout=60
    ) as http:
        card = await A2ACardResolver(http, base).get_agent_card()
        yield client_for(card, http, legacy=legacy, streaming=streaming)


def client_for(
    card: AgentCard, http: httpx.AsyncClient, *, legacy: bool = False, streaming: bool = True
) -> Client:
    """A client speaking A2A 1.0, or 0.3 through the SDK's compat transport."""
    wanted = "0.3" if legacy else "1.0"
    keep = [i for i in card.supported_interfaces if i.protocol_version == wanted]
    del card.supported_interfaces[:]
    card.supported_interfaces.extend(keep)
    return ClientFactory(ClientConfig(httpx_client=http, streaming=streaming)).create(card)


def user_message(text: str, *, task_id: str | None = None, data: Any = None) -> Message:
    from a2a.helpers import new_data_part

    parts = [Part(text=text)]
    if data is not None:
        parts.append(new_data_part(data))
    msg = Message(role=Role.ROLE_USER, message_id=f"m-{id(parts)}", parts=parts)
    if task_id:
        msg.task_id = task_id
    return msg


@dataclass
class Exchange:
    """Everything the client saw for one message."""

    events: list[StreamResponse] = field(default_factory=list)
    task: Task | None = None

    @property
    def task_id(self) -> str:
        for e in self.events:
            kind = e.WhichOneof("payload")
            if kind == "task":
                return e.task.id
            if kind == "status_update":
                return e.status_update.task_id
        raise AssertionError("no task in the exchange")

    def status_data(self) -> list[Any]:
        return [
            d
            for e in self.events
            if e.WhichOneof("payload") == "status_update"
            for d in parts_data(e.status_update.status.message.parts)
        ]

    def reply_text(self) -> str:
        for e in self.events:
            if e.WhichOneof("payload") == "message":
                return parts_text(e.message.parts)
        assert self.task is not None
        return parts_text(self.task.status.message.parts)

    def result(self) -> tuple[str, dict[str, Any]]:
        assert self.task is not None and self.task.artifacts, "no artifact"
        parts = self.task.artifacts[-1].parts
        data = parts_data(parts)
        assert len(data) == 1
        return parts_text([p for p in parts if p.WhichOneof("content") == "text"]), data[0]


async def exchange(client: Client, message: Message) -> Exchange:
    """Send a message, collect every event, then read the final task."""
    out = Exchange()
    async for event in client.send_message(SendMessageRequest(message=message)):
        out.events.append(event)
    if any(e.WhichOneof("payload") != "message" for e in out.events):
        out.task = await client.get_task(GetTaskRequest(id=out.task_id))
    return out


@asynccontextmanager
async def serve(app: Starlette, port: int | None = None) -> AsyncIterator[str]:
    """Serve an app with uvicorn on a free 127.0.0.1 port; yields its base URL."""
    port = port or free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
