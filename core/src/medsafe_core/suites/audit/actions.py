"""Reading one tool call from a participant's text. Never raises on any input."""

from __future__ import annotations

import json
import re
from enum import StrEnum
from typing import Any

from pydantic import ValidationError

from medsafe_core.models._base import Contract
from medsafe_core.suites.audit.tools import ARGS, ToolName, _Args

MAX_ACTION_BYTES = 16_384
"""Longest action text accepted."""
_THINK = re.compile(r"<(think|thinking|reasoning)>.*?</\1>", re.S | re.I)
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.S | re.I)
_NAME_KEYS = ("tool", "action_type", "action", "name")
_ARG_KEYS = ("arguments", "args", "parameters", "input")


class ActionErrorKind(StrEnum):
    """Why an action was rejected."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    NOT_JSON = "not_json"
    NOT_ONE_CALL = "not_one_call"
    UNKNOWN_TOOL = "unknown_tool"
    BAD_ARGUMENTS = "bad_arguments"
    UNKNOWN_ID = "unknown_id"
    EPISODE_OVER = "episode_over"


class ActionError(Contract):
    """A rejected action (shown to the participant as an error observation)."""

    kind: ActionErrorKind
    """What was wrong."""
    detail: str
    """One line naming the problem."""


class AuditAction(Contract):
    """One validated tool call."""

    tool: ToolName
    """Tool called."""
    arguments: dict[str, Any]
    """Validated arguments, as JSON."""

    def args(self) -> _Args:
        """The typed argument model."""
        return ARGS[self.tool].model_validate(self.arguments)

    def key(self) -> str:
        """Canonical text, to spot repeated actions."""
        return json.dumps([self.tool.value, self.arguments], sort_keys=True)


def _payload(text: str) -> object:
    stripped = _THINK.sub("", text).strip()
    fenced = _FENCE.search(stripped)
    body = fenced.group(1).strip() if fenced else stripped
    starts = [i for i in (body.find("{"), body.find("[")) if i >= 0]
    if not starts:
        raise ValueError("no JSON object found")
    value, _end = json.JSONDecoder().raw_decode(body, min(starts))
    return value


def action_from_dict(data: dict[str, Any]) -> AuditAction | ActionError:
    """Validate a decoded tool call: `{"tool": ..., "arguments": {...}}`, or the seed's flat
    `{"action_type": ..., "proposal_id": ...}`, or `{"name": ..., "arguments": "<json>"}`."""
    name = next((data[k] for k in _NAME_KEYS if isinstance(data.get(k), str)), None)
    if name is None:
        return ActionError(kind=ActionErrorKind.UNKNOWN_TOOL, detail="no `tool` named")
    try:
        tool = ToolName(name.strip().removeprefix("audit_"))
    except ValueError:
        known = ", ".join(t.value for t in ToolName)
        return ActionError(
            kind=ActionErrorKind.UNKNOWN_TOOL, detail=f"unknown tool {name[:60]!r}; known: {known}"
        )
    nested = next((data[k] for k in _ARG_KEYS if k in data), None)
    if isinstance(nested, str):
        try:
            nested = json.loads(nested)
        except ValueError:
            nested = None
    if nested is None:
        nested = {k: v for k, v in data.items() if k not in _NAME_KEYS}
    if not isinstance(nested, dict):
        return ActionError(kind=ActionErrorKind.BAD_ARGUMENTS, detail="arguments must be an object")
    try:
        args = ARGS[tool].model_validate(nested)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'arguments'}: {e['msg']}"
            for e in exc.errors()[:4]
        )
        return ActionError(
            kind=ActionErrorKind.BAD_ARGUMENTS, detail=f"bad arguments for {tool.value}: {problems}"
        )
    return AuditAction(tool=tool, arguments=args.model_dump(mode="json", exclude_none=True))


def parse_action(text: str) -> AuditAction | ActionError:
    """One tool call from raw text (JSON, fenced JSON, after a reasoning block)."""
    if not text.strip():
        return ActionError(kind=ActionErrorKind.EMPTY, detail="empty action")
    if len(text.encode("utf-8", "replace")) > MAX_ACTION_BYTES:
        return ActionError(
            kind=ActionErrorKind.TOO_LARGE, detail=f"action over {MAX_ACTION_BYTES} bytes"
        )
    try:
        data = _payload(text)
    except (ValueError, RecursionError):
        return ActionError(
            kind=ActionErrorKind.NOT_JSON,
            detail='expected one JSON tool call like {"tool": "review_proposal", '
            '"arguments": {"proposal_id": "PROP-001"}}',
        )
    if not isinstance(data, dict):
        return ActionError(
            kind=ActionErrorKind.NOT_ONE_CALL, detail="send one tool call (a JSON object) per step"
        )
    return action_from_dict(data)
