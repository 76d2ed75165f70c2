"""`SendMessage` over A2A 1.x JSON-RPC with constant work per call.

The SDK client's `send_message` rebuilds the whole request for every call (the task's
parts turned into a dict by protobuf's pure-Python JSON printer, then serialised), and
passes it through an OpenTelemetry span per layer, the interceptor chain and httpx's
client machinery (request building, auth and redirect handling, cookies): about half
of the green agent's CPU per participant call. An assessment sends each task's parts
many times (epochs, retries) and only the two ids change, so `JsonRpcSender` serialises
a task's request once and splices fresh ids into it, and sends it straight to the
participant HTTP client's transport.

It is used only where it sends what the SDK's client would (`for_client` says when):
the SDK's own non-streaming JSON-RPC transport of the current protocol, no interceptors,
no tenant. The request body, its headers, the handling of the response (HTTP errors,
JSON-RPC errors, the `result` parsed by the SDK's own lenient parser) and the
exceptions raised are the SDK's. One difference: the shared HTTP client's cookie jar
is neither sent nor filled (A2A JSON-RPC is stateless, and the jar would otherwise
carry one participant's cookies to the next).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
from a2a.client import Client
from a2a.client.base_client import BaseClient
from a2a.client.errors import A2AClientError
from a2a.client.transports.http_helpers import handle_http_exceptions
from a2a.client.transports.jsonrpc import JsonRpcTransport
from a2a.types import Message, Part, Role, SendMessageRequest, SendMessageResponse
from a2a.utils.proto_utils import parse_lenient
from google.protobuf import json_format

from medsafe_agents.green.limits import ParticipantHttpClient

_CACHE_MAX = 4096
"""Serialised requests kept (one per distinct parts list; cleared when full)."""


class JsonRpcSender:
    """Sends `SendMessage` requests for one participant client (see the module)."""

    def __init__(
        self, http: httpx.AsyncClient, client: BaseClient, transport: JsonRpcTransport
    ) -> None:
        self._http = http
        self._client = client
        self._transport = transport
        self._send_to = http.transport if isinstance(http, ParticipantHttpClient) else None
        self._url = httpx.URL(transport.url)
        self._headers = [*http.headers.multi_items(), ("Content-Type", "application/json")]
        self._timeout = http.timeout.as_dict()
        self._mark_message = uuid.uuid4().hex
        self._mark_rpc = uuid.uuid4().hex
        self._bodies: dict[int, tuple[list[Part], tuple[bytes, ...] | None]] = {}
        """id(parts) -> (parts, the body's pieces around the two ids); the parts are
        kept, so their id is not reused while the entry lives."""

    @classmethod
    def for_client(cls, http: httpx.AsyncClient, client: Client) -> JsonRpcSender | None:
        """A sender for `client`'s calls, or None where it would not send what the SDK
        does (another transport or protocol version, interceptors, streaming)."""
        if type(client) is not BaseClient:
            return None
        transport = getattr(client, "_transport", None)
        config = getattr(client, "_config", None)
        if (
            type(transport) is not JsonRpcTransport
            or getattr(client, "_interceptors", None)
            or config is None
            or (config.streaming and client._card.capabilities.streaming)
            or transport.httpx_client is not http
        ):
            return None
        return cls(http, client, transport)

    def _request_dict(self, parts: list[Part], message_id: str, rpc_id: str) -> dict[str, Any]:
        """The JSON-RPC request the SDK's client sends (`BaseClient.send_message`, then
        `JsonRpcTransport.send_message`)."""
        request = SendMessageRequest(
            message=Message(role=Role.ROLE_USER, message_id=message_id, parts=parts)
        )
        self._client._apply_client_config(request)
        params = json_format.MessageToDict(request)
        return {"method": "SendMessage", "params": params, "id": rpc_id, "jsonrpc": "2.0"}

    @staticmethod
    def _dumps(payload: dict[str, Any]) -> str:
        # as httpx encodes `json=`
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)

    def _pieces(self, parts: list[Part]) -> tuple[bytes, ...] | None:
        """The serialised request of `parts` cut around its two ids (None when the marks
        are not found exactly once: then each call serialises its own request)."""
        entry = self._bodies.get(id(parts))
        if entry is not None and entry[0] is parts:
            return entry[1]
        text = self._dumps(self._request_dict(parts, self._mark_message, self._mark_rpc))
        marks = (self._mark_message, self._mark_rpc)
        pieces: tuple[bytes, ...] | None = None
        if all(text.count(f'"{m}"') == 1 for m in marks):
            first, second = sorted(marks, key=text.index)
            head, _, rest = text.partition(f'"{first}"')
            middle, _, tail = rest.partition(f'"{second}"')
            order = b"m" if first == self._mark_message else b"r"
            pieces = (order, head.encode(), middle.encode(), tail.encode())
        if len(self._bodies) >= _CACHE_MAX:
            self._bodies.clear()
        self._bodies[id(parts)] = (parts, pieces)
        return pieces

    def body(self, parts: list[Part], message_id: str, rpc_id: str) -> bytes:
        """The request body for `parts` with these ids."""
        pieces = self._pieces(parts)
        if pieces is None:
            return self._dumps(self._request_dict(parts, message_id, rpc_id)).encode()
        order, head, middle, tail = pieces
        first, second = (message_id, rpc_id) if order == b"m" else (rpc_id, message_id)
        # the ids are hex and hyphens: their JSON strings need no escaping
        return b'%s"%s"%s"%s"%s' % (head, first.encode(), middle, second.encode(), tail)

    async def send(self, parts: list[Part]) -> SendMessageResponse | str:
        """Send `parts` as a new user message; the participant's response (for a plain
        message of text parts, its text as `parts_text` gives it), or the exception the
        SDK's client raises."""
        content = self.body(parts, uuid.uuid4().hex, str(uuid.uuid4()))
        if self._http.is_closed:
            raise A2AClientError("HTTP client is closed")
        request = httpx.Request(
            "POST",
            self._url,
            headers=self._headers,
            content=content,
            extensions={"timeout": self._timeout},
        )
        with handle_http_exceptions():
            if self._send_to is None:
                response = await self._http.send(request)
            else:
                response = await self._send_to.handle_async_request(request)
                response.request = request
                try:
                    await response.aread()
                finally:
                    await response.aclose()
            response.raise_for_status()
            data = response.json()
        result = self._transport._check_jsonrpc_response(data)["result"]
        text = plain_message_text(result)
        if text is not None:
            return text
        parsed: SendMessageResponse = parse_lenient(result, SendMessageResponse())
        return parsed


