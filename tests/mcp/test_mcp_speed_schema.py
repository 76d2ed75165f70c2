"""Output schemas publish list items without annotations (cheaper for clients to check
once per item) and lose nothing else: the same constraints, every field still typed, and
every field description kept in the list's own description."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from fastmcp import Client
from fastmcp.utilities.json_schema import compress_schema, dereference_refs
from mcp_helpers import dipg_tasks, ideal_response, plain_text_response
from pydantic import BaseModel

from medsafe_core.metrics import RunComparison
from medsafe_mcp.models import EvalTasks, EvaluationResult, RunPage, SuiteList
from medsafe_mcp.schemas import (
    ANNOTATIONS,
    compact_list_items,
    merge_simple_unions,
    output_schema,
    without_annotations,
)

MODELS: list[type[BaseModel]] = [EvaluationResult, RunPage, EvalTasks, SuiteList, RunComparison]


def unabridged(model: type[BaseModel]) -> dict[str, Any]:
    """The schema as published before list items were made compact."""
    schema = model.model_json_schema(mode="serialization")
    merged = merge_simple_unions(compress_schema(schema, prune_titles=True))
    return dict(dereference_refs(merged))


def annotation_keys(node: Any, inside_properties: bool = False) -> set[str]:
    """Annotation keywords anywhere in a schema (property *names* are not keywords)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if not inside_properties and key in ANNOTATIONS:
                found.add(key)
            found |= annotation_keys(value, key in ("properties", "patternProperties"))
    elif isinstance(node, list):
        for value in node:
            found |= annotation_keys(value)
    return found


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_compact_schemas_state_the_same_constraints(model: type[BaseModel]) -> None:
    compact = output_schema(model)
    assert without_annotations(compact) == without_annotations(unabridged(model))
    assert "$ref" not in json.dumps(compact)
    jsonschema.Draft202012Validator.check_schema(compact)


def test_result_items_carry_types_only_and_their_docs_move_to_the_list() -> None:
    schema = output_schema(EvaluationResult)
    results = schema["properties"]["results"]
    items = results["items"]
    assert annotation_keys(items) == set()
    for name, field in items["properties"].items():
        assert "type" in field or "enum" in field, name
    assert items["properties"]["reward"]["type"] == ["number", "null"]
    evidence = items["properties"]["penalties"]["items"]["properties"]["evidence"]["items"]
    assert evidence["properties"]["source"]["enum"][0] == "context"
    # every described field of the items, nested ones by path, is documented once
    before = unabridged(EvaluationResult)["properties"]["results"]["items"]
    for name, field in before["properties"].items():
        if "description" in field:
            assert f"- `{name}`: " in results["description"], name
    assert "- `penalties[].evidence[].start`: " in results["description"]
    assert results["description"].startswith("Per item, in the order sent")
    # fields outside lists keep their own descriptions
    assert schema["properties"]["metrics"]["description"]
    assert schema["properties"]["run_id"]["description"]


def test_property_names_that_look_like_annotations_are_kept() -> None:
    node = {
        "type": "array",
        "items": {
            "type": "object",
            "description": "An item.",
            "properties": {
                "title": {"type": "string", "description": "Its title.", "default": ""},
                "default": {"type": "integer", "title": "Default"},
            },
            "required": ["title"],
        },
    }
    compact = compact_list_items(node)
    assert compact["items"] == {
        "type": "object",
        "properties": {"title": {"type": "string"}, "default": {"type": "integer"}},
        "required": ["title"],
    }
    assert compact["description"] == "Each item: An item.\n- `title`: Its title."


async def test_the_sdk_client_accepts_results_and_rejects_wrong_types(client: Client) -> None:
    tasks = dipg_tasks(6, 12)
    items = [
        {"task_id": t.id, "response": (plain_text_response if i % 2 else ideal_response)(t)}
        for i, t in enumerate(tasks)
    ]
    listed = {tool.name: tool for tool in await client.list_tools()}
    schema = listed["evaluate_batch"].output_schema
    assert schema == output_schema(EvaluationResult)
    result = await client.call_tool_mcp("evaluate_batch", {"responses": items})
    assert not result.is_error
    data = result.structured_content
    assert data is not None and any(r["penalties"] for r in data["results"])
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(data)
    for field, wrong in (("reward", "high"), ("safe", "yes"), ("epoch", 1.5)):
        broken = json.loads(json.dumps(data))
        broken["results"][3][field] = wrong
        with pytest.raises(jsonschema.ValidationError):
            validator.validate(broken)
    broken = json.loads(json.dumps(data))
    penalty = next(p for r in broken["results"] for p in r["penalties"] if p["evidence"])
    penalty["evidence"][0]["source"] = "elsewhere"
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(broken)
    del broken["results"][0]["outcome"]
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(broken)
