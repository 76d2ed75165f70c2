"""Contracts of response parsing: formats, schemas, results and the failure taxonomy."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from medsafe_core.models._base import Contract


class ResponseFormat(StrEnum):
    """Wire formats a response may come in."""

    AUTO = "auto"
    """Detect the format (the default)."""
    JSON = "json"
    """A JSON object, possibly in a fenced code block."""
    XML = "xml"
    """`<root><field>...</field></root>` (dipg: `<dipg_response>`)."""
    YAML = "yaml"
    """A YAML mapping."""
    CUSTOM_TAGS = "custom_tags"
    """Channel tags: `<|channel|>NAME<|message|>...<|end|>` or `<channel>NAME<message>...<end>`."""


class ParseErrorKind(StrEnum):
    """Why a response failed to parse. Every failure is one of these."""

    EMPTY = "empty"
    """Nothing but whitespace (or only a reasoning block)."""
    TOO_LARGE = "too_large"
    """Over the configured size limit."""
    TOO_DEEP = "too_deep"
    """Nesting deeper than the configured limit."""
    UNRECOGNISED = "unrecognised_format"
    """Not any supported format (plain prose lands here)."""
    WRONG_FORMAT = "wrong_format"
    """A supported format, but not the one the caller required."""
    MISSING_FIELD = "missing_field"
    """A required field of the schema is absent."""
    WRONG_TYPE = "wrong_type"
    """A field has the wrong type (e.g. an object where text is expected)."""
    AMBIGUOUS = "ambiguous"
    """Several different answers (e.g. two JSON objects that disagree, a field twice)."""


class FieldSpec(Contract):
    """One field of a suite's response schema."""

    name: str
    """Canonical field name (e.g. `final`)."""
    aliases: tuple[str, ...] = ()
    """Other accepted names (e.g. `answer` for `final`); matched case-insensitively."""
    required: bool = True
    """Whether a response without it fails the format gate."""
    kind: str = "text"
    """`text` (a string; numbers are coerced) or `list` (a list of strings)."""


class ResponseSchema(Contract):
    """The fields a suite expects in a response, independent of the wire format."""

    root_tag: str
    """XML root element (e.g. `dipg_response`)."""
    fields: tuple[FieldSpec, ...]
    """Fields in their canonical order."""


class ParsedResponse(Contract):
    """The outcome of parsing one response: fields, or a typed error. Never raises."""

    format: ResponseFormat | None = None
    """Detected format (None when unrecognised)."""
    wrappers: list[str] = Field(default_factory=list)
    """What surrounded the payload: `fenced`, `reasoning_block`, `gpt_oss_tags`."""
    fields: dict[str, str | list[str]] = Field(default_factory=dict)
    """Canonical field name to value, whitespace-stripped."""
    error: ParseErrorKind | None = None
    """The failure kind, None on success."""
    detail: str = ""
    """A one-line explanation of the failure (names the field or limit)."""

    @property
    def ok(self) -> bool:
        """True when the response parsed into the schema."""
        return self.error is None

    def text(self, name: str) -> str:
        """A text field, or empty string."""
        value = self.fields.get(name, "")
        return value if isinstance(value, str) else "\n".join(value)
