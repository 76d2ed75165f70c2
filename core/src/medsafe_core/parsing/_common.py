"""Shared internals of the response parser: failures, candidates and the schema index."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from medsafe_core.parsing.types import ParseErrorKind, ResponseFormat, ResponseSchema

# Longest line prefix (indentation, quotes and key) looked at before a colon.
_MAX_KEY_LINE = 96


class ParseFailure(Exception):
    """A typed failure raised inside the parser; `parse_response` turns it into a result."""

    def __init__(
        self, kind: ParseErrorKind, detail: str, fmt: ResponseFormat | None = None
    ) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.fmt = fmt


class Pairs(list[tuple[object, object]]):
    """A mapping as written: key/value pairs in order, duplicates kept.

    Every extractor returns mappings in this shape so that a key given twice (or a
    field given under two aliases) is seen by the field mapper instead of being
    silently overwritten, as `dict` (and `yaml.safe_load`) would do.
    """


@dataclass(frozen=True, slots=True)
class Candidate:
    """One located payload: its format, its key/value pairs and where it sits in the text."""

    fmt: ResponseFormat
    pairs: tuple[tuple[object, object], ...]
    start: int
    end: int
    failure: ParseFailure | None = None
    """A hard failure found while extracting (too deep, forbidden construct)."""
    unclosed: tuple[str, ...] = ()
    """Field tags opened but never closed (lenient XML), to explain a missing field."""


@dataclass(frozen=True, slots=True)
class Hint:
    """Why a payload that looked like a format did not parse (used when nothing did)."""

    detail: str
    strong: bool
    """True when the text starts like this format (so this is the likeliest intent)."""


@dataclass(frozen=True, slots=True)
class SchemaIndex:
    """A schema prepared for matching: normalized names, kinds and precompiled patterns."""

    order: tuple[str, ...]
    required: tuple[str, ...]
    kinds: dict[str, str]
    alias_to_field: dict[str, str]
    names_of: dict[str, tuple[str, ...]]
    root: str
    yaml_key: re.Pattern[str]
    """Matches a whole line prefix before a colon that names a schema key."""

    def field_of(self, key: object) -> str | None:
        """Canonical field for a key as written, or None for keys outside the schema."""
        if not isinstance(key, str):
            return None
        return self.alias_to_field.get(normalize_key(key))

    def has_yaml_key(self, text: str) -> bool:
        """True when some line starts with a schema key and a colon (`final: ...`).

        Walks the colons rather than running a multi-line regex, which Python's engine
        would try at every position; a key is short, so only the few characters before
        each colon are looked at and the walk stays linear.
        """
        pos = text.find(":")
        while pos >= 0:
            after = text[pos + 1 : pos + 2]
            if after in ("", " ", "\t", "\n", "\r"):
                window = max(0, pos - _MAX_KEY_LINE)
                line_start = text.rfind("\n", window, pos) + 1
                if (line_start or window == 0) and self.yaml_key.fullmatch(text, line_start, pos):
                    return True
            pos = text.find(":", pos + 1)
        return False

    def has_schema_key(self, pairs: Pairs) -> bool:
        """True when any key of the mapping names a schema field."""
        return any(self.field_of(key) is not None for key, _ in pairs)


def normalize_key(key: str) -> str:
    """Key as compared with field names: case, surrounding space, `-` and ` ` vs `_` ignored."""
    return key.strip().lower().replace("-", "_").replace(" ", "_")


_SchemaKey = tuple[str, tuple[tuple[str, tuple[str, ...], bool, str], ...]]


def schema_index(schema: ResponseSchema) -> SchemaIndex:
    """The prepared index of a schema (cached: schemas are few and parses are many)."""
    key: _SchemaKey = (
        schema.root_tag,
        tuple((f.name, tuple(f.aliases), f.required, f.kind) for f in schema.fields),
    )
    return _build_index(key)


@lru_cache(maxsize=64)
def _build_index(key: _SchemaKey) -> SchemaIndex:
    root, fields = key
    alias_to_field: dict[str, str] = {}
    names_of: dict[str, tuple[str, ...]] = {}
    for name, aliases, _, _ in fields:
        names = (name, *aliases)
        names_of[name] = names
        for alias in names:
            # The first field to claim a name keeps it, so a schema listing an alias
            # twice still maps every key to exactly one field.
            alias_to_field.setdefault(normalize_key(alias), name)
    spelled = sorted(
        {re.escape(a).replace("_", "[ _-]") for a in alias_to_field}, key=len, reverse=True
    )
    # Only a line that starts with a schema key can begin a YAML answer; this keeps
    # the YAML parser away from ordinary prose.
    yaml_key = re.compile(r"[ \t]*[\"']?(?:" + "|".join(spelled) + r")[\"']?[ \t]*", re.IGNORECASE)
    return SchemaIndex(
        order=tuple(name for name, _, _, _ in fields),
        required=tuple(name for name, _, required, _ in fields if required),
        kinds={name: kind for name, _, _, kind in fields},
        alias_to_field=alias_to_field,
        names_of=names_of,
        root=normalize_key(root),
        yaml_key=yaml_key,
    )
