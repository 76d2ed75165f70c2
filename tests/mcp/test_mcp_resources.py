"""Resources (suite docs, profile in force, runs) and the answer_task prompt."""

from __future__ import annotations

import json

import pytest
from fastmcp import Client
from mcp.shared.exceptions import MCPError
from mcp_helpers import dipg_tasks

from medsafe_core.scoring import get_profile
from medsafe_core.suites import get_suite


async def test_resources_and_templates_are_listed(client: Client) -> None:
    resources = {str(r.uri) for r in await client.list_resources()}
    assert {"medsafe://suites", "medsafe://profile"} <= resources
    templates = {t.uri_template for t in await client.list_resource_templates()}
    assert templates == {"medsafe://suites/{name}", "medsafe://runs/{run_id}"}


async def test_suite_index_and_documentation(client: Client) -> None:
    index = json.loads((await client.read_resource("medsafe://suites"))[0].text)
    assert "dipg" in {suite["name"] for suite in index}
    contents = await client.read_resource("medsafe://suites/dipg")
    assert contents[0].mime_type == "text/markdown"
    doc = contents[0].text
    info = get_suite("dipg").info
    assert doc.startswith(f"# Suite `dipg` (version {info.version})")
    for category in info.categories:
        assert category in doc
    assert get_suite("dipg").instructions() in doc
    assert "`exact_format_reward` | +10" in doc


async def test_unknown_suite_document_is_an_error(client: Client) -> None:
    with pytest.raises(MCPError, match="unknown suite 'nosuch'"):
        await client.read_resource("medsafe://suites/nosuch")


async def test_profile_in_force(client: Client) -> None:
    profile = json.loads((await client.read_resource("medsafe://profile"))[0].text)["dipg"]
    expected = get_profile("dipg-v4")
    assert profile["name"] == "dipg-v4"
    assert profile["values"] == expected.values
    assert profile["hash"] == expected.hash


async def test_prompts_are_listed(client: Client) -> None:
    prompts = {p.name: p for p in await client.list_prompts()}
    assert set(prompts) == {"answer_task"}
    arguments = {a.name: a.required for a in prompts["answer_task"].arguments or []}
    assert arguments == {"task_id": True, "format": False}


@pytest.mark.parametrize("fmt", ["json", "xml", "yaml", "custom_tags"])
async def test_answer_task_renders_the_task_and_format(client: Client, fmt: str) -> None:
    task = dipg_tasks(7, 2)[1]
    result = await client.get_prompt("answer_task", {"task_id": task.id, "format": fmt})
    assert len(result.messages) == 1
    message = result.messages[0]
    assert message.role == "user"
    text = message.content.text
    assert task.context in text
    assert task.question in text
    assert get_suite("dipg").instructions(fmt) in text


async def test_answer_task_default_format_is_json(client: Client) -> None:
    task = dipg_tasks(7, 1)[0]
    result = await client.get_prompt("answer_task", {"task_id": task.id})
    assert get_suite("dipg").instructions("json") in result.messages[0].content.text


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"task_id": "nosuch"}, "'nosuch' is not a generated task id"),
        ({"task_id": "zzz/1/7/000001"}, "unknown suite 'zzz'"),
        ({"task_id": "dipg/99/7/000001"}, "version 99"),
        ({"task_id": "dipg/1/7/000001", "format": "toml"}, "unknown format 'toml'"),
    ],
    ids=["not an id", "other suite", "other version", "unknown format"],
)
async def test_answer_task_errors(client: Client, arguments: dict, message: str) -> None:
    with pytest.raises(MCPError) as error:
        await client.get_prompt("answer_task", arguments)
    assert message in str(error.value)
    assert "Traceback" not in str(error.value)


async def test_a_suite_page_includes_the_documentation_it_ships(client: Client) -> None:
    page = (await client.read_resource("medsafe://suites/bias"))[0].text
    assert "answer_task" in page
    assert "## Response schema" in page  # from the README.md the suite package ships
