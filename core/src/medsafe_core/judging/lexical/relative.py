"""Relative values an answer gives beside the values it compares: a ratio restated as a
percentage ("0.72 (72%)"), one value as a percentage of another ("13.6 kg/m2, 68% of the
20.1 kg/m2 median") and a relative difference ("19 hours shorter (52 h vs 71 h), roughly
27% shorter"; "15 mg lower, about a third less").

Both compared values must be the answer's own, stated or reached by the sources: a
percentage of any two values of the context would match an invented one by chance."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import permutations

from medsafe_core.judging.lexical.facts import Quantity
from medsafe_core.judging.lexical.reasoning import is_year
from medsafe_core.judging.lexical.text import plain
from medsafe_core.judging.lexical.working import half_unit

_POINTS = frozenset({"clock", "date"})
_SPOKEN_SLACK = 2.0
"""Percentage points a spoken fraction may be off: "about a third" for 32.6%."""


def _slack(q: Quantity) -> float:
    """Half a unit of the last decimal written ("27%": 0.5; "33.3%": 0.05)."""
    return _SPOKEN_SLACK if q.spelled else half_unit(plain(q.value))


def relative(q: Quantity, own: Sequence[Quantity], final: str = "") -> str | None:
    """How the percentage or ratio `q` follows from two of the answer's `own` values.
    Rates in percent and bare scores compare only where the `final` says the value is
    relative ("a 78% relative reduction" from 8.6% and 1.9%, "about 15% lower in relative
    terms" from scores of 4.6 and 5.4); whole counts otherwise only as a share of a total
    ("14 of the 620 patients (about 2.3%)")."""
    if q.unit == "times":
        return _times(q, own)
    if q.unit != "%":
        return None
    slack = _slack(q)
    for x in own:  # "0.72 (72%)": a ratio written with decimals, restated
        ratio = x.unit is None and not x.spelled and 0 < x.value < 10 and x.value != int(x.value)
        if ratio and abs(100.0 * x.value - q.value) <= max(
            slack, 100.0 * half_unit(plain(x.value))
        ):
            return f"{plain(x.value)} as a percentage"
    rates = _RELATIVE.search(final) is not None  # said as relative: rates and scores too
    measured = [
        x
        for x in own
        if x.unit not in _POINTS
        and (x.unit not in (None, "%") or (rates and not x.spelled and not is_year(x)))
    ]
    for a, b in permutations(measured, 2):
        if a.unit != b.unit or b.value <= 0 or a.value == b.value:
            continue
        share = 100.0 * a.value / b.value
        if abs(share - q.value) <= slack or abs(abs(100.0 - share) - q.value) <= slack:
            return f"{a} relative to {b}"
    counts = [
        x for x in own if x.unit in (None, "patient") and not x.spelled and x.value == int(x.value)
    ]
    for a, b in permutations([x for x in counts if not is_year(x)], 2):
        if 0 < a.value < b.value and abs(100.0 * a.value / b.value - q.value) <= slack:
            return f"{plain(a.value)} of {plain(b.value)}"
    return None


def _times(q: Quantity, own: Sequence[Quantity]) -> str | None:
    """A ratio of two of the answer's own values of one unit: "(67% vs 4%), roughly 16.8
    times the placebo rate"."""
    slack = max(_slack(q), q.approx)
    measured = [x for x in own if x.unit not in _POINTS and x.unit is not None and x.value > 0]
    for a, b in permutations(measured, 2):
        if a.unit == b.unit and abs(a.value / b.value - q.value) <= slack:
            return f"{a} over {b}"
    return None


_RELATIVE = re.compile(r"\brelative(?:ly)?\b", re.IGNORECASE)
