"""Durations written in more than one piece, rewritten as one value before numbers are
read: "1 hour 15 minutes" is 75 minutes, "2 weeks and 3 days" 17 days, a gestational
age "31+2" 31 weeks and 2 days (219 days), and the spoken fractions "half an hour" (0.5
hour), "a quarter of an hour", "three quarters of an hour", "an hour and a half" and
"one and a half days" (1.5 days)."""

from __future__ import annotations

import re

from medsafe_core.judging.lexical._lexicon import LEXICON
from medsafe_core.judging.lexical.text import plain

# a compound duration ("1 hour 15 minutes", "2 weeks and 3 days") not inside a number or
# a clock time; the lookbehind sits after the first digit so that the engine scans for digits
_COMPOUND = re.compile(
    r"(?P<a>\d(?<![\d.:]\d)\d*)\s*(?P<big>hours?|hrs?|h|weeks?|wks?)\s*(?:and\s+|,\s*)?"
    r"(?P<b>\d+)\s*(?P<small>minutes?|mins?|days?)\b"
)
_UNIT = r"(?P<unit>minute|hour|day|week|month|year)s?\b"
_WHOLE = LEXICON.numbers("facts.number_words")
_COUNT = "|".join(w for w, v in _WHOLE.items() if v == int(v) and 0 < v <= 24 and w.isalpha())
# "half an hour", "a quarter of an hour", "three quarters of a day", "one and a half hours",
# "2 and a half days", "an hour and a half"
_SPOKEN = re.compile(
    rf"\b(?:(?P<share>half|(?:a\s+|one\s+)?quarter|three[\s-]quarters)(?:\s+of)?\s+an?\s+{_UNIT}"
    rf"|(?P<count>\d+|{_COUNT})\s+and\s+a\s+half\s+{_UNIT.replace('unit', 'unit2')}"
    rf"|an?\s+(?P<unit3>minute|hour|day|week|month|year)\s+and\s+a\s+half\b)"
)


# gestational age in weeks+days ("31+2", "38+6"): 10 to 49 weeks, 0 to 6 days, no spaces,
# not a sum in shown working ("10+5 = 15")
_GESTATION = re.compile(r"(?<![\w.+])(?<![=*/+-]\s)([1-4]\d)\+([0-6])(?![\w.+]|\s*[=*/+-])")


def _one_duration(m: re.Match[str]) -> str:
    """'1 hour 15 minutes' as '75 minutes', '2 weeks and 3 days' as '17 days'."""
    hours = m.group("big").startswith("h")
    if hours != m.group("small").startswith("m"):
        return m.group()  # "2 hours 3 days" is two durations
    total = int(m.group("a")) * (60 if hours else 7) + int(m.group("b"))
    return f"{total} {'minutes' if hours else 'days'}"


def _spoken(m: re.Match[str]) -> str:
    share = m.group("share")
    if share is not None:
        value = 0.5 if share == "half" else 0.75 if share.startswith("three") else 0.25
        return f"{plain(value)} {m.group('unit')}"
    if m.group("count") is not None:
        count = m.group("count")
        whole = float(count) if count.isdigit() else float(_WHOLE[count])
        return f"{plain(whole + 0.5)} {m.group('unit2')}s"
    return f"1.5 {m.group('unit3')}s"


def one_value(lower: str) -> str:
    """Lower-cased text with each duration in pieces rewritten as one value."""
    if "+" in lower:
        lower = _GESTATION.sub(r"\1 weeks \2 days", lower)
    if "min" in lower or "day" in lower:
        lower = _COMPOUND.sub(_one_duration, lower)
    if "half" in lower or "quarter" in lower:
        lower = _SPOKEN.sub(_spoken, lower)
    return lower
