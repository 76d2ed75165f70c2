"""A grounded extractive baseline that needs no LLM.

It sees only the `TaskView` and works on any context: it splits the context into
sentences (keeping their exact text, so every quote is a verbatim substring), ranks
them by weighted overlap with the question's content words, and answers with the
best sentence, or with two sentences chained through a shared entity when the
question refers to something indirectly ("the trial that Maya took part in"). It
reports a conflict when two equally matching sentences from different sources state
different numbers or opposite polarity, and abstains when no sentence covers the
question's anchors (ids, names), most of its content words and, for quantity
questions, a number.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from medsafe_core.models import TaskView
from medsafe_core.parsing.types import ResponseFormat
from medsafe_core.participants import _reasoning
from medsafe_core.participants import _text as tx
from medsafe_core.participants.render import render_response

ABSTAIN_FINAL = "The provided context does not contain information to answer this question."
REQUIRED_COVERAGE = 0.75
"""Share (by weight) of the question's required words the proof must contain."""
CONFLICT_SIMILARITY = 0.9
MAX_UNSEEN = 1
"""Required words absent from the whole context that a proof may lack (a paraphrase:
`worn` for `wore`); two or more mean the question is about something not there."""
"""A rival sentence must match at least this share of what the best one matches."""


@dataclass(frozen=True, slots=True)
class _Sentence:
    index: int
    text: str
    tokens: frozenset[str]
    whole: frozenset[str]
    source: str | None
    measured: bool
    """Whether the sentence states a number with a unit."""
    tentative: bool
    """Whether it says what was planned or designed rather than what was found."""
    anaphoric: bool
    """Whether it refers back to the previous sentence ("In the same trial, ...")."""


@dataclass(frozen=True, slots=True)
class _Query:
    weights: dict[str, float]
    """Scoring weight of each content stem: IDF over the context's sentences, less for
    generic words, zero for category nouns and quantity words a number stands for."""
    idf: dict[str, float]
    anchors: tuple[str, ...]
    """Stems that must appear: ids, numbers, capitalised names."""
    required: tuple[str, ...]
    """Other stems that count toward coverage."""
    numeric: bool
    dose: bool
    count: re.Pattern[str] | None
    """For "how many cycles/days/...": a count of that unit must appear."""
    yes_no: bool
    indirect: bool
    category: str | None
    """The category noun of a "which drug" / "what alteration" question."""
    open_what: bool
    """A "what ... was reported" question without a category: maybe a quantity."""
    intervention: bool
    """A "which drug / treatment" question: prefer sentences that tie one to the trial."""
    unseen: frozenset[str]
    """Required stems that occur nowhere in the context (a paraphrase may drop them)."""

    @property
    def core(self) -> frozenset[str]:
        return frozenset(self.anchors) | frozenset(self.required)


@dataclass(frozen=True, slots=True)
class _Match:
    sentences: tuple[_Sentence, ...]
    score: float
    core_score: float
    coverage: float
    matched: frozenset[str]


class ExtractiveBaseline:
    """Answers from the best-matching sentence(s) of the context, or abstains."""

    name = "baseline"

    def answer(self, task: TaskView, fmt: ResponseFormat) -> str:
        """A formatted response with analysis, verbatim proof and final answer."""
        return render_response(self.fields(task), fmt)

    def fields(self, task: TaskView) -> dict[str, str]:
        """The response fields before formatting (useful for tests and debugging)."""
        sentences = _split(task.context)
        query = _query(task.question, sentences)
        if not sentences or not query.weights:
            return _abstain("The question has no content words to look for.")
        # A sentence that refers back ("In the same trial, ...") is read with the one before.
        groups = [(s,) for s in sentences] + [
            (sentences[s.index - 1], s) for s in sentences if s.anaphoric and s.index
        ]
        # Findings before plans; among equally matching ones, a quantity question prefers
        # one with a value.
        quantity = query.numeric or query.open_what
        ranked = sorted(
            (_match(query, g) for g in groups),
            key=lambda m: (
                any(s.tentative for s in m.sentences),
                -m.core_score,
                -(query.intervention and bool(m.sentences[0].tokens & tx.INTERVENTION_CUES)),
                -(quantity and any(s.measured for s in m.sentences)),
                -m.score,
                m.sentences[0].index,
                len(m.sentences),
            ),
        )
        solved = _solve(task.question, query, ranked)
        if solved is not None:
            return solved
        best = _chain(query, sentences, ranked) if query.indirect else None
        if best is None:
            best = next((m for m in ranked if _acceptable(query, m)), None)
        if best is None:
            missing = ", ".join(sorted(query.core)[:6])
            return _abstain(f"No sentence covers the question's key terms ({missing}).")
        if len(best.sentences) == 1:
            rival = _rival(query, best, ranked)
            if rival is not None:
                return _conflict(query, best.sentences[0], rival)
        proof = [s.text for s in sorted(best.sentences, key=lambda s: s.index)]
        final = " ".join(proof)
        if query.yes_no:
            final = ("No. " if tx.NEGATION.search(final) else "Yes. ") + final
        hop = " chained through a shared entity" if len(proof) > 1 else ""
        analysis = (
            f"Matched {len(proof)} sentence(s){hop} covering {best.coverage:.0%} of the "
            "question's key terms; the answer is quoted from the context."
        )
        return {"analysis": analysis, "proof": "\n".join(proof), "final": final}


