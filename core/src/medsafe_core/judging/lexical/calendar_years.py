"""The year of a worked-out date. Dates are compared as days of the year elsewhere (so
that differences wrap around a year's end); a date counted forward across 31 December
must still carry the next year ("16 October 2026" + 3 months is "16 January 2027", not
2026)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from medsafe_core.judging.lexical.facts import quantities

_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
_MONTH = r"(?P<{g}>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_FULL_DATE = re.compile(
    rf"(?<![\d.])(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH.format(g='m1')},?\s+"
    rf"(?P<y1>(?:19|20)\d\d)\b"
    rf"|\b{_MONTH.format(g='m2')}\s+(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y2>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_DAYS = {"day": 1, "week": 7}


def full_dates(text: str) -> list[tuple[date, int, int]]:
    """Dates written with their year, with their spans."""
    out = []
    for m in _FULL_DATE.finditer(text):
        month = 1 + _MONTHS.index((m.group("m1") or m.group("m2")).lower()[:3])
        day, year = int(m.group("d1") or m.group("d2")), int(m.group("y1") or m.group("y2"))
        try:
            out.append((date(year, month, day), m.start(), m.end()))
        except ValueError:
            continue  # an impossible date is judged as a value
    return out


def _add_months(d: date, months: int) -> date | None:
    month0 = d.month - 1 + months
    try:
        return d.replace(year=d.year + month0 // 12, month=month0 % 12 + 1)
    except ValueError:
        return None


def _reached(stated: list[date], text: str) -> set[date]:
    """The stated dates and each of them moved by a stated duration, either way."""
    out = set(stated)
    for q in quantities(text):
        steps: list[timedelta | int] = []
        if q.unit in _DAYS:
            steps.append(timedelta(days=q.value * _DAYS[q.unit]))
        elif q.unit == "hour":  # a clock time may carry it over one more midnight
            steps += [timedelta(days=q.value // 24), timedelta(days=q.value // 24 + 1)]
        elif q.unit in ("month", "year") and q.value.is_integer():
            steps.append(int(q.value) * (12 if q.unit == "year" else 1))
        for start in stated:
            for step in steps:
                for sign in (1, -1):
                    if isinstance(step, int):
                        moved = _add_months(start, sign * step)
                        if moved is not None:
                            out.add(moved)
                    else:
                        out.add(start + sign * step)
    return out


def wrong_year(final: str, sources: str) -> tuple[str, int, int] | None:
    """A date of the final answer that a stated date and duration reach on its day and
    month but in another year, and that nothing stated reaches in its own year."""
    said = full_dates(final)
    if not said:
        return None
    stated = [d for d, _, _ in full_dates(sources)]
    reached = _reached(stated, sources)
    for day, start, end in said:
        if day in reached:
            continue
        other = sorted(
            r.year for r in reached if (r.month, r.day) == (day.month, day.day) and r != day
        )
        if other:
            why = (
                f"the final answer puts {day:%d %B} in {day.year}; counted from the dates the "
                f"context states it falls in {other[0]}"
            )
            return why, start, end
    return None
