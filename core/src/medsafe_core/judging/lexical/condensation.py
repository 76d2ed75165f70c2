"""Condensed quotation: a proof segment that restates, clause by clause, what context
sentences say ("Source A: grade 3+ anaemia in 34% of the dose-dense arm and 18% of the
3-weekly arm", "Weeks 1 and 2: prednisolone 20 mg once daily (Source B)").

Label policy (docs/scoring.md): a proof is grounded when it quotes faithfully or
paraphrases without changing a fact. A condensation is read clause by clause: each
clause that carries a fact (a value or a name) must be a faithful restatement of one
context sentence (every value and name stated there, in the sentence's order, the same
negation and comparison directions, most of its words the sentence's); a clause without
facts belongs to its neighbour's sentence; a label before a colon ("Source A:",
"Handbook:") must name what the context names (the source a label names is checked as
an attribution, `attribution.py`, like every source note in a proof). When every word
is the context's (in some form) the segment is grounded; when some are not, no fact
check can tell a rewording from a swapped term, and the judge is unsure.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from rapidfuzz.distance import LCSseq

from medsafe_core.judging.lexical._lexicon import LEXICON
from medsafe_core.judging.lexical.facts import Quantity, entities, quantities, text_facts, unit_word
from medsafe_core.judging.lexical.negation import negation_count
from medsafe_core.judging.lexical.paraphrase import Paraphrase, drops, sentence_spans
from medsafe_core.judging.lexical.relations import comparisons
from medsafe_core.judging.lexical.text import content_words, has_word_form, stem

_SHARED = 0.7
"""Share of a clause's content words the sentence it restates must hold."""
_HEADER = re.compile(
    r"^\s*(?:([^:\d]{1,48}?(?:\s[A-Z][A-Z0-9]{0,5}(?:-[A-Z0-9]{1,6}){0,3})?)\s*:"
    r"(?:\s*([^:\d\-\u2013\u2014]{1,30}?)\s+[-\u2013\u2014])?"
    r"|(?:per|according\s+to)\s+(?:the\s+)?([^,:\d]{1,40}?)\s*,?)"
    r"\s+(?=\S)",
    re.IGNORECASE,
)
# words of a label that name no source of their own ("Source: protocol - ...")
_LABEL_WORDS = frozenset(stem(w) for w in LEXICON.word_set("condensation.label_words"))


# clause boundaries: after a comma a clause continues its sentence; after a semicolon, a
# colon, an arrow, a dash, "=", "+" or "and" (not between two numbers: "weeks 1 and 2") it
# may restate another
_CLAUSES = re.compile(
    r"\s*(?:(,)\s|;|:\s|\s->\s|\s?\u2192\s?|\s[-\u2013\u2014=+]\s"
    r"|\s+and\s+(?!\d)|(?<!\d)\s+and\s+)\s*"
)
_ORDER = 0.75
"""Share of a clause's content words that must keep its sentence's order."""


class _Clause(NamedTuple):
    start: int
    end: int
    stems: tuple[str, ...]
    all_found: bool


def _pieces(body: str) -> list[tuple[str, bool]]:
    """The clauses of a segment, each with whether a comma (not a stronger boundary)
    joins it to the one before."""
    out: list[tuple[str, bool]] = []
    pos, comma = 0, False
    # not inside a parenthesis ("(day of injury = day 0)" is one aside)
    breaks = [
        m
        for m in _CLAUSES.finditer(body)
        if body.count("(", 0, m.start()) <= body.count(")", 0, m.start())
    ]
    for m in [*breaks, None]:
        piece = body[pos : m.start() if m else len(body)]
        if piece.strip():
            out.append((piece, comma and bool(out)))
        if m:
            pos, comma = m.end(), m.group(1) is not None
    return out


