"""Clinical unit conversions: each canonical unit's dimension and factor to a base unit.

An explicit table of the units the dipg judge reads (mass, volume, time) instead of a
general units library: the judge needs a dozen exact factors, looked up per quantity on
the scorer's hot path (see docs/scoring.md, "Normalisation layer")."""

from __future__ import annotations

# canonical unit (as `facts.quantities` names it) -> (dimension, factor to the base unit)
_TABLE: dict[str, tuple[str, float]] = {
    "mcg": ("mass", 0.001),
    "mg": ("mass", 1.0),
    "g": ("mass", 1000.0),
    "kg": ("mass", 1_000_000.0),
    "ml": ("volume", 1.0),
    "l": ("volume", 1000.0),
    "minute": ("time", 1.0),
    "hour": ("time", 60.0),
    "day": ("time", 1440.0),
    "week": ("time", 10080.0),
    "month": ("time", 43_830.0),
    "year": ("time", 525_960.0),
}
# calendar units whose length varies: conversions to or from them agree within 10%
_LOOSE = frozenset({"month", "year"})


def dimension(unit: str | None) -> str | None:
    """The dimension of a canonical unit ('mass', 'volume', 'time'), if convertible."""
    entry = _TABLE.get(unit or "")
    return entry[0] if entry else None


def in_base(value: float, unit: str | None) -> float | None:
    """The value in its dimension's base unit (mg, ml, minutes), or None."""
    entry = _TABLE.get(unit or "")
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
