"""One request-body limit for the streamable-HTTP transport, stated in its error.

The MCP SDK's session manager refuses bodies over 4 MiB with a bare `413 Request body
too large`, and FastMCP gives no way to change that limit, so a 10,000-item
`evaluate_batch` (the documented batch limit) could not be sent over HTTP. Here one
limit (`--max-body-bytes`, default 32 MiB: 10,000 answers of about 3 KB) is checked
before anything is parsed, with a JSON-RPC error that says the limit and what to do,
and the SDK's own limit is raised to the same value when the app starts.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from mcp.server.transport_security import RequestBodyLimitMiddleware

logger = logging.getLogger(__name__)

DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024
"""Largest request body over HTTP by default."""


def body_limit_message(limit: int) -> str:
    """The error text of an oversized request."""
    return (
        f"request body too large: the limit is {limit} bytes ({limit / 2**20:g} MiB, "
        "medsafe-mcp --max-body-bytes); split evaluate_batch into several calls with "
        "fewer items"
    )


def _session_managers(app: Any) -> list[Any]:
    found = []
    for route in getattr(app, "routes", []):
        endpoint = getattr(route, "app", None) or getattr(route, "endpoint", None)
        manager = getattr(endpoint, "session_manager", None)
        if manager is not None and hasattr(manager, "_handle_request"):
            found.append(manager)
    return found


def lift_sdk_limit(app: Any, limit: int) -> None:
    """Raise the SDK session manager's body limit to `limit` once the app has started
    (the manager is created by the app's lifespan)."""
    router = getattr(app, "router", None)
    original = getattr(router, "lifespan_context", None)
    if router is None or original is None:
        return

    @asynccontextmanager
    async def lifespan(inner: Any) -> AsyncIterator[Any]:
        async with original(inner) as state:
            managers = _session_managers(app)
            for manager in managers:
                manager.max_request_body_size = limit
                manager.asgi_app = RequestBodyLimitMiddleware(manager._handle_request, limit)
            if not managers:
                logger.warning(
                    "could not raise the MCP SDK's request-body limit; bodies over its "
                    "default (4 MiB) get a bare 413"
                )
            yield state

    router.lifespan_context = lifespan
