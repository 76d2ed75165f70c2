"""Points in time in a text: clock times and calendar dates, with their spans (so that
their digits are not read again as plain numbers)."""

from __future__ import annotations

import re

Found = tuple[list[tuple[int, float, str | None]], list[tuple[int, int]]]


_CLOCK = re.compile(
    r"(?<![\d.:])(?P<h>[01]?\d|2[0-3])(?::(?P<m>[0-5]\d)(?!\d)"
    r"(?:\s*(?P<ap>[ap])\.?m\b\.?)?|\s*(?P<ap2>[ap])\.?m\b\.?)"
)


# cheap scans for where a clock time or a date may be; the full patterns then run only in
# a window around each (contexts can be 100 KB)
_CLOCK_HINT = re.compile(r":[0-5]\d|\d ?[ap]\.?m\b")
_DIGIT = re.compile(r"\d")
_DATE_HINT = re.compile(r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|-[01]\d-")


def _windowed(pattern: re.Pattern[str], hint: re.Pattern[str], lower: str) -> list[re.Match[str]]:
    out: list[re.Match[str]] = []
    for h in hint.finditer(lower):
        if not _DIGIT.search(lower, max(h.start() - 6, 0), h.end() + 14):
            continue  # a month's name with no day beside it ("may", "marked")
        start = max(h.start() - 14, out[-1].end() if out else 0)
        m = pattern.search(lower, start, min(h.end() + 24, len(lower)))
        while m and m.start() <= h.start():
            if not out or m.start() >= out[-1].end():
                out.append(m)
            m = pattern.search(lower, m.end(), min(h.end() + 24, len(lower)))
    return out


def clock_times(lower: str) -> Found:
    """Clock times ('08:15', '9:40 pm', '7 am') as minutes after midnight (unit 'clock')."""
    found: list[tuple[int, float, str | None]] = []
    spans: list[tuple[int, int]] = []
    for m in _windowed(_CLOCK, _CLOCK_HINT, lower):
        hour, ampm = int(m.group("h")), m.group("ap") or m.group("ap2")
        if ampm and hour > 12:
            continue
        if ampm == "p" and hour < 12:
            hour += 12
        elif ampm == "a" and hour == 12:
            hour = 0
        found.append((m.start(), 60.0 * hour + int(m.group("m") or 0), "clock"))
        spans.append((m.start(), m.end()))
    return found, spans


_MONTHS = (
    "january february march april may june july august september october november december"
).split()
_MONTH = r"(?P<{g}>" + "|".join(f"{m[:3]}(?:{m[3:]})?" for m in _MONTHS) + r")\.?"
_DATE = re.compile(
    rf"(?<![\d.])(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH.format(g='m1')}"
    rf"(?:,?\s+(?P<y1>(?:19|20)\d\d))?\b"
    rf"|\b{_MONTH.format(g='m2')}\s+(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?\b(?!\s*(?:mg|%|\.\d))"
    rf"(?:,?\s+(?P<y2>(?:19|20)\d\d))?"
    r"|(?<![\d.])(?P<y3>(?:19|20)\d\d)-(?P<m3>[01]\d)-(?P<d3>[0-3]\d)\b"
)
_MONTH_START = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)


def dates(lower: str) -> Found:
    """Calendar dates ('12 March', 'March 12, 2026', '2026-03-12') as the day of the year
    (unit 'date'; years are left out, so differences wrap around the year's end)."""
    found: list[tuple[int, float, str | None]] = []
    spans: list[tuple[int, int]] = []
    for m in _windowed(_DATE, _DATE_HINT, lower):
        if m.group("m3"):
            month, day = int(m.group("m3")), int(m.group("d3"))
        else:
            name = (m.group("m1") or m.group("m2"))[:3]
            month = 1 + [x[:3] for x in _MONTHS].index(name)
            day = int(m.group("d1") or m.group("d2"))
        if not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        found.append((m.start(), float(_MONTH_START[month - 1] + day), "date"))
        spans.append((m.start(), m.end()))
        year = m.group("y1") or m.group("y2") or m.group("y3")
        if year:  # the year stays a number of its own ("in 2026")
            found.append((m.start(), float(year), None))
    return found, spans
