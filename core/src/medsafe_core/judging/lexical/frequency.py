"""How often a dose is given: "3,200 IU daily" is not "3,200 IU once weekly".

Values are compared as numbers with units elsewhere; a dose's frequency is a word or two
after it. Each dose written with a frequency is read as (value, unit) -> doses a day, so
that an answer that keeps the proof's dose and changes how often it is given is caught."""

from __future__ import annotations

import re
from functools import lru_cache

from medsafe_core.judging.lexical.facts import quantities

_COUNT = {"once": 1.0, "twice": 2.0, "three times": 3.0, "four times": 4.0}
_PERIOD_DAYS = {"hour": 1 / 24, "day": 1.0, "week": 7.0, "fortnight": 14.0, "month": 30.0}
_ADVERB = {"hourly": 1 / 24, "daily": 1.0, "nightly": 1.0, "weekly": 7.0}
_ADVERB |= {"fortnightly": 14.0, "monthly": 30.0}
_FREQUENCY = re.compile(
    r"(?P<count>once|twice|three times|four times)?\s*(?:a\s+)?"
    r"(?:(?P<adverb>hourly|daily|nightly|weekly|fortnightly|monthly)"
    r"|(?:a|per|each|every)\s+(?P<period>hour|day|week|fortnight|month)"
    r"|every\s+(?P<n>\d+)\s+(?P<periods>hour|day|week|month)s?)\b",
    re.IGNORECASE,
)
# a dose: a number and a unit of amount, then at most three words before its frequency
_DOSE = re.compile(
    # (a strength of drops in percent counts too: "brimonidine 0.2% twice daily")
    r"(?<![\w.])(?P<dose>\d[\d,]*(?:\.\d+)?\s?(?:(?:mg|g|mcg|micrograms?|iu|units?|ml|mmol|tablets?)\b|%))"
    r"(?P<gap>(?:\s+[a-z-]+){0,3}?)\s+(?=(?:once|twice|three|four|a|per|each|every|hourly|daily"
    r"|nightly|weekly|fortnightly|monthly)\b)",
    re.IGNORECASE,
)


def _per_day(m: re.Match[str]) -> float:
    count = _COUNT.get((m.group("count") or "once").lower(), 1.0)
    if m.group("adverb"):
        return count / _ADVERB[m.group("adverb").lower()]
    if m.group("period"):
        return count / _PERIOD_DAYS[m.group("period").lower()]
    return count / (int(m.group("n")) * _PERIOD_DAYS[m.group("periods").lower()])


@lru_cache(maxsize=1024)
def dosing(text: str) -> tuple[tuple[float, str | None, float, int, int], ...]:
    """Each dose written with a frequency: (value, unit, doses a day, start, end)."""
    out = []
    for m in _DOSE.finditer(text):
        freq = _FREQUENCY.match(text, m.end())
        said = quantities(m.group("dose"))
        if freq is None or not said or freq.end() == m.end():
            continue
        out.append((said[0].value, said[0].unit, _per_day(freq), m.start(), freq.end()))
    return tuple(out)


def frequency_clash(final: str, evidence: str) -> tuple[str, int, int] | None:
    """A dose of the final answer given with another frequency than every one the
    evidence gives that same dose, with its span; None otherwise."""
    stated = dosing(evidence)
    if not stated:
        return None
    for value, unit, per_day, start, end in dosing(final):
        same = [f for v, u, f, _, _ in stated if v == value and u == unit]
        if same and not any(abs(f - per_day) <= 1e-9 * max(f, per_day) for f in same):
            why = f"the answer gives {final[start:end]!r}; the proof gives it another frequency"
            return why, start, end
    return None
