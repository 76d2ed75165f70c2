"""Which way a stated difference runs. "4.5 percentage points higher in the metformin arm
than in the insulin arm" has the right size and may still have the wrong side: the
context gives 8.6% with metformin and 13.1% with insulin.

The two values the difference comes from are found among the evidence's sentences (two
sentences whose values differ by it); each side is named by the words its sentence has
and the other's has not ("metformin" against "insulin", "posterior left pericardiotomy"
against "without"). The side the answer makes larger is the group named between the
comparative and "than" ("higher in the metformin arm than ..."), else the other side of
the one named after "than" ("higher than the 12-week course"), else the subject before
the difference ("Patients who had pericardiotomy stayed 17 hours longer")."""

from __future__ import annotations

import re
from itertools import islice

from medsafe_core.judging.lexical.facts import Quantity, quantities
from medsafe_core.judging.lexical.text import content_words
from medsafe_core.judging.lexical.units import dimension, in_base
from medsafe_core.judging.lexical.working import NUMBER

_MORE = "higher|greater|more|longer|larger|bigger|later|slower"
_LESS = "lower|fewer|less|shorter|smaller|earlier|sooner|faster|quicker"
# a difference written before its direction: "4.5 percentage points higher", "17 hours longer"
_SPEED = ("faster", "quicker", "slower")
_DIFFERENCE = re.compile(
    rf"(?<![\w.,])(?P<value>{NUMBER})\s*(?P<unit>[a-z%][a-z%/ -]{{0,24}}?)\s+"
    rf"(?P<direction>{_MORE}|{_LESS})\b(?P<rest>[^.;!?\n]*)",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?\n]+(?:\.(?=\d)[^.!?\n]*)*")


def _base(q: Quantity) -> float:
    value = in_base(q.value, q.unit)
    return q.value if value is None else value


def _sides(difference: Quantity, evidence: str) -> tuple[tuple[float, set[str]], ...] | None:
    """The two evidence sentences whose values differ by `difference`, as (value, the
    words only that sentence has); None unless exactly one such pair."""
    gap = _base(difference)
    stated: dict[float, list[set[str]]] = {}
    for m in _SENTENCE.finditer(evidence):
        said = [q for q in quantities(m.group()) if q.unit == difference.unit]
        if said:
            words = set(content_words(m.group()))
            for q in said:
                stated.setdefault(round(_base(q), 6), []).append(words)
    found = (
        ((low + gap, high_words), (low, low_words))
        for low, lows in stated.items()
        for high_words in stated.get(round(low + gap, 6), ())
        for low_words in lows
        if high_words != low_words
    )
    pairs = list(islice(found, 2))  # one pair, or none to judge by
    if len(pairs) != 1:
        return None
    (qa, wa), (qb, wb) = pairs[0]
    return (qa, wa - wb), (qb, wb - wa)


def _named(text: str, sides: tuple[tuple[float, set[str]], ...]) -> int | None:
    """Which side a stretch of the answer names (by the words only that side has)."""
    words = set(content_words(text))
    hits = [len(words & own) for _, own in sides]
    if hits[0] == hits[1]:
        return None
    return 0 if hits[0] > hits[1] else 1


def wrong_direction(final: str, evidence: str) -> str:
    """Why the answer's difference runs the wrong way ('' when it does not, or when the
    answer or the evidence does not say clearly enough)."""
    for m in _DIFFERENCE.finditer(final):
        said = quantities(f"{m.group('value')} {m.group('unit')}")
        if not said:
            continue
        if m.group("direction").lower() in _SPEED and dimension(said[0].unit) != "time":
            continue  # "faster" is less time, but more of a rate
        sides = _sides(said[0], evidence)
        if sides is None:
            continue
        rest = m.group("rest")
        between, than, compared = rest.partition(" than ")
        larger = _named(between, sides) if than else None
        if larger is None and than:  # "higher than the 12-week course": that side is smaller
            smaller = _named(compared, sides)
            larger = None if smaller is None else 1 - smaller
        if larger is None:
            clause = re.split(r"[.;:!?\n]", final[: m.start()])[-1]
            larger = _named(clause, sides)
        if larger is None:
            continue
        more = m.group("direction").lower() in _MORE.split("|")  # "19 hours faster": less time
        own, other = sides[larger][0], sides[1 - larger][0]
        if (own > other) != more:
            word = m.group("direction")
            return f"the answer makes the difference run the other way ('{word}')"
    return _wrong_leader(final, evidence)


# the side named first, then its direction and the difference: "The time-based arm had the
# lower re-injury rate, by 7.6 percentage points"
_LEADER = re.compile(
    rf"(?P<subject>[^.;:!?\n]{{3,80}}?)\s+(?:had|has|showed|shows|gave)\s+(?:a|the)\s+"
    rf"(?P<direction>{_MORE}|{_LESS})\b[^.;!?\n]{{0,60}}?\bby\s+(?P<value>{NUMBER})\s*"
    r"(?P<unit>[a-z%][a-z%/ -]{0,24}?)(?=[\s(.,;]|$)",
    re.IGNORECASE,
)


_LEADER_GATE = re.compile(
    rf"\b(?:had|has|showed|shows|gave)\s+(?:a|the)\s+(?:{_MORE}|{_LESS})\b", re.IGNORECASE
)


def _wrong_leader(final: str, evidence: str) -> str:
    if not _LEADER_GATE.search(final):
        return ""  # the subject-first pattern is slow to scan for; most answers lack it
    for m in _LEADER.finditer(final):
        said = quantities(f"{m.group('value')} {m.group('unit')}")
        sides = _sides(said[0], evidence) if said else None
        if sides is None:
            continue
        named = _named(m.group("subject"), sides)
        if named is None:
            continue
        more = m.group("direction").lower() in _MORE.split("|")
        own, other = sides[named][0], sides[1 - named][0]
        if (own > other) != more:
            word = m.group("direction")
            return f"the answer makes the difference run the other way ('{word}')"
    return ""
