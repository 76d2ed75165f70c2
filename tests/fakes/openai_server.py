"""A fake OpenAI-compatible chat-completions server: a real HTTP server on 127.0.0.1.

Each request takes the next scripted step (FIFO); with the script empty it asks the
`responder` (by default a fixed JSON answer). Steps: `Reply`, `ToolCalls`, `Status`
(429/5xx/4xx with an optional Retry-After), `Hang` (answers late), `Garbage` (not a
completion), `SlowStream` (trickles its body), `Drop` (closes the connection).
Requests with `"stream": true` get server-sent events. Every request is recorded.

    with FakeOpenAI() as fake:
        fake.script(Status(429), Reply("hi"))
        ... ModelClient(fake.base_url) ...
        assert len(fake.requests) == 2
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """A normal completion."""

    text: str
    prompt_tokens: int = 11
    completion_tokens: int = 7
    finish_reason: str = "stop"


@dataclass
class ToolCalls:
    """An assistant message that calls tools: [(name, arguments), ...]."""

    calls: list[tuple[str, dict[str, Any]]]


@dataclass
class Status:
    """An HTTP error answer."""

    code: int
    body: str = '{"error": {"message": "scripted error"}}'
    retry_after: float | None = None


@dataclass
class Hang:
    """Answer only after `seconds` (then with `then`)."""

    seconds: float
    then: Reply = field(default_factory=lambda: Reply("late answer"))


@dataclass
class Garbage:
    """HTTP 200 with a body that is not a chat completion."""

    body: str = "<html>upstream proxy error</html>"
    content_type: str = "text/html"


@dataclass
class SlowStream:
    """A completion whose bytes trickle: `chunks` pieces, `delay` seconds apart."""

    text: str = "slow answer"
    chunks: int = 20
    delay: float = 0.2


@dataclass
class Drop:
    """Close the connection without answering."""


Step = Reply | ToolCalls | Status | Hang | Garbage | SlowStream | Drop


@dataclass
class Recorded:
    """A request the server received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def prompt(self) -> str:
        """Text of the last user message."""
        for m in reversed(self.body.get("messages", [])):
            if m.get("role") == "user":
                content = m.get("content")
                if isinstance(content, list):
                    return "".join(p.get("text", "") for p in content if isinstance(p, dict))
                return str(content)
        return ""


def _completion(step: Reply | ToolCalls, model: str) -> dict[str, Any]:
    if isinstance(step, Reply):
        message: dict[str, Any] = {"role": "assistant", "content": step.text}
        usage = {
            "prompt_tokens": step.prompt_tokens,
            "completion_tokens": step.completion_tokens,
            "total_tokens": step.prompt_tokens + step.completion_tokens,
        }
        finish = step.finish_reason
    else:
        message = {"role": "assistant", "content": None, "tool_calls": _tool_calls(step)}
        usage = {"prompt_tokens": 20, "completion_tokens": 5, "total_tokens": 25}
        finish = "tool_calls"
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": usage,
    }


def _tool_calls(step: ToolCalls) -> list[dict[str, Any]]:
    return [
        {
            "id": f"call_{i}_{uuid.uuid4().hex[:8]}",
            "type": "function",
            "function": {"name": name, "arguments": json.dumps(args)},
        }
        for i, (name, args) in enumerate(step.calls)
    ]


