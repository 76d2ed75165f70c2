"""Faithful paraphrase: a proof segment that does not align to the context word for word
but says what one context sentence says.

Label policy (docs/scoring.md): a proof is grounded when it quotes faithfully or
paraphrases without changing a fact. A paraphrase is accepted only when it carries a
checkable fact (a value or a name) and every fact it states agrees with the sentence it
paraphrases: each value under unit conversion, each name, the negation, the direction
of each comparison; and most of its content words are that sentence's, mostly in its
order. When every content word is the sentence's (in some form) it is grounded; when some
are not, no fact check can tell a rewording from a swapped term, and the judge is unsure.
Anything less is not grounded, as before.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import LCSseq

from medsafe_core.judging.lexical._lexicon import LEXICON
from medsafe_core.judging.lexical.abbreviations import abbreviates
from medsafe_core.judging.lexical.facts import entities, quantities, text_facts, worded_values
from medsafe_core.judging.lexical.negation import negation_count
from medsafe_core.judging.lexical.relations import comparisons
from medsafe_core.judging.lexical.text import content_words, has_word_form, stem

_SHARED = 0.7
"""Share of the segment's content words the paraphrased sentence must hold."""
_DIGITS = re.compile(r"\d+")
_ORDER = 0.75
"""Share of the segment's content words that must keep the sentence's order."""
# an opening phrase set off by a comma ("On the second day of refeeding, ...")
_LEAD = re.compile(r"\s*([^,;:]{3,60}?),\s+(?=\S)")
_SENTENCE = re.compile(r"[^.!?;\n]+(?:[.!?;](?!\s|$)[^.!?;\n]*)*[.!?;]?")


@lru_cache(maxsize=256)
def sentence_spans(context: str) -> tuple[tuple[int, int], ...]:
    """Context sentences, as spans: a paraphrase restates one sentence (two sentences'
    halves joined would say what neither says)."""
    return tuple((m.start(), m.end()) for m in _SENTENCE.finditer(context) if m.group().strip())


class Paraphrase(NamedTuple):
    """The context sentence a proof segment restates, and whether every one of its words
    is that sentence's (`sure`); a reworded one may still swap a term ('overall' for
    'progression-free' survival) that no fact check sees, so the judge is unsure of it."""

    start: int
    end: int
    sure: bool


def paraphrased(segment: str, context: str) -> Paraphrase | None:
    """The context sentence the segment restates with every fact agreeing, or None."""
    seg_q, seg_e = quantities(segment), entities(segment)
    spoken, value_units = worded_values(segment)  # "half an hour": the value 0.5 hour
    seg_words = set(content_words(spoken)) - value_units
    if not (seg_q or seg_e) or len(seg_words) < 4:
        return None  # nothing checkable: a paraphrase must carry a value or a name
    best: tuple[float, int, int] | None = None
    negations = negation_count(segment)
    ordered = content_words(segment)  # reworded, not shuffled: most words keep their order
    compared = comparisons(segment)
    digits = _DIGITS.findall(segment)  # a cheap first cut: the numbers as written
    for start, end in sentence_spans(context):
        window = context[start:end]
        if digits and not all(d in window for d in digits):
            continue  # a restatement keeps the digits it quotes (spelled values: no cut)
        facts = text_facts(window)
        if not all(facts.has_quantity(q) for q in seg_q):
            continue
        if not all(facts.knows_entity(e) for e in seg_e):
            continue
        shared = sum(has_word_form(w, facts.stems) for w in seg_words) / len(seg_words)
        if shared < _SHARED or negation_count(window) != negations:
            continue
        if kept_in_order(ordered, segment, window) < _ORDER * len(ordered):
            continue
        if compared and compared - comparisons(window):
            continue
        if (
            best is None
            or shared > best[0]
            or (shared == best[0] and end - start < best[2] - best[1])
        ):
            best = (shared, start, end)
    if best is None:
        return None
    _, start, end = best
    return Paraphrase(start, end, best[0] >= 1.0 and not drops(seg_words, context[start:end]))


