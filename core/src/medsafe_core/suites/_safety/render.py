"""Writing a structured response (text and list fields) in each supported wire format."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from xml.sax.saxutils import escape

import yaml

from medsafe_core.parsing.types import ResponseFormat

FieldValues = Mapping[str, str | int | list[str]]
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: str) -> str:
    return escape(_XML_INVALID.sub("", value))


def render_fields(
    fields: FieldValues, fmt: ResponseFormat, root: str, item_tag: str = "item"
) -> str:
    """A well-formed response with these fields (AUTO is written as JSON).

    Lists become JSON/YAML lists, `<item>` children in XML and one line per item in
    a channel message."""
    if fmt is ResponseFormat.XML:
        parts = []
        for name, value in fields.items():
            if isinstance(value, list):
                inner = "".join(f"<{item_tag}>{_xml_text(v)}</{item_tag}>" for v in value)
            else:
                inner = _xml_text(str(value))
            parts.append(f"<{name}>{inner}</{name}>")
        return f"<{root}>{''.join(parts)}</{root}>"
    if fmt is ResponseFormat.YAML:
        text: str = yaml.safe_dump(
            dict(fields), sort_keys=False, allow_unicode=True, width=1_000_000
        )
        return text.rstrip("\n")
    if fmt is ResponseFormat.CUSTOM_TAGS:
        out = []
        for name, value in fields.items():
            body = "\n".join(value) if isinstance(value, list) else str(value)
            out.append(f"<|channel|>{name}<|message|>{body.replace('<|', '< |')}<|end|>")
        return "".join(out)
    return json.dumps(dict(fields), ensure_ascii=False)
