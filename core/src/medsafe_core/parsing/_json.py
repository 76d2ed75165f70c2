"""Locating JSON objects in a response, with a depth check that never recurses."""

from __future__ import annotations

import json
import re

from medsafe_core.parsing._common import Candidate, Hint, Pairs, ParseFailure, SchemaIndex
from medsafe_core.parsing.types import ParseErrorKind, ResponseFormat

# Pairs (not dict) keep duplicate keys visible to the field mapper.
_DECODER = json.JSONDecoder(object_pairs_hook=Pairs)

# A JSON string (possessive, and allowed to run to the end of the text when it is
# unterminated, so a failed match never triggers a rescan) or one bracket.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]++|\\.)*+(?:"|\\?\Z)|[\[\]{}]', re.DOTALL)


def json_depth(text: str, start: int = 0, end: int | None = None) -> int:
    """Deepest bracket nesting in text[start:end], brackets inside strings ignored."""
    depth = deepest = 0
    for match in _JSON_TOKEN.finditer(text, start, len(text) if end is None else end):
        char = match.group()
        if char in "{[":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "}]":
            depth = max(depth - 1, 0)
    return deepest


def _bracket_count(text: str, start: int, end: int) -> int:
    # Nesting can only exceed the limit if there are that many opening brackets:
    # counting in C is much cheaper than tokenizing, and almost always settles it.
    return text.count("{", start, end) + text.count("[", start, end)


def _too_deep(start: int, end: int, depth: int | None, max_depth: int) -> Candidate:
    levels = f"{depth} levels deep" if depth is not None else "deeper than the limit"
    failure = ParseFailure(
        ParseErrorKind.TOO_DEEP,
        f"JSON nesting is {levels}; the limit is {max_depth} levels",
        ResponseFormat.JSON,
    )
    return Candidate(ResponseFormat.JSON, (), start, end, failure=failure)


def find_json(
    text: str, index: SchemaIndex, max_depth: int, *, whole: bool
) -> tuple[list[Candidate], Hint | None]:
    """JSON objects in `text` that are answers.

    With `whole`, an object that is the entire text counts even without schema keys
    (it is clearly the payload, so a missing field is reported as such); objects
    embedded in prose count only when they carry at least one schema key, so an
    example object in the prose is not taken for the answer.
    """
    lead = len(text) - len(text.lstrip())
    tail = len(text.rstrip())
    first = text.find("{")
    if text.startswith("[", lead):
        array = _whole_array(text, lead, tail, max_depth)
        if array is not None:
            return [array], None
    if first < 0:
        return [], None
    if _bracket_count(text, first, tail) > max_depth:
        depth = json_depth(text, first)
        if depth > max_depth:
            return [_too_deep(first, tail, depth, max_depth)], None
    found: list[Candidate] = []
    hint: Hint | None = None
    pos = first
    while pos >= 0:
        try:
            value, end = _DECODER.raw_decode(text, pos)
        except RecursionError:
            # Only reachable when prose quotes hid the brackets from the pre-scan; the
            # C decoder's own recursion guard stops it, and this is the answer it means.
            return [_too_deep(pos, tail, None, max_depth)], None
        except json.JSONDecodeError as exc:
            if hint is None:
                hint = Hint(
                    f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
                    strong=pos == lead,
                )
            # Resume after the point of failure: everything before it belonged to the
            # broken object, and skipping it keeps the scan linear.
            pos = text.find("{", max(exc.pos, pos + 1))
            continue
        except ValueError as exc:  # e.g. an integer literal over Python's digit limit
            if hint is None:
                hint = Hint(f"invalid JSON: {exc}", strong=pos == lead)
            pos = text.find("{", pos + 1)
            continue
        if isinstance(value, Pairs) and (
            (whole and pos == lead and end == tail) or index.has_schema_key(value)
        ):
            if _bracket_count(text, pos, end) > max_depth:
                depth = json_depth(text, pos, end)
                if depth > max_depth:
                    return [_too_deep(pos, end, depth, max_depth)], None
            found.append(Candidate(ResponseFormat.JSON, tuple(value), pos, end))
        elif hint is None:
            names = ", ".join(index.order)
            hint = Hint(f"JSON found, but no object with the fields ({names})", pos == lead)
        pos = text.find("{", end)
    return found, hint


def _whole_array(text: str, lead: int, tail: int, max_depth: int) -> Candidate | None:
    """A failure candidate when the whole text is a JSON array (an answer must be an object)."""
    if _bracket_count(text, lead, tail) > max_depth:
        depth = json_depth(text, lead, tail)
        if depth > max_depth:
            return _too_deep(lead, tail, depth, max_depth)
    try:
        value, end = _DECODER.raw_decode(text, lead)
    except (ValueError, RecursionError):
        return None
    if end != tail or not isinstance(value, list):
        return None
    failure = ParseFailure(
        ParseErrorKind.WRONG_TYPE,
        "the response is a JSON array; send one JSON object with the fields as keys",
        ResponseFormat.JSON,
    )
    return Candidate(ResponseFormat.JSON, (), lead, end, failure=failure)
