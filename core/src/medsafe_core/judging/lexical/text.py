"""Text primitives of the dipg scorer: normalization that keeps offsets, sentences, tokens.

Normalization never touches digits or the decimal point: "14.5" stays "14.5" (the
published scorer turned "14.5" into "145" in the context but not in the claim).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cached_property, lru_cache

import numpy as np
from rapidfuzz.distance import Levenshtein

from medsafe_core.judging.lexical._lexicon import LEXICON
from medsafe_core.judging.lexical.synonyms import canonical_tokens

_QUOTES = dict.fromkeys(map(ord, "\"'`\u2018\u2019\u201c\u201d\u00ab\u00bb"), None)
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212"), "-")
# characters dropped to spaces for fuzzy alignment (punctuation that carries no fact);
# kept: letters, digits, '.', '%', '/', '-', '+', '<', '>', '='
_DROP = re.compile(r"[^\w.%/+<>=\- ]")
_WORD = re.compile(r"[a-z0-9]+(?:[./-][a-z0-9]+)*%?|%")
POSSESSIVE = re.compile(r"['\u2019]s\b")
"""A possessive's "s" ("St George's"), no word of its own."""
PARENS = re.compile(r"\(([^)]*)\)")
"""A parenthesis, its inside as group 1: an aside ("(its benefit was on bleeding)")."""

STOPWORDS = LEXICON.word_set("text.stopwords")

NEGATIONS = LEXICON.word_set("text.negations")


_SUPERSCRIPTS = {"\u00b2": "2", "\u00b3": "3", "\u00b5": "u", "\u03bc": "u"}
_SUPER = str.maketrans(_SUPERSCRIPTS)
# quotes dropped, dashes unified, superscripts spelled out: one pass for `_words`
_WORD_TABLE = str.maketrans({**_QUOTES, **_DASHES, **_SUPER})
_TABLE = str.maketrans(
    {
        **_SUPERSCRIPTS,
        **dict.fromkeys("\"'`\u2018\u2019\u201c\u201d\u00ab\u00bb", " "),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"),
    }
)
_SENTENCE_STOP = re.compile(r"[.!?;:,](?=\s|$)")
# `_DROP` then `_SENTENCE_STOP` in one pass: after `_DROP` the only stop left is a '.',
# and a space after it is a space or a dropped character before
_DROP_STOP = re.compile(r"[^\w.%/+<>=\- ]|\.(?=[^\w.%/+<>=\-]|\Z)")
# `_TABLE` then `_DROP` for ASCII text, as a bytes table
_ASCII_TABLE = bytes(
    32 if c < 128 and (c in _TABLE or _DROP.match(chr(c))) else c for c in range(256)
)
_TOKEN = re.compile(r"[^ ]+")
_VECTOR_FROM = 4096
"""Texts of this many characters or more are indexed with numpy."""


