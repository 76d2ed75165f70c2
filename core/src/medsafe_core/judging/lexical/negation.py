"""Negation: which tokens negate, and how many negations a text holds (a denied
comparative, "no less than 15 minutes", bounds a value and negates nothing)."""

from __future__ import annotations

import re
from functools import lru_cache

from medsafe_core.judging.lexical._lexicon import LEXICON
from medsafe_core.judging.lexical.text import NEGATIONS

NEG_CONTRACTION = re.compile(r"^[a-z]+n't$")
CONT_NEG = LEXICON.word_set("facts.cont_neg")
"""Negating words beyond the shared list ("without", "nor", ...)."""


def is_negation(token: str) -> bool:
    """Whether a (quote-free, lower-case) token negates."""
    return token in NEGATIONS or token in CONT_NEG or bool(NEG_CONTRACTION.match(token))


# `is_negation` of a token without apostrophes (so never a contraction like "didn't")
_NEGATING = NEGATIONS | CONT_NEG
_NEGATION_TOKEN = re.compile(r"[a-z]+(?:'t)?")
NEGATED_COMPARATIVE = LEXICON.pattern("relations.negated_comparative")
"""A comparative that is denied to state a bound: "no less than 15 minutes" is at least
15 minutes, "not more than 40 mg" at most 40 mg (`relations.bounds`)."""
_FAILS = re.compile(r"\bfail(?:ed|s)? to\b|\bunable to\b|\babsence of\b")


@lru_cache(maxsize=8192)
def negation_count(text: str) -> int:
    """Number of negating tokens ('not', "didn't", 'without', ...)."""
    lower = without_free_of_charge(text.lower())
    tokens = _NEGATION_TOKEN.findall(lower.replace("\u2019", "'"))
    count = sum(1 for t in tokens if t.replace("'", "") in _NEGATING)
    if "than" in lower:  # "no less than 15 minutes" bounds a value, it negates nothing
        count -= len(NEGATED_COMPARATIVE.findall(lower))
    # "failed to"/"no longer"-style phrasing negates an outcome as well
    if "fail" in lower or "unable" in lower or "absence" in lower:
        count += len(_FAILS.findall(lower))
    return count


# "at no charge", "at no extra cost": free, not a negation
_FREE = re.compile(r"\b(?:at|for|with)\s+no\s+(?:extra\s+|additional\s+)?(?:charge|cost)\b", re.I)


def without_free_of_charge(text: str) -> str:
    """The text with "at no charge" and its like said as "free"."""
    return _FREE.sub("free", text) if " no " in text.lower() else text
