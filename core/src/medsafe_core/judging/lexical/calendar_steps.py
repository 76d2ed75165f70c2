"""Calendar working an answer shows beside its dates: a date a duration away from a stated
one, the last day of a course or of a month, a month named whole or its length, days to a
month's end and into the next, a date's year a stated year's neighbour."""

from __future__ import annotations

import re

from medsafe_core.judging.lexical.facts import Quantity
from medsafe_core.judging.lexical.reasoning import derivation, is_year
from medsafe_core.judging.lexical.text import plain
from medsafe_core.judging.lexical.timepoints import (
    MONTH_ABBREVIATION,
    dates,
    month_length,
    month_of,
    month_start,
)


def date_step(q: Quantity, final: str, values: list[Quantity]) -> bool:
    """A date a stated or reached duration away from a stated or reached date: the day it
    lands on, or the last day of a course that long ("49 days in all, the last dose on 13
    May 2026" from 26 March); or a month's last day, or the month named whole ("February
    2026 having 28 days"), where such a date falls in that month."""
    if derivation(q, values) is not None:
        return True
    if derivation(Quantity(q.value + 1, "date"), values) is not None:
        return True  # the last day of a course: day 1 is the start
    month = month_of(q.value)
    if month is None:
        return False
    in_month = any(p.unit == "date" and month_of(p.value) == month for p in values)
    length = month_length(month[0])
    if length and q.value == month[1] + length - 1:  # "14 days to 31 March": its last day
        return in_month
    # "February 2026 having 28 days": a month named whole (its first day) with dates in it
    return month[1] == q.value and _month_named(month[0], final) and in_month


# a course's day labelled with its date: "day 4 is 31 October", "31 Oct (day 4)", "27 Jan =
# day 1"
_LABELLED_DAY = re.compile(
    r"\bday\s+\+?(\d{1,3})[*_]*\s*(?:is|=|:|falls\s+on|was|on|\()?\s*(?:\w+day\s+)?(\d{1,2}\s+[A-Za-z]+)"
    r"|(\d{1,2}\s+[A-Za-z]+)(?:\s+\d{4})?\s*(?:\(|=|\bis\b|\bwas\b)\s*(?:is\s+)?day\s+(\d{1,3})\b",
    re.IGNORECASE,
)


def counted_days(final: str, working: str = "") -> list[tuple[int, float]]:
    """The (day of the count, date) pairs the answer labels ("day 0 on 27 October ... day 4
    is 31 October and day 5 is 1 November") when all are as far apart as their labels say:
    steps of one count, neither second answers nor new values (none when any pair is not).
    The answer's `working` may label the count's first day ("Day 0 = 27 January")."""
    labelled: list[tuple[int, float]] = []
    for m in _LABELLED_DAY.finditer(f"{final}\n{working}" if working else final):
        day, when = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        found, _ = dates(when.lower())
        if found:
            labelled.append((int(day), found[0][1]))
    start = labelled[0] if labelled else (0, 0.0)
    one_count = len(set(labelled)) > 1 and all(v - start[1] == n - start[0] for n, v in labelled)
    return labelled if one_count else []


def _month_named(month: str, final: str) -> bool:
    """The final names a month whole, with no day ("February 2026 has 28 days")."""
    pattern = rf"(?<!\d)(?<!\d\s)\b{month[:3]}[a-z]*\.?\s+(?:19|20)\d\d\b"
    return re.search(pattern, final, re.IGNORECASE) is not None


_MONTH_PART = re.compile(
    r"\b(?:to|until|till)\s+(?:the\s+end\s+of\s+(?P<end>[a-z]+)|(?P<last>3[01]|2[89])\s+"
    r"(?P<lastof>[a-z]+))|\b(?:in|into)\s+(?P<into>[a-z]+)\b",
    re.IGNORECASE,
)


def month_part(q: Quantity, final: str, values: list[Quantity]) -> bool:
    """Days counted to a month's end from a date in it ("7 days to the end of March" from
    24 March), or into a month to a date in it ("21 days in April" to 21 April)."""
    said = re.search(rf"(?<![\w.]){plain(q.value)}\s*days?\b", final)
    if said is None:
        return False
    m = _MONTH_PART.search(final, said.end(), min(len(final), said.end() + 30))
    if m is None:
        return False
    name = m.group("end") or m.group("lastof") or m.group("into")
    if m.group("last") and month_length(name) != int(m.group("last")):
        return False  # "to 30 March" is no month's end
    length = month_length(name)
    if length is None:
        return False
    days = [
        int(p.value - month[1] + 1)
        for p in values
        if p.unit == "date" and (month := month_of(p.value)) and month[0][:3] == name[:3].lower()
    ]
    if m.group("end") or m.group("last"):
        return any(length - d == q.value for d in days)
    first = month_start(name)
    if q.value == length and first is not None:  # "30 days in April": the whole month
        dated = [p.value for p in values if p.unit == "date" and p.value > 0]
        return any(v < first for v in dated) and any(v >= first + length for v in dated)
    return q.value in days


_MONTH_HAS = re.compile(
    rf"\b(?P<month>{MONTH_ABBREVIATION})[a-z]*\.?"
    r"(?:\s+(?P<year>(?:19|20)\d\d))?\s+(?:has|had|having|with|of)\s+(?:only\s+)?"
    r"(?P<days>\d\d)\s+days\b",
    re.IGNORECASE,
)


def states_month_length(final: str, q: Quantity) -> bool:
    """The final gives a month's length, rightly ("April has 30 days", "February 2026
    having 28 days"); a wrong one ("February 2026 has 29 days") is no calendar fact."""
    for m in _MONTH_HAS.finditer(final):
        if float(m.group("days")) != q.value:
            continue
        year = int(m.group("year")) if m.group("year") else None
        if month_length(m.group("month"), year) == q.value:
            return True
    return False


def next_years_date(final: str, year: Quantity, pool: list[Quantity]) -> bool:
    """The year of a date the final gives is a stated year's neighbour: a date reached
    across the year's end or a year on ("14/11/2026" from "14 November 2025")."""
    if not any(is_year(p) and abs(p.value - year.value) == 1 for p in pool):
        return False
    written = plain(year.value)
    _, spans = dates(final.lower())
    return any(written in final[a:b] for a, b in spans)
