"""Text helpers of the extractive baseline: sentence spans, stems, cues, values.

General English and clinical-writing heuristics only; nothing here knows how the
dipg generator writes its contexts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
    "eighty ninety hundred"
)
_NUM_WORD = "|".join(_NUMBER_WORDS.split())

STOPWORDS = frozenset(
    (
        "a an the of in on at to for with by from and or but nor as than then that this these "
        "those it its is are was were be been being do does did done has have had having can "
        "could may might must shall should will would what which who whom whose when where why "
        "how any all each per into onto over under about after before during between within "
        "without not no yes there their they them he she his her we our you your i me my "
        "also only more most other such same so very s"
    ).split()
)
AUXILIARIES = frozenset(
    "did does do was were is are has have had can could will would should".split()
)
_GENERIC_WORDS = (
    "report reported reports find found show showed shown give given receive received use "
    "used include included evaluate evaluated patient patients trial trials study studies "
    "according source context question answer state stated describe described"
)
_NUMERIC_WORDS = (
    "dose dosage doses range number amount rate percentage proportion level value duration "
    "target volume median mean average age count total"
)
# Quantity words a quoting answer need not contain: the number itself stands for them.
_SATISFIED_WORDS = (
    "dose dosage doses range number amount percentage proportion value count total many much "
    "long often"
)
_UNIT_NOUNS = "days weeks months years hours minutes cycles doses fractions courses sessions"
_TYPE_NOUNS = (
    "drug agent medication medicine treatment therapy intervention alteration mutation "
    "finding feature abnormality comorbidity condition diagnosis organism pathogen route "
    "risk factor marker biomarker gene subgroup test result outcome complication event "
    "source design"
)

SOURCE = re.compile(r"\b[Ss]ource\s*:?\s*([A-Z0-9][^()\[\],;:]{0,40}?)\s*(?=[)\],;:]|$)")
"""A source label: `(Source A)`, `(Source: Registry 2)`."""
NEGATION = re.compile(
    r"\b(?:not|no|never|neither|nor|none|without|failed to|absence of)\b|n't\b", re.IGNORECASE
)
_UNITS = (
    r"mg/m2|mg/m²|mg/kg|mcg/kg|µg/kg|units/kg|mL/kg|ml/kg|mmol/L|mmHg|mg|mcg|µg|g|Gy|IU|"
    r"units|mL|ml|kg|%|percentage points|months?|weeks?|days?|hours?|years?|minutes?|"
    r"fractions?|cycles?"
)
# A year ("in 2019") is not a measurement; "2000 mg" is.
_YEAR = rf"(?:19|20)\d\d(?![\d.])(?!\s?(?:{_UNITS})(?![\w/]))"
NUMBER = re.compile(rf"(?<![\w.])(?!{_YEAR})\d+(?:\.\d+)?(?!\w)|\b(?:{_NUM_WORD})\b", re.IGNORECASE)
DOSE = re.compile(
    r"(?<![\w.])\d+(?:\.\d+)?\s?(?:mg/m2|mg/m²|mg/kg|mcg/kg|µg/kg|units/kg|ml/kg|mg|mcg|µg|g|"
    r"gy|iu|units|ml)\b",
    re.IGNORECASE,
)
_VALUE = re.compile(
    rf"(?<![\w.])(?!{_YEAR})(?:\d+(?:\.\d+)?|{_NUM_WORD})(?:\s?(?:{_UNITS})(?![\w/]))?",
    re.IGNORECASE,
)
TENTATIVE = re.compile(
    r"\b(?:(?:was|were|is|are)\s+designed|planned|aimed|intended|set\s+out|proposed)\s+to\b"
    r"|\bwill\s+be\b|\bwould\b|\bwhether\b",
    re.IGNORECASE,
)
"""A sentence about what was meant to happen (a design, a plan), not what was found."""
ANAPHORIC = re.compile(
    r"^\W*(?:in|for|within|during)\s+(?:the\s+same|that|this|the\s+latter)\s+"
    r"(?:trial|study|cohort|analysis|report|series)\b",
    re.IGNORECASE,
)
"""An opening that refers back to the previous sentence's trial ("In the same trial, ...")."""
HOW_QUANTITY = re.compile(r"\bhow (?:many|much|long|often|old)\b")
HOW_MANY_UNIT = re.compile(rf"\bhow many ({'|'.join(_UNIT_NOUNS.split())})\b")
_TYPE_ALT = "|".join(_TYPE_NOUNS.split())
INDIRECT = re.compile(
    r"\bthe (?:[\w-]+ ){1,3}(?:that|which|who|whom|whose|where)\b"
    rf"|\bthe (?:[\w-]+ ){{0,2}}(?:{_TYPE_ALT})s? (?:found|recorded|identified|detected|seen|"
    r"listed|noted|in|of|for)\b"
)


