"""Output schemas that clients can check quickly.

The MCP SDK client validates every structured result against the tool's output schema
(jsonschema, in Python). Pydantic writes an optional field as
`anyOf: [{"type": "number"}, {"type": "null"}]`, which the validator checks branch by
branch, building an error object for each miss; for a 1,000-item result that is most
of the client's cost. `{"type": ["number", "null"]}` states the same constraint and
validates several times faster, so output schemas are published in that form.

Schemas are also published with their `$defs` inlined, as FastMCP's dereferencing
middleware would publish them: done once here, since the middleware otherwise redoes it
for every tool on every `tools/list`, and the MCP SDK's HTTP transport lists the tools
on every `tools/call` (to check `Mcp-Param-*` headers against the called tool's schema),
which cost more than ten milliseconds per call.
"""

from __future__ import annotations

from typing import Any

from fastmcp.utilities.json_schema import compress_schema, dereference_refs
from pydantic import BaseModel


def _simple_type(branch: Any) -> str | None:
    if isinstance(branch, dict) and set(branch) == {"type"} and isinstance(branch["type"], str):
        return branch["type"]
    return None


def merge_simple_unions(node: Any) -> Any:
    """Rewrite every `anyOf` of bare `{"type": ...}` branches as one `type` list."""
    if isinstance(node, list):
        return [merge_simple_unions(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: merge_simple_unions(value) for key, value in node.items()}
    branches = out.get("anyOf")
    if isinstance(branches, list) and "type" not in out:
        types = [_simple_type(branch) for branch in branches]
        if types and all(types):
            del out["anyOf"]
            out["type"] = types
    return out


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` as FastMCP publishes it: `$ref`s to `$defs` inlined (see the module
    docstring)."""
    return dereference_refs(schema)


def output_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The tool output schema FastMCP would derive from `model` and publish, with simple
    unions merged and `$defs` inlined (see the module docstring)."""
    schema = model.model_json_schema(mode="serialization")
    merged: dict[str, Any] = merge_simple_unions(compress_schema(schema, prune_titles=True))
    return inline_refs(merged)
