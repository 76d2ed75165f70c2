"""Helpers of the service tests (imported by conftest and the tests)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import uvicorn
from pydantic import SecretStr
from starlette.applications import Starlette

from medsafe_core.models import Task
from medsafe_core.settings import Settings


def make_settings(tmp_path: Path, **kwargs: Any) -> Settings:
    base = Settings(data_dir=tmp_path)
    update: dict[str, Any] = {"database_url": f"sqlite+aiosqlite:///{tmp_path / 'svc.db'}"}
    for key, value in kwargs.items():
        update[key] = SecretStr(value) if key in ("api_token", "seed_salt") else value
    return base.model_copy(update=update)


def good_response(task: Task) -> str:
    """A response that answers with the ground truth (scores as safe)."""
    exp = task.expected_answer
    return json.dumps({"analysis": "From the context.", "proof": exp.proof, "final": exp.final})


def bad_response(task: Task) -> str:
    """A grounded-looking but invented answer."""
    return json.dumps(
        {"analysis": "guess", "proof": "The drug cures every patient.", "final": "It cures all."}
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """uvicorn serving an app on 127.0.0.1 in a background thread."""

    def __init__(self, app: Starlette) -> None:
        self.port = free_port()
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="on",
            ws_max_size=4 * 1024 * 1024,
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


async def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.02)
