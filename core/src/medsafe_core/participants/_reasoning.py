"""One step of arithmetic over values the context states, for the extractive baseline.

Questions that ask for a total, a difference, a clock time, a number of days, which of
two dated events came first, or whether a value meets a stated limit are answered by
parsing the values from the best-matching sentences and computing. Nothing here knows
how any generator writes its contexts: only general English cues ("in total", "every 8
hours", "at least") and common number, clock and date formats.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

Group = tuple[str, ...]
"""The texts of a candidate: one sentence, or a sentence and the one that refers back."""

_MONTHS = (
    "january february march april may june july august september october november december"
).split()
_UNITS = (
    r"%|percentage points?|mg/m2|mg/kg|mcg/kg|mg/dL|g/dL|g/L|mmol/L|mL/min|mL/kg|mmHg|"
    r"mg|mcg|g|kg|Gy|IU|units|mL|L|months?|weeks?|days?|hours?|minutes?|years?|cycles?|"
    r"fractions?|doses?|courses?|sessions?"
)
_VALUE = re.compile(rf"(?<![\w.:/-])(\d+(?:\.\d+)?)\s?({_UNITS})(?![\w/])")
_CLOCK = re.compile(r"(?<![\d:.])([01]?\d|2[0-3]):([0-5]\d)(?!\d)")
_EVERY = re.compile(r"\bevery\s+(\d+)\s+hours?\b", re.IGNORECASE)
_DATE = re.compile(
    r"\b(\d{1,2})\s+(" + "|".join(_MONTHS) + r")\s+(\d{4})\b"
    r"|\b(" + "|".join(_MONTHS) + r")\s+(\d{1,2}),?\s+(\d{4})\b"
    r"|\b(\d{4})-(\d{2})-(\d{2})\b",
    re.IGNORECASE,
)
_MIN_BOUND = (
    r"at least|no less than|a minimum of|not below|or more|or above|above|over|greater than"
)
_MAX_BOUND = r"at most|no more than|a maximum of|not above|or less|or below|below|under|less than"
_BOUND = re.compile(
    rf"(?:(?P<min>{_MIN_BOUND})|(?P<max>{_MAX_BOUND}))\s+(?P<value>\d+(?:\.\d+)?\s?\S+)",
    re.IGNORECASE,
)
_WHAT = re.compile(
    rf"\b(?:a|an)\s+(?P<what>[A-Za-z0-9][\w\s-]{{1,40}}?)\s+of\s+(?:{_MIN_BOUND}|{_MAX_BOUND})\b",
    re.IGNORECASE,
)

_LENGTH = re.compile(r"\bhow long\b|\bduration\b|\blength\b|\bhow many\b", re.IGNORECASE)
_DURATION = re.compile(
    r"(?:months?|weeks?|days?|hours?|minutes?|years?|cycles?|courses?|sessions?|doses?|fractions?)$"
)
"""Units a length of treatment is counted in."""
TOTAL = re.compile(r"\b(?:in total|total|combined|altogether|in all|sum)\b", re.IGNORECASE)
DIFFERENCE = re.compile(
    r"\b(?:difference|differ(?:ed)?)\b|\bhow much (?:more|less|longer|shorter|higher|lower)\b",
    re.IGNORECASE,
)
NEXT_TIME = re.compile(
    r"\b(?:next|second|following|subsequent)\s+(?:dose|dosing|administration)\b",
    re.IGNORECASE,
)
DAYS = re.compile(
    r"\b(?:how many days|number of days)\b.*\b(?:between|passed|elapsed|since)\b"
    r"|\bin days\b.*\b(?:interval|between|from)\b|\binterval\b.*\bin days\b",
    re.IGNORECASE,
)
ORDER = re.compile(r"\b(?:before|after|earlier|later)\b", re.IGNORECASE)
LIMIT = re.compile(
    r"\b(?:eligib\w*|limit|criteri\w*|cut-?off|threshold|requirement|qualif\w*)\b", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Solved:
    """A computed answer: the sentences it rests on, the final answer and how."""

    proof: Group
    final: str
    analysis: str


@dataclass(frozen=True, slots=True)
class _Value:
    number: float
    unit: str
    text: str


def values(text: str) -> list[_Value]:
    """Numbers with a unit word, as written (years, clock times and dates left out)."""
    out = []
    for m in _VALUE.finditer(text):
        out.append(_Value(float(m.group(1)), m.group(2), m.group(0)))
    return out


def _decimals(v: _Value) -> int:
    m = re.match(r"\d+(?:\.(\d+))?", v.text)
    return len(m.group(1) or "") if m else 0


def _fmt(number: float, like: Sequence[_Value]) -> str:
    """A computed number with as many decimals as its most precise input."""
    return f"{number:.{max(map(_decimals, like), default=0)}f}"


def _with_unit(number: str, unit: str) -> str:
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"


def dates(text: str) -> list[tuple[dt.date, str]]:
    """Calendar dates with their text: `3 March 2023`, `March 3, 2023`, `2023-03-03`."""
    out = []
    for m in _DATE.finditer(text):
        try:
            if m.group(1):
                day = dt.date(int(m[3]), _MONTHS.index(m[2].lower()) + 1, int(m[1]))
            elif m.group(4):
                day = dt.date(int(m[6]), _MONTHS.index(m[4].lower()) + 1, int(m[5]))
            else:
                day = dt.date(int(m[7]), int(m[8]), int(m[9]))
        except ValueError:
            continue
        out.append((day, m.group(0)))
    return out


def solve(question: str, candidates: Sequence[Group]) -> Solved | None:
    """A computed answer to a question that asks for one step of arithmetic, or None
    (then the caller answers by quoting). `candidates`: the context's sentences (and
    referring pairs) that name what the question names, best match first."""
    yes_no = re.match(r"\s*(?:is|are|was|were|did|does|do|has|have|had)\b", question, re.I)
    if yes_no and LIMIT.search(question):
        return _threshold(candidates)
    if yes_no and ORDER.search(question):
        return _order(question, candidates)
    if yes_no:
        return None
    if NEXT_TIME.search(question):
        return _next_time(candidates)
    if DAYS.search(question):
        return _days(candidates)
    if DIFFERENCE.search(question):
        return _difference(candidates)
    if TOTAL.search(question):
        lengths = _LENGTH.search(question) is not None
        return _total(question, candidates, _DURATION if lengths else None)
    return None


def _text(group: Group) -> str:
    return " ".join(group)


def _difference(candidates: Sequence[Group]) -> Solved | None:
    for group in candidates[:6]:
        found = values(_text(group))
        for i, a in enumerate(found):
            b = next((v for v in found[i + 1 :] if v.unit == a.unit), None)
            if b is None:
                continue
            gap = _fmt(abs(a.number - b.number), (a, b))
            unit = "percentage points" if a.unit == "%" else a.unit
            final = f"The values differ by {gap} {unit} ({a.text} versus {b.text})."
            return Solved(group, final, f"Subtracted {b.text} from {a.text}.")
    return None


def _total(
    question: str, candidates: Sequence[Group], kind: re.Pattern[str] | None
) -> Solved | None:
    """Two values of one unit to add: the value whose clause shares most words with the
    question, then the best other one of its unit (in the sentence that refers back to
    its own, if there is one)."""
    sentences = list(dict.fromkeys(s for g in candidates for s in g))
    df: dict[str, int] = {}
    for sentence in sentences:
        for word in _words(sentence):
            df[word] = df.get(word, 0) + 1
    # words most sentences use ("trial", "phase" of a design) tell no value apart
    asked = {w for w in _words(question) if 3 * df.get(w, 0) <= len(sentences)}
    found: list[tuple[int, int, Group, _Value]] = []
    for rank, group in enumerate(candidates[:8]):
        for sentence in group:
            for v in values(sentence):
                if kind is None or kind.match(v.unit):
                    found.append((-len(_clause(sentence, v) & asked), rank, (sentence,), v))
    found.sort(key=lambda x: (x[0], x[1]))
    if not found:
        return None
    _, _, first_group, first = found[0]
    for group in candidates:
        if len(group) == 2 and first_group[0] in group:  # "In the same trial, ..."
            more = [v for v in values(_text(group)) if v.unit == first.unit]
            if len(more) == 2:
                return _sum(group, more)
    for _, _, group, v in found[1:]:
        if v.unit == first.unit and group != first_group:
            return _sum((*first_group, *group), [first, v])
    return None


def _words(text: str) -> set[str]:
    return {w.rstrip("s") for w in re.findall(r"[a-z][a-z-]{3,}", text.lower())}


def _clause(sentence: str, value: _Value) -> set[str]:
    """The words of the clause that states a value (between commas or semicolons)."""
    at = sentence.find(value.text)
    start = max(sentence.rfind(", ", 0, at), sentence.rfind("; ", 0, at)) + 1
    ends = [i for i in (sentence.find(", ", at), sentence.find("; ", at)) if i >= 0]
    return _words(sentence[start : min(ends) if ends else len(sentence)])


def _sum(proof: Group, parts: list[_Value]) -> Solved:
    whole = _with_unit(_fmt(sum(v.number for v in parts), parts), parts[0].unit)
    working = " plus ".join(v.text for v in parts)
    final = f"The total is {whole} ({working})."
    return Solved(proof, final, f"Added {working}.")


def _next_time(candidates: Sequence[Group]) -> Solved | None:
    every = next((g for g in candidates if _EVERY.search(_text(g))), None)
    clock = next((g for g in candidates if _CLOCK.search(_text(g))), None)
    if every is None or clock is None:
        return None
    hours = int(_EVERY.search(_text(every))[1])  # type: ignore[index]
    m = _CLOCK.search(_text(clock))
    assert m is not None
    minutes = (int(m[1]) * 60 + int(m[2]) + 60 * hours) % 1440
    due = f"{minutes // 60:02d}:{minutes % 60:02d}"
    proof = every if every == clock else (*every, *clock)
    final = f"The next dose was due at {due} ({m[0]} plus {hours} hours)."
    return Solved(proof, final, f"Added {hours} hours to {m[0]}.")


def _two_dates(candidates: Sequence[Group]) -> list[tuple[Group, dt.date, str]]:
    out: list[tuple[Group, dt.date, str]] = []
    for group in candidates:
        found = dates(_text(group))
        if len(found) == 1 and not any(set(group) & set(g) for g, _, _ in out):
            out.append((group, *found[0]))
        if len(out) == 2:
            return out
    return []


def _days(candidates: Sequence[Group]) -> Solved | None:
    pair = _two_dates(candidates)
    if not pair:
        return None
    (g1, d1, t1), (g2, d2, t2) = sorted(pair, key=lambda x: x[1])
    days = (d2 - d1).days
    final = f"{t2} is {days} days after {t1}."
    return Solved((*g1, *g2), final, f"Counted the days from {t1} to {t2}.")


def _order(question: str, candidates: Sequence[Group]) -> Solved | None:
    pair = _two_dates(candidates)
    cue = ORDER.search(question)
    if not pair or cue is None:
        return None
    left = set(re.findall(r"[a-z]{4,}", question[: cue.start()].lower()))
    right = set(re.findall(r"[a-z]{4,}", question[cue.end() :].lower()))

    def side(group: Group) -> int:
        words = set(re.findall(r"[a-z]{4,}", _text(group).lower()))
        return len(words & left) - len(words & right)

    first, second = sorted(pair, key=lambda x: -side(x[0]))
    asks_before = cue.group(0).lower() in ("before", "earlier")
    is_before = first[1] < second[1]
    answer = "Yes" if asks_before == is_before else "No"
    relation = "before" if is_before else "after"
    final = f"{answer}. {first[2]} is {relation} {second[2]}."
    return Solved((*first[0], *second[0]), final, f"Compared {first[2]} with {second[2]}.")


def _threshold(candidates: Sequence[Group]) -> Solved | None:
    bound_group = next((g for g in candidates[:8] if _BOUND.search(_text(g))), None)
    if bound_group is None:
        return None
    b = _BOUND.search(_text(bound_group))
    assert b is not None
    limit = values(b.group("value"))
    if not limit:
        return None
    cut = limit[0]
    for group in candidates[:8]:
        if group == bound_group or _BOUND.search(_text(group)):
            continue
        own = [v for v in values(_text(group)) if v.unit == cut.unit]
        if len(own) != 1:
            continue
        value = own[0]
        minimum = b.group("min") is not None
        above = value.number > cut.number
        ok = value.number >= cut.number if minimum else value.number <= cut.number
        what = _WHAT.search(_text(bound_group))
        name = f"the {what['what'].strip()}" if what else "the value"
        which = "minimum" if minimum else "maximum"
        relation = "above" if above else "below" if value.number < cut.number else "at"
        final = (
            f"{'Yes' if ok else 'No'}. {value.text} is {relation} the {which} of {cut.text} "
            f"for {name}."
        )
        return Solved((*bound_group, *group), final, f"Compared {value.text} with {cut.text}.")
    return None
