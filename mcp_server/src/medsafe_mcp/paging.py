"""Keep every tool result small enough for standard MCP clients.

Over streamable HTTP a tool result travels as one server-sent event that carries it
twice (the structured content and its JSON text), and the MCP SDK's client rejects
events over 1 MiB (`max_sse_event_size`; neither FastMCP's nor ADK's client raises
it). So lists that can grow with the caller's request (tasks, per-item results,
stored samples) are cut into pages that fit a byte budget, and the result says where
the next page starts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from pydantic import BaseModel

RESULT_BUDGET_BYTES = 400_000
"""JSON bytes of list items per result: twice that, plus escaping and framing, stays
well under the clients' 1 MiB event limit."""

T = TypeVar("T")


def json_size(item: BaseModel) -> int:
    """Bytes of the item's compact JSON (what FastMCP sends)."""
    return len(item.model_dump_json())


def take_within_budget(
    items: Iterable[T],
    size: Callable[[T], int] = json_size,  # type: ignore[assignment]
    budget: int = RESULT_BUDGET_BYTES,
) -> list[T]:
    """The leading items whose JSON fits in `budget` bytes; always at least one, so
    every page makes progress."""
    page: list[T] = []
    used = 0
    for item in items:
        used += size(item) + 1
        if page and used > budget:
            break
        page.append(item)
    return page


def fits(items: Sequence[BaseModel], budget: int = RESULT_BUDGET_BYTES) -> bool:
    """Whether all of `items` fit in one page."""
    return len(take_within_budget(items, json_size, budget)) == len(items)