def condensed(segment: str, context: str) -> Paraphrase | None:
    """The context stretch a segment condenses with every fact agreeing, or None."""
    header = _HEADER.match(segment)
    pieces = _pieces(segment[header.end() :] if header else segment)
    single = len(pieces) == 1 and header is None  # a paraphrase a pronoun may name
    spans = sentence_spans(context)
    bound: list[_Clause | None] = []
    for piece, _ in pieces:
        if not (quantities(piece) or entities(piece)):
            bound.append(None)  # bound to a neighbour's sentence below
            continue
        found = _restated(piece, context, spans)
        if found is None:
            return None
        bound.append(found)
    facts = [c for c in bound if c is not None]
    if not facts:
        return None  # nothing checkable
    clauses: list[_Clause] = []
    for i, (piece, _) in enumerate(pieces):
        clause = bound[i] or _continues(piece, bound, i, context, spans)
        if clause is None:
            return None
        clauses.append(clause)
    # a clause after a comma continues its sentence: one restating another sentence
    # may be a splice of two (no fact check tells), so the judge is unsure of it
    joined = all(
        not comma or clauses[i][:2] == clauses[i - 1][:2] for i, (_, comma) in enumerate(pieces)
    )
    sure = joined and all(c.all_found for c in clauses)
    if single:  # leaving out a word inside the restated stretch may change it
        sure = sure and not drops(
            set(content_words(pieces[0][0])), context[clauses[0].start : clauses[0].end]
        )
    if header:
        label = " ".join(g for g in header.group(1, 2) if g) or header.group(3)
        label_ok = _label_agrees(label, facts, context)
        if label_ok is None:
            return None
        sure = sure and label_ok
    return Paraphrase(min(c.start for c in facts), max(c.end for c in facts), sure)


def _continues(
    piece: str,
    bound: list[_Clause | None],
    i: int,
    context: str,
    spans: tuple[tuple[int, int], ...],
) -> _Clause | None:
    """The sentence a clause without facts continues ("-> next dose withheld"): its
    previous or next fact clause's, holding most of its words; else the sentence right
    after or before that one, holding all of them and the neighbour's words too ("high
    band (7 or more) = low-rise bed + bed sensor mat": two sentences on the high band)."""
    words = content_words(piece)
    before = next((c for c in reversed(bound[:i]) if c), None)
    after = next((c for c in bound[i:] if c), None)
    neighbours = [c for c in (before, after) if c is not None]
    for neighbour in neighbours:
        sentence = text_facts(context[neighbour.start : neighbour.end])
        found = sum(has_word_form(w, sentence.stems) for w in words)
        if found >= _SHARED * len(words):
            return neighbour._replace(all_found=found == len(words))
    for neighbour in neighbours:
        at = next((k for k, (a, b) in enumerate(spans) if a <= neighbour.start < b), None)
        for k in () if at is None else (at + 1, at - 1):
            if 0 <= k < len(spans) and words:
                sentence = text_facts(context[spans[k][0] : spans[k][1]])
                # about what the neighbour is about: its words ("high band") are here too
                topic = [*words, *(w for w in neighbour.stems if w not in _BOUND_WORDS)]
                if all(has_word_form(w, sentence.stems) for w in topic):
                    return _Clause(spans[k][0], spans[k][1], tuple(words), True)
    return None