class FakeOpenAI:
    """The server. Start with `with FakeOpenAI() as fake:` (or `start()`/`stop()`)."""

    def __init__(self, responder: Callable[[Recorded], Step] | None = None) -> None:
        self.responder = responder or (lambda _r: Reply('{"answer": "fake"}'))
        self.requests: list[Recorded] = []
        self._script: deque[Step] = deque()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    # ---- control -------------------------------------------------------------------
    def script(self, *steps: Step) -> None:
        """Queue steps for the next requests."""
        with self._lock:
            self._script.extend(steps)

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT/v1`."""
        assert self._server is not None, "start the server first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> FakeOpenAI:
        """Listen on a free port of 127.0.0.1."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out at once, no 40 ms stall

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._json(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})
                else:
                    self._json(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {}
                rec = Recorded(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                with fake._lock:
                    fake.requests.append(rec)
                    step = fake._script.popleft() if fake._script else None
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._json(404, {"error": {"message": f"no route {self.path}"}})
                    return
                if step is None:
                    step = fake.responder(rec)
                fake._serve(self, step, body)

            def _json(self, code: int, data: Any, headers: dict[str, str] | None = None) -> None:
                blob = json.dumps(data).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(blob)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(blob)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- serving -------------------------------------------------------------------
    def _serve(self, h: Any, step: Step, body: dict[str, Any]) -> None:
        model = str(body.get("model", "fake"))
        stream = bool(body.get("stream"))
        try:
            if isinstance(step, Status):
                headers = {}
                if step.retry_after is not None:
                    headers["Retry-After"] = f"{step.retry_after:g}"
                blob = step.body.encode()
                h.send_response(step.code)
                h.send_header("Content-Type", "application/json")
                h.send_header("Content-Length", str(len(blob)))
                for k, v in headers.items():
                    h.send_header(k, v)
                h.end_headers()
                h.wfile.write(blob)
            elif isinstance(step, Hang):
                if self._stopping.wait(step.seconds):
                    return
                self._serve(h, step.then, body)
            elif isinstance(step, Garbage):
                blob = step.body.encode()
                h.send_response(200)
                h.send_header("Content-Type", step.content_type)
                h.send_header("Content-Length", str(len(blob)))
                h.end_headers()
                h.wfile.write(blob)
            elif isinstance(step, Drop):
                h.close_connection = True
                h.connection.shutdown(socket.SHUT_RDWR)
            elif isinstance(step, SlowStream):
                self._slow(h, step, model, stream)
            elif stream:
                self._sse(h, step, model)
            else:
                blob = json.dumps(_completion(step, model)).encode()
                h.send_response(200)
                h.send_header("Content-Type", "application/json")
                h.send_header("Content-Length", str(len(blob)))
                h.end_headers()
                h.wfile.write(blob)
        except (BrokenPipeError, ConnectionResetError, OSError):
            h.close_connection = True

    def _slow(self, h: Any, step: SlowStream, model: str, stream: bool) -> None:
        if stream:
            pieces = [step.text[i :: step.chunks] for i in range(step.chunks)]
            h.send_response(200)
            h.send_header("Content-Type", "text/event-stream")
            h.send_header("Connection", "close")
            h.end_headers()
            for piece in pieces:
                if self._stopping.wait(step.delay):
                    return
                h.wfile.write(_sse_chunk(model, {"content": piece}))
                h.wfile.flush()
            h.wfile.write(b"data: [DONE]\n\n")
            h.close_connection = True
            return
        blob = json.dumps(_completion(Reply(step.text), model)).encode()
        size = max(1, len(blob) // step.chunks + 1)
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(blob)))
        h.end_headers()
        for start in range(0, len(blob), size):
            h.wfile.write(blob[start : start + size])
            h.wfile.flush()
            if self._stopping.wait(step.delay):
                return

    def _sse(self, h: Any, step: Reply | ToolCalls, model: str) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.send_header("Connection", "close")
        h.end_headers()
        if isinstance(step, Reply):
            h.wfile.write(_sse_chunk(model, {"role": "assistant", "content": step.text}))
            finish = step.finish_reason
        else:
            calls = _tool_calls(step)
            for i, c in enumerate(calls):
                delta = {"role": "assistant", "tool_calls": [{"index": i, **c}]}
                h.wfile.write(_sse_chunk(model, delta))
            finish = "tool_calls"
        h.wfile.write(_sse_chunk(model, {}, finish))
        h.wfile.write(b"data: [DONE]\n\n")
        h.wfile.flush()
        h.close_connection = True


def _sse_chunk(model: str, delta: dict[str, Any], finish: str | None = None) -> bytes:
    chunk = {
        "id": "chatcmpl-stream",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(chunk)}\n\n".encode()
