"""Mapping located key/value pairs onto a schema's fields, with type coercion."""

from __future__ import annotations

from medsafe_core.parsing._common import Candidate, Pairs, ParseFailure, SchemaIndex
from medsafe_core.parsing.types import ParseErrorKind, ResponseFormat

FieldValue = str | list[str]


def map_fields(
    pairs: tuple[tuple[object, object], ...], index: SchemaIndex, fmt: ResponseFormat
) -> dict[str, FieldValue]:
    """Canonical field name to coerced value; keys outside the schema are ignored.

    Raises ParseFailure(AMBIGUOUS) when one field is given twice with different values
    (also under two aliases) and ParseFailure(WRONG_TYPE) for a value of the wrong shape.
    """
    out: dict[str, FieldValue] = {}
    written_as: dict[str, str] = {}
    for key, raw in pairs:
        name = index.field_of(key)
        if name is None:
            continue
        value = _coerce(raw, index.kinds.get(name, "text"), name, fmt)
        if name in out:
            if out[name] != value:
                spelled = (
                    f" (as '{written_as[name]}' and '{key}')" if written_as[name] != key else ""
                )
                raise ParseFailure(
                    ParseErrorKind.AMBIGUOUS,
                    f"field '{name}' is given twice with different values{spelled}; give it once",
                    fmt,
                )
            continue
        out[name] = value
        written_as[name] = str(key)
    return out


def _scalar_text(raw: object) -> str | None:
    """Text of a scalar item, or None when it is not a string or a number."""
    if isinstance(raw, str):
        return raw.strip()
    # bool is an int subclass, but `true` is not an answer text: the brief coerces numbers only.
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return str(raw)
    return None


def _describe(raw: object) -> str:
    if isinstance(raw, Pairs):
        return "an object"
    if isinstance(raw, list):
        return "a list with a non-text item"
    if isinstance(raw, bool):
        return "a boolean"
    return f"a {type(raw).__name__}"


def _coerce(raw: object, kind: str, name: str, fmt: ResponseFormat) -> FieldValue:
    if raw is None:
        # An explicit null is a present-but-empty field: the scorer, not the format
        # gate, decides what an empty proof or answer means.
        return [] if kind == "list" else ""
    single = _scalar_text(raw)
    if kind == "list":
        if single is not None:
            return [single] if single else []
        if isinstance(raw, list) and not isinstance(raw, Pairs):
            items = [_scalar_text(item) for item in raw]
            if all(item is not None for item in items):
                return [item for item in items if item]
        expected = "a list of strings"
    else:
        if single is not None:
            return single
        if isinstance(raw, list) and not isinstance(raw, Pairs):
            items = [_scalar_text(item) for item in raw]
            if all(item is not None for item in items):
                # Proof is often sent as a list of quotes; one quote per line keeps them apart.
                return "\n".join(item for item in items if item).strip()
        expected = "text"
    raise ParseFailure(
        ParseErrorKind.WRONG_TYPE,
        f"field '{name}' must be {expected}, got {_describe(raw)}",
        fmt,
    )


def missing_detail(missing: list[str], candidates: list[Candidate], index: SchemaIndex) -> str:
    """One line naming the missing fields, their accepted aliases and any unclosed tag."""
    noun = "field" if len(missing) == 1 else "fields"
    names = " and ".join(f"'{name}'" for name in missing)
    detail = f"missing required {noun} {names}"
    aliases = [alias for name in missing for alias in index.names_of.get(name, ())[1:]]
    if aliases:
        detail += f" (also accepted: {', '.join(aliases)})"
    unclosed = [tag for c in candidates for tag in c.unclosed]
    if unclosed:
        detail += f"; <{unclosed[0]}> is opened but never closed"
    return detail