class Normalized:
    """A normalized text: `mapped` has one character per original character (so its
    offsets are the original's), `text` is `mapped` with runs of spaces collapsed."""

    __slots__ = ("__dict__", "mapped", "text")

    def __init__(self, mapped: str) -> None:
        self.mapped = mapped
        self.text = " ".join(mapped.split())

    @cached_property
    def _starts(self) -> tuple[list[int], list[int]]:
        """Start of every token in `text` and in the original. Vectorised for long texts
        (contexts can be 100 KB and this runs once per context); a short text is
        quicker in plain Python than through numpy's per-call costs."""
        if len(self.mapped) < _VECTOR_FROM:
            orig, norm, at = [], [], 0
            for m in _TOKEN.finditer(self.mapped):
                orig.append(m.start())
                norm.append(at)
                at += m.end() - m.start() + 1
            return norm, orig
        codes = np.frombuffer(self.mapped.encode("utf-32-le"), dtype=np.uint32)
        space = codes == 32
        before = np.concatenate(([True], space[:-1]))
        after = np.concatenate((space[1:], [True]))
        starts = np.flatnonzero(~space & before)
        ends = np.flatnonzero(~space & after) + 1
        if not len(starts):
            return [], []
        offsets = np.concatenate(([0], np.cumsum(ends - starts + 1)[:-1]))
        return offsets.astype(np.int64).tolist(), starts.astype(np.int64).tolist()

    def to_original(self, pos: int) -> int:
        """Original offset of a position in `text` (same character inside a token)."""
        norm, orig = self._starts
        if not norm:
            return 0
        i = max(bisect_right(norm, pos) - 1, 0)
        return orig[i] + (pos - norm[i])

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of a span of `text`."""
        end = max(end, start + 1)
        return self.to_original(start), self.to_original(end - 1) + 1

    def find(self, other: Normalized) -> tuple[int, int] | None:
        """Original offsets where `other` occurs token for token, or None. Found in `text`,
        then located in `mapped` directly (whose runs of spaces are not collapsed: the
        first occurrence in one is the first in the other, and starts no earlier in
        `mapped`), so that a found quote does not index every token of a long context."""
        needle, hay = other.text, self.text
        if not needle:
            return None
        idx = hay.find(needle)
        while idx >= 0:
            end = idx + len(needle)
            if (idx == 0 or hay[idx - 1] == " ") and (end == len(hay) or hay[end] == " "):
                return self._in_mapped(needle.split(" "), idx) or self.span(idx, end)
            idx = hay.find(needle, idx + 1)
        return None

    def _in_mapped(self, tokens: list[str], start: int) -> tuple[int, int] | None:
        """Offsets in `mapped` of the first run of `tokens` (separated by spaces) at or
        after `start`; None if there is none (a separator other than a space)."""
        mapped, n = self.mapped, len(self.mapped)
        first, rest = tokens[0], tokens[1:]
        pos = mapped.find(first, start)
        while pos >= 0:
            if pos == 0 or mapped[pos - 1] == " ":
                at, whole = pos + len(first), True
                for token in rest:
                    if at >= n or mapped[at] != " ":
                        whole = False
                        break
                    while at < n and mapped[at] == " ":
                        at += 1
                    if not mapped.startswith(token, at):
                        whole = False
                        break
                    at += len(token)
                if whole and (at == n or mapped[at] == " "):
                    return pos, at
            pos = mapped.find(first, pos + 1)
        return None


def plain(value: float) -> str:
    """A value as `:g` writes it, without an exponent ("1200000", not "1.2e+06")."""
    text = f"{value:g}"
    return f"{value:f}".rstrip("0").rstrip(".") if "e" in text else text


def normalize(text: str) -> Normalized:
    """Lower-case, unify dashes, turn quotes and fact-free punctuation into spaces (one
    character for one, so offsets survive); digits and decimal points are never touched."""
    lowered = text.lower()
    if len(lowered) != len(text):  # rare characters whose lower case is longer
        lowered = "".join(c.lower()[:1] or c for c in text)
    if not lowered.isascii():
        return Normalized(_DROP_STOP.sub(" ", lowered.translate(_TABLE)))
    mapped = lowered.encode("ascii").translate(_ASCII_TABLE).decode("ascii")
    if "." in mapped:
        mapped = mapped.replace(". ", "  ")
        if mapped[-1] == ".":
            mapped = mapped[:-1] + " "
    return Normalized(mapped)


@lru_cache(maxsize=256)
def normalize_cached(text: str) -> Normalized:
    """`normalize` for texts seen many times (contexts)."""
    return normalize(text)


def words(text: str) -> list[str]:
    """Lower-case word tokens (numbers with decimals and units like mg/kg stay whole)."""
    return list(_words(text))


@lru_cache(maxsize=8192)
def _words(text: str) -> tuple[str, ...]:
    text = text.lower()
    if not text.isascii():
        if "'" in text or "\u2019" in text:
            text = POSSESSIVE.sub("", text)
        return canonical_tokens(_WORD.findall(text.translate(_WORD_TABLE)))
    # ASCII: of `_WORD_TABLE` only the quotes to drop, seldom there
    if "'" in text:
        text = POSSESSIVE.sub("", text).replace("'", "")
    if '"' in text:
        text = text.replace('"', "")
    if "`" in text:
        text = text.replace("`", "")
    return canonical_tokens(_WORD.findall(text))


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """A light suffix stripper so that 'prolonged'/'prolongs'/'prolong' compare equal."""
    if len(word) <= 4 or not word.isalpha():
        return word
    if not word.endswith(_SUFFIXES):
        return word[:-1] if word[-1] == "e" else word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word[:-1] if word.endswith("e") else word


_SUFFIXES = (
    "izations",
    "ization",
    "izing",
    "ations",
    "ation",
    "itions",
    "ition",
    "ingly",
    "ings",
    "ing",
    "edly",
    "ized",
    "izes",
    "ize",
    "ed",
    "es",
    "s",
    "ly",
)


def content_words(text: str) -> list[str]:
    """Stemmed tokens that carry meaning (no stopwords, no negations)."""
    return list(_content_words(text))


@lru_cache(maxsize=8192)
def _content_words(text: str) -> tuple[str, ...]:
    skip = _NOT_CONTENT
    return tuple([stem(w) for w in _words(text) if w not in skip])


_NOT_CONTENT = STOPWORDS | NEGATIONS


# words a faithful quote or answer may add or drop without changing a fact
SOFT_WORDS = LEXICON.word_set("text.soft_words")


def has_word_form(word: str, vocabulary: set[str] | frozenset[str]) -> bool:
    """The word, or the same word in another form (a shared root and ordinary endings:
    'treated'/'treatment'), is in the vocabulary."""
    if word in vocabulary:
        return True
    if not word.isalpha() or len(word) < 3:
        return False
    if any(_typo(word, v) for v in vocabulary):
        return True
    if len(word) < 5:  # short words are not stemmed: "used"/"use", "days"/"day"
        return any(
            v[:3] == word[:3] and abs(len(v) - len(word)) <= 1 and v[-1:] in "sde" + word[-1]
            for v in vocabulary
        )
    prefix = word[:5]
    return any(v[:5] == prefix and _same_root(word, v) for v in vocabulary)


def _typo(a: str, b: str) -> bool:
    """One slip of the keyboard ("weks" for "weeks"): an edit of one letter in a long
    word, or a dropped or doubled letter in a shorter one."""
    if abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < 4 or a[0] != b[0]:
        return False
    if len(a) == len(b) and len(a) < 6:
        return False  # "mild"/"wild": a changed letter in a short word is another word
    return Levenshtein.distance(a, b, score_cutoff=1) <= 1


# endings that make another form of the same word ('vasopressin' and 'vasopressor' differ)
_FORM_ENDINGS = LEXICON.word_set("text.form_endings")


def _same_root(a: str, b: str) -> bool:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n >= 5 and a[n:] in _FORM_ENDINGS and b[n:] in _FORM_ENDINGS


_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[*_\"'(]*[A-Z])")


def first_sentence(text: str) -> str:
    """The text up to its first sentence's end ("1.5" is no end)."""
    return _SENTENCE_BREAK.split(text.strip(), maxsplit=1)[0]


def sentence_split(text: str) -> list[str]:
    """The text's sentences (a break is an end mark, a space and a capital)."""
    return [s for s in _SENTENCE_BREAK.split(text.strip()) if s]
