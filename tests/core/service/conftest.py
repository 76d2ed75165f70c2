"""Service fixtures: the real app over a real SQLite store, in process (httpx's ASGI
transport) or served by uvicorn on a free loopback port (for /ws and the browser)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from service_helpers import LiveServer, make_settings
from starlette.applications import Starlette

from medsafe_core.models import Task
from medsafe_core.service import ServiceOptions, create_app
from medsafe_core.settings import Settings
from medsafe_core.store import Store
from medsafe_core.suites import get_suite


@pytest.fixture
def tasks() -> list[Task]:
    return get_suite("dipg").tasks(7, 12)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path, max_batch_items=200)


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[Store]:
    s = await Store.connect(settings.resolved_database_url())
    try:
        yield s
    finally:
        await s.close()


@pytest.fixture
def app(settings: Settings, store: Store) -> Starlette:
    return create_app(settings, store, options=ServiceOptions(max_body_bytes=1024 * 1024))


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://medsafe.test") as c:
        yield c


@pytest.fixture
def live_factory(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start servers whose app opens its own store (lifespan: migrate, then close)."""
    started: list[LiveServer] = []

    def start(options: ServiceOptions | None = None, **settings_kwargs: Any) -> LiveServer:
        settings = make_settings(tmp_path, **settings_kwargs)
        server = LiveServer(create_app(settings, options=options)).__enter__()
        started.append(server)
        return server

    yield start
    for server in started:
        server.__exit__(None, None, None)


@pytest.fixture
def live(live_factory: Callable[..., LiveServer]) -> LiveServer:
    return live_factory(max_batch_items=2000)
