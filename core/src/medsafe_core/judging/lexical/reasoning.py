"""One step of explicit reasoning over stated quantities.

A value the final answer gives is entailed by a set of stated facts when it equals one of
them under unit conversion, or follows by one step: a sum or a difference of two values of
one dimension, a value times a stated count ('200 mg twice daily' is '400 mg a day'), a
rate times a weight ('2 mg/kg' for '12 kg' is '24 mg') or an amount over one ('20 mg'
for '20 kg' is '1 mg/kg'), an amount over a duration ('10 mmol over 4 hours' is 2.5
mmol/h) or over the time between two clock times ('42 mL between 05:00 and 06:00' is 42
mL/h), a product or quotient of two stated values whose units combine into its own
('150 mg' of a '20 mg/mL' solution is '7.5 mL'), a value a stated percentage less or
more, the time between two clock times (on one date or across days), or a clock time
plus or minus a duration. Each derivation is
named, so a verdict can say how a value was reached. Arithmetic is only tried where a
direct match fails."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import combinations, product

from medsafe_core.judging.lexical.dimensional import product_or_quotient
from medsafe_core.judging.lexical.facts import Quantity
from medsafe_core.judging.lexical.text import plain
from medsafe_core.judging.lexical.timepoints import months_later
from medsafe_core.judging.lexical.units import dimension, in_base, tolerance

_MAX_OPERANDS = 40
"""Per dimension: beyond this many stated values, arithmetic would match by chance."""
_MINUTES_PER_DAY = 1440.0


def _close(a: float, b: float, rel: float = 1e-6) -> bool:
    return abs(a - b) <= max(rel * max(abs(a), abs(b)), 1e-9)


def _rounding(q: Quantity) -> float:
    """Half a unit of the last decimal a value is written with, in base units: "0.88 ml"
    stands for the 0.875 ml a product gives. Whole numbers are taken as exact."""
    written = plain(q.value)
    factor = in_base(1.0, q.unit) or 1.0
    if "." not in written or "e" in written:
        return q.approx * factor
    decimals = len(written.split(".")[1])
    return max(0.5 / 10.0**decimals, q.approx) * factor + 1e-12


def _near(computed: float, want: float, slack: float) -> bool:
    """Equal, or equal once rounded as the wanted value is written."""
    return _close(computed, want) or abs(computed - want) <= slack


def _key(q: Quantity) -> str | None:
    """What values may be added to each other: one dimension, or one plain unit."""
    return dimension(q.unit) or q.unit


def _base(q: Quantity) -> float:
    value = in_base(q.value, q.unit)
    return q.value if value is None else value


def _counts(pool: Sequence[Quantity]) -> list[float]:
    """Stated counts a value can be multiplied by: small unitless whole numbers ('twice',
    '3 doses'), a number of days or weeks, and doses a day from 'every N hours'."""
    out: set[float] = set()
    for q in pool:
        whole = q.value == int(q.value) and 1 < q.value <= 60
        if whole and (q.unit is None or q.unit in ("day", "week", "dose", "cycle", "times")):
            out.add(q.value)
        if q.unit == "hour" and 1 < q.value < 24 and 24 % q.value == 0:
            out.add(24 / q.value)
    return sorted(out)[:12]


# points in time: unit -> (length of the cycle they wrap in, minutes per step)
_POINTS = {"clock": (_MINUTES_PER_DAY, 1.0), "date": (365.0, _MINUTES_PER_DAY)}


def _shifted(q: Quantity, pool: Sequence[Quantity]) -> str | None:
    """A clock time or date that is a stated one plus or minus a stated duration."""
    period, step = _POINTS[str(q.unit)]
    points = [p for p in pool if p.unit == q.unit]
    spans = [p for p in pool if dimension(p.unit) == "time"]
    for c, d in product(points, spans):
        for sign, word in ((1, "plus"), (-1, "minus")):
            if _close((c.value + sign * _base(d) / step) % period, q.value, 1e-3):
                return f"{q.unit} {word} {d}"
            if q.unit == "date" and d.unit in ("month", "year"):  # "17 July" + 6 months
                months = 12 * d.value if d.unit == "year" else d.value
                if months.is_integer() and months_later(c.value, sign * int(months)) == q.value:
                    return f"date {word} {d} (calendar)"
                # "31 January" + 1 month: the month's last day, 28 February
                late = months_later(c.value, sign * int(months), clamp=True)
                if months.is_integer() and late == q.value:
                    return f"date {word} {d} (calendar, to the month's last day)"
    return None


def _between(q: Quantity, pool: Sequence[Quantity]) -> str | None:
    """A duration that is the time between two stated clock times or dates."""
    want = _base(q)
    for unit, (period, step) in _POINTS.items():
        points = [p.value for p in pool if p.unit == unit][:_MAX_OPERANDS]
        for a, b in combinations(points, 2):
            for gap in ((b - a) % period, (a - b) % period):
                if gap and _close(gap * step, want, tolerance(q.unit, "minute")):
                    return "time between two " + ("clock times" if unit == "clock" else "dates")
    return None


def _across_days(q: Quantity, pool: Sequence[Quantity]) -> str | None:
    """A duration from a clock time on one date to a clock time on a later one ("21:40
    on 30 April" to "10:15 on 2 May" is 36 h 35 min, "~36.6 hours" as written)."""
    want, slack = _base(q), max(_rounding(q), 1e-6 * _base(q))
    days = sorted({p.value for p in pool if p.unit == "date"})[:_MAX_OPERANDS]
    clocks = [p.value for p in pool if p.unit == "clock"][:_MAX_OPERANDS]
    for d1, d2 in combinations(days, 2):
        for c1, c2 in product(clocks, repeat=2):
            gap = (d2 - d1) * _MINUTES_PER_DAY + (c2 - c1)
            if gap > _MINUTES_PER_DAY and abs(gap - want) <= slack:
                return "time between a clock time and date and a later one"
    return None


def _over_clock_interval(q: Quantity, pool: Sequence[Quantity], amount: str) -> str | None:
    """A rate that is an amount stated beside two clock times, over the time between them
    ("42 mL between 05:00 and 06:00" is 42 mL/h; "06:00 to 08:00: 70 mL" is 35 mL/h)."""
    want, slack = _base(q), _rounding(q)
    for i in range(len(pool) - 1):
        start, end = pool[i], pool[i + 1]
        if start.unit != "clock" or end.unit != "clock":
            continue
        gap = (end.value - start.value) % _MINUTES_PER_DAY
        beside = [pool[j] for j in (i - 1, i + 2) if 0 <= j < len(pool)]
        for a in beside if gap else ():
            if dimension(a.unit) == amount and _near(_base(a) / gap, want, slack):
                return f"{a} over the time between two clock times"
    return None


def is_year(q: Quantity) -> bool:
    """A bare whole number that reads as a calendar year ('2026')."""
    return q.unit is None and q.value == int(q.value) and 1900 <= q.value <= 2100


def _per_kg(q: Quantity) -> str | None:
    """The dimension a per-kg value of this quantity's kind has ('mg' -> mass per kg, 'ml'
    -> volume per kg, 'units' -> activity per kg, a mass rate -> a mass rate per kg), or
    None."""
    dim = dimension(q.unit)
    amount = dim in ("mass", "volume", "substance", "activity", "energy")
    return f"{dim}/kg" if amount or (dim and dim.endswith("rate")) else None


def _per_kg_of(p: Quantity) -> str | None:
    """The per-kg dimension of a value ('2 mg/kg', '0.5 ml/kg', '10 ml/kg/h'), or None."""
    dim = dimension(p.unit)
    return dim if dim and dim.endswith("/kg") else None


def _bare_working(q: Quantity, pool: Sequence[Quantity]) -> str | None:
    """A number written without its unit in shown working: the difference of two stated
    values of one unit ("(104 - 80) = 24" for creatinine 104 and 80 micromol/L), or a
    stated percentage as a fraction ("0.30" for 30%)."""
    if 0 < q.value < 1 and any(p.unit == "%" and _close(p.value, 100 * q.value) for p in pool):
        return "a stated percentage as a fraction"
    by_unit: dict[str, list[float]] = {}
    for p in pool:
        if p.unit is not None and p.unit not in _POINTS and p.unit != "%":
            by_unit.setdefault(p.unit, []).append(p.value)
    for values in by_unit.values():
        for a, b in combinations(values[:_MAX_OPERANDS], 2):
            if a != b and _close(abs(a - b), q.value):
                return f"the difference of two stated values ({plain(a)} and {plain(b)})"
    return None


def _ratio(q: Quantity, pool: Sequence[Quantity]) -> str | None:
    """A ratio of two stated values of one unit, rounded as written: "4.1 times" the upper
    limit (164 and 40 U/L), "0.72" or "71.9%" (1.84 and 2.56 L). Only values written with
    decimals: a whole number ("3 times", "3 vials") is as likely a count of something else
    as a ratio that happens to match. A value of one significant digit must be the exact
    ratio: rounded, "0.8" stands for anything from 0.75 to 0.85, which many pairs of
    stated values reach."""
    if q.value == int(q.value):
        return None
    scale = 100.0 if q.unit == "%" else 1.0
    one_digit = len(plain(q.value).replace(".", "").strip("0")) < 2
    slack = 1e-9 if one_digit else _rounding(Quantity(q.value, None))
    by_unit: dict[str, list[float]] = {}
    for p in pool:  # measured values: ratios of bare numbers (thresholds) match by chance
        if p.unit is not None and p.unit not in _POINTS and p.unit != "%" and p.value > 0:
            by_unit.setdefault(p.unit, []).append(_base(p))
    for values in by_unit.values():
        for a, b in combinations(dict.fromkeys(values[:_MAX_OPERANDS]), 2):
            for top, bottom in ((a, b), (b, a)):
                if _near(scale * top / bottom, q.value, slack):
                    return f"the ratio of {plain(top)} to {plain(bottom)}"
    return None


def _share_of(q: Quantity, pool: Sequence[Quantity]) -> str | None:
    """A count as a stated percentage of a stated total of people or things, to the
    nearest whole one ("48 of the 200" for 24% of 200 patients)."""
    shares = [p for p in pool if p.unit == "%" and 0 < p.value < 100][:_MAX_OPERANDS]
    totals = [
        p
        for p in pool
        if p.unit not in ("%", "times", *_POINTS)
        and dimension(p.unit) is None
        and not p.spelled
        and not is_year(p)
        and p.value == int(p.value)
        and p.value > q.value
    ]
    for total in totals[:_MAX_OPERANDS]:
        for share in shares:
            if abs(share.value * total.value / 100.0 - q.value) <= 0.5:
                return f"{share} of {total}"
    return None


def derivation(q: Quantity, pool: Sequence[Quantity], *, loose: bool = True) -> str | None:
    """How `q` follows from the stated `pool` by one step, or None. Months and years are
    compared within 10% (calendar lengths vary) unless `loose` is off."""
    if any(q.agrees(p) for p in pool):
        return "stated"
    if q.unit in _POINTS:
        return _shifted(q, pool)
    key, want, slack = _key(q), _base(q), _rounding(q)
    if key is None and not is_year(q):  # counts: "84 discharged, 71 with a plan" -> 13
        counted = [p for p in pool if p.unit is None and not p.spelled and not is_year(p)]
        # whole numbers: sums of decimals ("1.3 - 0.5" for an ABPI of 0.8) match by chance
        whole = q.value == int(q.value)
        for a, b in combinations(counted[:_MAX_OPERANDS] if whole else (), 2):
            if _close(a.value + b.value, want) or _close(abs(a.value - b.value), want):
                return f"sum or difference of {a} and {b}"
        worked = _bare_working(q, pool) or _ratio(q, pool) or (whole and _share_of(q, pool))
        if worked:
            return worked
    if q.unit in ("%", "times"):
        found = _ratio(q, pool)
        if found:
            return found
    rel = 0.1 if loose and dimension(q.unit) == "time" and q.unit in ("month", "year") else 1e-6
    same = [p for p in pool if _key(p) == key and p.unit not in _POINTS][:_MAX_OPERANDS]
    if key is not None:
        # two levels or strengths do not add up ("40 mg/ml" is no sum of two "20 mg/ml")
        adds = "concentration" not in (dimension(q.unit) or "")
        for a, b in combinations(same, 2):
            va, vb = _base(a), _base(b)
            if adds and _close(va + vb, want, rel):
                return f"sum of {a} and {b}"
            if _close(abs(va - vb), want, rel):
                return f"difference of {a} and {b}"
        # a total over three phases of one kind, in the order stated ("14, 14 and 21 days")
        for a, b, third in zip(same, same[1:], same[2:], strict=False) if adds else ():
            if _close(_base(a) + _base(b) + _base(third), want, rel):
                return f"sum of {a}, {b} and {third}"
    counts = _counts(pool)
    # amounts add up over doses and cycles; rates and shares do not
    for p in same if dimension(q.unit) is not None else ():
        for c in counts:
            if _close(_base(p) * c, want, rel) or _near(_base(p) * c, want, slack):
                return f"{p} times {plain(c)}"
    if dimension(q.unit) == "time":
        found = _between(q, pool) or _across_days(q, pool)
        if found:
            return found
    per_kg = _per_kg(q)
    if per_kg is not None:
        weights = [p for p in pool if p.unit == "kg"]
        rates = [p for p in pool if _per_kg_of(p) == per_kg]
        for r, w in product(rates, weights):
            amount = _base(r) * w.value
            if _near(amount, want, slack) or any(_near(amount * c, want, slack) for c in counts):
                return f"{r} for {w}"
    dim = dimension(q.unit)
    if dim is not None and dim.endswith(" rate"):  # "10 mmol over 4 hours" is 2.5 mmol/h
        amounts = [p for p in pool if dimension(p.unit) == dim[: -len(" rate")]]
        spans = [p for p in pool if dimension(p.unit) == "time" and _base(p) > 0]
        for a, t in product(amounts[:_MAX_OPERANDS], spans[:_MAX_OPERANDS]):
            if _near(_base(a) / _base(t), want, slack):
                return f"{a} over {t}"
        found = _over_clock_interval(q, pool, dim[: -len(" rate")])
        if found:
            return found
    shares = [p.value / 100 for p in pool if p.unit == "%" and 0 < p.value < 100]
    if q.unit == "%" and any(_close(100 - 100 * share, q.value) for share in shares):
        return "the rest of a stated percentage"  # "80% of the dose" after "reduced by 20%"
    for p in same if dimension(q.unit) is not None else ():  # "10% less than 150 mg"
        for share in shares[:_MAX_OPERANDS]:
            if _near(_base(p) * share, want, slack):
                return f"{share:.0%} of {p}"  # "10% as a bolus" of 90 mg is 9 mg
            for sign, word in ((-1, "less"), (1, "more")):
                if _near(_base(p) * (1 + sign * share), want, slack):  # no loose months
                    return f"{p} {share:.0%} {word}"
    per_kg_of = _per_kg_of(q)
    if per_kg_of is not None:  # "20 mg" for "20 kg" is "1 mg/kg"
        weights = [p for p in pool if p.unit == "kg" and p.value > 0]
        amounts = [p for p in pool if p.unit != "kg" and _per_kg(p) == per_kg_of]
        for a, w in product(amounts[:_MAX_OPERANDS], weights):
            if _near(_base(a) / w.value, want, slack):
                return f"{a} for {w}"
    return product_or_quotient(q, pool) or _stated_factor(q, pool)  # 150 mg at 20 mg/mL


_CONCENTRATION = re.compile(
    r"(?:mg|g|mcg|\u00b5g|ug|ng|mmol|\u00b5mol|umol|micromol|nmol|pmol|iu|miu|units?)/(?:ml|dl|l)"
)


def _stated_factor(q: Quantity, pool: Sequence[Quantity]) -> str | None:
    """A concentration converted into another unit with a factor the context states
    ("divide mg/dL by 18 for mmol/L": 7.8 mmol/L is 140.4 mg/dL; "multiply ng/mL by 2.5"):
    a stated value of one concentration unit times or over a stated bare number."""
    if q.unit is None or not _CONCENTRATION.fullmatch(q.unit):
        return None
    factors = [p.value for p in pool if p.unit is None and not p.spelled and 1 < p.value < 1000]
    values = [p for p in pool if p.unit and p.unit != q.unit and _CONCENTRATION.fullmatch(p.unit)]
    slack = _rounding(Quantity(q.value, None))
    for p in values[:_MAX_OPERANDS]:
        for n in dict.fromkeys(factors[:_MAX_OPERANDS]):
            for value, word in ((p.value * n, "times"), (p.value / n, "over")):
                if _near(value, q.value, slack):
                    return f"{p} {word} the stated factor {plain(n)}"
    return None
