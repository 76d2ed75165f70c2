"""The server's tools, one module per group.

Each module exposes `register(server, state)`. A new group (the audit suite's episode
tools: start, the investigation and decision tools, result) is a new module added to
`GROUPS`; episodic state belongs in the store (`ServerState.store()`), never in process
memory, so stateless replicas can serve one episode.
"""

from __future__ import annotations

from collections.abc import Callable

from fastmcp import FastMCP

from medsafe_mcp.state import ServerState
from medsafe_mcp.tools import episodes, evaluate, runs, suites

Register = Callable[[FastMCP, ServerState], None]

GROUPS: tuple[Register, ...] = (
    suites.register,
    evaluate.register,
    runs.register,
    episodes.register,
)


def register_tools(server: FastMCP, state: ServerState) -> None:
    """Add every tool group to `server`."""
    for register in GROUPS:
        register(server, state)


__all__ = ["GROUPS", "register_tools"]
