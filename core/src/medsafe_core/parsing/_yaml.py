"""Locating a YAML mapping answer from the safe parser's event stream.

The document is read as events from PyYAML's safe parser (libyaml when present) and
never constructed into Python objects: aliases (the way to a "billion laughs" bomb),
nesting depth and duplicate keys are all visible in the events before anything is
built, and the tree is assembled with an explicit stack, so nothing recurses. Scalars
keep the text as written (`no` stays "no", `1.10` stays "1.10"), which is what a text
field wants anyway.
"""

from __future__ import annotations

import yaml

from medsafe_core.parsing._common import Candidate, Hint, Pairs, ParseFailure, SchemaIndex
from medsafe_core.parsing.types import ParseErrorKind, ResponseFormat

_LOADER: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
# Explicit tags allowed on a node: the plain data types. Nothing is ever constructed
# from a tag here, but a response carrying `!!python/...` is an attack, not an answer.
_PLAIN_TAGS = frozenset(
    {"!"}
    | {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "seq", "map")}
)
_YAML = ResponseFormat.YAML


class _NotMapping(Exception):
    """The document parsed but is not one mapping."""


def find_yaml(
    text: str, index: SchemaIndex, max_depth: int, *, require_all: bool
) -> tuple[list[Candidate], Hint | None]:
    """The YAML mapping answer in `text`, if it is one.

    Prose often parses as YAML (a bare string, or `Some sentence: more words`), so a
    mapping counts only when its keys include every required field (`require_all`, the
    auto-detect case) or at least one schema field (when YAML was asked for).
    """
    if not text.lstrip().startswith("{") and not index.has_yaml_key(text):
        return [], None
    # A line that starts with a schema key is a strong sign of YAML intent, so why it
    # failed is worth reporting even when the text does not start with it.
    strong = True
    try:
        mapping = _read_mapping(text, max_depth)
    except ParseFailure as failure:
        return [Candidate(_YAML, (), 0, len(text), failure=failure)], None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}" if mark is not None else ""
        return [], Hint(f"invalid YAML: {exc.problem or exc.context}{where}", strong=strong)
    except (yaml.YAMLError, ValueError) as exc:
        return [], Hint(f"invalid YAML: {exc}", strong=strong)
    except _NotMapping as exc:
        return [], Hint(str(exc), strong=strong)
    present = {index.field_of(k) for k, _ in mapping} - {None}
    missing = [name for name in index.required if name not in present]
    if (require_all and missing) or not present:
        names = ", ".join(f"'{m}'" for m in missing or index.order)
        return [], Hint(f"text parses as a YAML mapping without the keys {names}", strong)
    return [Candidate(_YAML, tuple(mapping), 0, len(text))], None


def _read_mapping(text: str, max_depth: int) -> Pairs:
    documents = 0
    stack: list[list[object]] = []
    result: object = None
    for event in yaml.parse(text, Loader=_LOADER):
        value: object
        if isinstance(event, yaml.AliasEvent):
            raise ParseFailure(
                ParseErrorKind.UNRECOGNISED,
                "YAML aliases (*name) are refused, so an alias bomb cannot expand; "
                "write every value out",
                _YAML,
            )
        tag = getattr(event, "tag", None)
        if tag is not None and tag not in _PLAIN_TAGS:
            raise ParseFailure(
                ParseErrorKind.UNRECOGNISED,
                f"the YAML tag {tag!r} is refused; send plain strings and lists",
                _YAML,
            )
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _NotMapping("more than one YAML document (a `---` line); send one")
            continue
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            if len(stack) >= max_depth:
                raise ParseFailure(
                    ParseErrorKind.TOO_DEEP,
                    f"YAML nesting is deeper than the limit of {max_depth} levels",
                    _YAML,
                )
            # A mapping is collected as a flat key, value, key, value list and paired
            # when it ends; the marker in slot 0 says which kind the list is.
            stack.append([isinstance(event, yaml.MappingStartEvent)])
            continue
        if isinstance(event, yaml.ScalarEvent):
            plain = bool(event.implicit and event.implicit[0])
            value = None if plain and event.value in _NULLS else event.value
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            items = stack.pop()
            body = items[1:]
            value = Pairs(zip(body[::2], body[1::2], strict=False)) if items[0] else body
        else:
            continue
        if stack:
            stack[-1].append(value)
        else:
            result = value
    if not isinstance(result, Pairs):
        raise _NotMapping("the YAML document is not a mapping of field names to values")
    return result