def _solve(question: str, query: _Query, ranked: list[_Match]) -> dict[str, str] | None:
    """A computed answer (a total, a difference, a time, a date, a limit) from the
    findings that name everything the question names, best first."""
    # the inputs may sit in different sentences (a trial's limit, a patient's value), so
    # a candidate needs to name one of the question's anchors, not all; those naming none
    # come last
    findings = [m for m in ranked if not any(s.tentative for s in m.sentences)]
    candidates = sorted(findings, key=lambda m: not any(a in m.matched for a in query.anchors))
    solved = _reasoning.solve(question, [tuple(s.text for s in m.sentences) for m in candidates])
    if solved is None:
        return None
    index = {s.text: s.index for m in candidates for s in m.sentences}
    proof = sorted(dict.fromkeys(solved.proof), key=lambda text: index[text])
    return {"analysis": solved.analysis, "proof": "\n".join(proof), "final": solved.final}


# ---- sentences and query ---------------------------------------------------------------
@lru_cache(maxsize=64)
def _split(context: str) -> tuple[_Sentence, ...]:
    """The context's sentences (cached: the tasks of a scenario share their context)."""
    out: list[_Sentence] = []
    for start, end in tx.sentence_spans(context):
        text = context[start:end]
        source = tx.SOURCE.search(text)
        label = source[1] if source else None
        out.append(
            _Sentence(
                len(out),
                text,
                tx.stems(text),
                tx.whole_stems(text),
                label,
                bool(tx.measured(text)),
                tx.TENTATIVE.search(text) is not None,
                tx.ANAPHORIC.search(text) is not None,
            )
        )
    return tuple(out)


def _query(question: str, sentences: tuple[_Sentence, ...]) -> _Query:
    n = len(sentences) or 1
    content = tx.content_stems(question)
    df = {t: sum(t in s.tokens for s in sentences) for t in content}
    idf = {t: math.log((n + 1) / (df[t] + 0.5)) + 0.1 for t in content}
    anchors = tuple(t for t in tx.anchor_stems(question) if t in idf)
    type_noun = tx.type_noun(question)
    modifiers = tx.category_modifiers(question)
    weights: dict[str, float] = {}
    required: list[str] = []
    for t in content:
        if t in anchors:
            weights[t] = idf[t]
        elif t == type_noun or t in tx.TYPE_STEMS or t in modifiers or t in tx.SATISFIED:
            weights[t] = 0.0  # the category or the quantity, not evidence of the instance
        elif t in tx.GENERIC:
            weights[t] = 0.3 * idf[t]
        else:
            weights[t] = idf[t]
            required.append(t)
    low = question.lower()
    yes_no = low.split(" ", 1)[0] in tx.AUXILIARIES
    numeric = not yes_no and (
        tx.HOW_QUANTITY.search(low) is not None or any(t in tx.NUMERIC_CUES for t in content)
    )
    dose = not yes_no and re.search(r"\bdos(?:e|es|age|ing)\b", low) is not None
    unit = tx.HOW_MANY_UNIT.search(low)
    return _Query(
        weights=weights,
        idf=idf,
        anchors=anchors,
        required=tuple(required),
        numeric=numeric,
        dose=dose,
        count=tx.count_of(unit[1]) if unit else None,
        yes_no=yes_no,
        indirect=tx.INDIRECT.search(low) is not None,
        category=type_noun,
        open_what=not yes_no and type_noun is None and low.startswith(("what", "which")),
        intervention=type_noun in tx.INTERVENTION_NOUNS,
        unseen=frozenset(t for t in required if df[t] == 0),
    )


def _match(query: _Query, sentences: tuple[_Sentence, ...]) -> _Match:
    tokens = frozenset().union(*(s.tokens for s in sentences))
    matched = frozenset(t for t in query.weights if t in tokens)
    # fsum is exactly rounded, so equal sets give equal scores whatever the iteration
    # order of the frozenset (which depends on PYTHONHASHSEED): ties stay ties.
    score = math.fsum(query.weights[t] for t in matched)
    core = query.core
    core_score = math.fsum(query.idf[t] for t in matched if t in core)
    seen = [t for t in query.required if t not in query.unseen]
    total = math.fsum(query.idf[t] for t in seen)
    got = math.fsum(query.idf[t] for t in seen if t in matched)
    coverage = got / total if total else 1.0
    return _Match(sentences, score, core_score, coverage, matched)


