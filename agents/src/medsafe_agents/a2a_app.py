"""What the green and purple servers share: agent cards, the Starlette app with the
A2A 1.x and 0.3 JSON-RPC routes, bearer-token checking, and reading message parts."""

from __future__ import annotations

import contextlib
import hmac
import json
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.agent_execution.simple_request_context_builder import (
    SimpleRequestContextBuilder,
)
from a2a.server.context import ServerCallContext
from a2a.server.request_handlers import DefaultRequestHandler
from a2a.server.routes import create_agent_card_routes, create_jsonrpc_routes
from a2a.server.tasks import TaskStore
from a2a.types import (
    AgentCapabilities,
    AgentCard,
    AgentInterface,
    AgentProvider,
    AgentSkill,
    HTTPAuthSecurityScheme,
    Part,
    SecurityRequirement,
    SecurityScheme,
    SendMessageRequest,
    StringList,
    Task,
)
from google.protobuf.json_format import MessageToDict
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from medsafe_core.asgi_limits import JsonRpcBodyLimit
from medsafe_core.identity import bearer_token

CARD_PATHS = ("/.well-known/agent-card.json", "/.well-known/agent.json")
"""The agent card's paths: the current one and the one older 0.x clients ask for."""
DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024
"""Largest JSON-RPC request body read by default."""


def agent_card(
    *,
    name: str,
    description: str,
    url: str,
    version: str,
    skills: Sequence[AgentSkill],
    bearer_token_required: bool = False,
    protocol_versions: Sequence[str] = ("1.0", "0.3"),
) -> AgentCard:
    """A card with one JSON-RPC endpoint, announced for each protocol version (the
    server answers both 1.0 and 0.3 there either way)."""
    card = AgentCard(
        name=name,
        description=description,
        version=version,
        supported_interfaces=[
            AgentInterface(url=url, protocol_binding="JSONRPC", protocol_version=v)
            for v in protocol_versions
        ],
        provider=AgentProvider(organization="medsafe", url="https://github.com/medsafe"),
        capabilities=AgentCapabilities(streaming=True),
        default_input_modes=["text/plain", "application/json"],
        default_output_modes=["text/plain", "application/json"],
        skills=list(skills),
    )
    if bearer_token_required:
        card.security_schemes["bearer"].CopyFrom(
            SecurityScheme(
                http_auth_security_scheme=HTTPAuthSecurityScheme(
                    scheme="bearer", description="MEDSAFE_GREEN_TOKEN"
                )
            )
        )
        card.security_requirements.append(SecurityRequirement(schemes={"bearer": StringList()}))
    return card


class BearerTokenMiddleware:
    """Requires `Authorization: Bearer <token>` on every path but the agent card."""

    def __init__(self, app: ASGIApp, token: str, open_paths: Iterable[str] = CARD_PATHS) -> None:
        self.app = app
        self._expected = token.encode()
        self._open = frozenset(open_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self._open:
            await self.app(scope, receive, send)
            return
        given = bearer_token(dict(scope["headers"]).get(b"authorization", b"")) or b""
        if hmac.compare_digest(given, self._expected):
            await self.app(scope, receive, send)
            return
        response = JSONResponse(
            {"error": "unauthorized: send 'Authorization: Bearer <MEDSAFE_GREEN_TOKEN>'"},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
        await response(scope, receive, send)


def _too_large(limit: int, setting: str = "") -> str:
    where = f" ({setting})" if setting else ""
    return f"request body too large: the limit is {limit} bytes{where}"


class TaskContextBuilder(SimpleRequestContextBuilder):
    """Fills in the context id of a message that names only its task (a client
    resuming a task after a restart may not know the context id), so that the
    task's events keep their own context."""

    def __init__(self, task_store: TaskStore) -> None:
        super().__init__(task_store=task_store)
        self._tasks = task_store

    async def build(
        self,
        context: ServerCallContext,
        params: SendMessageRequest | None = None,
        task_id: str | None = None,
        context_id: str | None = None,
        task: Task | None = None,
    ) -> RequestContext:
        if params is not None and task_id and not context_id:
            known = task or await self._tasks.get(task_id, context)
            if known is not None:
                context_id = known.context_id
                params.message.context_id = context_id
        return await super().build(context, params, task_id, context_id, task)


def build_a2a_app(
    card: AgentCard,
    executor: AgentExecutor,
    task_store: TaskStore,
    *,
    token: str | None = None,
    extra_routes: Sequence[BaseRoute] = (),
    lifespan: Any = None,
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
    request_limit_setting: str = "",
) -> Starlette:
    """The Starlette app: card routes, JSON-RPC (1.x and 0.3 on one endpoint), request
    bodies capped at `max_request_bytes`. The request handler is `app.state.a2a_handler`."""
    handler = DefaultRequestHandler(
        executor, task_store, card, request_context_builder=TaskContextBuilder(task_store)
    )
    routes: list[BaseRoute] = []
    for path in CARD_PATHS:
        routes.extend(create_agent_card_routes(card, card_url=path))
    routes.extend(create_jsonrpc_routes(handler, rpc_url="/", enable_v0_3_compat=True))
    routes.extend(extra_routes)

    @asynccontextmanager
    async def _lifespan(app: Starlette) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            if lifespan is not None:
                await stack.enter_async_context(lifespan(app))
            # Drain running tasks before the caller's resources (store, clients) close.
            stack.push_async_callback(handler.aclose)
            yield

    app = Starlette(routes=routes, lifespan=_lifespan)
    app.state.a2a_handler = handler
    app.add_middleware(
        JsonRpcBodyLimit,
        limit=max_request_bytes,
        message=partial(_too_large, setting=request_limit_setting),
    )
    if token:
        app.add_middleware(BearerTokenMiddleware, token=token)
    return app


def part_to_text(part: Part) -> str:
    """A part as text: text as is, data as compact JSON, files by name."""
    kind = part.WhichOneof("content")
    if kind == "text":
        return part.text
    if kind == "data":
        return json.dumps(MessageToDict(part.data), separators=(",", ":"))
    if kind == "url":
        return part.url
    return ""


def parts_text(parts: Iterable[Part]) -> str:
    """The text of a message's or artifact's parts, joined by newlines."""
    return "\n".join(t for t in (part_to_text(p) for p in parts) if t)


def parts_data(parts: Iterable[Part]) -> list[Any]:
    """The payloads of the data parts."""
    return [MessageToDict(p.data) for p in parts if p.WhichOneof("content") == "data"]
