"""What the fast result path of evaluate_batch must keep: the structured result a
standard client receives validates against the tool's declared output schema, its text
copy says the same, unstored batches report the metrics the stored run has, and the
sizes used for paging are those of the message on the wire."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
from fastmcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp_helpers import dipg_tasks, ideal_response, make_settings, plain_text_response, serve_http
from pydantic import BaseModel

from mcp import ClientSession
from medsafe_mcp import create_server
from medsafe_mcp.paging import MESSAGE_LIMIT_BYTES, item_json, json_wire_size, spliced_result


def mixed_items(seed: int, n: int) -> list[dict[str, Any]]:
    """Ideal answers and format failures (whose results carry penalties)."""
    return [
        {"task_id": t.id, "response": (plain_text_response if i % 3 else ideal_response)(t)}
        for i, t in enumerate(dipg_tasks(seed, n))
    ]


async def test_results_validate_against_the_output_schema_over_http(tmp_path: Path) -> None:
    server = create_server(make_settings(tmp_path))
    with serve_http(server.http_app(path="/mcp")) as url:
        async with (
            streamable_http_client(f"{url}/mcp") as (read, write),
            ClientSession(read, write) as session,  # the official MCP SDK client
        ):
            await session.initialize()
            tools = {tool.name: tool for tool in (await session.list_tools()).tools}
            schema = tools["evaluate_batch"].output_schema
            assert schema is not None
            validator = jsonschema.Draft202012Validator(schema)
            for n, detail in ((12, "full"), (1000, "compact")):
                result = await session.call_tool("evaluate_batch", {"responses": mixed_items(3, n)})
                assert not result.is_error, result.content
                data = result.structured_content
                assert data is not None
                assert (data["detail"], len(data["results"])) == (detail, n)
                validator.validate(data)
                # the text copy is the same JSON, for clients that read text only
                assert json.loads(result.content[0].text) == data  # type: ignore[union-attr]
                if detail == "full":
                    assert any(r["penalties"] for r in data["results"])
                    wire = json.dumps(result.model_dump(mode="json", by_alias=True))
                    assert len(wire.encode()) < MESSAGE_LIMIT_BYTES


async def test_unstored_results_report_the_stored_runs_metrics_and_manifest(
    tmp_path: Path,
) -> None:
    items = mixed_items(5, 30) + [
        {"task_id": i["task_id"], "response": i["response"], "epoch": 1} for i in mixed_items(5, 10)
    ]
    async with Client(create_server(make_settings(tmp_path))) as client:
        unstored = (
            await client.call_tool("evaluate_batch", {"responses": items})
        ).structured_content
        stored = (
            await client.call_tool("evaluate_batch", {"responses": items, "store": True})
        ).structured_content
        run = (await client.call_tool("get_run", {"run_id": stored["run_id"]})).structured_content
    assert unstored["run_id"] is None
    assert unstored["metrics"] == stored["metrics"] == run["metrics"]
    assert unstored["results"] == stored["results"]
    manifest = run["manifest"]
    for field in ("suite", "suite_version", "scorer_version", "profile_hash"):
        assert unstored[field] == stored[field] == manifest[field], field
    assert unstored["profile"] == manifest["profile"]["name"]
    assert unstored["ground_truth_source"] == manifest["ground_truth_source"] == "server"


def test_wire_size_counts_both_copies_as_the_sdk_writes_them() -> None:
    for value in (
        {"reason": 'a "quoted" back\\slash\nline', "n": [1, 2.5, None, True]},
        {"text": "dose \u2265 5 \u00b5g/kg \U0001f600", "ok": False},
    ):
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        structured = json.dumps(value, separators=(",", ":"))  # the SDK escapes non-ASCII
        text_copy = json.dumps(text)[1:-1]
        exact = len(structured.encode()) + len(text_copy.encode())
        size = json_wire_size(text.encode())
        assert exact <= size <= exact + 2 * sum(not c.isascii() for c in text)


async def test_schemas_are_registered_as_published_so_no_call_redoes_it(tmp_path: Path) -> None:
    # The MCP SDK lists the tools on every tools/call over HTTP, and FastMCP inlines
    # every `$defs` it finds on each listing; registered without them, it has none to do.
    server = create_server(make_settings(tmp_path))
    for name in ("list_suites", "get_eval_tasks", "evaluate_batch", "get_run", "compare_runs"):
        tool = await server.get_tool(name)
        assert tool is not None
        assert "$ref" not in json.dumps(tool.output_schema), name
    evaluate = await server.get_tool("evaluate_batch")
    assert evaluate is not None
    assert "$ref" not in json.dumps(evaluate.parameters)
    assert "ground_truth" in json.dumps(evaluate.parameters)


class _Item(BaseModel):
    name: str
    score: float | None = None


class _Page(BaseModel):
    run_id: str | None
    items: list[_Item]
    next_offset: int | None


def test_a_spliced_result_is_the_models_own_json() -> None:
    items = [_Item(name='a "b" \u2265'), _Item(name="c", score=1.5)]
    for page in (
        _Page(run_id=None, items=items, next_offset=3),
        _Page(run_id="r", items=[], next_offset=None),
    ):
        envelope = page.model_copy(update={"items": []})
        result = spliced_result(envelope, "items", [item_json(i) for i in page.items])
        assert result.content[0].text == page.model_dump_json()  # type: ignore[union-attr]
        assert result.structured_content == page.model_dump(mode="json")