def count_of(unit: str) -> re.Pattern[str]:
    """A count of a unit, in digits or words: `6 cycles`, `three cycles`."""
    return re.compile(rf"(?:\b\d+|\b(?:{_NUM_WORD}))\s+{unit[:-1]}s?\b", re.IGNORECASE)


_TOKEN = re.compile(r"[A-Za-z0-9µ²]+(?:[.\-/][A-Za-z0-9µ²]+)*")
_ABBREVIATIONS = frozenset(
    "e.g i.e etc vs al fig dr mr mrs ms prof approx no st jr sr inc ref refs".split()
)


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """A light suffix-stripping stem: `enrolled`/`enrol`, `aged`/`age`, `reported`/`reports`."""
    w = word.lower()
    if not w.isalpha() or len(w) <= 2:
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w.endswith("ing") and len(w) > 5:
        w = w[:-3]
    elif w.endswith("ed") and len(w) >= 4:
        w = w[:-2]
    elif w.endswith("ation") and len(w) > 6:
        w = w[:-3]
    if w.endswith("e") and len(w) >= 3:
        w = w[:-1]
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiou":
        w = w[:-1]
    return w


GENERIC = frozenset(stem(w) for w in _GENERIC_WORDS.split())
_SYNONYM_PAIRS = (
    "lengthen=prolong extend=prolong boost=improve decrease=reduce raise=increase "
    "tested=evaluated assessed=evaluated studied=evaluated get=receive got=receive"
)
SYNONYMS = {stem(a): stem(b) for a, b in (pair.split("=") for pair in _SYNONYM_PAIRS.split())}
"""Question words mapped to the word a clinical text usually uses for them."""
_INTERVENTION_NOUNS = "drug agent medication medicine treatment therapy intervention"
_INTERVENTION_CUES = (
    "evaluated treated receive received receiving administered given randomised assigned allocated"
)
INTERVENTION_NOUNS = frozenset(stem(w) for w in _INTERVENTION_NOUNS.split())
INTERVENTION_CUES = frozenset(stem(w) for w in _INTERVENTION_CUES.split())
"""Verbs that tie a trial to the intervention it studied ("were treated with X")."""
NUMERIC_CUES = frozenset(stem(w) for w in _NUMERIC_WORDS.split())
SATISFIED = frozenset(stem(w) for w in _SATISFIED_WORDS.split())
TYPE_STEMS = frozenset(stem(w) for w in _TYPE_NOUNS.split())
_STOP_STEMS = frozenset(stem(w) for w in STOPWORDS) | STOPWORDS


def tokens(text: str) -> Iterator[str]:
    """Word tokens; hyphenated and slashed compounds also yield their parts."""
    for m in _TOKEN.finditer(text):
        token = m.group(0)
        yield token
        if "-" in token or "/" in token:
            yield from (p for p in re.split(r"[-/]", token) if p)


def stems(text: str) -> frozenset[str]:
    """Stems of every token of a text."""
    return frozenset(stem(t) for t in tokens(text))


