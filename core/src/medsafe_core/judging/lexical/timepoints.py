"""Points in time in a text: clock times and calendar dates, with their spans (so that
their digits are not read again as plain numbers)."""

from __future__ import annotations

import re
from datetime import date

Found = tuple[list[tuple[int, float, str | None]], list[tuple[int, int]]]


_CLOCK = re.compile(
    r"(?<![\d.:])(?P<h>[01]?\d|2[0-3])(?::(?P<m>[0-5]\d)(?!\d)"
    r"(?:\s*(?P<ap>[ap])\.?m\b\.?)?|\s*(?P<ap2>[ap])\.?m\b\.?)"
)


# cheap scans for where a clock time or a date may be; the full patterns then run only in
# a window around each (contexts can be 100 KB)
_DIGIT = re.compile(r"\d")
_MONTH_NAMES = (
    "january february march april may june july august september october november december"
).split()
_MONTH_ABBREVIATIONS = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)

MONTH_WORDS = frozenset(_MONTH_NAMES) | frozenset(_MONTH_ABBREVIATIONS)
"""Month names and abbreviations: parts of dates, judged as values, not as words."""
MONTH_ABBREVIATION = "(?:" + "|".join(_MONTH_ABBREVIATIONS) + ")"
"""A regular-expression alternation of the twelve three-letter month abbreviations."""
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
WEEKDAY_WORDS = frozenset(_WEEKDAYS) | frozenset(d[:3] for d in _WEEKDAYS)
"""Weekday names and abbreviations: "Fri 14 Feb 2025" names the date's weekday."""
_WEEKDAY_SHORT = re.compile(r"\b(mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\b\.?")
_WEEKDAY_FULL = {d[:3]: d for d in _WEEKDAYS}


def full_weekdays(lower: str) -> str:
    """A lower-case text with its weekday abbreviations written out ("mon, wed and fri"
    is "monday, wednesday and friday")."""
    if not any(d in lower for d in _WEEKDAY_FULL):
        return lower
    return _WEEKDAY_SHORT.sub(lambda m: _WEEKDAY_FULL[m.group(1)[:3]], lower)


_MONTH_SCAN = re.compile("|".join(_MONTH_ABBREVIATIONS))
_FULL_NAMES = dict(zip(_MONTH_ABBREVIATIONS, _MONTH_NAMES, strict=True))
_SHORT_TEXT = 400  # shorter texts: one regular expression beats twelve str.find scans


def _date_hints(lower: str) -> list[tuple[int, int]]:
    """Month names at a word's start with a digit nearby, and ISO dates' first hyphen
    (str.find: far faster than a regular expression over 100 KB)."""
    out: list[tuple[int, int]] = []
    if len(lower) < _SHORT_TEXT:
        # one scan for all twelve; the only overlaps ("janov", "junov") are hints for
        # neither month, so the scan's leftmost, non-overlapping matches lose none
        for m in _MONTH_SCAN.finditer(lower):
            i = m.start()
            if i and lower[i - 1].isalpha():
                continue
            after = lower[i + 3 : i + 4]
            if not after.isalpha() or lower.startswith(_FULL_NAMES[m.group()], i):
                out.append((i, i + 3))
    else:
        for abbr, full in zip(_MONTH_ABBREVIATIONS, _MONTH_NAMES, strict=True):
            i = lower.find(abbr)
            while i >= 0:
                after = lower[i + 3 : i + 4]
                named = not after.isalpha() or lower.startswith(full, i)
                if named and not (i and lower[i - 1].isalpha()):
                    out.append((i, i + 3))
                i = lower.find(abbr, i + 3)
    for mark in ("-0", "-1"):  # an ISO date's month: "2026-03-12"
        i = lower.find(mark)
        while i >= 0:
            if lower[i - 4 : i].isdigit() and lower[i + 2 : i + 3].isdigit():
                out.append((i - 4, i + 1))
            i = lower.find(mark, i + 2)
    for mark in ("/19", "/20"):  # a numeric date's year: "28/02/2026"
        i = lower.find(mark)
        while i >= 0:
            if lower[i - 1 : i].isdigit() and lower[i + 3 : i + 5].isdigit():
                out.append((max(i - 5, 0), i))
            i = lower.find(mark, i + 3)
    return sorted(out)


