from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette

from medsafe_agents.green.app import GreenServer, create_green
from medsafe_agents.green.chat import AdkChat
from medsafe_agents.purple.__main__ import build_from_args, parse_args
from medsafe_agents.settings import AgentSettings

from .helpers import Router


def make_settings(tmp_path: Path, **overrides: Any) -> AgentSettings:
    values: dict[str, Any] = {
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'medsafe.db'}",
        "data_dir": tmp_path,
        "progress_interval_s": 0.0,
        "green_token": None,
        "seed_salt": None,
        "allowed_participants": "",
        "chat_model": None,
        "mcp_url": None,
    }
    values.update(overrides)
    return AgentSettings(**values)


@pytest.fixture
def settings(tmp_path: Path) -> AgentSettings:
    return make_settings(tmp_path)


def purple_app(kind: str, *extra: str, port: int = 19010) -> Starlette:
    """A purple participant built exactly as `medsafe-purple` builds it."""
    return build_from_args(parse_args(["--kind", kind, "--port", str(port), *extra]))


MakeGreen = Callable[..., Awaitable[tuple[GreenServer, Router]]]


@pytest.fixture
async def make_green(settings: AgentSettings) -> AsyncIterator[MakeGreen]:
    opened: list[GreenServer] = []

    async def _make(
        apps: dict[str, Starlette] | None = None,
        *,
        settings_: AgentSettings | None = None,
        chat_model: Any = None,
    ) -> tuple[GreenServer, Router]:
        router = Router(apps or {})
        green = await create_green(
            settings_ or settings,
            card_url="http://green.test/",
            participant_transport=router,
            chat_model=chat_model,
        )
        opened.append(green)
        return green, router

    yield _make
    for green in opened:
        if isinstance(green.executor.chat, AdkChat):
            await green.executor.chat.close()
        await green.executor.aclose()
        await green.store.close()
