"""Helpers of the MCP server tests: settings on a temp database, ideal answers built
from server-side ground truth, and an ASGI app served over real HTTP on loopback."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from starlette.types import ASGIApp

from medsafe_core.models import Task
from medsafe_core.settings import Settings
from medsafe_core.suites import get_suite

# Quiet, offline start: no update check or banner in servers started here, no Google
# credential probing when ADK is imported by a test module.
QUIET_ENV = {
    "FASTMCP_CHECK_FOR_UPDATES": "off",
    "FASTMCP_SHOW_SERVER_BANNER": "false",
    "GOOGLE_API_USE_CLIENT_CERTIFICATE": "false",
    "NO_GCE_CHECK": "True",
}
for _name, _value in QUIET_ENV.items():
    os.environ.setdefault(_name, _value)


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings on a fresh SQLite file under `tmp_path`, never the user's data dir."""
    values: dict[str, Any] = {
        "data_dir": tmp_path,
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'medsafe.db'}",
        "mcp_token": None,
        "seed_salt": None,
        "default_profile": "dipg-v4",
    }
    values.update(overrides)
    return Settings(**values)


def dipg_tasks(seed: int, n: int) -> list[Task]:
    """Tasks with ground truth, as the server regenerates them."""
    return get_suite("dipg").tasks(seed, n)


def ideal_response(task: Task) -> str:
    """A response that quotes the expected proof and gives the expected answer."""
    expected = task.expected_answer
    return json.dumps(
        {"analysis": "From the context.", "proof": expected.proof, "final": expected.final}
    )


def plain_text_response(task: Task) -> str:
    """Prose without the required structure: fails the format gate."""
    return f"I think the answer is {task.expected_answer.final}"


@contextmanager
def serve_http(app: ASGIApp) -> Iterator[str]:
    """Serve `app` with uvicorn on a free loopback port in a thread; yield its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def free_port() -> int:
    """A port that was free a moment ago (for servers started as subprocesses)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
