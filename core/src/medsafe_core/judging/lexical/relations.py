"""How a text relates values: the directions it compares in ("fewer than 10%", "4 days
sooner", "<43"), which of its values a direction bounds, whether it relates two of its own
values, and whether values keep the order they were stated in."""

from __future__ import annotations

import re
from collections.abc import Sequence

from medsafe_core.judging.lexical._lexicon import LEXICON
from medsafe_core.judging.lexical.facts import Quantity, quantities
from medsafe_core.judging.lexical.negation import NEGATED_COMPARATIVE

# "over 6 weeks" and "under anaesthesia" are not comparisons, so over/under are left out
_LESS = LEXICON.text("facts.less")
_MORE = LEXICON.text("facts.more")
_COMPARISON = re.compile(rf"\b(?:(?P<less>{_LESS})|(?P<more>{_MORE}))\b", re.IGNORECASE)


def comparisons(text: str) -> set[str]:
    """The directions a text compares in ('less' or 'more'): "fewer than 10%" is not
    "more than 10%", and "lower" is "reduced". Bounds such as "at least" are not
    directions: "4 weeks" answers "how long must they wait (at least 4 weeks)"."""
    return {direction for _, _, direction in _comparison_marks(text)}


_SYMBOL = re.compile(r"(?<![-=<>])[<>](?![-=<>])|[\u2264\u2265]")
# a value right after the word ("fewer than 10%", "below 14 mmol/L", "reduced by 10%")
# or right before it ("4 days sooner", "10% lower"); "reduced to 31.5 mg" gives the new
# value itself, and "the lower end of the target" bounds no value
_VALUE_AFTER = re.compile(r"\s*(?:than\s+|by\s+)?(?:the\s+)?(?:about\s+|around\s+|~\s*)?\d")
_VALUE_BEFORE = re.compile(r"\d[\d.,]*\s*(?:%|[a-z]+(?:/[a-z]+)*)?\s*$", re.IGNORECASE)


def bound_comparisons(text: str, values: Sequence[Quantity]) -> set[str]:
    """The directions in which the text bounds or shifts one of `values` ("fewer than
    10%", "4 days sooner", "<43"), not those of words that bound no value ("reduced to
    31.5 mg", "the lower end of the target") or another one ("5 mg when the INR is above
    1.5" bounds the INR, not the dose)."""
    out = set()
    for start, end, direction in _comparison_marks(text):
        after = _VALUE_AFTER.match(text, end) or text[start:end] in "<>\u2264\u2265"
        near = text[end : end + 40] if after else text[max(0, start - 40) : start]
        if not (after or _VALUE_BEFORE.search(text, 0, start)):
            continue
        bounded = quantities(near)
        bounded = bounded[:1] if after else bounded[-1:]
        if any(b.agrees(v) for b in bounded for v in values):
            out.add(direction)
    return out


def _comparison_marks(text: str) -> list[tuple[int, int, str]]:
    """Where the text compares, and in which direction: words, and the symbols "<43
    mmol/mol", "AUC 655 > 600" (not an arrow "->"). "No less than" is a bound (see
    `bounds`), not a direction."""
    denied = {m.start("word") for m in NEGATED_COMPARATIVE.finditer(text)} if "than" in text else ()
    marks = [
        (m.start(), m.end(), str(m.lastgroup))
        for m in _COMPARISON.finditer(text)
        if m.start() not in denied
    ]
    marks += [
        (m.start(), m.end(), "less" if m.group() in ("<", "\u2264") else "more")
        for m in _SYMBOL.finditer(text)
    ]
    return marks


_BOUND = re.compile(
    rf"\b(?:(?P<min>{LEXICON.text('relations.at_least')})|(?P<max>{LEXICON.text('relations.at_most')}))\b",
    re.IGNORECASE,
)
_BOUND_AFTER = re.compile(r"\s*(?:of\s+)?(?:the\s+)?\d")
_LESS_WORD = re.compile(_LESS, re.IGNORECASE)


