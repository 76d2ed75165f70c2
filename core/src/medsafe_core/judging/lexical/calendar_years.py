"""The year of a worked-out date. Dates are compared as days of the year elsewhere (so
that differences wrap around a year's end); a date counted forward across 31 December
must still carry the next year ("16 October 2026" + 3 months is "16 January 2027", not
2026)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import NamedTuple

from medsafe_core.judging.lexical.facts import quantities
from medsafe_core.judging.lexical.timepoints import full_dates

_DAYS = {"day": 1, "week": 7}


class _Stated(NamedTuple):
    """The dates a text states, and the steps it states: in days (hours carried over one
    more midnight or not) and in calendar months."""

    dates: frozenset[date]
    days: frozenset[int]
    months: frozenset[int]


@lru_cache(maxsize=64)
def _stated(text: str) -> _Stated:
    days: set[int] = set()
    months: set[int] = set()
    for q in quantities(text):
        if q.unit in _DAYS and (q.value * _DAYS[q.unit]).is_integer():
            days.add(int(q.value * _DAYS[q.unit]))
        elif q.unit == "hour":  # a clock time may carry it over one more midnight
            days |= {int(q.value // 24), int(q.value // 24) + 1}
        elif q.unit in ("month", "year") and q.value.is_integer():
            months.add(int(q.value) * (12 if q.unit == "year" else 1))
    return _Stated(frozenset(d for d, _, _ in full_dates(text)), frozenset(days), frozenset(months))


def _reaches(target: date, stated: _Stated) -> bool:
    """A stated date, or one moved by a stated step either way, is the target."""
    if target in stated.dates:
        return True
    for start in stated.dates:
        if abs((target - start).days) in stated.days:
            return True
        months = abs(12 * (target.year - start.year) + target.month - start.month)
        if target.day == start.day and months in stated.months:
            return True
    return False


def wrong_year(final: str, *sources: str) -> tuple[str, int, int] | None:
    """A date of the final answer that a stated date and step reach on its day and month
    but in the year before or after, and that nothing stated reaches in its own year."""
    said = full_dates(final)
    if not said:
        return None
    each = [_stated(text) for text in sources]  # (each text's facts are cached apart)
    stated = _Stated(*(frozenset().union(*(getattr(x, f) for x in each)) for f in _Stated._fields))
    for day, start, end in said:
        if _reaches(day, stated):
            continue
        for year in (day.year - 1, day.year + 1):
            try:
                other = day.replace(year=year)
            except ValueError:  # 29 February
                continue
            if _reaches(other, stated):
                why = (
                    f"the final answer puts {day:%d %B} in {day.year}; counted from the dates "
                    f"the context states it falls in {year}"
                )
                return why, start, end
    return None
