"""Keep every tool result small enough for standard MCP clients.

Over streamable HTTP a tool result travels as one server-sent event that carries it
twice: the structured content, and its JSON text as a string, where every `"` and `\\`
is escaped again. The MCP SDK's client rejects events over 1 MiB (`max_sse_event_size`;
neither FastMCP's nor ADK's client raises it). So lists that can grow with the caller's
request (tasks, per-item results, stored samples) are cut into pages whose *wire* size
(both copies, escaping included) fits the message, and the result says where the next
page starts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from fastmcp.tools import ToolResult
from mcp.types import TextContent
from pydantic import BaseModel
from pydantic_core import from_json

MESSAGE_LIMIT_BYTES = 1024 * 1024
"""The MCP SDK client's limit on one server-sent event."""
FRAMING_BYTES = 16 * 1024
"""Room for the JSON-RPC envelope, the event framing and rounding."""
ENVELOPE_RESERVE_BYTES = 128 * 1024
"""Room left for a result's fields besides its list (metrics, instructions, manifest)
when the caller does not measure them."""
RESULT_BUDGET_BYTES = MESSAGE_LIMIT_BYTES - FRAMING_BYTES - ENVELOPE_RESERVE_BYTES
"""Wire bytes of list items per result (see `wire_size`)."""

UNSTORED_MAX_ITEMS = 1000
"""Most items of an `evaluate_batch` call with `store=false`: every verdict of such a
batch must fit one result, since nothing is kept to page through afterwards."""

T = TypeVar("T")


def json_wire_size(data: bytes) -> int:
    """Bytes a JSON text (compact, UTF-8, as pydantic writes it) costs in a tool result:
    the structured copy plus the text copy, whose quotes and backslashes are escaped
    once more. The SDK writes the event with `json.dumps`, which escapes every non-ASCII
    character in both copies; ASCII texts (nearly all) are sized without parsing them."""
    if not data.isascii():
        data = json.dumps(json.loads(data), separators=(",", ":")).encode()
    return 2 * len(data) + data.count(b'"') + data.count(b"\\")


def wire_size_of_json(text: str) -> int:
    """Bytes a JSON text costs in a tool result: itself, plus its escaped text copy."""
    return json_wire_size(text.encode())


def item_json(item: BaseModel) -> bytes:
    """The item's JSON, serialized once: sized for paging and spliced into the result."""
    return type(item).__pydantic_serializer__.to_json(item)


def sparse_item_json(item: BaseModel, leave_out: set[str]) -> bytes:
    """The item's JSON without the fields `leave_out` and without the fields at their
    default (false flags, nulls, empty lists and objects, zeros where the default is
    zero): what a compact result carries. Parsed with the item's model it gives the item
    back, less `leave_out`. A client's schema check enters each field it finds, so this
    halves the cost of checking a page of results as well as its size."""
    return type(item).__pydantic_serializer__.to_json(
        item, exclude=leave_out, exclude_defaults=True
    )


def wire_size(item: BaseModel) -> int:
    """Bytes the item costs in a tool result (structured copy + escaped text copy)."""
    return json_wire_size(item_json(item))


def json_size(item: BaseModel) -> int:
    """What an item costs in a result; kept as the default size of `take_within_budget`
    (it is `wire_size`: both copies, escaping included)."""
    return wire_size(item)


def budget_beside(envelope: BaseModel) -> int:
    """Wire bytes left for list items in a result whose other fields are `envelope`
    (the result with an empty list)."""
    return MESSAGE_LIMIT_BYTES - FRAMING_BYTES - wire_size(envelope)


def take_within_budget(
    items: Iterable[T],
    size: Callable[[T], int] = json_size,  # type: ignore[assignment]
    budget: int = RESULT_BUDGET_BYTES,
) -> list[T]:
    """The leading items whose wire size fits in `budget` bytes; always at least one,
    so every page makes progress."""
    page: list[T] = []
    used = 0
    for item in items:
        used += size(item) + 2  # a comma in each copy
        if page and used > budget:
            break
        page.append(item)
    return page


def spliced_result(envelope: BaseModel, field: str, items: Sequence[bytes]) -> ToolResult:
    """A tool result whose structured content and text content come from one
    serialization: `envelope` without its list `field`, then `field` as the items' JSON
    texts (from `item_json`, already made to size the page), in the model's field order.
    FastMCP would otherwise
    serialize the returned model to JSON text and to a dict, each twice; here the text
    is parsed once into the structured content, which is plain JSON data already, so the
    result is built without FastMCP's conversion pass."""
    serializer = type(envelope).__pydantic_serializer__
    names = list(type(envelope).model_fields)
    after = set(names[names.index(field) + 1 :])
    parts = [serializer.to_json(envelope, exclude={field, *after})[1:-1]]
    parts.append(b'"' + field.encode() + b'":[' + b",".join(items) + b"]")
    parts.append(serializer.to_json(envelope, include=after)[1:-1] if after else b"")
    text = b"{" + b",".join(part for part in parts if part) + b"}"
    return ToolResult.model_construct(
        content=[TextContent(type="text", text=text.decode())],
        structured_content=from_json(text),
        meta=None,
        is_error=False,
    )


def unstored_batch_problem(n_items: int, store: bool) -> str | None:
    """Why a batch cannot be scored without storing it (its verdicts would not all fit
    one result and would be lost), or None."""
    if store or n_items <= UNSTORED_MAX_ITEMS:
        return None
    return (
        f"the batch has {n_items} items; without store=true every verdict must come back "
        f"in one result, which holds at most {UNSTORED_MAX_ITEMS} items. Call again with "
        "store=true (the result then pages, and get_run returns every sample) or send at "
        f"most {UNSTORED_MAX_ITEMS} items per call"
    )
