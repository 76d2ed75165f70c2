"""Counts an answer gives with the list of what it counted: "3 qualifying exacerbations
(14 Mar, 27 Aug, 30 Nov)" states a count the list itself bears out."""

from __future__ import annotations

import re

# item boundaries: commas, semicolons, a final "and"/"or", bullets and new lines
ITEM_SPLIT = re.compile(
    r"\s*(?:[,;]\s*(?:and\s+|or\s+)?|\s(?:and|or)\s|\n\s*(?:[-*\u2022]\s*)?)\s*"
)


# where a list of what was counted opens after the count: "3 (a, b, c)", "3: a, b and c",
# "3 - the courses on a, b and c"
_COUNTED = re.compile(r"[^.;(:\n-]{0,40}?(?:\(|:\s|\s[-\u2013\u2014]\s)([^)\n]+)")


def enumerated(final: str, start: int, count: float) -> bool:
    """The count said at `start` is followed, in its sentence, by a list of exactly that
    many items ("**3 qualifying exacerbations** (14 Mar, 27 Aug, 30 Nov)")."""
    if count != int(count) or not 2 <= count <= 12:
        return False
    m = _COUNTED.match(final, start)
    if m is None:
        return False
    listed = re.split(r"(?<=[.!?])\s", m.group(1))[0]
    items = [p for p in ITEM_SPLIT.split(listed.strip(" .")) if p.strip(" .*")]
    return len(items) == count
