"""ASGI middleware: bearer-token auth and the request body size limit."""

from __future__ import annotations

import hmac

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from medsafe_core.service.errors import ApiError, problem

OPEN_PATHS = frozenset({"/health"})
"""Paths served without the token (liveness probes)."""


class BearerAuth:
    """Require `Authorization: Bearer <token>` on every route but /health (HTTP 401, or a
    WebSocket closed with 1008 before it is accepted). Compared in constant time."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self._expected = f"Bearer {token}".encode()

    def _authorized(self, scope: Scope) -> bool:
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                return hmac.compare_digest(value, self._expected)
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        if self._authorized(scope):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": "unauthorized"})
            return
        response = problem(
            401,
            "missing or wrong bearer token: send `Authorization: Bearer <MEDSAFE_API_TOKEN>`",
            headers={"WWW-Authenticate": 'Bearer realm="medsafe"'},
        )
        await response(scope, receive, send)


class BodyLimit:
    """Refuse request bodies over `max_bytes` with 413, by Content-Length up front and by
    counting while streaming (chunked uploads), before the handler buffers them."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> ApiError:
        return ApiError(413, f"request body over the limit of {self.max_bytes} bytes")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared < 0 or declared > self.max_bytes:
                    err = self._too_large() if declared > 0 else ApiError(400, "bad Content-Length")
                    await problem(err.status, err.detail)(scope, receive, send)
                    return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise self._too_large()
            return message

        await self.app(scope, limited, send)