def _answer_values(query: _Query, text: str) -> list[str]:
    """The numbers a quantity question asks for, as written in a sentence."""
    if query.dose:
        return [m.group(0) for m in tx.DOSE.finditer(text)]
    if query.count is not None:
        return [m.group(0) for m in query.count.finditer(text)]
    return tx.measured(text)


def _acceptable(query: _Query, m: _Match) -> bool:
    """Anchors all present, most required words present, a number where one is asked."""
    if any(a not in m.matched for a in query.anchors):
        return False
    # A required word that the context uses elsewhere but this proof lacks means the
    # proof is about something else (event-free, not overall, survival).
    if any(t not in m.matched and t not in query.unseen for t in query.required):
        return False
    if m.coverage < REQUIRED_COVERAGE or len(query.unseen) > MAX_UNSEEN:
        return False
    text = " ".join(s.text for s in m.sentences)
    if query.numeric and not tx.NUMBER.search(text):
        return False
    return not ((query.dose or query.count is not None) and not _answer_values(query, text))


# ---- multi-hop, conflict ---------------------------------------------------------------
def _chain(query: _Query, sentences: tuple[_Sentence, ...], ranked: list[_Match]) -> _Match | None:
    """Two sentences bridged by rare shared tokens that the question does not mention.

    Tried only for indirect questions ("the trial that Maya took part in"): chaining
    everywhere would let two unrelated sentences together 'answer' a question that the
    context does not answer."""
    n = len(sentences)
    df: dict[str, int] = {}
    for s in sentences:
        for t in s.whole:
            df[t] = df.get(t, 0) + 1
    best: tuple[tuple[float, float, float, int], _Match] | None = None
    for first in ranked[:12]:
        s1 = first.sentences[0]
        for s2 in sentences:
            if s2 is s1:
                continue
            shared = (s1.whole & s2.whole) - set(query.weights) - tx.STOPWORDS - tx.GENERIC
            bridge = math.fsum(
                math.log((n + 1) / (df[t] + 0.5)) * (3.0 if tx.entity_like(t) else 1.0)
                for t in shared
                if 2 * df[t] <= n
            )
            if bridge <= 0.5:
                continue
            m = _match(query, (s1, s2))
            if not _acceptable(query, m):
                continue
            key = (m.core_score, bridge, m.score, -(s1.index + s2.index))
            if best is None or key > best[0]:
                best = (key, m)
    return best[1] if best else None


def _rival(query: _Query, best: _Match, ranked: list[_Match]) -> _Sentence | None:
    """Another source answering the same question differently: another number for a
    quantity question, the opposite polarity for a yes/no question."""
    top = best.sentences[0]
    quantity = query.numeric or (query.open_what and top.measured)
    if top.source is None or not (quantity or query.yes_no):
        return None
    core = best.matched & query.core
    for m in ranked[:10]:
        other = m.sentences[0]
        if other is top or other.source is None or other.source == top.source:
            continue
        if m.matched & query.core != core or m.core_score < CONFLICT_SIMILARITY * best.core_score:
            continue
        if not _acceptable(query, m):
            continue
        if quantity:
            differ = _answer_values(query, top.text) != _answer_values(query, other.text)
        else:
            differ = bool(tx.NEGATION.search(top.text)) != bool(tx.NEGATION.search(other.text))
        if differ:
            return other
    return None


def _conflict(query: _Query, a: _Sentence, b: _Sentence) -> dict[str, str]:
    first, second = sorted((a, b), key=lambda s: s.index)
    va, vb = _answer_values(query, first.text), _answer_values(query, second.text)
    only_a = [v for v in va if v not in vb]
    only_b = [v for v in vb if v not in va]
    if only_a and only_b:
        what_a, what_b = only_a[0], only_b[0]
    else:
        what_a, what_b = (
            f"that {tx.claim_clause(first.text)}",
            f"that {tx.claim_clause(second.text)}",
        )
    final = (
        f"The sources conflict: Source {first.source} reports {what_a}, whereas "
        f"Source {second.source} reports {what_b}."
    )
    analysis = "Two sources answer the question and disagree; both are quoted."
    return {"analysis": analysis, "proof": f"{first.text}\n{second.text}", "final": final}


def _abstain(reason: str) -> dict[str, str]:
    return {"analysis": reason, "proof": "", "final": ABSTAIN_FINAL}
