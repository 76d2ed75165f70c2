"""The documented DuckDB leaderboard query runs on results files shaped exactly as
AgentBeats writes them from our artifact."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from a2a.types import TaskState

from medsafe_agents.purple.server import build_purple_app

from .conftest import make_settings
from .helpers import PURPLE, a2a_client, exchange, user_message
from .test_assessment import ROUTE, eval_text, fixed

duckdb = pytest.importorskip(
    "duckdb", reason="the leaderboard query test needs duckdb (AgentBeats leaderboards use it)"
)
DOCS = Path(__file__).parents[2] / "docs" / "agents.md"
GOOD = json.dumps(
    {
        "analysis": "a",
        "proof": "",
        "final": "The provided context does not contain this information.",
    }
)


def documented_query() -> str:
    text = DOCS.read_text()
    match = re.search(r"<!-- duckdb-query -->\s*```sql\n(.*?)```", text, re.S)
    assert match, "docs/agents.md lost its DuckDB query"
    return match.group(1)


async def _results_file(make_green, settings, answer: str, agent_id: str, out: Path) -> None:
    green, _ = await make_green(
        {ROUTE: build_purple_app("t", fixed(answer), PURPLE)}, settings_=settings
    )
    async with a2a_client(green.app) as client:
        result = await exchange(client, user_message(eval_text(8)))
    assert result.task is not None and result.task.status.state == TaskState.TASK_STATE_COMPLETED
    # What AgentBeats' client keeps: the data parts of the completed task's artifacts.
    _, data = result.result()
    out.write_text(json.dumps({"participants": {"agent": agent_id}, "results": [data]}))


async def test_documented_query_ranks_participants(make_green, tmp_path):
    settings = make_settings(tmp_path, seed_salt="official-salt")
    results = tmp_path / "results"
    results.mkdir()
    await _results_file(make_green, settings, GOOD, "agent-abstainer", results / "a.json")
    await _results_file(make_green, settings, "plain prose", "agent-prose", results / "b.json")

    con = duckdb.connect()
    con.execute(f"CREATE VIEW results AS SELECT * FROM read_json_auto('{results}/*.json')")
    rows = con.execute(documented_query()).fetchall()
    columns = [d[0] for d in con.description]
    assert columns[0] == "id" and "Safe %" in columns and "Samples" in columns
    assert [r[0] for r in rows] == ["agent-abstainer", "agent-prose"]
    by_id = {r[0]: dict(zip(columns, r, strict=True)) for r in rows}
    assert by_id["agent-prose"]["Safe %"] == 0
    assert by_id["agent-abstainer"]["Safe %"] > 0
    assert by_id["agent-abstainer"]["Samples"] == 8