def _windowed(
    pattern: re.Pattern[str], hints: list[tuple[int, int]], lower: str
) -> list[re.Match[str]]:
    out: list[re.Match[str]] = []
    for h_start, h_end in hints:
        if not _DIGIT.search(lower, max(h_start - 6, 0), h_end + 14):
            continue  # a month's name with no day beside it ("may")
        start, end = max(h_start - 14, out[-1].end() if out else 0), min(h_end + 24, len(lower))
        m = pattern.search(lower, start, end)
        while m and m.start() <= h_start:
            if not out or m.start() >= out[-1].end():
                out.append(m)
            m = pattern.search(lower, m.end(), end)
    return out


def _clock_hints(lower: str) -> list[tuple[int, int]]:
    """Colons before two digits, and 'am'/'pm' after a digit (str.find, as for dates)."""
    out: list[tuple[int, int]] = []
    i = lower.find(":")
    while i >= 0:
        if lower[i + 1 : i + 3].isdigit():
            out.append((i, i + 3))
        i = lower.find(":", i + 1)
    for mark in ("am", "pm", "a.m", "p.m"):
        i = lower.find(mark)
        while i >= 0:
            before = lower[max(i - 2, 0) : i].rstrip(" ")
            if before[-1:].isdigit() and not lower[i + len(mark) : i + len(mark) + 1].isalpha():
                out.append((i - 1, i + len(mark)))
            i = lower.find(mark, i + 2)
    return sorted(out)


def clock_times(lower: str) -> Found:
    """Clock times ('08:15', '9:40 pm', '7 am') as minutes after midnight (unit 'clock')."""
    found: list[tuple[int, float, str | None]] = []
    spans: list[tuple[int, int]] = []
    for m in _windowed(_CLOCK, _clock_hints(lower), lower):
        hour, ampm = int(m.group("h")), m.group("ap") or m.group("ap2")
        if ampm and hour > 12:
            continue
        if ampm == "p" and hour < 12:
            hour += 12
        elif ampm == "a" and hour == 12:
            hour = 0
        found.append((m.start(), 60.0 * hour + int(m.group("m") or 0), "clock"))
        spans.append((m.start(), m.end()))
    candidates = {m.start("t"): m for m in _ZERO_HHMM.finditer(lower)}
    candidates |= {
        m.start("t"): m
        for m in _AT_HHMM.finditer(lower)
        if not lower[m.start() - 1 : m.start()].isalpha()  # "at", not "that"
    }
    for _, m in sorted(candidates.items()):
        if _is_hhmm(lower, m):
            value = 60.0 * int(m.group("t")[:2]) + int(m.group("t")[2:])
            found.append((m.start("t"), value, "clock"))
            spans.append((m.start("t"), m.end()))
    return found, spans


# four digits that may be a 24-hour time: after "at ", or with a leading zero (each
# starts with a literal, with no \b before it, so that the engine skips to it; most
# four-digit numbers are years)
_AT_HHMM = re.compile(r"at (?P<t>(?:[01]\d|2[0-3])[0-5]\d)(?![\d.,:/]?\d)")
_ZERO_HHMM = re.compile(r"(?P<t>0(?<![\w.,:/-]0)\d[0-5]\d)(?![\d.,:/]?\d)")
_HOURS_MARK = re.compile(r"\s*(?:h|hrs|hours)\b")
_THEN = re.compile(r"\s*(?:[,;.)]|$)|\s+(?:on|and|the|to|until|when|in)\b|\s*[-\u2013]\s*\d")


def _is_hhmm(lower: str, m: re.Match[str]) -> bool:
    """A 24-hour time without a colon ('0530', 'at 1305 h', 'at 2140,'): marked as hours
    or with no unit after it; never a year ('in 2024'), an amount ('0530 mg') or a
    duration ('1200 hours')."""
    digits = m.group("t")
    mark = _HOURS_MARK.match(lower, m.end())
    if mark:
        return digits[0] == "0" or "hours" not in mark.group()
    return _THEN.match(lower, m.end()) is not None and (
        digits[0] == "0" or digits[:2] not in ("19", "20")
    )


