"""ASGI middleware: bearer-token auth (identities), the request body size limit and
security headers."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable, Mapping

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from medsafe_core.identity import ANONYMOUS, Identity, bearer_token
from medsafe_core.service.errors import ApiError, problem

OPEN_PATHS = frozenset({"/health"})
"""Paths served without the token (liveness probes)."""
IDENTITY_KEY = "medsafe.identity"
"""Key of the caller's `Identity` in the ASGI scope's `state`."""


def _authorization(scope: Scope) -> bytes | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            return bytes(value)
    return None


class BearerAuth:
    """Resolve the caller's identity from `Authorization: Bearer <token>` and put it in
    the scope's state (`IDENTITY_KEY`). Tokens: the shared service token (no identity)
    and credentials (per-submitter or per-participant, known by their SHA-256; the
    configured ones in memory, others looked up in the store). With `required` (a
    service token is set) every route but /health needs a valid token: HTTP 401, or a
    WebSocket closed with 1008 before it is accepted. Without it, anonymous callers pass,
    but a token that is sent must be valid. Compared in constant time; never logged."""

    def __init__(
        self,
        app: ASGIApp,
        token: str | None,
        credentials: Mapping[str, Identity] | None = None,
        lookup: Callable[[Scope, str], Awaitable[Identity | None]] | None = None,
    ) -> None:
        self.app = app
        self._expected = token.encode() if token else None
        self._credentials = dict(credentials or {})
        self._lookup = lookup

    async def _identity(self, scope: Scope) -> Identity | None:
        """The caller's identity; None when the token is missing or wrong."""
        header = _authorization(scope)
        if header is None:
            return None if self._expected is not None else ANONYMOUS
        token = bearer_token(header)
        if token is None:
            return None
        if self._expected is not None and hmac.compare_digest(token, self._expected):
            return ANONYMOUS
        digest = hashlib.sha256(token).hexdigest()
        found = self._credentials.get(digest)
        if found is None and self._lookup is not None:
            found = await self._lookup(scope, digest)
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        identity = await self._identity(scope) if scope["path"] not in OPEN_PATHS else ANONYMOUS
        if identity is not None:
            scope.setdefault("state", {})[IDENTITY_KEY] = identity
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": "unauthorized"})
            return
        response = problem(
            401,
            "missing or wrong bearer token: send `Authorization: Bearer <token>` "
            "(MEDSAFE_API_TOKEN or a credential)",
            headers={"WWW-Authenticate": 'Bearer realm="medsafe"'},
        )
        await response(scope, receive, send)


class SecurityHeaders:
    """`X-Content-Type-Options: nosniff` on every HTTP response (report pages included),
    so a browser never sniffs a JSON or HTML body into another type."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
            await send(message)

        await self.app(scope, receive, with_headers)


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
