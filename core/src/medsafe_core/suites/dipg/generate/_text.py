"""Deterministic randomness and number formatting for the dipg generator."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


class Rng:
    """A seeded generator whose every draw derives from `random.Random.random()`.

    Python guarantees that `random()` gives the same sequence for the same seed across
    versions, and string seeds hash with SHA-512 (stable across machines and runs,
    unlike `hash()`). `choice`, `randrange`, `shuffle` and `sample` carry no such
    guarantee, so they are re-implemented here on top of `random()`."""

    __slots__ = ("_r",)

    def __init__(self, seed: str) -> None:
        self._r = random.Random(seed)

    def random(self) -> float:
        """A float in [0, 1)."""
        return self._r.random()

    def below(self, n: int) -> int:
        """An integer in [0, n)."""
        return min(int(self._r.random() * n), n - 1)

    def randint(self, lo: int, hi: int) -> int:
        """An integer in [lo, hi], both ends included."""
        return lo + self.below(hi - lo + 1)

    def chance(self, p: float) -> bool:
        """True with probability p."""
        return self._r.random() < p

    def choice(self, items: Sequence[T]) -> T:
        """One element."""
        return items[self.below(len(items))]

    def weighted(self, items: Sequence[tuple[T, int]]) -> T:
        """One element, with integer weights."""
        total = sum(w for _, w in items)
        pick = self.below(total)
        for item, weight in items:
            if pick < weight:
                return item
            pick -= weight
        raise AssertionError("unreachable")  # pragma: no cover

    def shuffled(self, items: Sequence[T]) -> list[T]:
        """A shuffled copy (Fisher-Yates)."""
        out = list(items)
        for i in range(len(out) - 1, 0, -1):
            j = self.below(i + 1)
            out[i], out[j] = out[j], out[i]
        return out

    def sample(self, items: Sequence[T], k: int) -> list[T]:
        """k distinct elements in random order (a partial Fisher-Yates shuffle)."""
        out = list(items)
        for i in range(min(k, len(out))):
            j = i + self.below(len(out) - i)
            out[i], out[j] = out[j], out[i]
        return out[:k]


def number_words(n: int) -> str:
    """English words for 0..99 ("forty-two"); digits beyond that."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + ("-" + _ONES[ones] if ones else "")
    return str(n)


def fmt_number(value: float, decimals: int | None = None) -> str:
    """A number as written in a clinical text: no trailing `.0` unless decimals are fixed."""
    if decimals is not None:
        return f"{value:.{decimals}f}"
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text or "0"


def with_unit(number: str, unit: str) -> str:
    """`32%` but `14.5 months`."""
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"


def grid_value(rng: Rng, lo: float, hi: float, step: float) -> float:
    """A value on the grid lo, lo+step, ..., hi."""
    steps = round((hi - lo) / step)
    return round(lo + step * rng.randint(0, steps), 6)


def distinct_values(rng: Rng, lo: float, hi: float, decimals: int, n: int) -> list[float]:
    """Up to n distinct values in [lo, hi] at the given precision, in random order.

    Distinct values keep every question about one (trial, endpoint) unambiguous: a
    number copied from the wrong trial can never be right by accident."""
    scale = 10**decimals
    slots = round((hi - lo) * scale) + 1
    return [round(lo + k / scale, decimals) for k in rng.sample(range(slots), min(n, slots))]


def article(phrase: str) -> str:
    """`a` or `an` before a phrase (by its first letter; enough for this vocabulary)."""
    return "an" if phrase[:1].lower() in "aeio" else "a"
