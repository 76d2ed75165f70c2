"""Numbered days of a schedule as offsets from its first day: "on day 0, day 7 and day 21"
puts day 21 at 21 days after day 0; "150 mg on day 1 and 100 mg on day 8" puts day 8 at 7
days after day 1. A schedule that names neither day 0 nor day 1 gives no offsets (where
it starts is not said)."""

from __future__ import annotations

import re
from functools import lru_cache

from medsafe_core.judging.lexical.facts import Quantity

# "day 21", "day 0, day 7 and day 21", "days 3, 7 and 28" (not "day 1 and 100 mg")
_DAYS = re.compile(
    r"\bday\s+(\d{1,3})\b(?!\s*(?:mg|ml|g|mcg|units?)\b)|\bdays\s+(\d{1,3}(?:\s*(?:,|and|or|&)\s*\d{1,3})*)\b(?!\s*(?:mg|ml|g|mcg|units?)\b)",
    re.I,
)
_NUMBER = re.compile(r"\d{1,3}")


@lru_cache(maxsize=1024)
def day_offsets(text: str) -> tuple[Quantity, ...]:
    """Each numbered day's distance in days from the schedule's first day (day 0, else
    day 1)."""
    days = {int(n) for m in _DAYS.finditer(text) for n in _NUMBER.findall(m.group(1) or m.group(2))}
    first = 0 if 0 in days else 1 if 1 in days else None
    if first is None:
        return ()
    return tuple(Quantity(float(d - first), "day") for d in sorted(days) if d > first)