_PLAIN_MESSAGE_KEYS = frozenset({"messageId", "role", "parts", "contextId", "taskId"})
_ROLES = frozenset(Role.keys())


def plain_message_text(result: Any) -> str | None:
    """The text of a `SendMessage` result that is a message of text parts only, as
    `parts_text` gives it after the SDK's parsing (the non-empty texts joined by
    newlines); None for anything else (then the SDK's parser reads it). Only a shape
    that parser accepts as it is qualifies: string ids, a role by name, parts that
    are exactly `{"text": <text>}` with text that UTF-8 can encode."""
    if not isinstance(result, dict) or len(result) != 1:
        return None
    message = result.get("message")
    if not isinstance(message, dict) or not message.keys() <= _PLAIN_MESSAGE_KEYS:
        return None
    parts = message.get("parts", [])
    if not isinstance(parts, list):
        return None
    for key in ("messageId", "contextId", "taskId"):
        if not isinstance(message.get(key, ""), str):
            return None
    if message.get("role", "ROLE_UNSPECIFIED") not in _ROLES:
        return None
    texts: list[str] = []
    for part in parts:
        if not isinstance(part, dict) or part.keys() != {"text"}:
            return None
        text = part["text"]
        if not isinstance(text, str):
            return None
        try:
            text.encode()
        except UnicodeEncodeError:
            return None
        if text:
            texts.append(text)
    for key in ("messageId", "contextId", "taskId"):
        try:
            message.get(key, "").encode()
        except UnicodeEncodeError:
            return None
    return "\n".join(texts)
