"""Shared schemas and helpers of the parsing tests."""

from __future__ import annotations

import json
from collections.abc import Mapping

from medsafe_core.parsing import (
    FieldSpec,
    ParsedResponse,
    ParseErrorKind,
    ResponseFormat,
    ResponseSchema,
    parse_response,
)

SCHEMA = ResponseSchema(
    root_tag="dipg_response",
    fields=(
        FieldSpec(name="analysis", aliases=("reasoning", "think", "thought"), required=False),
        FieldSpec(name="proof", aliases=("evidence", "quote", "quotes", "trace")),
        FieldSpec(name="final", aliases=("answer", "final_answer", "conclusion")),
    ),
)
# A second, differently shaped schema: detection must not assume dipg's fields.
ACTIONS = ResponseSchema(
    root_tag="plan",
    fields=(
        FieldSpec(name="actions", aliases=("steps",), kind="list"),
        FieldSpec(name="note", required=False),
    ),
)

ANALYSIS = "The context gives one dose for this age group."
PROOF = "Children over 3 years received 54 Gy in 30 fractions."
FINAL = "The dose was 54 Gy in 30 fractions."
FIELDS = {"analysis": ANALYSIS, "proof": PROOF, "final": FINAL}

E = ParseErrorKind
F = ResponseFormat


def parse(
    text: str,
    expected: ResponseFormat = ResponseFormat.AUTO,
    max_bytes: int = 65536,
    max_depth: int = 16,
) -> ParsedResponse:
    return parse_response(text, SCHEMA, expected=expected, max_bytes=max_bytes, max_depth=max_depth)


def as_json(fields: Mapping[str, object]) -> str:
    return json.dumps(fields, ensure_ascii=False)


def as_xml(fields: dict[str, str], root: str | None = "dipg_response") -> str:
    body = "".join(f"<{k}>{v}</{k}>" for k, v in fields.items())
    return f"<{root}>{body}</{root}>" if root else body


def as_gpt_oss(fields: dict[str, str]) -> str:
    return "".join(
        f"<|start|>assistant<|channel|>{k}<|message|>{v}<|end|>" for k, v in fields.items()
    )


def assert_ok(result: ParsedResponse, fmt: ResponseFormat, fields: Mapping[str, object]) -> None:
    assert result.error is None, result.detail
    assert result.format is fmt
    assert result.fields == fields


def assert_error(result: ParsedResponse, kind: ParseErrorKind, *words: str) -> None:
    assert result.error is kind, (result.error, result.detail)
    assert not result.ok
    assert result.fields == {}
    assert "\n" not in result.detail
    for word in words:
        assert word in result.detail, result.detail