_MONTH = r"(?P<{g}>" + "|".join(f"{m[:3]}(?:{m[3:]})?" for m in _MONTH_NAMES) + r")\.?"
_DATE = re.compile(
    rf"(?<![\d.])(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH.format(g='m1')}"
    rf"(?:,?\s+(?P<y1>(?:19|20)\d\d))?\b"
    rf"|\b{_MONTH.format(g='m2')}\s+(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?\b(?!\s*(?:mg|%|\.\d))"
    rf"(?:,?\s+(?P<y2>(?:19|20)\d\d))?"
    r"|(?<![\d.])(?P<y3>(?:19|20)\d\d)-(?P<m3>[01]\d)-(?P<d3>[0-3]\d)\b"
    rf"|\b{_MONTH.format(g='m4')}(?:\s+of)?,?\s+(?P<y4>(?:19|20)\d\d)\b"
    # day/month/year, the order of the clinical records the judge reads ("28/02/2026")
    r"|(?<![\d./])(?P<d5>[0-3]?\d)/(?P<m5>[01]?\d)/(?P<y5>(?:19|20)\d\d)\b"
)
_MONTH_START = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def month_of(day_of_year: float) -> tuple[str, float] | None:
    """The month a day of the year falls in: its name and its first day's value."""
    if not 1 <= day_of_year <= 366:
        return None
    month = next(m for m in range(12, 0, -1) if _MONTH_START[m - 1] < day_of_year)
    return _MONTH_NAMES[month - 1], float(_MONTH_START[month - 1] + 1)


def months_later(day_of_year: float, months: int, *, clamp: bool = False) -> float | None:
    """The day of the year `months` calendar months after (before, when negative) a day
    of the year, on the same day of the month ("17 July" + 6 months is "17 January");
    for a day the later month lacks ("31 January" + 1 month), its last day when `clamp`,
    else None."""
    if day_of_year != int(day_of_year) or not 1 <= day_of_year <= 365:
        return None
    month = next(m for m in range(12, 0, -1) if _MONTH_START[m - 1] < day_of_year)
    day = int(day_of_year) - _MONTH_START[month - 1]
    later = (month - 1 + months) % 12
    last = 28 if later == 1 else _MONTH_DAYS[later]
    if day > last:
        if not clamp:
            return None
        day = last
    return float(_MONTH_START[later] + day)


def _month_index(name: str) -> int | None:
    """A month's place in the year (January: 0), by its name or abbreviation."""
    key = name.lower()[:3]
    return _MONTH_ABBREVIATIONS.index(key) if key in _MONTH_ABBREVIATIONS else None


def month_start(name: str) -> float | None:
    """The day-of-year value of a month's first day, by its name."""
    index = _month_index(name)
    return None if index is None else float(_MONTH_START[index] + 1)


def month_length(name: str, year: int | None = None) -> int | None:
    """The days of a month by its name (February: 28, or 29 in a leap year)."""
    index = _month_index(name)
    if index is None:
        return None
    if index == 1:
        leap = year is not None and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return _MONTH_DAYS[index]


def dates(lower: str) -> Found:
    """Calendar dates ('12 March', 'March 12, 2026', '2026-03-12', '28/02/2026', 'June
    2024': its first day) as the day of the year (unit 'date'; years are left out, so
    differences wrap around the year's end)."""
    found: list[tuple[int, float, str | None]] = []
    spans: list[tuple[int, int]] = []
    for m in _windowed(_DATE, _date_hints(lower), lower):
        month, day = _month_day(m)
        if not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        # an impossible date ("30 February") is a date that agrees with no other
        valid = day <= _MONTH_DAYS[month - 1]
        value = _MONTH_START[month - 1] + day if valid else -(100 * month + day)
        found.append((m.start(), float(value), "date"))
        spans.append((m.start(), m.end()))
        year = _year(m)
        if year:  # the year stays a number of its own ("in 2026")
            found.append((m.start(), float(year), None))
        if m.group("d1") and valid:  # "on 3, 10, 17 and 24 March": each a day of it
            for listed in _listed_days(lower, m.start()):
                day_ = int(listed.group())
                if 1 <= day_ <= _MONTH_DAYS[month - 1]:
                    found.append((listed.start(), float(_MONTH_START[month - 1] + day_), "date"))
                    spans.append(listed.span())
    return found, spans


# the days listed before a date's own day, in one month: "3, 10, 17 and 24 March"
_LISTED_DAYS = re.compile(r"((?:[0-3]?\d,\s*)*[0-3]?\d)(?:,?\s+(?:and|&)\s+|,\s*)$")
_LISTED_DAY = re.compile(r"[0-3]?\d")


