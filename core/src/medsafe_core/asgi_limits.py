"""An ASGI guard shared by the JSON-RPC servers (the green agent's A2A endpoint and the
MCP server's HTTP transport): request bodies over a limit are refused with HTTP 413 and a
JSON-RPC error that states the limit, before anything is parsed, buffering at most the
limit. Nothing else is wrapped (GET, WebSocket and lifespan pass through)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send


class JsonRpcBodyLimit:
    """Refuses request bodies over `limit` bytes (declared or streamed)."""

    def __init__(self, app: ASGIApp, limit: int, message: Callable[[int], str]) -> None:
        self.app = app
        self.limit = limit
        self.message = message

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = {
            "jsonrpc": "2.0",
            "id": None,
            "error": {"code": -32600, "message": self.message(self.limit)},
        }
        await JSONResponse(body, status_code=413)(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.limit:
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, receive, send)  # the client left; let the app see it
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replay = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

        async def replayed() -> Any:
            return replay.pop() if replay else await receive()

        await self.app(scope, replayed, send)
