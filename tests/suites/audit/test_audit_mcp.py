"""The audit episode tools over MCP (in-memory fastmcp Client against the real server,
real SQLite store), including two replicas sharing one store."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from audit_helpers import audit
from fastmcp import Client, FastMCP
from fastmcp.exceptions import ToolError

from medsafe_core.models import TaskView
from medsafe_core.settings import Settings
from medsafe_core.store import Store
from medsafe_core.suites.audit import HeuristicAuditor, RandomAuditor
from medsafe_core.suites.play import play_episode
from medsafe_mcp import create_server
from medsafe_mcp.state import ServerState
from medsafe_mcp.tools import episodes


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'medsafe.db'}",
        mcp_token=None,
    )


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[Store]:
    opened = await Store.connect(settings.resolved_database_url())
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def client(settings: Settings, store: Store) -> AsyncIterator[Client[Any]]:
    async with Client(create_server(settings, store)) as connected:
        yield connected


async def call(client: Client[Any], name: str, **args: Any) -> dict[str, Any]:
    result = await client.call_tool(name, args)
    assert result.structured_content is not None
    return result.structured_content


async def play_over_mcp(
    clients: list[Client[Any]], agent: Any, seed: int, difficulty: str
) -> dict[str, Any]:
    """Play an episode, each step on the next client (replicas), return the result."""
    started = await call(clients[0], "audit_start", seed=seed, difficulty=difficulty)
    eid, observation, step = started["episode_id"], started["observation"], 0
    done = False
    while not done:
        action = json.loads(
            agent.answer(TaskView(id=started["task_id"], suite="audit", question=observation))
        )
        step += 1
        out = await call(
            clients[step % len(clients)],
            f"audit_{action['tool']}",
            episode_id=eid,
            **action["arguments"],
        )
        observation, done = out["observation"], out["done"]
    return await call(clients[0], "audit_result", episode_id=eid)


async def test_every_suite_tool_is_exposed_with_its_argument_schema(
    client: Client[Any],
) -> None:
    tools = {t.name: t for t in await client.list_tools()}
    suite = audit()
    for tool, model in suite.tool_arguments().items():
        schema = tools[f"audit_{tool}"].input_schema
        assert set(schema["properties"]) == {"episode_id", *model.model_fields}
        assert "episode_id" in schema["required"]
    assert {"audit_start", "audit_result"} <= set(tools)


@pytest.mark.parametrize("agent", [HeuristicAuditor(), RandomAuditor()])
async def test_mcp_episode_scores_like_the_in_process_episode(
    client: Client[Any], agent: Any
) -> None:
    out = await play_over_mcp([client], agent, seed=21, difficulty="hard")
    suite = audit()
    _, expected = play_episode(suite, suite.task_for(21, "hard"), agent)
    assert out["done"] and out["score"]["reward"] == expected.reward
    assert out["score"]["details"] == expected.details


async def test_two_replicas_serve_one_episode(settings: Settings, store: Store) -> None:
    second = await Store.connect(settings.resolved_database_url())
    try:
        async with (
            Client(create_server(settings, store)) as a,
            Client(create_server(settings, second)) as b,
        ):
            out = await play_over_mcp([a, b], HeuristicAuditor(), seed=4, difficulty="medium")
    finally:
        await second.close()
    assert out["score"]["reward"] == 1.0 and out["score"]["outcome"] == "clean_audit"


async def test_bad_ids_and_arguments_are_tool_errors(client: Client[Any]) -> None:
    with pytest.raises(ToolError, match="unknown episode_id 'no-such-episode'"):
        await client.call_tool(
            "audit_approve", {"episode_id": "no-such-episode", "proposal_id": "PROP-001"}
        )
    started = await call(client, "audit_start", seed=1, difficulty="easy")
    eid = started["episode_id"]
    with pytest.raises(ToolError, match="error_type"):
        await client.call_tool(
            "audit_flag_error",
            {"episode_id": eid, "proposal_id": "PROP-001", "error_type": "vibes"},
        )
    with pytest.raises(ToolError, match="difficulty"):
        await client.call_tool("audit_start", {"seed": 1, "difficulty": "extreme"})
    rejected = await call(client, "audit_review_proposal", episode_id=eid, proposal_id="PROP-099")
    assert rejected["error"] == "no proposal 'PROP-099'" and rejected["turn"] == 1
    running = await call(client, "audit_result", episode_id=eid)
    assert running["done"] is False and running["score"] is None
    await call(client, "audit_submit_audit_report", episode_id=eid, summary="none")
    with pytest.raises(ToolError, match="has ended"):
        await client.call_tool("audit_approve", {"episode_id": eid, "proposal_id": "PROP-001"})


async def test_idle_episodes_expire(settings: Settings, store: Store) -> None:
    server = FastMCP("expiry")
    episodes.register(server, ServerState(settings, store), ttl_s=1.0)
    async with Client(server) as client:
        eid = (await call(client, "audit_start", seed=2))["episode_id"]
        await call(client, "audit_cohort_analysis", episode_id=eid, group_by="sex")
        await asyncio.sleep(1.2)
        with pytest.raises(ToolError, match=f"episode '{eid}' expired"):
            await client.call_tool("audit_cohort_analysis", {"episode_id": eid})
        with pytest.raises(ToolError, match="unknown episode_id"):
            await client.call_tool("audit_result", {"episode_id": eid})


async def test_concurrent_steps_of_one_episode_lose_no_update(client: Client[Any]) -> None:
    eid = (await call(client, "audit_start", seed=3, difficulty="hard"))["episode_id"]
    calls = [
        client.call_tool(
            "audit_investigate_patient",
            {"episode_id": eid, "patient_id": f"P{i:04d}"},
            raise_on_error=False,
        )
        for i in range(1, 9)
    ]
    results = await asyncio.gather(*calls)
    ok = [r for r in results if not r.is_error]
    assert all("retry" in str(r.content) for r in results if r.is_error)
    status = await call(client, "audit_result", episode_id=eid)
    assert status["turn"] == len(ok) >= 1