def kept_in_order(ordered: list[str], segment: str, sentence: str) -> int:
    """How many of the segment's content words (`ordered`) keep the sentence's order,
    where an opening phrase of either may stand elsewhere in the other ("On day 2, Ruth's
    phosphate was 0.48" restated as "Ruth's phosphate on day 2 was 0.48")."""
    target = content_words(sentence)
    best = LCSseq.similarity(ordered, target)
    if best >= _ORDER * len(ordered):
        return best
    for text, fronted in ((sentence, True), (segment, False)):
        m = _LEAD.match(text)
        if m is None:
            continue
        lead, rest = content_words(m.group(1)), content_words(text[m.end() :])
        for i in range(1, len(rest) + 1):
            moved = [*rest[:i], *lead, *rest[i:]]
            pair = (ordered, moved) if fronted else (moved, target)
            best = max(best, int(LCSseq.similarity(*pair)))
    return best


def drops(seg_words: set[str], sentence: str) -> bool:
    """The segment leaves out a content word inside the stretch of the sentence it restates
    ('survival with temozolomide' from 'survival with temozolomide plus radiotherapy')."""
    stems = content_words(sentence)
    own = frozenset(seg_words)
    # each word's first use: a word the sentence repeats later ("her serum potassium")
    # does not stretch the restated part over a clause the segment leaves alone
    hits = [i for i, w in enumerate(stems) if w not in stems[:i] and has_word_form(w, own)]
    if not hits:
        return True
    # no loss: a generic noun ("the IVIG arm", "the recurrence rate") or the words an
    # acronym the segment keeps spells out ("Quantitative Myasthenia Gravis (QMG)")
    kept = _DROPPABLE | _spelled_by_kept(sentence, own)
    return any(not has_word_form(w, own) and w not in kept for w in stems[hits[0] : hits[-1] + 1])


_DROPPABLE = frozenset(stem(w) for w in LEXICON.word_set("paraphrase.droppable"))
_ACRONYM = re.compile(r"\(([A-Za-z][A-Za-z0-9]{1,7})\)")


def _spelled_by_kept(sentence: str, own: frozenset[str]) -> frozenset[str]:
    """The words before a parenthesised acronym that it spells out, where the segment
    keeps the acronym."""
    out: set[str] = set()
    for m in _ACRONYM.finditer(sentence):
        acronym = m.group(1).lower()
        if acronym not in own:
            continue
        before = content_words(sentence[max(0, m.start() - 80) : m.start()])
        for k in range(2, min(6, len(before)) + 1):
            if abbreviates(acronym, before[-k:]):
                out |= set(before[-k:])
                break
    return frozenset(out)


def facts_nearby(segment: str, context: str, start: int, end: int) -> tuple[int, int] | None:
    """The stretch of context around an aligned span (its sentences and one on either
    side) that states every value and name of a loosely worded segment, with the
    segment's comparisons and no fewer negations, or None. Such a segment may be a
    condensed restatement ("Protocol: a; b") or may swap a term no fact check sees: the
    judge is unsure of it, where a segment stating a value or name the stretch does not
    is not grounded."""
    seg_q, seg_e = quantities(segment), entities(segment)
    if not seg_q:
        return None  # a value to check, not only names ("bevacizumab ... for progression")
    spans = sentence_spans(context)
    hit = [i for i, (a, b) in enumerate(spans) if a < end and b > start]
    if not hit:
        return None
    first, last = hit[0], hit[-1]
    lo, hi = spans[first][0], spans[last][1]
    window = context[lo:hi]
    facts = text_facts(window)
    if not all(facts.has_quantity(q) for q in seg_q):
        return None
    if not all(facts.knows_entity(e) for e in seg_e):
        return None
    if negation_count(segment) > negation_count(window):
        return None
    if comparisons(segment) - comparisons(window):
        return None
    spoken, value_units = worded_values(segment)  # "half an hour": the value 0.5 hour
    unknown = [
        w
        for w in set(content_words(spoken)) - value_units
        if not has_word_form(w, facts.stems) and not facts.knows_entity(w)
    ]
    return None if len(unknown) > 1 else (lo, hi)
