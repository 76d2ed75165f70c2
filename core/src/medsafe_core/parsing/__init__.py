"""Response parsing: format detection and extraction, apart from each suite's schema.

`parse_response(text, schema)` finds the payload (JSON, XML, YAML or channel tags,
inside fences, reasoning blocks or gpt-oss tags) and maps it onto a `ResponseSchema`;
it never raises, and every failure is a `ParseErrorKind`.
"""

from medsafe_core.parsing.detect import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, parse_response
from medsafe_core.parsing.types import (
    FieldSpec,
    ParsedResponse,
    ParseErrorKind,
    ResponseFormat,
    ResponseSchema,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_DEPTH",
    "FieldSpec",
    "ParseErrorKind",
    "ParsedResponse",
    "ResponseFormat",
    "ResponseSchema",
    "parse_response",
]
