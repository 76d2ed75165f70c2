"""Everyday clinical paraphrases, read as the same word ("by mouth" is "orally"), so
that every word-level judgment of the dipg scorer reads both sides of a comparison alike.
Applied to tokens, in one pass: contexts can be 100 KB."""

from __future__ import annotations

from functools import lru_cache

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


def canonical_tokens(tokens: list[str]) -> tuple[str, ...]:
    """Tokens with everyday paraphrases replaced by one canonical word."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if "/" in token and token.endswith(("/day", "/d")) and "/" in token[:-2]:
            out += [token.rsplit("/", 1)[0], "daily"]  # "mg/m2/day": a dose, given daily
            i += 1
            continue
        if token in _PHRASE_STARTS:
            for size in (4, 3, 2):
                phrase = tuple(tokens[i : i + size])
                if phrase in _SYNONYM_PHRASES:
                    out.append(_SYNONYM_PHRASES[phrase])
                    i += size
                    break
            else:
                out.append(_canonical_word(token))
                i += 1
            continue
        out.append(_canonical_word(token))
        i += 1
    return tuple(out)
