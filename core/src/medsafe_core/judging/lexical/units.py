"""Clinical unit conversions: each canonical unit's dimension and factor to a base unit.

An explicit table of the units the dipg judge reads (mass, volume, substance, drug
activity, energy, radiant exposure, pressure, time) instead of a general units library:
the judge needs a few dozen exact factors, looked up per quantity on the scorer's hot path
(see docs/scoring.md, "Normalisation layer")."""

from __future__ import annotations

# canonical unit (as `facts.quantities` names it) -> (dimension, factor to the base unit)
TABLE: dict[str, tuple[str, float]] = {
    "mcg": ("mass", 0.001),
    "mg": ("mass", 1.0),
    "g": ("mass", 1000.0),
    "kg": ("mass", 1_000_000.0),
    "lb": ("mass", 453_592.37),
    "microlitre": ("volume", 0.001),
    "ml": ("volume", 1.0),
    "l": ("volume", 1000.0),
    "mmol": ("substance", 1.0),
    "unit": ("activity", 1.0),
    "kcal": ("energy", 1.0),
    "kj": ("energy", 1 / 4.184),
    "mj/cm2": ("radiant exposure", 1.0),  # phototherapy doses
    "j/cm2": ("radiant exposure", 1000.0),
    "mmhg": ("pressure", 1.0),
    "kpa": ("pressure", 7.50062),
    "minute": ("time", 1.0),
    "hour": ("time", 60.0),
    "day": ("time", 1440.0),
    "week": ("time", 10080.0),
    "month": ("time", 43_830.0),
    "year": ("time", 525_960.0),
}
# calendar units whose length varies: conversions to or from them agree within 10%
_LOOSE = frozenset({"month", "year"})


_AMOUNTS = {
    **dict.fromkeys(("mcg", "ug", "\u00b5g", "microgram", "micrograms"), ("mass", 0.001)),
    **dict.fromkeys(("mg", "milligram", "milligrams"), ("mass", 1.0)),
    **dict.fromkeys(("g", "gram", "grams"), ("mass", 1000.0)),
    **dict.fromkeys(
        ("ml", "millilitre", "millilitres", "milliliter", "milliliters"), ("volume", 1.0)
    ),
    **dict.fromkeys(("l", "litre", "litres", "liter", "liters"), ("volume", 1000.0)),
    **dict.fromkeys(("mmol", "millimole", "millimoles"), ("substance", 1.0)),
    # international units of a drug's activity (insulin, heparin): "0.1 units/kg/h"
    **dict.fromkeys(("unit", "units", "iu"), ("activity", 1.0)),
    **dict.fromkeys(("kcal", "kilocalorie", "kilocalories"), ("energy", 1.0)),
    **dict.fromkeys(("kj", "kilojoule", "kilojoules"), ("energy", 1 / 4.184)),
}
_NANOGRAMS = ("ng", "nanogram", "nanograms")
# per volume, for concentrations ("230 micrograms/L" is "0.23 mg/L")
_PER_VOLUME = {"ml": 1.0, "dl": 100.0, "l": 1000.0}
_PER_TIME = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1 / 60),
    **dict.fromkeys(("min", "mins", "minute", "minutes"), 1.0),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 60.0),
    **dict.fromkeys(("d", "day", "days", "24h"), 1440.0),
}


def _entry(unit: str | None) -> tuple[str, float] | None:
    """(dimension, factor) of a unit, compound units included: 'mcg/kg/min' is a mass
    rate per kg (mg per minute per kg), 'mg/h' a mass rate, 'ml/h' a volume rate,
    'ml/kg' a volume per kg, 'mg/dl' a concentration (mg per ml)."""
    if not unit:
        return None
    if unit in TABLE:
        return TABLE[unit]
    parts = unit.split("/")
    if len(parts) == 2 and parts[0] in _AMOUNTS and parts[1] == "kg":  # "0.5 ml/kg"
        dim, factor = _AMOUNTS[parts[0]]
        return f"{dim}/kg", factor
    if len(parts) == 2 and parts[1] in _PER_VOLUME:  # "5 mg/dL", "230 micrograms/L"
        kind, amount = (
            ("mass", 1e-6) if parts[0] in _NANOGRAMS else _AMOUNTS.get(parts[0], ("", 0.0))
        )
        if kind in ("mass", "substance"):
            return f"{kind} concentration", amount / _PER_VOLUME[parts[1]]
    if len(parts) not in (2, 3) or parts[0] not in _AMOUNTS or parts[-1] not in _PER_TIME:
        return None
    if len(parts) == 3 and parts[1] != "kg":
        return None
    dim, factor = _AMOUNTS[parts[0]]
    per_kg = "/kg" if len(parts) == 3 else ""
    return f"{dim} rate{per_kg}", factor / _PER_TIME[parts[-1]]


def dimension(unit: str | None) -> str | None:
    """The dimension of a unit ('mass', 'volume', 'time', 'mass rate', 'mass rate/kg'),
    if convertible."""
    entry = _entry(unit)
    return entry[0] if entry else None


def in_base(value: float, unit: str | None) -> float | None:
    """The value in its dimension's base unit (mg, ml, minutes, mg per minute), or None."""
    entry = _entry(unit)
    return value * entry[1] if entry else None


def tolerance(a: str | None, b: str | None) -> float:
    """Relative tolerance for comparing values converted between two units."""
    return 0.1 if (a in _LOOSE) != (b in _LOOSE) or (a in _LOOSE and a != b) else 1e-6


def same_amount(va: float, ua: str | None, vb: float, ub: str | None) -> bool:
    """Whether two values are the same amount under unit conversion ('0.6 mg' is
    '600 mcg', '240 minutes' is '4 hours')."""
    if ua == ub or dimension(ua) is None or dimension(ua) != dimension(ub):
        return False
    a, b = in_base(va, ua), in_base(vb, ub)
    if a is None or b is None:
        return False
    return abs(a - b) <= tolerance(ua, ub) * max(abs(a), abs(b))