def content_stems(question: str) -> list[str]:
    """Stems of the question's content words, in order, without duplicates. Compounds stay
    whole (a question about `five-year` survival is not about any `year`)."""
    out: list[str] = []
    for t in (m.group(0) for m in _TOKEN.finditer(question)):
        s = stem(t)
        s = SYNONYMS.get(s, s)
        if s not in _STOP_STEMS and s not in out:
            out.append(s)
    return out


def anchor_stems(question: str) -> list[str]:
    """Ids, numbers and capitalised names: a proof must contain every one of them."""
    out: list[str] = []
    words = list(_TOKEN.finditer(question))
    for i, m in enumerate(words):
        token = m.group(0)
        has_digit = any(c.isdigit() for c in token)
        capital = token[0].isupper() and i > 0 and token.lower() not in STOPWORDS
        if (has_digit or capital or (token.isupper() and len(token) > 1)) and stem(
            token
        ) not in out:
            out.append(stem(token))
    return out


def entity_like(stem_: str) -> bool:
    """Ids and codes (letters with digits: NCT01234567, ACVR1) make strong bridges."""
    return any(c.isdigit() for c in stem_) and any(c.isalpha() for c in stem_)


def whole_stems(text: str) -> frozenset[str]:
    """Stems of whole tokens only (`5-year-old`, not `year` and `old`)."""
    return frozenset(stem(m.group(0)) for m in _TOKEN.finditer(text))


def category_modifiers(question: str) -> set[str]:
    """Stems of the words describing a category noun ("the *molecular* feature found in"):
    they say what kind of thing is asked for, and the quoted instance need not repeat them."""
    out: set[str] = set()
    for m in re.finditer(
        rf"\b(?:the|a|an|which|what)\s+((?:[\w-]+\s+){{1,2}})(?:{_TYPE_ALT})s?\b",
        question,
        re.IGNORECASE,
    ):
        out.update(stem(w) for w in m.group(1).split())
    return out


def measured(text: str) -> list[str]:
    """Numbers that carry a unit, as written: `14.5 months`, `32%`, `three cycles`."""
    return [v for v in values(text) if not re.fullmatch(r"[\d.,]+|[A-Za-z-]+", v)]


def type_noun(question: str) -> str | None:
    """The noun right after `which`/`what` when it names a category (`which drug`)."""
    m = re.search(r"\b(?:which|what)\s+([A-Za-z-]+)", question, re.IGNORECASE)
    if m is None:
        return None
    s = stem(m.group(1))
    return s if s in TYPE_STEMS else None


def sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence; lines split too. Text between is whitespace only."""
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        body = line.group(0)
        for m in re.finditer(r"[.!?][\"')\]]*(?=\s+[\"'(\[]?[A-Z0-9])", body):
            words = body[max(0, m.start() - 80) : m.start() + 1].split()
            word = words[-1].rstrip(".").lower() if words else ""
            previous = words[-2] if len(words) > 1 else ""
            # An abbreviation, or an initial ("J. Smith", not "drug X."), does not end a
            # sentence.
            initial = len(word) == 1 and word.isalpha() and not previous[:1].islower()
            if word in _ABBREVIATIONS or initial:
                continue
            yield from _trimmed(text, start, line.start() + m.end())
            start = line.start() + m.end()
        yield from _trimmed(text, start, line.end())


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start, end


def values(text: str) -> list[str]:
    """Numbers with their units, as written (years left out): `14.5 months`, `32%`."""
    return [m.group(0) for m in _VALUE.finditer(text)]


def claim_clause(sentence: str) -> str:
    """The claim of a sentence without its attribution (`According to X (Source A), ...`)."""
    m = re.search(
        r"\((?:[^()]*\b)?[Ss]ource\b[^()]*\)(?:,\s*|\s+(?:reported|found|showed|stated|noted)"
        r"\s+that\s+)",
        sentence,
    )
    clause = sentence[m.end() :] if m else sentence
    return clause.rstrip(" .")
