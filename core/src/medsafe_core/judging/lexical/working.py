"""Working an answer shows ("570 x 4.184 = 2,384.9 kJ", "408 / 24 = 17", "1.80^2 = 3.24",
"1.53 x 2.2 = about 3.4", "3 of 250 (1.2%)"): equations and shares whose arithmetic is
right. Their numbers are steps of reasoning, not claims of their own, once the caller has
checked that the working starts from a value the sources state, or from the result of an
earlier such step (`verified_numbers`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
"""A number as written in working: digits with thousands commas or a decimal part."""
# a unit after a number, never the multiplication sign ("15 x 38.0")
_UNIT = r"(?:\s*(?!x\s)[a-zA-Z\u00b5\u00b0%][\w/\u00b5\u00b0%\u00b2]*)?"
_OPERATOR = r"\s*[x\u00d7*/\u00f7+\u2212^-]\s*"
# "=", "≈", "gives" or "equals", with a hedge: "= about 3.4", "≈ 1,102", "gives about 54.8"
_EQUALS = (
    r"\s*(?:=|\u2248|\bgives\b|\bequals\b|\bmakes\b)\s*"
    r"(?:(?:about|approximately|approx\.?|roughly|around)\s+|~\s*)?"
)
_EQUATION = re.compile(
    rf"(?<![\w.,])(?P<left>(?:{NUMBER}){_UNIT}(?:{_OPERATOR}(?:{NUMBER}){_UNIT})+)"
    rf"{_EQUALS}(?P<result>{NUMBER})"
)
_EQUALS_WORD = re.compile(r"\b(?:gives|equals|makes)\b")
_TERM = re.compile(rf"(?P<op>{_OPERATOR})?(?P<n>{NUMBER}){_UNIT}")


@dataclass(frozen=True)
class Equation:
    """One equation of the working: its operands in order, its result as written, and
    the exact value the operands give."""

    operands: list[float]
    operators: list[str]
    result: float
    exact: float

    @property
    def numbers(self) -> list[float]:
        return [*self.operands, self.result]


def _value(text: str) -> float:
    return float(text.replace(",", ""))


def _evaluate(operands: list[float], operators: list[str]) -> float | None:
    """Powers first, then left to right within products and quotients, then sums and
    differences."""
    while "^" in operators:
        i = operators.index("^")
        if abs(operands[i + 1]) > 4:
            return None  # squares and cubes of working, never large powers
        operands = [*operands[:i], operands[i] ** operands[i + 1], *operands[i + 2 :]]
        operators = [*operators[:i], *operators[i + 1 :]]
    terms, sign, current = [], 1.0, operands[0]
    for op, x in zip(operators, operands[1:], strict=True):
        if op in "x\u00d7*":
            current *= x
        elif op in "/\u00f7":
            if x == 0:
                return None
            current /= x
        else:
            terms.append(sign * current)
            sign, current = (-1.0 if op in "-\u2212" else 1.0), x
    terms.append(sign * current)
    return sum(terms)


def half_unit(written: str) -> float:
    """Half a unit of the last decimal written ('2,384.9': 0.05)."""
    decimals = len(written.split(".")[1]) if "." in written else 0
    return 0.5 / 10.0**decimals + 1e-9


_POWERS = {"\u00b2": "2", "\u00b3": "3"}
_POWER = re.compile(r"(?<=\d)[\u00b2\u00b3]")  # "1.80²": a square, not a unit's "m²"


def equations(text: str) -> list[Equation]:
    """The equations of `text` whose arithmetic is right, to the result's written
    precision."""
    if "=" not in text and "\u2248" not in text and not _EQUALS_WORD.search(text):
        return []
    out = []
    for m in _EQUATION.finditer(_POWER.sub(lambda p: "^" + _POWERS[p.group()], text)):
        operands, operators = [], []
        for t in _TERM.finditer(m.group("left")):
            operands.append(_value(t.group("n")))
            if t.group("op"):
                operators.append(t.group("op").strip())
        if len(operators) != len(operands) - 1:
            continue
        computed = _evaluate(operands, operators)
        result = _value(m.group("result"))
        if computed is not None and abs(computed - result) <= half_unit(m.group("result")):
            out.append(Equation(operands, operators, result, computed))
    return out


# a count of a total with its share: "3 of 250 (1.2%)", "21/50 = 42%", "7 out of 250, 2.8%"
_SHARE = re.compile(
    rf"(?<![\w.,])(?P<part>{NUMBER})\s*(?:/|of|out\s+of)\s*(?:the\s+)?(?P<whole>{NUMBER})"
    rf"(?:\s+[a-z]+){{0,3}}\s*(?:\(|,|=|:|\u2014|-)?\s*(?:about\s+|~\s*)?(?P<share>{NUMBER})\s?%"
)


def shares(text: str) -> list[Equation]:
    """Counts given with their share of the total, where the share is right to the
    precision written ("3 of 250 (1.2%)")."""
    if "%" not in text:
        return []
    out = []
    for m in _SHARE.finditer(text):
        part, whole = _value(m.group("part")), _value(m.group("whole"))
        if whole <= 0 or part > whole:
            continue
        exact = 100.0 * part / whole
        if abs(exact - _value(m.group("share"))) <= half_unit(m.group("share")):
            out.append(Equation([part, whole], ["/"], _value(m.group("share")), exact))
    return out


def verified_numbers(
    text: str, backed: Callable[[float], bool], *, working: str = ""
) -> list[float]:
    """The numbers of the text's right equations that start from stated values: at least
    one operand `backed` by the sources, or the result of an earlier such equation
    ("9.2 / 6 = 1.53", then "1.53 x 2.2 = 3.4"). Their other operands are the working's
    own constants (a conversion factor, a count of days) and the result is derived.

    The results of an answer's separate `working` (its analysis) count too, where every
    operand of their equations is stated, reached earlier or a standard constant: an
    operand of its own there ("42 / 87 = 0.48" for a stated 78 kg) is a changed fact,
    which must not carry its result into the final."""
    out: list[float] = []
    reached: set[float] = set()
    for eq in [*equations(working), *shares(working)] if working else ():
        if all(x in reached or x in _CONSTANTS or backed(x) for x in _operands(eq)):
            out += [eq.result, eq.exact]
            reached.add(eq.result)
    for eq in [*equations(text), *shares(text)]:
        if any(x in reached or backed(x) for x in eq.operands):
            out += [*eq.numbers, eq.exact]
            reached.add(eq.result)
    return out


def _operands(eq: Equation) -> list[float]:
    """The operands of an equation, less the exponents of its powers."""
    return [x for i, x in enumerate(eq.operands) if i == 0 or eq.operators[i - 1] != "^"]


# standard factors working may use without a source: time (minutes, hours, days, weeks,
# months, years), percentages and SI prefixes, kg to lb, inches to cm, kcal to kJ,
# glucose mmol/L to mg/dL, HbA1c % points to mmol/mol, creatinine mg/dL to micromol/L
_CONSTANTS = frozenset(
    {
        60.0,
        24.0,
        7.0,
        12.0,
        52.0,
        365.0,
        100.0,
        1000.0,
        2.2,
        2.205,
        2.2046,
        0.4536,
        0.454,
        2.54,
        4.184,
        18.0,
        0.0555,
        10.93,
        88.4,
    }
)
