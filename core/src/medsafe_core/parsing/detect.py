"""Format detection and extraction: from a raw response to a suite schema's fields.

The order of work: size limit, emptiness, leading reasoning blocks, then channel tags
(whose `final` message may itself hold a JSON/XML answer), then fenced code blocks,
then JSON objects and XML elements, and YAML only when neither is there. Every payload
found becomes a candidate; candidates that disagree make the response ambiguous, and
one that agrees with all the others is the answer. Only then are the fields mapped,
coerced and checked against the schema.
"""

from __future__ import annotations

from dataclasses import dataclass

from medsafe_core.parsing._common import (
    Candidate,
    Hint,
    ParseFailure,
    SchemaIndex,
    schema_index,
)
from medsafe_core.parsing._fields import FieldValue, map_fields, missing_detail
from medsafe_core.parsing._json import find_json
from medsafe_core.parsing._wrappers import Channels, find_channels, split_fences, strip_reasoning
from medsafe_core.parsing._xml import find_xml
from medsafe_core.parsing._yaml import find_yaml
from medsafe_core.parsing.types import (
    ParsedResponse,
    ParseErrorKind,
    ResponseFormat,
    ResponseSchema,
)

DEFAULT_MAX_BYTES = 65536
"""Default size limit of a response, in UTF-8 bytes."""
DEFAULT_MAX_DEPTH = 16
"""Default limit on the nesting of JSON, XML and YAML payloads."""

_AUTO = ResponseFormat.AUTO
_ANALYSIS = "analysis"
_FINAL_CHANNEL = "final"
_PAYLOAD_STARTS = ("{", "<", "```")


@dataclass(frozen=True, slots=True)
class _Context:
    index: SchemaIndex
    expected: ResponseFormat
    max_depth: int