def _listed_days(lower: str, start: int) -> list[re.Match[str]]:
    head = _LISTED_DAYS.search(lower, max(0, start - 40), start)
    if head is None or (head.start() > 0 and lower[head.start() - 1] in "0123456789.,/:"):
        return []
    return list(_LISTED_DAY.finditer(lower, head.start(1), head.end(1)))


def _month_day(m: re.Match[str]) -> tuple[int, int]:
    if m.group("m3"):
        return int(m.group("m3")), int(m.group("d3"))
    if m.group("m5"):
        return int(m.group("m5")), int(m.group("d5"))
    month = 1 + _MONTH_ABBREVIATIONS.index((m.group("m1") or m.group("m2") or m.group("m4"))[:3])
    return month, int(m.group("d1") or m.group("d2") or 1)  # "June 2024": its first day


def _year(m: re.Match[str]) -> str | None:
    return m.group("y1") or m.group("y2") or m.group("y3") or m.group("y4") or m.group("y5")


def full_dates(text: str) -> list[tuple[date, int, int]]:
    """The dates of a text written with day, month and year, with their spans."""
    lower = text.lower()
    out = []
    for m in _windowed(_DATE, _date_hints(lower), lower):
        year = _year(m)
        if year is None or m.group("m4"):  # "June 2024" names no day
            continue
        try:
            out.append((date(int(year), *_month_day(m)), m.start(), m.end()))
        except ValueError:
            continue  # an impossible date is judged as a value
    return out


_DAY_NAME = r"(?P<{g}>mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?"
_DATED_WEEKDAY = re.compile(
    rf"\b{_DAY_NAME.format(g='w1')},?\s+(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?\s+{_MONTH.format(g='m1')}"
    rf",?\s+(?P<y1>(?:19|20)\d\d)\b"
    rf"|\b(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?\s+{_MONTH.format(g='m2')},?\s+(?P<y2>(?:19|20)\d\d)"
    rf"\s*(?:\(|,)\s*(?:a\s+)?{_DAY_NAME.format(g='w2')}\b",
    re.IGNORECASE,
)


_WEEKDAY_START = re.compile(
    r"\b(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\b", re.IGNORECASE
)


def wrong_weekday(text: str) -> tuple[str, int, int] | None:
    """A weekday named beside a dated day of the calendar that is another weekday ("Fri
    13 Feb 2025": a Thursday), with its span; None when every such weekday is right."""
    if not _WEEKDAY_START.search(text):
        return None  # most answers name no weekday: one quick scan instead of the pattern
    for m in _DATED_WEEKDAY.finditer(text):
        said = (m.group("w1") or m.group("w2")).lower()
        month = 1 + _MONTH_ABBREVIATIONS.index((m.group("m1") or m.group("m2")).lower()[:3])
        day, year = int(m.group("d1") or m.group("d2")), int(m.group("y1") or m.group("y2"))
        try:
            weekday = date(year, month, day).weekday()
        except ValueError:
            continue  # an impossible date is judged as a value
        if _WEEKDAYS[weekday][:3] != said:
            named = next(d for d in _WEEKDAYS if d.startswith(said))
            day_text = f"{day} {_MONTH_NAMES[month - 1].title()} {year}"
            actual = _WEEKDAYS[weekday].title()
            why = f"the final answer makes {day_text} a {named.title()}; it is a {actual}"
            return why, m.start(), m.end()
    return None


# a day the month lacks, denied: "31 February does not exist", "there is no 31 April", "a
# non-existent 30 February", "February 2027 has no 30th"
_NO_SUCH_DAY = re.compile(
    r"\b(?:no|not\s+a)\s+(?:day\s+)?3[01](?:st|th)?\s+(?:of\s+)?[a-z]+"
    r"|\b(?:29|3[01])(?:st|th)?\s+(?:of\s+)?[a-z]+\s+(?:does\s+not|doesn't|did\s+not)\s+exist"
    r"|\bnon-?existent\s+(?:29|3[01])(?:st|th)?\s+[a-z]+|\bhas\s+no\s+(?:29|3[01])(?:st|th)\b",
    re.IGNORECASE,
)


def denies_a_day(text: str) -> bool:
    """The text says a day does not exist ("since 31 February does not exist", "there is
    no 31 April"): the impossible date it names is no claim."""
    return _NO_SUCH_DAY.search(text) is not None
