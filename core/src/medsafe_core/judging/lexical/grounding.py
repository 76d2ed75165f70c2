"""Proof grounding: align every proof span to the context and check its facts.

A proof segment is grounded when it aligns (rapidfuzz, order-sensitive) to one span
of the context with similarity >= GROUNDING_THRESHOLD, and the aligned span agrees on
every number and unit, on negation, on the named entities and on the order of the
words. Context words shuffled into a new sentence, a changed digit or unit, a dropped
"not", or halves of two sentences spliced together are therefore not grounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

from medsafe_core.judging.lexical._lexicon import LEXICON
from medsafe_core.judging.lexical.attribution import (
    label_problem,
    names_another_source,
    without_labels,
)
from medsafe_core.judging.lexical.condensation import condensed, label_known
from medsafe_core.judging.lexical.facts import entities, quantities, same_unit, worded_values
from medsafe_core.judging.lexical.negation import negation_count
from medsafe_core.judging.lexical.paraphrase import facts_nearby, paraphrased
from medsafe_core.judging.lexical.relations import comparisons, in_order, strictness_differs
from medsafe_core.judging.lexical.text import (
    SOFT_WORDS,
    Normalized,
    content_words,
    has_word_form,
    normalize,
    normalize_cached,
    words,
)

GROUNDING_THRESHOLD = LEXICON.number("grounding.grounding_threshold")
ORDER_THRESHOLD = LEXICON.number("grounding.order_threshold")
_QUOTED = re.compile(r"[\"\u201c\u201d]([^\"\u201c\u201d]{6,})[\"\u201c\u201d]")
_PIECE_SPLIT = re.compile(
    r"\n+|(?<=[.!?;])\s+(?=[\"'(\[]?[A-Z0-9])|\s*(?:\.\.\.|\u2026|\[\.\.\.\])\s*"
)
# "The context states that ...": a pointer to the quote, not part of it
_META_PREFIX = LEXICON.pattern("grounding.meta_prefix")
_LIST_MARKER = re.compile(r"^\s*(?:[-*\u2022]|\d{1,2}[.)])\s+")


@dataclass(frozen=True, slots=True)
class SegmentMatch:
    """Where one proof segment aligns in the context, and whether it is grounded."""

    start: int
    """Offset of the segment in the proof."""
    end: int
    text: str
    ctx_start: int
    """Offset of the aligned span in the context (-1 when nothing aligned)."""
    ctx_end: int
    score: float
    """Alignment similarity, 0-100."""
    grounded: bool
    reason: str = ""
    """Why the segment is not grounded."""
    unsure: bool = False
    """Not grounded for want of evidence either way (a reworded sentence), not refuted."""


@dataclass(slots=True)
class Grounding:
    """The grounding of a whole proof."""

    segments: list[SegmentMatch] = field(default_factory=list)
    commentary_problem: str = ""
    """Facts stated outside the quoted spans of a proof that the quotes do not hold."""

    @property
    def grounded(self) -> bool:
        """All segments grounded, at least one segment, no unsupported commentary."""
        return (
            bool(self.segments)
            and not self.commentary_problem
            and all(s.grounded for s in self.segments)
        )

    @property
    def unsure(self) -> bool:
        """Not grounded, but only for want of evidence: every failing segment is unsure."""
        failures = self.failures
        return bool(failures) and not self.commentary_problem and all(s.unsure for s in failures)

    @property
    def failures(self) -> list[SegmentMatch]:
        """Segments that are not grounded."""
        return [s for s in self.segments if not s.grounded]

    def evidence_text(self) -> str:
        """The grounded proof segments, joined: what the response itself offers as
        evidence (not the wider context window an approximate quote aligned to)."""
        return "\n".join(s.text for s in self.segments if s.grounded)


def _segments(proof: str) -> tuple[list[tuple[int, int]], str]:
    quoted = [(m.start(1), m.end(1)) for m in _QUOTED.finditer(proof)]
    if quoted:
        # the rest, blanked where the quotes stand (its offsets are the proof's)
        commentary = _QUOTED.sub(lambda m: " " * len(m.group()), proof)
        return quoted, commentary
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in [*_PIECE_SPLIT.finditer(proof), None]:
        end = m.start() if m else len(proof)
        piece = proof[pos:end]
        marker = _LIST_MARKER.match(piece) or _META_PREFIX.match(piece)
        start = pos + (marker.end() if marker else 0)
        text = proof[start:end].strip()
        if text and (content_words(text) or quantities(text)):
            lead = proof[start:end].index(text[0])
            spans.append((start + lead, start + lead + len(text)))
        pos = m.end() if m else len(proof)
    return spans, ""


def _align(seg: Normalized, ctx: Normalized) -> tuple[float, int, int]:
    """Similarity and the aligned span, in `ctx.text` offsets."""
    res = fuzz.partial_ratio_alignment(seg.text, ctx.text, score_cutoff=60)
    if res is None:
        return 0.0, -1, -1
    start, end = res.dest_start, res.dest_end
    # widen to whole tokens so facts at the edges are compared whole
    while start > 0 and ctx.text[start - 1] != " ":
        start -= 1
    while end < len(ctx.text) and ctx.text[end] != " ":
        end += 1
    return float(res.score), start, end


_PRECEDING_NEGATION = LEXICON.pattern("grounding.preceding_negation")


def _negated_before(context: str, start: int) -> bool:
    """Whether a negation stands right before `start` ('no' in 'no deaths occurred')."""
    head = context[max(0, start - 24) : start]
    head = re.split(r"[.;:!?\n]", head)[-1]  # same sentence only
    return bool(_PRECEDING_NEGATION.search(head))


def _fact_problem(segment: str, core: str, span: str) -> str:
    """Why the aligned span does not say what the segment says ('' if it does). `core`
    is the window the alignment matched; `span` widens it by the words the segment may
    have dropped ("no evidence found" aligned inside "no evidence was found")."""
    span_q = quantities(span)
    seg_q = quantities(segment)
    for q in seg_q:
        if not any(q.agrees(s) for s in span_q):
            return f"states {q}, which the aligned context span does not"
    if not in_order(seg_q, span_q):
        return "states its values in another order than the aligned context span"
    if not negation_count(core) <= negation_count(segment) <= negation_count(span):
        return "negation differs from the aligned context span"
    seg_cmp, core_cmp = comparisons(segment), comparisons(core)
    if not (core_cmp <= seg_cmp <= comparisons(span)):
        return "a comparison ('more', 'fewer', 'at least') differs from the aligned context span"
    if strictness_differs(segment, span):
        return "a bound ('more than' or 'or more') differs from the aligned context span"
    span_words = set(re.findall(r"[a-z0-9]+", span.lower()))
    for ent in entities(segment):
        if not set(re.findall(r"[a-z0-9]+", ent)) <= span_words:
            return f"names {ent!r}, which the aligned context span does not"
    seg_words = content_words(segment)
    span_words_list = content_words(span)
    if seg_words:
        kept = LCSseq.similarity(seg_words, span_words_list) / len(seg_words)
        if kept < ORDER_THRESHOLD:
            return "its words appear in the context in another order or in other sentences"
    # a near-verbatim quote may drop words, not change them: "once daily" for "once weekly"
    span_stems = set(span_words_list) | set(words(span))  # stems and the words as written
    # a value's words are judged as the value above: "half an hour" quotes "30 minutes"
    spoken, value_units = worded_values(segment)
    for word in content_words(spoken) if spoken != segment.lower() else seg_words:
        if (
            word.isalpha()
            and word not in SOFT_WORDS
            and word not in value_units
            and not same_unit(word, span_stems)  # "5 min" quotes "5 minutes"
            and not has_word_form(word, span_stems)
        ):
            return f"says {word!r} where the aligned context span does not"
    return ""


def ground_segment(text: str, start: int, context: str, ctx: Normalized) -> SegmentMatch:
    """Ground one proof segment against a normalized context; the sources it names must
    be those of the statement it aligns to."""
    found = _ground(text, start, context, ctx)
    bare, labels = without_labels(text)
    if not labels:
        return found
    if not found.grounded:
        if not bare:  # a label on its own ("(Source A)") asserts nothing
            return replace(found, grounded=True, reason="")
        unlabelled = _ground(bare, start, context, ctx)
        if unlabelled.grounded or unlabelled.unsure:
            found = replace(unlabelled, end=start + len(text), text=text)
    if found.grounded or found.unsure:
        problem = label_problem(labels, context, found.ctx_start, found.ctx_end, text)
        if problem:
            return replace(found, grounded=False, unsure=False, reason=problem)
    return found


def _ground(text: str, start: int, context: str, ctx: Normalized) -> SegmentMatch:
    seg = normalize(text)
    if not seg.text:
        return SegmentMatch(start, start + len(text), text, -1, -1, 0.0, False, "empty segment")
    exact = ctx.find(seg)
    if exact is not None:
        cs, ce = exact
        reason = ""
        if negation_count(text) != negation_count(context[cs:ce]):
            reason = "negation differs from the aligned context span"
        elif _negated_before(context, cs) and not negation_count(text):
            reason = "the quote leaves out the negation in front of it in the context"
        return SegmentMatch(start, start + len(text), text, cs, ce, 100.0, not reason, reason)
    score, ns, ne = _align(seg, ctx)
    if ns < 0 or score < GROUNDING_THRESHOLD:
        found = paraphrased(text, context)
        if found is None or not found.sure:  # a clause-by-clause reading may be sure
            found = condensed(text, context) or found
        if found is not None and found.sure:
            return SegmentMatch(start, start + len(text), text, found.start, found.end, score, True)
        headed = _headed(text, start, context, ctx)  # "Source: clinic protocol - ..."
        if headed is not None:
            return headed
        if found is not None:
            why = "it rewords a context sentence whose values and names agree, in other words"
            return SegmentMatch(
                start, start + len(text), text, found.start, found.end, score, False, why, True
            )
        if ns < 0:
            reason = "no similar span in the context"
            return SegmentMatch(start, start + len(text), text, -1, -1, score, False, reason)
        reason = f"best matching context span is only {score:.0f}% similar"
        cs, ce = ctx.span(ns, ne)
        near = facts_nearby(text, context, cs, ce)
        if near is not None:  # loosely worded, every fact stated around it: unsure
            reason += ", though the context around it states each of its values and names"
            return SegmentMatch(start, start + len(text), text, *near, score, False, reason, True)
        return SegmentMatch(start, start + len(text), text, cs, ce, score, False, reason)
    cs, ce = ctx.span(ns, ne)
    # the window is as long as the segment; a quote that drops words spans more context
    margin = max(12, len(text) - (ce - cs) + 12)
    ws, we = max(0, cs - margin), min(len(context), ce + margin)
    while ws > 0 and not context[ws - 1].isspace():
        ws += 1
    while we < len(context) and not context[we].isspace():
        we -= 1
    problem = _fact_problem(text, context[cs:ce], context[min(ws, cs) : max(we, ce)])
    if problem:
        headed = _headed(text, start, context, ctx)
        if headed is not None:
            return headed
    return SegmentMatch(start, start + len(text), text, cs, ce, score, not problem, problem)


# "Protocol: ", "Sick-day rules: ", "Protocol HG-3: " (a document's code, not a value)
# (codes such as "HG-3", "URO-P3", "OH-VAC-2")
_HEADING = re.compile(
    r"^\s*([A-Za-z][A-Za-z /&'-]{0,40}?(?:\s[A-Z][A-Z0-9]{0,5}(?:-[A-Z0-9]{1,6}){0,3})?)"
    r"\s*:\s+(?=\S)"
)


_DASHED_LABEL = re.compile(r"\s*([A-Za-z][\w /&'-]{0,40}?)\s+[-\u2013\u2014](?:\s+(?=\S)|\s*$)")


def _headed(text: str, start: int, context: str, ctx: Normalized) -> SegmentMatch | None:
    """A quote under a heading ("Protocol: ...", "Sick-day rules: ...", "Source: PGD - ..."):
    the quote after it grounded, and the heading's words the context's own or words that
    name a source."""
    m = _HEADING.match(text)
    if m is None or len(m.group(1).split()) > 4:
        return None
    if not label_known(m.group(1), context):
        return None
    end = m.end()
    dashed = _DASHED_LABEL.match(text, end)  # "Source: PGD - <quote>": a source, then a dash
    if dashed is not None and label_known(dashed.group(1), context):
        end = dashed.end()
    if not text[end:].strip():  # "Source: clinic protocol - ..." split at its ellipsis
        return SegmentMatch(start, start + len(text), text, -1, -1, 100.0, True)
    rest = _ground(text[end:], start + end, context, ctx)
    if not rest.grounded:
        return None
    if dashed is not None and names_another_source(
        dashed.group(1), context, rest.ctx_start, rest.ctx_end
    ):
        return None  # "Source: audit - <the protocol's sentence>"
    return replace(rest, start=start, text=text)


def ground_proof(proof: str, context: str) -> Grounding:
    """Ground every segment of a proof (quoted spans if the proof quotes, else its lines
    and sentences) against the context."""
    spans, commentary = _segments(proof)
    ctx = normalize_cached(context)
    result = Grounding(segments=[ground_segment(proof[s:e], s, context, ctx) for s, e in spans])
    if commentary:
        quoted_q = quantities(" ".join(proof[s:e] for s, e in spans))
        # a line outside the quotes that states values the quotes do not must itself be a
        # sentence of the context (a quoted fragment, then whole sentences unquoted)
        for s, e in _segments(commentary)[0]:
            said = [q for q in quantities(proof[s:e]) if not any(q.agrees(x) for x in quoted_q)]
            if not said:
                continue
            line = ground_segment(proof[s:e], s, context, ctx)
            if not line.grounded:
                result.commentary_problem = f"commentary outside the quotes states {said[0]}"
                break
            result.segments.append(line)
    return result
