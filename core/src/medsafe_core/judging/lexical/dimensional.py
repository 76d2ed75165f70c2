"""Dimensional analysis: a value that is the product or the quotient of two stated values
whose units combine into its own ('100 mL' of '350 mg/mL' is '35 g'; '150 mg' of a
'20 mg/mL' solution is '7.5 mL'; '4 mg/h' from a '2 mg/mL' syringe runs at '2 mL/h';
'112.5 mL/h' of a '1 kcal/mL' feed is '112.5 kcal/h').

A unit is read as a factor to base units and the exponent of each base dimension (mass in
mg, volume in mL, substance in mmol, drug activity in units, energy in kcal, pressure in
mmHg, time in minutes, length in metres; a kilogram is a body weight). Two values combine
only when both carry a unit and the dimensions of the result are exactly those of the
wanted value, so a count or a bare threshold never takes part."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import permutations

from medsafe_core.judging.lexical.facts import Quantity
from medsafe_core.judging.lexical.text import plain
from medsafe_core.judging.lexical.units import TABLE
from medsafe_core.judging.lexical.working import half_unit

Signature = tuple[tuple[str, int], ...]

# the judge's unit table, with the parts of compound units written short ("mg/dl",
# "ml/h", "kg/m2") and a kilogram as a body weight: "mg/kg" is a dose per body weight,
# not a ratio of masses
_BASE: dict[str, tuple[str, float]] = {
    **TABLE,
    **dict.fromkeys(("ug", "\u00b5g"), TABLE["mcg"]),
    "ng": ("mass", 1e-6),
    "kg": ("body weight", 1.0),
    "dl": ("volume", 100.0),
    **dict.fromkeys(("micromol", "\u00b5mol", "umol"), ("substance", 1e-3)),
    **dict.fromkeys(("units", "iu"), TABLE["unit"]),
    "miu": ("activity", 1e-3),
    "min": TABLE["minute"],
    "h": TABLE["hour"],
    "d": TABLE["day"],
    "m": ("length", 1.0),
    "cm": ("length", 0.01),
}
_MAX_OPERANDS = 30
"""Per wanted value: beyond this many stated values with units, products match by chance."""


@lru_cache(maxsize=1024)
def signature(unit: str | None) -> tuple[float, Signature] | None:
    """(factor to base units, dimension exponents) of a canonical unit ('mg/ml',
    'ml/h', 'kg/m2'), or None when a part is not a known unit."""
    if not unit:
        return None
    factor, powers = 1.0, dict[str, int]()
    for i, part in enumerate(unit.split("/")):
        power = 1
        if part[-1:] in "23" and part[:-1] in _BASE:  # "m2"
            part, power = part[:-1], int(part[-1])
        if part not in _BASE:
            return None
        dim, scale = _BASE[part]
        sign = 1 if i == 0 else -1
        factor *= scale ** (sign * power)
        powers[dim] = powers.get(dim, 0) + sign * power
    dims = tuple(sorted((d, p) for d, p in powers.items() if p))
    return (factor, dims) if dims else None


def _combined(a: Signature, b: Signature, sign: int) -> Signature:
    powers = dict(a)
    for dim, p in b:
        powers[dim] = powers.get(dim, 0) + sign * p
    return tuple(sorted((d, p) for d, p in powers.items() if p))


def _written(computed: float, q: Quantity) -> bool:
    """`computed` is q's value, exactly or as rounded to the decimals q is written with
    (a whole number is taken as exact)."""
    written = plain(q.value)
    decimals = len(written.split(".")[1]) if "." in written and "e" not in written else 0
    slack = 0.5 / 10.0**decimals if decimals else 0.0
    return abs(computed - q.value) <= max(slack, q.approx, 1e-6 * abs(q.value)) + 1e-12


def converted(q: Quantity, x: Quantity) -> bool:
    """`q` is `x` in another unit of its kind, as rounded where `q` is written ('58 mmHg'
    is 'about 7.7 kPa')."""
    a, b = signature(q.unit), signature(x.unit)
    return a is not None and b is not None and a[1] == b[1] and _written(x.value * b[0] / a[0], q)


def product_or_quotient(
    q: Quantity, pool: Sequence[Quantity], first: Sequence[Quantity] = ()
) -> str | None:
    """How `q` is one stated value times or over another, with the units to match, or
    None; with `first`, one of the two must be one of those."""
    want = signature(q.unit)
    if want is None:
        return None
    factor, dims = want
    typed = [(p, s) for p in pool if p.value > 0 and (s := signature(p.unit)) is not None]
    typed = list({(p.value, p.unit): (p, s) for p, s in typed}.values())[:_MAX_OPERANDS]
    for (a, (fa, da)), (b, (fb, db)) in permutations(typed, 2):
        if da == dims or db == dims or (first and a not in first and b not in first):
            continue  # a rescaled copy of a value of q's own kind, not a combination
        if _combined(da, db, 1) == dims and _written(a.value * fa * b.value * fb / factor, q):
            return f"{a} times {b}"
        if _combined(da, db, -1) == dims and _written(a.value * fa / (b.value * fb) / factor, q):
            return f"{a} over {b}"
    return None


def count_times(q: Quantity, counts: Sequence[Quantity], pool: Sequence[Quantity]) -> str | None:
    """How `q` is a count the answer reached times a stated amount of its kind ("70
    tablets" of "5 mg": "350 mg in total"), exactly or as rounded where `q` is written;
    None otherwise."""
    want = signature(q.unit)
    if want is None:
        return None
    for c in counts:
        for p in pool[:_MAX_OPERANDS]:
            have = signature(p.unit)
            if (
                have is not None
                and have[1] == want[1]
                and _written(c.value * p.value * have[0] / want[0], q)
            ):
                return f"{plain(c.value)} times {p}"
    return None


def hourly_of_daily(q: Quantity, values: Sequence[Quantity], final: str) -> str | None:
    """How a rate per hour is a daily amount run over 24 hours ("2,925 mL a day, roughly
    122 mL/h over 24 hours"), where the answer says it is run over 24 hours; to the
    nearest unit of the rate's last digit."""
    if not q.unit or not q.unit.endswith("/h") or "24 h" not in final.replace("hours", "h"):
        return None
    amount = q.unit[: -len("/h")]
    for x in values:
        if x.unit == amount and abs(x.value / 24.0 - q.value) <= half_unit(plain(q.value)):
            return f"{x} over 24 hours"
    return None


# molar masses (mg per mmol) of the analytes whose results are written both ways: a
# standard factor, not the context's ("creatinine 88 umol/L, about 1.0 mg/dL")
MOLAR_MASS = {
    "creatinine": 113.12,
    "glucose": 180.16,
    "urea": 60.06,
    "cholesterol": 386.65,
    "triglyceride": 885.7,
    "calcium": 40.08,
    "magnesium": 24.31,
    "phosphate": 30.97,
    "bilirubin": 584.66,
    "urate": 168.11,
    "lithium": 6.94,
    "lactate": 90.08,
}
_ANALYTE = re.compile(rf"\b({'|'.join(MOLAR_MASS)})s?\b", re.IGNORECASE)
_TO_MASS = (("mass", 1), ("substance", -1))


def clinical_converted(q: Quantity, x: Quantity, text: str) -> bool:
    """`q` is `x` converted by a standard clinical factor the context need not state: an
    analyte the text names, between its amount of substance and its mass ('creatinine 88
    umol/L (about 1.0 mg/dL)'), or a temperature, or a difference of two, between degrees
    Celsius and Fahrenheit ('2.3 °C, about 4.1 °F')."""
    if {q.unit, x.unit} == {"degree", "degf"}:  # a temperature, or a difference of two
        if q.unit == "degf":
            return _near(x.value * 1.8 + 32, q) or _near(x.value * 1.8, q)
        return _near((x.value - 32) / 1.8, q) or _near(x.value / 1.8, q)
    a, b = signature(q.unit), signature(x.unit)
    if a is None or b is None:
        return False
    swap = dict(_combined(a[1], b[1], -1))
    if swap not in (dict(_TO_MASS), {d: -p for d, p in _TO_MASS}):
        return False
    power = 1 if swap == dict(_TO_MASS) else -1
    return any(
        _near(x.value * b[0] * MOLAR_MASS[name.lower()] ** power / a[0], q)
        for name in {m.group(1).lower() for m in _ANALYTE.finditer(text)}
    )


def _near(computed: float, q: Quantity) -> bool:
    """As written, or within 1%: a result converted by a standard factor is rounded to two
    or three figures, and a whole number may be so rounded ("126 mg/dL" for 126.1)."""
    return _written(computed, q) or abs(computed - q.value) <= 0.01 * abs(q.value)
