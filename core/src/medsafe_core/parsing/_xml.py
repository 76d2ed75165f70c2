"""Locating XML answers: a root element or bare field tags, strict first, then lenient.

Strict: the region is parsed by defusedxml (DTDs, entities and external references
forbidden), so escaping, CDATA and nested elements are handled properly. Lenient, only
when that region is not well-formed (an unescaped `<` or `&` in the text, a tag left
open): field tags are paired from a flat token list, values are taken as written and
the five XML entities plus numeric references are decoded. Neither path recurses.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from medsafe_core.parsing._common import Candidate, Hint, ParseFailure, SchemaIndex, normalize_key
from medsafe_core.parsing.types import ParseErrorKind, ResponseFormat

if TYPE_CHECKING:  # the stdlib module is only named for its Element type, never to parse
    from xml.etree.ElementTree import Element

# A tag: name, then optional attributes that start with a space or `/`. Possessive, and
# no `<` or `>` inside, so every `<` in the text is tried once and never rescanned.
_TAG = re.compile(r"<(/?)([A-Za-z_][\w.:-]*+)((?:[\s/][^<>]*+)?)>")
_DTD = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot|apos)|#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_SYNTHETIC_ROOT = "medsafe_synthetic_root"
_XML = ResponseFormat.XML


class _Tag(NamedTuple):
    start: int
    end: int
    close: bool
    name: str
    norm: str
    empty: bool


def _tags(text: str) -> list[_Tag]:
    tags: list[_Tag] = []
    for match in _TAG.finditer(text):
        slash, name, rest = match.groups()
        # A tag name holds no spaces, so normalizing is just case and `-`.
        norm = name.lower().replace("-", "_")
        tags.append(_Tag(match.start(), match.end(), bool(slash), name, norm, rest.endswith("/")))
    return tags


def find_xml(text: str, index: SchemaIndex, max_depth: int) -> tuple[list[Candidate], Hint | None]:
    """XML answers in `text`: each `<root>` element, else the span of bare field tags."""
    if "<" not in text:
        return [], None
    tags = _tags(text)
    regions = _root_regions(tags, index.root, len(text)) or _field_region(tags, index)
    if not regions:
        names = ", ".join(index.order)
        if any(t.norm in index.alias_to_field for t in tags):
            detail = f"XML field tags ({names}) are opened but never closed"
        else:
            detail = f"no <{index.root}> element and no field tags ({names})"
        return [], Hint(detail, strong=text.lstrip().startswith("<"))
    if _DTD.search(text):
        start, end, _ = regions[0]
        failure = ParseFailure(
            ParseErrorKind.UNRECOGNISED,
            "XML with a DOCTYPE or ENTITY declaration is refused (entity expansion is "
            "not allowed); send plain elements",
            _XML,
        )
        return [Candidate(_XML, (), start, end, failure=failure)], None
    return [_parse_region(text, tags, r, index, max_depth) for r in regions], None


def _root_regions(tags: list[_Tag], root: str, length: int) -> list[tuple[int, int, bool]]:
    regions: list[tuple[int, int, bool]] = []
    i = 0
    while i < len(tags):
        tag = tags[i]
        i += 1
        if tag.norm != root or tag.close or tag.empty:
            continue
        end = length  # a root never closed (a cut-off response) runs to the end
        while i < len(tags):
            i += 1
            if tags[i - 1].norm == root and tags[i - 1].close:
                end = tags[i - 1].end
                break
        regions.append((tag.start, end, False))
    return regions


def _field_region(tags: list[_Tag], index: SchemaIndex) -> list[tuple[int, int, bool]]:
    # Bare field tags count as XML only once some field is opened and later closed,
    # so prose that merely mentions "<final>" is not taken for an answer.
    fields = [t for t in tags if t.norm in index.alias_to_field]
    opened: set[str] = set()
    first = last = None
    for tag in fields:
        if not tag.close:
            if first is None:
                first = tag.start
            opened.add(tag.norm)
        elif tag.norm in opened:
            last = tag.end
    if first is None or last is None:
        return []
    return [(first, last, True)]


def _parse_region(
    text: str,
    tags: list[_Tag],
    region: tuple[int, int, bool],
    index: SchemaIndex,
    max_depth: int,
) -> Candidate:
    start, end, synthetic = region
    source = text[start:end]
    if synthetic:
        source = f"<{_SYNTHETIC_ROOT}>{source}</{_SYNTHETIC_ROOT}>"
    try:
        root = fromstring(source, forbid_dtd=True)
    except DefusedXmlException:
        failure = ParseFailure(
            ParseErrorKind.UNRECOGNISED, "XML entities or DTDs are refused", _XML
        )
        return Candidate(_XML, (), start, end, failure=failure)
    except (ParseError, ValueError):
        inner = [t for t in tags if t.start >= start and t.end <= end]
        return _lenient(text, inner, region, index)
    try:
        pairs = _strict_pairs(root, index, max_depth)
    except ParseFailure as failure:
        return Candidate(_XML, (), start, end, failure=failure)
    return Candidate(_XML, pairs, start, end)


def _local(tag: object) -> str:
    name = tag if isinstance(tag, str) else ""
    return normalize_key(name.rpartition("}")[2])


def _strict_pairs(
    root: Element, index: SchemaIndex, max_depth: int
) -> tuple[tuple[object, object], ...]:
    pairs: list[tuple[object, object]] = []
    # An explicit stack: depth is bounded by the check, but a walk that cannot recurse
    # needs no trust in that bound.
    stack: list[tuple[Element, int, bool]] = [(root, 1, False)]
    while stack:
        element, depth, inside_field = stack.pop()
        if depth > max_depth:
            raise ParseFailure(
                ParseErrorKind.TOO_DEEP,
                f"XML nesting is deeper than the limit of {max_depth} levels",
                _XML,
            )
        name = _local(element.tag)
        is_field = (
            not inside_field
            and element is not root
            and name in index.alias_to_field
            and not _wraps_fields(element, index)
        )
        if is_field:
            pairs.append((name, _element_value(element)))
        stack.extend((child, depth + 1, inside_field or is_field) for child in reversed(element))
    return tuple(pairs)


def _wraps_fields(element: Element, index: SchemaIndex) -> bool:
    """An element holding two different fields is the answer's wrapper, whatever its name
    (`<answer><proof>..</proof><final>..</final></answer>`), not a field itself."""
    fields = {index.alias_to_field.get(_local(child.tag)) for child in element}
    fields.discard(None)
    return len(fields) >= 2


def _element_value(element: Element) -> str | list[str]:
    children = list(element)
    # Only child elements and whitespace: a list (e.g. <proof><quote>..</quote>...</proof>);
    # otherwise mixed content, read as its text with the inline tags dropped.
    if (
        children
        and not (element.text or "").strip()
        and not any((child.tail or "").strip() for child in children)
    ):
        return ["".join(child.itertext()).strip() for child in children]
    return "".join(element.itertext())


def _lenient(
    text: str, tags: list[_Tag], region: tuple[int, int, bool], index: SchemaIndex
) -> Candidate:
    start, end, _ = region
    pairs: list[tuple[object, object]] = []
    open_tag: _Tag | None = None
    inner: list[_Tag] = []
    for tag in tags:
        if open_tag is None:
            if not tag.close and tag.norm in index.alias_to_field:
                if tag.empty:
                    pairs.append((tag.name, ""))
                else:
                    open_tag, inner = tag, []
            continue
        if tag.norm != open_tag.norm:
            inner.append(tag)
        elif tag.close:
            pairs.append((open_tag.name, _lenient_value(text, open_tag.end, tag.start, inner)))
            open_tag = None
        elif not tag.empty:
            failure = ParseFailure(
                ParseErrorKind.AMBIGUOUS,
                f"<{open_tag.name}> is opened again before </{open_tag.name}>; close each "
                "field once",
                _XML,
            )
            return Candidate(_XML, (), start, end, failure=failure)
    unclosed = (open_tag.name,) if open_tag is not None else ()
    return Candidate(_XML, tuple(pairs), start, end, unclosed=unclosed)


def _lenient_value(text: str, start: int, end: int, inner: list[_Tag]) -> str | list[str]:
    if inner and len(inner) % 2 == 0:
        items: list[str] = []
        cursor = start
        for opening, closing in zip(inner[::2], inner[1::2], strict=True):
            if (
                opening.close
                or opening.empty
                or not closing.close
                or opening.norm != closing.norm
                or text[cursor : opening.start].strip()
            ):
                break
            items.append(_unescape(text[opening.end : closing.start]).strip())
            cursor = closing.end
        else:
            if not text[cursor:end].strip():
                return items
    return _unescape(text[start:end])


def _unescape(raw: str) -> str:
    """Decode entities outside CDATA sections and unwrap the sections, as a parser would."""
    if "&" not in raw and "<![CDATA[" not in raw:
        return raw
    parts: list[str] = []
    pos = 0
    while True:
        begin = raw.find("<![CDATA[", pos)
        if begin < 0:
            parts.append(_ENTITY.sub(_decode_entity, raw[pos:]))
            return "".join(parts)
        finish = raw.find("]]>", begin + 9)
        if finish < 0:
            finish = len(raw)
        parts.append(_ENTITY.sub(_decode_entity, raw[pos:begin]))
        parts.append(raw[begin + 9 : finish])
        pos = finish + 3


def _decode_entity(match: re.Match[str]) -> str:
    named, decimal, hexadecimal = match.groups()
    if named:
        return _NAMED[named]
    try:
        return chr(int(decimal) if decimal else int(hexadecimal, 16))
    except (ValueError, OverflowError):
        return match.group()
