"""Everyday clinical paraphrases, read as the same word ("by mouth" is "orally"), so
that every word-level judgment of the dipg scorer reads both sides of a comparison alike.
Applied to tokens, in one pass: contexts can be 100 KB."""

from __future__ import annotations

from functools import lru_cache
from itertools import pairwise
from typing import cast

from lemminflect import getAllInflections, getLemma

from medsafe_core.judging.lexical._lexicon import LEXICON


def _forms(canonical: str, *stems_and_endings: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for spec in stems_and_endings:
        root, _, endings = spec.partition(":")
        for ending in endings.split(",") if endings else [""]:
            out[root + ending] = canonical
    return out


# everyday clinical paraphrases, read as the same word ("by mouth" is "orally"), so that
# every word-level judgment reads both sides of a comparison alike
_SYNONYM_WORDS: dict[str, str] = LEXICON.mapping("synonyms.synonym_words")


def _inflected(table: dict[str, str]) -> dict[str, str]:
    """Every inflection of each lemma of a clinical synonym table ('held', 'holding',
    'withheld' -> 'withhold'), from lemminflect's tables (shipped in its wheel)."""
    out: dict[str, str] = {}
    for lemma, canonical in table.items():
        out[lemma] = canonical
        for forms in getAllInflections(lemma, upos="VERB").values():
            out.update(dict.fromkeys(forms, canonical))
    return out


_SYNONYM_WORDS.update(
    {
        k: v
        for k, v in _inflected(LEXICON.mapping("synonyms.lemma_synonyms")).items()
        if k not in _SYNONYM_WORDS
    }
)
_SYNONYM_PHRASES: dict[tuple[str, ...], str] = LEXICON.phrases("synonyms.synonym_phrases")
_PHRASE_STARTS = frozenset(p[0] for p in _SYNONYM_PHRASES)


# words the judgments read as they are (function words, answer and reasoning vocabulary)
_KEPT = (
    LEXICON.word_set("text.stopwords")
    | LEXICON.word_set("judgments.answer_vocab")
    | LEXICON.word_set("judgments.reasoning_vocab")
)
_REGULAR = ("ed", "ing", "s")


@lru_cache(maxsize=65536)
def _canonical_word(token: str) -> str:
    """The canonical word of one token: its everyday paraphrase, else the lemma of an
    irregular verb form ('kept' -> 'keep', 'given' -> 'give'), from lemminflect's tables;
    regular forms are left to the stemmer, ambiguous forms ('fell', 'found', 'saw') and
    function words to themselves."""
    synonym = _SYNONYM_WORDS.get(token)
    if synonym:
        return synonym
    if len(token) < 3 or not token.isalpha() or token.endswith(_REGULAR) or token in _KEPT:
        return token
    lemmas = getLemma(token, upos="VERB", lemmatize_oov=False)
    if len(lemmas) != 1 or lemmas[0] in _KEPT:
        return token
    return str(lemmas[0])


def _daily_dose(token: str) -> bool:
    """'mg/m2/day': a dose, given daily (read as two tokens)."""
    return "/" in token and token.endswith(("/day", "/d")) and "/" in token[:-2]


# the first two words of every phrase; a one-word phrase matches only a last token (the
# slices in `_canonical_tokens` come out short there)
_PHRASE_PAIRS = frozenset(p[:2] for p in _SYNONYM_PHRASES if len(p) > 1)
_PHRASE_SECONDS = {
    start: frozenset(p[1] for p in _PHRASE_PAIRS if p[0] == start) for start in _PHRASE_STARTS
}
_ONE_WORD_PHRASES = frozenset(p[0] for p in _SYNONYM_PHRASES if len(p) == 1)
_START_WORDS = {s: _canonical_word(s) for s in _PHRASE_STARTS if not _daily_dose(s)}
_FAST: dict[str, str] = dict(_START_WORDS)
"""`_canonical_word` of every token seen but a daily dose (of a phrase start, the word
it is read as outside a phrase): one dict lookup a token in the common case."""
_FAST_MAX = 262_144


def canonical_tokens(tokens: list[str]) -> tuple[str, ...]:
    """Tokens with everyday paraphrases replaced by one canonical word."""
    try:
        known = tuple(map(_FAST.__getitem__, tokens))
    except KeyError:  # a token not seen yet, or a daily dose
        return _canonical_tokens(tokens)
    if _PHRASE_STARTS.isdisjoint(tokens) or (
        _PHRASE_PAIRS.isdisjoint(pairwise(tokens))
        and not (_ONE_WORD_PHRASES and tokens[-1] in _ONE_WORD_PHRASES)
    ):
        return known  # no phrase, no daily dose: every token is its `_canonical_word`
    return _canonical_tokens(tokens)


def _canonical_tokens(tokens: list[str]) -> tuple[str, ...]:
    """`canonical_tokens` the long way: word by word where a token is a phrase start, a
    daily dose or new, in runs of `_FAST` words between."""
    if len(_FAST) > _FAST_MAX:
        _FAST.clear()
        _FAST.update(_START_WORDS)
    get = _FAST.get
    starts = _PHRASE_STARTS
    known = [None if token in starts else get(token) for token in tokens]
    out: list[str | None] = []
    i = 0
    n = len(tokens)
    while i < n:
        try:
            j = known.index(None, i)
        except ValueError:
            out += known[i:]
            break
        if j > i:
            out += known[i:j]
        i = j
        token = tokens[i]
        if _daily_dose(token):
            out += [token.rsplit("/", 1)[0], "daily"]
            i += 1
        elif token in starts:
            if (
                tokens[i + 1] not in _PHRASE_SECONDS[token]
                if i + 1 < n
                else token not in _ONE_WORD_PHRASES
            ):
                out.append(_canonical_word(token))
                i += 1
                continue
            for size in (4, 3, 2):
                phrase = tuple(tokens[i : i + size])
                if phrase in _SYNONYM_PHRASES:
                    out.append(_SYNONYM_PHRASES[phrase])
                    i += size
                    break
            else:
                out.append(_canonical_word(token))
                i += 1
        else:
            word = _FAST[token] = _canonical_word(token)
            out.append(word)
            i += 1
    return tuple(cast("list[str]", out))  # runs of `known` hold no None
