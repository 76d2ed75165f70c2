"""Tool listing, list_suites and get_eval_tasks, with every error path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError
from mcp_helpers import dipg_tasks, make_settings

from medsafe_core.suites import SuiteKind, get_suite, list_suites
from medsafe_mcp import create_server
from medsafe_mcp.paging import MESSAGE_LIMIT_BYTES, wire_size_of_json

EXPECTED_TOOLS = {"list_suites", "get_eval_tasks", "evaluate_batch", "get_run", "compare_runs"}
EPISODE_TOOLS = {
    f"{info.name}_{tool}"
    for info in list_suites()
    if info.kind is SuiteKind.EPISODIC
    for tool in ["start", *info.tools, "result"]
}
"""Episodic suites add a start tool, one tool per suite tool, and a result tool."""
GROUND_TRUTH_KEYS = {"expected_answer", "truth", "claims", "proof", "final"}


def all_keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in all_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in all_keys(v)}
    return set()


async def test_tools_are_listed_with_descriptions_and_schemas(client: Client) -> None:
    tools = {tool.name: tool for tool in await client.list_tools()}
    assert set(tools) == EXPECTED_TOOLS | EPISODE_TOOLS
    for tool in tools.values():
        assert len(tool.description or "") > 40
        assert tool.title
        assert "ctx" not in tool.input_schema.get("properties", {})
        assert tool.output_schema is not None
    assert tools["get_eval_tasks"].annotations.read_only_hint is True
    assert tools["evaluate_batch"].annotations.read_only_hint is False
    items = tools["evaluate_batch"].input_schema["properties"]["responses"]["items"]
    assert len(items["oneOf"]) == 2
    # optional output fields are published as type lists (fast for clients to validate)
    result = tools["evaluate_batch"].output_schema["properties"]["results"]["items"]
    assert result["properties"]["reward"]["type"] == ["number", "null"]
    assert "anyOf" not in json.dumps(tools["evaluate_batch"].output_schema)


async def test_list_suites_describes_dipg(client: Client) -> None:
    result = await client.call_tool("list_suites")
    suites = {s["name"]: s for s in result.structured_content["suites"]}
    dipg = suites["dipg"]
    assert dipg["version"] >= 1
    assert dipg["categories"]
    assert "json" in dipg["response_formats"]
    assert dipg["default_profile"] == "dipg-v4"


async def test_get_eval_tasks_defaults_and_no_ground_truth(client: Client) -> None:
    result = await client.call_tool("get_eval_tasks", {"seed": 7})
    data = result.structured_content
    assert data["suite"] == "dipg"
    assert data["seed"] == 7
    assert data["format"] == "json"
    assert (data["n"], data["offset"], data["next_offset"]) == (10, 0, None)
    assert len(data["tasks"]) == 10
    assert "JSON" in data["instructions"]
    truth = dipg_tasks(7, 10)
    assert [t["id"] for t in data["tasks"]] == [t.id for t in truth]
    for sent, full in zip(data["tasks"], truth, strict=True):
        assert sent["context"] == full.context
        assert sent["question"] == full.question
        assert not {"category", "scenario", "group"} & set(sent)  # no answer-kind hints
    assert not all_keys(data) & GROUND_TRUTH_KEYS
    text = result.content[0].text
    for key in GROUND_TRUTH_KEYS:
        assert f'"{key}"' not in text


async def test_get_eval_tasks_is_reproducible_and_random_without_seed(client: Client) -> None:
    first = (await client.call_tool("get_eval_tasks", {"n": 3, "seed": 11})).structured_content
    again = (await client.call_tool("get_eval_tasks", {"n": 3, "seed": 11})).structured_content
    assert first == again
    fresh = (await client.call_tool("get_eval_tasks", {"n": 2})).structured_content
    seed = fresh["seed"]
    assert all(task["id"].split("/")[2] == str(seed) for task in fresh["tasks"])
    repeat = (await client.call_tool("get_eval_tasks", {"n": 2, "seed": seed})).structured_content
    assert repeat["tasks"] == fresh["tasks"]


async def test_get_eval_tasks_filters_categories(client: Client) -> None:
    suites = (await client.call_tool("list_suites")).structured_content["suites"]
    category = next(s for s in suites if s["name"] == "dipg")["categories"][-1]
    result = await client.call_tool("get_eval_tasks", {"n": 4, "seed": 5, "categories": [category]})
    tasks = result.structured_content["tasks"]
    assert [t["id"] for t in tasks] == [t.id for t in get_suite("dipg").tasks(5, 4, [category])]


async def test_large_task_sets_come_in_pages_that_fit_a_message(client: Client) -> None:
    ids: list[str] = []
    offset: int | None = 0
    pages = 0
    while offset is not None:
        arguments = {"n": 400, "seed": 1, "offset": offset}
        result = await client.call_tool("get_eval_tasks", arguments)
        text = result.content[0].text  # the structured copy plus this, escaped again
        assert wire_size_of_json(text) < MESSAGE_LIMIT_BYTES - 16 * 1024
        data = result.structured_content
        assert data["offset"] == offset
        ids += [task["id"] for task in data["tasks"]]
        offset = data["next_offset"]
        pages += 1
    assert pages > 1
    assert ids == [task.id for task in dipg_tasks(1, 400)]


@pytest.mark.parametrize(
    ("fmt", "marker"),
    [("xml", "<dipg_response>"), ("yaml", "YAML"), ("custom_tags", "<|channel|>")],
)
async def test_get_eval_tasks_formats(client: Client, fmt: str, marker: str) -> None:
    result = await client.call_tool("get_eval_tasks", {"n": 1, "seed": 1, "format": fmt})
    assert result.structured_content["format"] == fmt
    assert marker in result.structured_content["instructions"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"suite": "nosuch"}, "unknown suite 'nosuch'"),
        ({"n": 0}, "n must be between 1 and"),
        ({"n": 51}, "n must be between 1 and 50"),
        ({"categories": ["nosuch"]}, "unknown categories ['nosuch']"),
        ({"format": "toml"}, "format: Input should be"),
        ({"seed": -1}, "seed: Input should be greater than or equal to 0"),
        ({"n": 5, "offset": 5}, "offset must be below n=5 (got 5)"),
        ({"offset": -1}, "offset: Input should be greater than or equal to 0"),
        ({"n": "ten"}, "n: Input should be a valid integer"),
        ({"colour": "red"}, "colour: Unexpected keyword argument"),
    ],
    ids=lambda value: json.dumps(value) if isinstance(value, dict) else "",
)
async def test_get_eval_tasks_errors(tmp_path: Path, arguments: dict, message: str) -> None:
    server = create_server(make_settings(tmp_path, max_batch_items=50))
    async with Client(server) as client:
        with pytest.raises(ToolError) as error:
            await client.call_tool("get_eval_tasks", arguments)
    text = str(error.value)
    assert message in text
    assert "Traceback" not in text
    assert "https://errors.pydantic.dev" not in text


async def test_unknown_tool_is_a_clean_error(client: Client) -> None:
    result = await client.call_tool("nosuch_tool", {}, raise_on_error=False)
    assert result.is_error
    assert "Unknown tool" in result.content[0].text
