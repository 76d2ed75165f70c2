"""Error translation: every failure a caller can fix comes back as a short ToolError.

FastMCP reports a call whose arguments fail validation with pydantic's full text
(URLs, input echoes, one paragraph per union branch). This middleware rewrites it into
one line per problem, naming the argument path (`responses[3].task_id`) and what to
send instead. Unexpected exceptions are masked by the server (`mask_error_details`):
the caller sees the tool name, the log keeps the traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import mcp_types
from fastmcp.exceptions import PromptError, ResourceError, ToolError, ValidationError
from fastmcp.server.middleware import CallNext, Middleware, MiddlewareContext
from fastmcp.tools.base import ToolResult
from pydantic import ValidationError as PydanticValidationError


class CallerError(ToolError):
    """A tool call the caller can fix; logged at INFO, not as a server error."""

    def __init__(self, message: str) -> None:
        super().__init__(message, log_level=logging.INFO)


class PromptArgumentError(PromptError):
    """A prompt request the caller can fix."""

    def __init__(self, message: str) -> None:
        super().__init__(message, log_level=logging.DEBUG)


class ResourceNotFound(ResourceError):
    """A resource URI that names nothing (unknown suite, unknown run)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, log_level=logging.DEBUG)


MAX_ECHO = 80
"""Most characters of a caller's value repeated in an error message."""


def clip(value: object, limit: int = MAX_ECHO) -> str:
    """`repr(value)`, cut to `limit` characters: errors never echo a huge value back."""
    shown = repr(value)
    return shown if len(shown) <= limit else f"{shown[: limit - 3]}..."


_UNION_TAGS = frozenset({"task", "inline"})
"""Tags of the evaluate_batch item union; they are an implementation detail of the path."""
_MAX_LISTED = 5


def argument_path(loc: Sequence[int | str]) -> str:
    """`('responses', 3, 'task', 'task_id')` -> `responses[3].task_id`."""
    out = ""
    previous_was_index = False
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            previous_was_index = True
            continue
        if previous_was_index and part in _UNION_TAGS:
            previous_was_index = False
            continue
        out += f".{part}" if out else str(part)
        previous_was_index = False
    return out or "arguments"


def describe_validation_error(tool: str, error: PydanticValidationError) -> str:
    """One line per problem, without pydantic's URLs or echoes of large inputs."""
    problems = [
        f"{argument_path(e['loc'])}: {e['msg']}"
        for e in error.errors(include_url=False, include_input=False, include_context=False)
    ]
    shown = "; ".join(problems[:_MAX_LISTED])
    more = len(problems) - _MAX_LISTED
    if more > 0:
        shown += f"; and {more} more"
    return f"invalid arguments for {tool}: {shown}. Fix them and call {tool} again."


class ArgumentErrorMiddleware(Middleware):
    """Turn argument-validation failures into concise ToolErrors."""

    async def on_call_tool(
        self,
        context: MiddlewareContext[mcp_types.CallToolRequestParams],
        call_next: CallNext[mcp_types.CallToolRequestParams, ToolResult],
    ) -> ToolResult:
        try:
            return await call_next(context)
        except ValidationError as exc:
            cause: Any = exc.__cause__
            if not isinstance(cause, PydanticValidationError):
                raise
            raise CallerError(describe_validation_error(context.message.name, cause)) from None