def parse_response(
    text: str,
    schema: ResponseSchema,
    *,
    expected: ResponseFormat = ResponseFormat.AUTO,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> ParsedResponse:
    """Parse a model's response into the fields of `schema`, whatever format it came in.

    Detects JSON (bare or fenced), XML (`<root_tag>` or bare field tags), YAML mappings
    and channel tags (gpt-oss `<|channel|>` or `<channel>`), after stripping a leading
    reasoning block. With `expected` other than AUTO, any other format is WRONG_FORMAT.
    Never raises: every failure, including an internal one, is a ParsedResponse with a
    ParseErrorKind and a one-line `detail` saying what to fix.
    """
    wrappers: list[str] = []
    try:
        return _parse(text, schema, expected, max_bytes, max_depth, wrappers)
    except ParseFailure as failure:
        fmt = None if failure.kind is ParseErrorKind.UNRECOGNISED else failure.fmt
        return _failed(failure.kind, failure.detail, fmt, wrappers)
    except Exception as exc:
        # The scorer runs this on every sample; a parser bug must cost one sample a
        # typed failure, never the whole run.
        detail = f"the response could not be read ({type(exc).__name__})"
        return _failed(ParseErrorKind.UNRECOGNISED, detail, None, wrappers)


def _failed(
    kind: ParseErrorKind, detail: str, fmt: ResponseFormat | None, wrappers: list[str]
) -> ParsedResponse:
    return ParsedResponse(format=fmt, wrappers=wrappers, error=kind, detail=detail)


def _parse(
    text: str,
    schema: ResponseSchema,
    expected: ResponseFormat | str,
    max_bytes: int,
    max_depth: int,
    wrappers: list[str],
) -> ParsedResponse:
    if not isinstance(text, str):
        raise ParseFailure(
            ParseErrorKind.UNRECOGNISED, f"the response is {type(text).__name__}, not text"
        )
    try:
        wanted = ResponseFormat(expected)
    except ValueError:
        raise ParseFailure(
            ParseErrorKind.WRONG_FORMAT, f"{expected!r} is not a response format"
        ) from None
    # Lone surrogates cannot be encoded strictly; they still count as bytes.
    size = len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise ParseFailure(
            ParseErrorKind.TOO_LARGE, f"response is {size} bytes; the limit is {max_bytes}"
        )
    body = text.strip()
    if not body:
        raise ParseFailure(ParseErrorKind.EMPTY, "the response is empty")
    reasoning: list[str] = []
    body = strip_reasoning(body, reasoning)
    if reasoning:
        wrappers.append("reasoning_block")
    if not body:
        raise ParseFailure(
            ParseErrorKind.EMPTY,
            "the response holds only a reasoning block; put the answer after it",
        )
    context = _Context(schema_index(schema), wanted, max_depth)
    candidates, hints = _locate(body, context, wrappers, reasoning)
    if not candidates:
        raise ParseFailure(ParseErrorKind.UNRECOGNISED, _unrecognised(hints, context))
    return _resolve(candidates, context, wrappers, reasoning)


def _locate(
    text: str, context: _Context, wrappers: list[str], reasoning: list[str]
) -> tuple[list[Candidate], list[Hint]]:
    channels = find_channels(text)
    if channels is None:
        return _locate_structured(text, context, wrappers)
    if channels.gpt_oss:
        wrappers.append("gpt_oss_tags")
    inner = _final_payload(channels, context)
    if inner is not None:
        inner_wrappers: list[str] = []
        candidates, hints = _locate_structured(inner, context, inner_wrappers)
        if candidates:
            # The channels were only the envelope: the analysis channel is the
            # reasoning, and the answer is the payload in the final channel.
            if not channels.gpt_oss:
                wrappers.append("channel_tags")
            wrappers.extend(inner_wrappers)
            reasoning.extend(body.strip() for name, body in channels.messages if name == _ANALYSIS)
            return candidates, hints
        named = {context.index.field_of(name) for name, _ in channels.messages}
        if inner.startswith(("{", "```")) and any(
            field not in named for field in context.index.required
        ):
            # The channels alone are not an answer, so the broken payload in the final
            # channel is what to report (e.g. its JSON error), not a missing field.
            return [], hints
    candidate = Candidate(ResponseFormat.CUSTOM_TAGS, channels.messages, 0, len(text))
    return [candidate], []


def _final_payload(channels: Channels, context: _Context) -> str | None:
    """The final channel's text when it looks like a structured answer of its own."""
    if context.expected is ResponseFormat.CUSTOM_TAGS:
        return None
    finals = [body.strip() for name, body in channels.messages if name == _FINAL_CHANNEL]
    others = {
        context.index.field_of(name)
        for name, _ in channels.messages
        if name not in (_FINAL_CHANNEL, _ANALYSIS)
    }
    # Channels named after other schema fields mean the channels are the fields.
    if len(finals) != 1 or others - {None} or not finals[0].startswith(_PAYLOAD_STARTS):
        return None
    return finals[0]


def _locate_structured(
    text: str, context: _Context, wrappers: list[str]
) -> tuple[list[Candidate], list[Hint]]:
    fences = split_fences(text)
    if fences is None:
        return _structured(text, context, whole=True)
    candidates: list[Candidate] = []
    hints: list[Hint] = []
    for block in fences.blocks:
        found, why = _structured(block, context, whole=True)
        candidates += found
        hints += why
    if candidates:
        wrappers.append("fenced")
    # Prose around a block is fine, but an answer out there too must agree with it.
    found, why = _structured(fences.outside, context, whole=False)
    candidates += found
    hints += why
    return candidates, hints


def _structured(text: str, context: _Context, *, whole: bool) -> tuple[list[Candidate], list[Hint]]:
    index, depth = context.index, context.max_depth
    json_found, json_hint = find_json(text, index, depth, whole=whole)
    xml_found, xml_hint = find_xml(text, index, depth)
    candidates = _drop_nested(sorted(json_found + xml_found, key=lambda c: c.start))
    hints = [h for h in (json_hint, xml_hint) if h is not None]
    if not candidates and whole:
        require_all = context.expected is not ResponseFormat.YAML
        candidates, yaml_hint = find_yaml(text, index, depth, require_all=require_all)
        if yaml_hint is not None:
            hints.append(yaml_hint)
    return candidates, hints


def _drop_nested(candidates: list[Candidate]) -> list[Candidate]:
    """Drop a payload that lies inside one of another format (XML quoted in a JSON string)."""
    if len(candidates) < 2:
        return candidates
    return [
        c
        for c in candidates
        if not any(o.fmt is not c.fmt and o.start <= c.start and c.end <= o.end for o in candidates)
    ]


def _unrecognised(hints: list[Hint], context: _Context) -> str:
    strong = next((h for h in hints if h.strong), None)
    if strong is not None:
        detail = strong.detail
    else:
        detail = (
            f"not a JSON object, <{context.index.root}> XML, a YAML mapping of the fields "
            "or channel tags (plain text does not pass the format gate)"
        )
    if context.expected is not _AUTO:
        return f"expected {context.expected.value}: {detail}"
    return detail


def _resolve(
    candidates: list[Candidate], context: _Context, wrappers: list[str], reasoning: list[str]
) -> ParsedResponse:
    index = context.index
    formats = list(dict.fromkeys(c.fmt for c in candidates))
    if context.expected is not _AUTO and any(f is not context.expected for f in formats):
        got = " and ".join(f.value for f in formats)
        raise ParseFailure(
            ParseErrorKind.WRONG_FORMAT,
            f"expected {context.expected.value}, got {got}",
            formats[0],
        )
    for candidate in candidates:
        if candidate.failure is not None:
            raise candidate.failure
    outcomes: list[dict[str, FieldValue] | ParseFailure] = []
    for candidate in candidates:
        try:
            outcomes.append(map_fields(candidate.pairs, index, candidate.fmt))
        except ParseFailure as failure:
            outcomes.append(failure)
    first = outcomes[0]
    if any(not _same(first, other) for other in outcomes[1:]):
        where = ", ".join(f"{c.fmt.value} at character {c.start}" for c in candidates)
        raise ParseFailure(
            ParseErrorKind.AMBIGUOUS,
            f"{len(candidates)} different answers in one response ({where}); send exactly one",
            candidates[0].fmt,
        )
    if isinstance(first, ParseFailure):
        raise first
    fmt = candidates[0].fmt
    fields = dict(first)
    thoughts = "\n\n".join(r for r in reasoning if r)
    if thoughts and _ANALYSIS in index.kinds and _ANALYSIS not in fields:
        fields[_ANALYSIS] = [thoughts] if index.kinds[_ANALYSIS] == "list" else thoughts
    missing = [name for name in index.required if name not in fields]
    if missing:
        raise ParseFailure(
            ParseErrorKind.MISSING_FIELD, missing_detail(missing, candidates, index), fmt
        )
    ordered = {name: fields[name] for name in index.order if name in fields}
    return ParsedResponse(format=fmt, wrappers=wrappers, fields=ordered)


def _same(a: dict[str, FieldValue] | ParseFailure, b: dict[str, FieldValue] | ParseFailure) -> bool:
    if isinstance(a, ParseFailure) or isinstance(b, ParseFailure):
        return (
            isinstance(a, ParseFailure)
            and isinstance(b, ParseFailure)
            and (a.kind, a.detail) == (b.kind, b.detail)
        )
    return a == b