def bounds(text: str, values: Sequence[Quantity]) -> set[str]:
    """The bounds ('min', 'max') the text puts on one of `values`: "at least 15 minutes",
    "no less than 15 minutes", "a minimum of 15 minutes" and "15 minutes or more" are
    'min'; "at most", "not more than", "up to" and "or less" are 'max'."""
    marks = [(m.start(), m.end(), str(m.lastgroup)) for m in _BOUND.finditer(text)]
    if "than" in text:
        marks += [
            (m.start(), m.end(), "min" if _LESS_WORD.fullmatch(m["word"]) else "max")
            for m in NEGATED_COMPARATIVE.finditer(text)
        ]
    out = set()
    for start, end, kind in marks:
        if _BOUND_AFTER.match(text, end):
            bounded = quantities(text[end : end + 40])[:1]
        elif _VALUE_BEFORE.search(text, 0, start):
            bounded = quantities(text[max(0, start - 40) : start])[-1:]
        else:
            continue
        if any(b.agrees(v) for b in bounded for v in values):
            out.add(kind)
    return out


def opposed_bounds(reference: str, final: str, values: Sequence[Quantity]) -> bool:
    """The final bounds or shifts one of the reference's `values` the other way: "less
    than 15 minutes" or "at most 15 minutes" for "at least 15 minutes", "at least 40 mg"
    or "more than 40 mg" for "not more than 40 mg"."""
    said = bounds(final, values)
    said_directions = bound_comparisons(final, values)
    stated = bounds(reference, values)
    stated_directions = bound_comparisons(reference, values)
    low = "min" in stated or "more" in stated_directions
    high = "max" in stated or "less" in stated_directions
    return (low and ("max" in said or "less" in said_directions)) or (
        high and ("min" in said or "more" in said_directions)
    )


def in_order(said: list[Quantity], stated: list[Quantity]) -> bool:
    """Every value said is one stated, values of one unit in the stated order (two values
    swapped between their subjects are not: "9% of A and 21% of B" for "21% of A and 9%
    of B")."""
    for unit in {q.unit for q in said}:
        pos = 0
        for q in (x for x in said if x.unit == unit):
            at = next((i for i in range(pos, len(stated)) if q.agrees(stated[i])), None)
            if at is None:
                return False
            pos = at + 1
    return True


def relates_values(text: str) -> bool:
    """The text compares two of its own values ("22 mg/L is above 20 mg/L"): a relation
    between stated facts, not a bound on one answer value ("fewer than 10%")."""
    for start, end, _ in _comparison_marks(text):
        before, after = quantities(text[:start]), quantities(text[end:])
        if before and after and before[-1].unit == after[0].unit:
            return True
    return False


# whether a bound takes in its own value: "more than 15 mmHg" does not, "15 mmHg or more"
# and "at least 15 mmHg" do; "not more than 15" is "at most 15"
_STRICT_BEFORE = re.compile(
    r"(?<!\bno\s)(?<!\bnot\s)\b(?:more|greater|higher|less|fewer|lower)\s+than\s*$"
    r"|\b(?:above|below|over|under|exceeds?|exceeding)\s*$|(?<![-=<>])[<>]\s*$",
    re.IGNORECASE,
)
_INCLUSIVE_BEFORE = re.compile(
    r"\b(?:at\s+(?:least|most)|up\s+to|(?:no|not)\s+(?:more|less|fewer)\s+than"
    r"|a\s+(?:minimum|maximum)\s+of)\s*$|[\u2264\u2265]\s*$|[<>]=\s*$",
    re.IGNORECASE,
)
_INCLUSIVE_AFTER = re.compile(
    r"^\s*(?:[a-z%/]+\s+)?or\s+(?:more|less|fewer|above|below|over|under|greater|higher|lower)\b",
    re.IGNORECASE,
)
_VALUE = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")


def bound_kinds(text: str) -> dict[float, str]:
    """For each value the text bounds, whether the bound is 'strict' ("more than 15",
    "above 1.5") or 'inclusive' ("15 or more", "up to 1.5", "at least 15")."""
    out: dict[float, str] = {}
    for m in _VALUE.finditer(text):
        before, after = text[max(0, m.start() - 24) : m.start()], text[m.end() : m.end() + 24]
        if _INCLUSIVE_BEFORE.search(before) or _INCLUSIVE_AFTER.match(after):
            kind = "inclusive"
        elif _STRICT_BEFORE.search(before):
            kind = "strict"
        else:
            continue
        out.setdefault(float(m.group().replace(",", "")), kind)
    return out


def strictness_differs(segment: str, span: str) -> bool:
    """The segment bounds a value strictly where the span bounds it inclusively, or the
    other way ("differ by more than 15 mmHg" quoting "differ by 15 mmHg or more")."""
    said = bound_kinds(segment)
    if not said:
        return False
    stated = bound_kinds(span)
    return any(v in stated and stated[v] != kind for v, kind in said.items())
