"""Working an answer shows ("570 x 4.184 = 2,384.9 kJ", "408 / 24 = 17", "3 of 250
(1.2%)"): equations and shares whose arithmetic is right. Their numbers are steps of
reasoning, not claims of their own, once the caller has checked that the working starts
from a value the sources state (`verified_numbers`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# a unit after a number, never the multiplication sign ("15 x 38.0")
_UNIT = r"(?:\s*(?!x\s)[a-zA-Z\u00b5\u00b0%][\w/\u00b5\u00b0%\u00b2]*)?"
_OPERATOR = r"\s*[x\u00d7*/\u00f7+\u2212-]\s*"
_EQUATION = re.compile(
    rf"(?<![\w.,])(?P<left>(?:{_NUMBER}){_UNIT}(?:{_OPERATOR}(?:{_NUMBER}){_UNIT})+)"
    rf"\s*=\s*(?P<result>{_NUMBER})"
)
_TERM = re.compile(rf"(?P<op>{_OPERATOR})?(?P<n>{_NUMBER}){_UNIT}")


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
    """Left to right within products and quotients, then sums and differences."""
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


def _half_unit(written: str) -> float:
    """Half a unit of the last decimal written ('2,384.9': 0.05)."""
    decimals = len(written.split(".")[1]) if "." in written else 0
    return 0.5 / 10.0**decimals + 1e-9


def equations(text: str) -> list[Equation]:
    """The equations of `text` whose arithmetic is right, to the result's written
    precision."""
    if "=" not in text:
        return []
    out = []
    for m in _EQUATION.finditer(text):
        operands, operators = [], []
        for t in _TERM.finditer(m.group("left")):
            operands.append(_value(t.group("n")))
            if t.group("op"):
                operators.append(t.group("op").strip())
        if len(operators) != len(operands) - 1:
            continue
        computed = _evaluate(operands, operators)
        result = _value(m.group("result"))
        if computed is not None and abs(computed - result) <= _half_unit(m.group("result")):
            out.append(Equation(operands, operators, result, computed))
    return out


# a count of a total with its share: "3 of 250 (1.2%)", "21/50 = 42%", "7 out of 250, 2.8%"
_SHARE = re.compile(
    rf"(?<![\w.,])(?P<part>{_NUMBER})\s*(?:/|of|out\s+of)\s*(?:the\s+)?(?P<whole>{_NUMBER})"
    rf"(?:\s+[a-z]+){{0,3}}\s*(?:\(|,|=|:|\u2014|-)?\s*(?:about\s+|~\s*)?(?P<share>{_NUMBER})\s?%"
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
        if abs(exact - _value(m.group("share"))) <= _half_unit(m.group("share")):
            out.append(Equation([part, whole], ["/"], _value(m.group("share")), exact))
    return out


def verified_numbers(text: str, backed: Callable[[float], bool]) -> list[float]:
    """The numbers of the text's right equations that start from stated values: at least
    one operand `backed` by the sources. Their other operands are the working's own
    constants (a conversion factor, a count of days) and the result is derived."""
    out: list[float] = []
    for eq in [*equations(text), *shares(text)]:
        if any(backed(x) for x in eq.operands):
            out += [*eq.numbers, eq.exact]
    return out
