"""Writing a dipg response (analysis, proof, final) in each supported wire format."""

from __future__ import annotations

import json
import re
from typing import Any
from xml.sax.saxutils import escape

import yaml

from medsafe_core.parsing.types import ResponseFormat
from medsafe_core.suites.dipg.schema import DIPG_SCHEMA

FIELD_ORDER = tuple(f.name for f in DIPG_SCHEMA.fields)
"""analysis, proof, final: the order the published format gate expects."""
_XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
# Characters XML 1.0 cannot carry at all, even escaped.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class _BlockDumper(yaml.SafeDumper):
    """SafeDumper that writes multi-line strings as literal blocks (`|`), as people do.

    PyYAML falls back to a quoted scalar when a literal block cannot hold the text."""


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_BlockDumper.add_representer(str, _str_representer)


def _ordered(fields: dict[str, str]) -> dict[str, str]:
    known = {k: fields[k] for k in FIELD_ORDER if k in fields}
    return known | {k: v for k, v in fields.items() if k not in known}


def render_response(fields: dict[str, str], fmt: ResponseFormat) -> str:
    """A well-formed dipg response with these fields (AUTO is written as JSON)."""
    ordered = _ordered(fields)
    if fmt is ResponseFormat.XML:
        parts = []
        for name, value in ordered.items():
            if not _XML_NAME.match(name):
                raise ValueError(f"{name!r} is not a valid XML element name")
            parts.append(f"<{name}>{escape(_XML_INVALID.sub('', value))}</{name}>")
        root = DIPG_SCHEMA.root_tag
        return f"<{root}>{''.join(parts)}</{root}>"
    if fmt is ResponseFormat.YAML:
        data: Any = ordered
        text: str = yaml.dump(
            data, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=1_000_000
        )
        return text.rstrip("\n")
    if fmt is ResponseFormat.CUSTOM_TAGS:
        # A value cannot contain a channel delimiter; break any `<|` so it stays text.
        return "".join(
            f"<|channel|>{name}<|message|>{value.replace('<|', '< |')}<|end|>"
            for name, value in ordered.items()
        )
    return json.dumps(ordered, ensure_ascii=False)
