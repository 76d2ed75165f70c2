"""Ways a number is written that the judge reads as one value, on lower-cased text:
thousands grouped by spaces ("560 000 IU"), a number scaled by a word ("0.56 million"), a
mixed fraction ("4 3/4 hours"), degrees ("36.0 °C"), a power of ten ("5.2 x 10^6"), and an
amount in a volume ("120 mg/5 mL", which is also 24 mg per mL). `facts.quantities` applies
them; each is gated on a cheap substring test, since every text passes through here."""

from __future__ import annotations

import re

from medsafe_core.judging.lexical.text import plain

# thousands grouped by spaces ("560 000 IU", "12\u202f500"): one number, as with commas
_SPACED_THOUSANDS = re.compile(
    r"(?<![\w.,])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d\u00b2\u00b3]|[.,]\d)"
)
_SPACED_GATE = re.compile(r"\d[ \u00a0\u202f]\d{3}")
_GROUP_SPACE = re.compile(r"[ \u00a0\u202f]")
# a number that labels ("day 3", "cycle 2") before a value: "on day 3 100 mg" is two numbers
_LABELLED = re.compile(
    r"\b(?:days?|weeks?|months?|years?|hours?|cycles?|stages?|grades?|doses?|visits?|"
    r"levels?|steps?|versions?|tables?|figures?|arms?|cohorts?|beds?|rooms?|wards?|no\.?)\s*$"
)


def grouped(lower: str) -> str:
    """Thousands grouped by spaces written with commas ("560,000 iu")."""
    return _SPACED_THOUSANDS.sub(_grouped, lower) if _SPACED_GATE.search(lower) else lower


def _grouped(m: re.Match[str]) -> str:
    text = m.group()
    if " " in text and _LABELLED.search(m.string, max(0, m.start() - 12), m.start()):
        return text
    return _GROUP_SPACE.sub(",", text)


# a number scaled by a word ("0.56 million units" is 560,000 units)
_SCALED = re.compile(r"(?<![\d.,])(\d+(?:\.\d+)?)\s+(thousand|million|billion)\b")
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}


def unscaled(lower: str) -> str:
    """A number scaled by a word written out ("560000 units")."""
    if "illion" not in lower and "thousand" not in lower:
        return lower
    return _SCALED.sub(_scaled, lower)


def _scaled(m: re.Match[str]) -> str:
    value = float(m.group(1)) * _SCALES[m.group(2)]
    return f"{value:.0f}" if value.is_integer() else plain(value)


_MIXED_GATE = re.compile(r"\d\s[1-9]/\d")
_MIXED_FRACTION = re.compile(r"(?<![\d/.,])(\d{1,3})\s+([1-9])/([2-9]|1[0-6])(?![\d/])")


def unmixed(lower: str) -> str:
    """A mixed fraction written as a decimal ("4 3/4 hours" is "4.75 hours")."""
    if "/" not in lower or not _MIXED_GATE.search(lower):
        return lower
    return _MIXED_FRACTION.sub(_mixed, lower)


def _mixed(m: re.Match[str]) -> str:
    whole, top, bottom = (int(g) for g in m.groups())
    if top >= bottom:
        return m.group()
    return f"{whole + top / bottom:.4g}"


_DEGREE_SIGN = re.compile(r"\s?\u00b0(?:\s?([cf])(?![a-z]))?")


def degrees(lower: str) -> str:
    """The degree sign as a unit word: "degf" for Fahrenheit, "degrees" otherwise (Celsius
    is read as plain degrees)."""
    return _DEGREE_SIGN.sub(_degrees, lower) if "\u00b0" in lower else lower


def _degrees(m: re.Match[str]) -> str:
    return " degf" if m.group(1) == "f" else " degrees"


_POWER_OF_TEN = re.compile(r"(?<![\d.,])(\d+(?:\.\d+)?)\s*[x\u00d7*]\s*10\^(\d{1,2})(?!\d)")


def powers_of_ten(lower: str) -> list[tuple[int, float]]:
    """(position, value) of each "A x 10^N", which also states A * 10^N ("5.2 x 10^6
    cells/kg" is "5.2 million"); A, 10 and N stay numbers of their own."""
    if "10^" not in lower:
        return []
    return [
        (m.start(), float(m.group(1)) * 10.0 ** int(m.group(2)))
        for m in _POWER_OF_TEN.finditer(lower)
    ]


# an amount in a stated volume: the amount, the volume ("a single injection of 0.2 mg in
# 0.02 mL"), and the amount per mL, a product's strength ("200 mg/5 ml" is 40 mg/ml, not
# "100 mg in 5 ml"; "20 mg/ml" says the same as the latter)
_STRENGTH = re.compile(
    r"(?<![\d.,])(\d+(?:\.\d+)?)\s*(mg|mcg|micrograms?|g|units?|mmol)\s*(?:/|\bin\b|\bper\b)\s*"
    r"(\d+(?:\.\d+)?)\s*(ml|l)\b"
)
_AMOUNT = {"microgram": "mcg", "micrograms": "mcg", "units": "unit"}


def strength_spans(text: str) -> list[tuple[int, int]]:
    """Where the text writes an amount in a volume ("120 mg/5 mL", "100 mg in 5 mL")."""
    lower = text.lower()
    return [m.span() for m in _STRENGTH.finditer(lower)] if "ml" in lower else []


def per_ml(lower: str) -> list[tuple[int, float, str]]:
    """(position, value, unit) of the amount per mL of each amount in a volume ("120 mg/5
    ml" is 24 "mg/ml"); the amount and the volume stay values of their own."""
    if "ml" not in lower:
        return []
    out = []
    for m in _STRENGTH.finditer(lower):
        amount, unit, volume, per = m.groups()
        millilitres = float(volume) * (1000.0 if per == "l" else 1.0)
        out.append(
            (m.start(), round(float(amount) / millilitres, 6), f"{_AMOUNT.get(unit, unit)}/ml")
        )
    return out