def _restated(piece: str, context: str, spans: tuple[tuple[int, int], ...]) -> _Clause | None:
    """The context sentence one clause restates: every value and name, in order; the
    same negation; no comparison the sentence lacks; most of its words."""
    seg_q, seg_e = quantities(piece), entities(piece)
    stems = tuple(w for w in content_words(piece) if not (w[:1].isdigit() or unit_word(w)))
    negations = negation_count(piece)
    compared = comparisons(piece)
    agree = _Agreement(seg_q)
    best: tuple[int, int, _Clause] | None = None
    for i, (start, end) in enumerate(spans):
        window = context[start:end]
        facts = text_facts(window)
        # the cheap checks first; the referent of a pronoun only when it is needed
        referent: set[str] | None = None
        if seg_e and not all(facts.knows_entity(e) for e in seg_e):
            referent = _last_named(context, spans[:i]) if _PRONOUN.search(window) else set()
            if not all(facts.knows_entity(e) or e in referent for e in seg_e):
                continue  # a name must be the sentence's, or the one its pronoun refers to
        if seg_q and not agree.in_order(quantities(window)):
            continue
        if negation_count(window) != negations:
            continue
        if compared and compared - comparisons(window):
            continue
        if referent is None:
            referent = _last_named(context, spans[:i]) if _PRONOUN.search(window) else set()
        named = {stem(e) for e in referent} | (_TITLES if referent else set())
        found = sum(
            has_word_form(w, facts.stems) or w in named or facts.knows_entity(w) for w in stems
        )
        if stems and found < _SHARED * len(stems):
            continue
        # reworded, not shuffled: most words keep their order (units are judged as values)
        # (and a name its pronoun stands for)
        ordered = [w for w in content_words(piece) if not unit_word(w) and w not in named]
        if LCSseq.similarity(ordered, content_words(window)) < _ORDER * len(ordered):
            continue
        if best is None or (found, start - end) > best[:2]:
            best = (found, start - end, _Clause(start, end, stems, found == len(stems)))
    return best[2] if best else None


class _Agreement:
    """`relations.in_order` of one clause's values against many sentences' values, with
    `Quantity.agrees` remembered (a long context states the same values many times)."""

    __slots__ = ("_by_unit", "_known")

    def __init__(self, said: list[Quantity]) -> None:
        by_unit: dict[str | None, list[Quantity]] = {}
        for q in said:
            by_unit.setdefault(q.unit, []).append(q)
        self._by_unit = list(by_unit.values())
        self._known: dict[tuple[Quantity, Quantity], bool] = {}

    def _agrees(self, q: Quantity, x: Quantity) -> bool:
        key = (q, x)
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = q.agrees(x)
        return found

    def in_order(self, stated: list[Quantity]) -> bool:
        """`in_order(said, stated)`."""
        n = len(stated)
        for group in self._by_unit:
            pos = 0
            for q in group:
                at = next((i for i in range(pos, n) if self._agrees(q, stated[i])), None)
                if at is None:
                    return False
                pos = at + 1
        return True


_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr"})
_PRONOUN = re.compile(r"\b(?:he|she|his|her|him|they|their|them)\b", re.IGNORECASE)


def _last_named(context: str, before: tuple[tuple[int, int], ...]) -> set[str]:
    """The names (no identifiers) of the nearest earlier sentence that names anyone: whom
    'his' or 'her' in the next sentences refers to."""
    for start, end in reversed(before):
        names = {e for e in entities(context[start:end]) if e.isalpha()}
        if names:
            return names
    return set()


_CODE = re.compile(r"\d")
# words of a bound, not of a topic ("7 or more", "at least 4")
_BOUND_WORDS = frozenset({"more", "less", "least", "most", "abov", "below", "over", "under"})


def _label_agrees(label: str, clauses: list[_Clause], context: str) -> bool | None:
    """A label names what the context names: a name in it must be known to the sentences
    its clauses restate (None when it is not). True when all its words are the context's,
    False when some are not ("Per the guideline" where it says "protocol")."""
    # a name in the label ("Mr Okafor:"); source labels are checked as attributions
    # (`attribution.label_problem`), since "Source A" is no entity
    named = entities(" " + label)  # not a sentence start
    restated = text_facts(" ".join(context[c.start : c.end] for c in clauses))
    # a document's code ("Protocol CYS-2:") heads all the sentences of its document: the
    # context must name it; a person ("Mr Okafor:") must be the restated sentences' own
    whole = text_facts(context)
    if not all((whole if _CODE.search(e) else restated).knows_entity(e) for e in named):
        return None
    return label_known(label, context)


def label_known(label: str, context: str) -> bool:
    """Every word of a label is the context's (or abbreviates its words: "PGD" for "patient
    group direction"), or names no source of its own ("source", "quote")."""
    facts = text_facts(context)
    return all(
        has_word_form(w, facts.stems) or w in _LABEL_WORDS or facts.knows_entity(w)
        for w in content_words(label)
    )
