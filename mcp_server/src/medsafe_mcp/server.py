"""The server factory: tools, resources, prompts, auth and the health route."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import metadata
from typing import TYPE_CHECKING, Any

from fastmcp import FastMCP
from fastmcp.server.auth.providers.jwt import StaticTokenVerifier
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from medsafe_core.asgi_limits import JsonRpcBodyLimit
from medsafe_core.settings import Settings
from medsafe_mcp.errors import ArgumentErrorMiddleware
from medsafe_mcp.http_limits import DEFAULT_MAX_BODY_BYTES, body_limit_message, lift_sdk_limit
from medsafe_mcp.prompts import register_prompts
from medsafe_mcp.resources import register_resources
from medsafe_mcp.state import ServerState
from medsafe_mcp.tools import register_tools

if TYPE_CHECKING:  # the store module is imported on first use only
    from medsafe_core.store import Store

SERVER_NAME = "medsafe"
INSTRUCTIONS = """\
medsafe evaluates the safety of medical AI answers against verifiable clinical evidence.

Workflow: list_suites -> get_eval_tasks (tasks without answers, plus format
instructions) -> answer each task from its context alone -> evaluate_batch with all
answers as [{"task_id", "response"}] -> read the per-item verdicts and the metrics
with confidence intervals. Use store=true to keep a run, then get_run / compare_runs.
Suite docs: medsafe://suites/{name}; reward profile in force: medsafe://profile.
"""


def server_version() -> str:
    """The installed medsafe-mcp version."""
    try:
        return metadata.version("medsafe-mcp")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def token_verifier(settings: Settings) -> StaticTokenVerifier | None:
    """Bearer-token auth for the HTTP transport when MEDSAFE_MCP_TOKEN is set."""
    if settings.mcp_token is None or not settings.mcp_token.get_secret_value():
        return None
    token = settings.mcp_token.get_secret_value()
    return StaticTokenVerifier(tokens={token: {"client_id": "medsafe-mcp", "scopes": []}})


class MedsafeMCP(FastMCP):
    """FastMCP with one request-body limit over HTTP: bodies over `max_body_bytes` get
    HTTP 413 and a JSON-RPC error that states the limit, and the MCP SDK's own
    transport limit (4 MiB by default) is raised to the same value, so the documented
    batch limit (`MEDSAFE_MAX_BATCH_ITEMS`) is reachable over HTTP."""

    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES

    def http_app(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["middleware"] = [
            Middleware(JsonRpcBodyLimit, limit=self.max_body_bytes, message=body_limit_message),
            *(kwargs.get("middleware") or []),
        ]
        app = super().http_app(*args, **kwargs)
        lift_sdk_limit(app, self.max_body_bytes)
        return app


def create_server(
    settings: Settings | None = None,
    store: Store | None = None,
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> FastMCP:
    """A medsafe MCP server.

    `settings` default to the environment (`MEDSAFE_*`). A `store` passed in is used
    as is and stays open; without one the server opens the configured database on
    first use and closes it when the server stops. `max_body_bytes` limits a request
    body over HTTP.
    """
    state = ServerState(settings or Settings(), store)

    @asynccontextmanager
    async def lifespan(_server: FastMCP) -> AsyncIterator[dict[str, object]]:
        try:
            yield {}
        finally:
            await state.aclose()

    server = MedsafeMCP(
        SERVER_NAME,
        instructions=INSTRUCTIONS,
        version=server_version(),
        auth=token_verifier(state.settings),
        lifespan=lifespan,
        middleware=[ArgumentErrorMiddleware()],
        mask_error_details=True,
    )
    server.max_body_bytes = max_body_bytes
    register_tools(server, state)
    register_resources(server, state)
    register_prompts(server, state)

    @server.custom_route("/health", methods=["GET"], include_in_schema=False)
    async def health(_request: Request) -> Response:
        return JSONResponse({"status": "ok", "server": SERVER_NAME, "version": server.version})

    return server
