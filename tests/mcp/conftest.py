"""Fixtures of the MCP server tests: a real store on a temp SQLite file, a server that
shares it, and an in-memory client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client, FastMCP
from mcp_helpers import make_settings

from medsafe_core.settings import Settings
from medsafe_core.store import Store
from medsafe_mcp import create_server


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[Store]:
    opened = await Store.connect(settings.resolved_database_url())
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def server(settings: Settings, store: Store) -> FastMCP:
    return create_server(settings, store)


@pytest.fixture
async def client(server: FastMCP) -> AsyncIterator[Client[Any]]:
    async with Client(server) as connected:
        yield connected
