"""The judgments after grounding: does the proof support the answer, is the answer
correct, does it add claims the context does not support.

Reasons returned from here describe the *response* (and context spans), never the
expected answer, so they are safe to show to a participant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from medsafe_core.judging.lexical._lexicon import LEXICON
from medsafe_core.judging.lexical.cues import POLAR_QUESTION
from medsafe_core.judging.lexical.facts import (
    NUMBER_WORDS,
    Quantity,
    TextFacts,
    comparisons,
    entities,
    is_negation,
    quantities,
    says_none,
    text_facts,
    unit_word,
)
from medsafe_core.judging.lexical.reasoning import derivation
from medsafe_core.judging.lexical.text import (
    STOPWORDS,
    content_words,
    has_word_form,
    normalize,
    stem,
    words,
)
from medsafe_core.judging.lexical.units import dimension
from medsafe_core.models import ExpectedAnswer

# words an answer may use without the context using them
_ANSWER_VOCAB = LEXICON.word_set("judgments.answer_vocab")
# words that name a step of reasoning over stated facts ("total", "threshold", "met")
_REASONING_VOCAB = LEXICON.word_set("judgments.reasoning_vocab")
_NEG_WINDOW = 4


@dataclass(frozen=True, slots=True)
class Verdict:
    """A judgment with its reason and where in the final answer it shows."""

    ok: bool
    reason: str = ""
    final_span: tuple[int, int] | None = None
    code: str = ""
    """What failed ('facts', 'words', 'negation', 'predicate'), or a note on success."""


def _find(text: str, needle: str) -> tuple[int, int] | None:
    i = text.lower().find(needle.lower())
    return (i, i + len(needle)) if i >= 0 and needle else None


def _quantity_span(final: str, q: Quantity) -> tuple[int, int] | None:
    value = f"{q.value:g}"
    m = re.search(rf"(?<![\w.]){re.escape(value)}(?![\d])", final)
    return (m.start(), m.end()) if m else None


def negated_about(text: str, topic: set[str] | frozenset[str]) -> bool:
    """Whether a negation in `text` governs one of the topic stems (within a few words),
    or, for a leading yes/no, what that word says."""
    head = re.match(r"\s*(yes|no)\b[\s,.;:!-]", text + " ", re.IGNORECASE)
    if head:
        return head.group(1).lower() == "no"
    tokens = words(text)
    if len(tokens) == 1 and is_negation(tokens[0]):
        return True  # "None." / "Never."
    for i, token in enumerate(tokens):
        if is_negation(token) or (token in ("fail", "failed") and tokens[i + 1 : i + 2] == ["to"]):
            following = [stem(t) for t in tokens[i + 1 : i + 1 + _NEG_WINDOW] if t not in STOPWORDS]
            # "ineligible" negates its own positive form
            following += [stem(token[2:])] if token.startswith(("in", "un")) else []
            if not topic or topic.intersection(following):
                return True
    return False


def _unbacked(final: str, sources: tuple[TextFacts, ...], where: str) -> Verdict:
    """The first number or named entity of the final answer that no source states or
    entails by one step of reasoning (a conversion, a sum, a difference, a count)."""
    pool: list[Quantity] | None = None
    for q in quantities(final):
        if q.spelled and q.unit is None:
            continue  # "one source", "the two reports": a word, not a measured value
        if not any(src.has_quantity(q) for src in sources):
            if pool is None:
                pool = [x for src in sources for x in src.quantities]
            if derivation(q, pool) is None:
                return Verdict(
                    False,
                    f"the final answer states {q}, which {where}",
                    _quantity_span(final, q),
                    "facts",
                )
    for ent in sorted(entities(final)):
        if not any(src.knows_entity(ent) for src in sources):
            return Verdict(
                False, f"the final answer names {ent!r}, which {where}", _find(final, ent), "facts"
            )
    return Verdict(True)


def derivations(final: str, context: str, question: str) -> list[str]:
    """How each value of the final answer that the context does not state word for word
    follows from it (evidence for a verdict)."""
    ctx, qu = text_facts(context), text_facts(question)
    pool: list[Quantity] = [*ctx.quantities, *qu.quantities]
    out = []
    for q in quantities(final):
        if (q.spelled and q.unit is None) or ctx.has_quantity(q) or qu.has_quantity(q):
            continue
        how = derivation(q, pool)
        if how is not None:
            out.append(f"{q}: {how}")
    return out


_NUMBER_STEMS = frozenset(stem(w) for w in NUMBER_WORDS) | {"half", "third", "quarter"}
_YES_NO = re.compile(r"\s*(yes|no)\b", re.IGNORECASE)


_PARENS = re.compile(r"\(([^)]*)\)")
# predicates a yes/no answer concludes by applying criteria to the facts in the proof
_INFERRED_PREDICATE = LEXICON.pattern("judgments.inferred_predicate")


def _same_predicate(question: frozenset[str], evidence: frozenset[str]) -> bool:
    """Every content word of a yes/no question occurs in the evidence."""
    return all(has_word_form(w, evidence) for w in question if w not in _ANSWER_VOCAB)


def supports(final: str, evidence: str, question: str, context: str = "") -> Verdict:
    """The final answer is entailed by the grounded evidence (see `_supported_by`) or,
    where the proof does not carry all of it, by the facts the context states (label
    policy: a final that relies on stated facts invents nothing; how much the proof
    carries is a quality measure, noted in `code` as 'context'). A disagreement on
    negation or predicate with the proof itself is never overridden by the context."""
    verdict = _supported_by(final, evidence, question, context)
    if verdict.ok or verdict.code not in ("facts", "words") or not context:
        return verdict
    ev = text_facts(evidence)
    if _YES_NO.match(final) or _contradicts_proof(final, ev) or not _shares(final, ev, question):
        return verdict  # the proof says otherwise, or is about something else
    wider = evidence + "\n" + "\n".join(_carrying_sentences(final, context))
    if _supported_by(final, wider, question, context, polarity=False).ok:
        why = "the context, not only the proof, states what the answer says"
        return Verdict(True, why, None, "context")
    return verdict


def _contradicts_proof(final: str, ev: TextFacts) -> bool:
    """A value of the final answer that the proof states otherwise (same unit or
    dimension, another amount): the proof is about it and disagrees."""
    for q in quantities(final):
        if q.unit is None or ev.has_quantity(q):
            continue
        if any(
            p.unit == q.unit or (dimension(p.unit) or p.unit) == dimension(q.unit)
            for p in ev.quantities
        ):
            return True
    return False


def _shares(final: str, ev: TextFacts, question: str) -> bool:
    """The proof carries part of the final answer: one of its values, or else half of
    the content words it adds to the question."""
    final_q = [q for q in quantities(final) if not (q.spelled and q.unit is None)]
    if final_q:
        return any(ev.has_quantity(q) for q in final_q)
    stems = set(content_words(final)) - _ANSWER_VOCAB - _REASONING_VOCAB
    stems -= text_facts(question).stems
    return 2 * sum(has_word_form(w, ev.stems) for w in stems) >= len(stems)


@lru_cache(maxsize=1024)
def _sentences(context: str) -> tuple[str, ...]:
    return tuple(s for s in _SENTENCE.findall(context) if s.strip())


_SENTENCE = re.compile(r"[^.!?;\n]+(?:[.!?;](?!\d)[^.!?;\n]*)*?(?:[.!?;](?=\s|$)|\n|$)")


def _carrying_sentences(final: str, context: str) -> list[str]:
    """Context sentences that state a fact of the final answer together with another of
    its facts or words (so that a word from an unrelated sentence does not carry it)."""
    final_q = [q for q in quantities(final) if not (q.spelled and q.unit is None)]
    stems = set(content_words(final))
    out = []
    for sentence in _sentences(context):
        facts = text_facts(sentence)
        if final_q and not all(facts.has_quantity(q) for q in final_q):
            continue
        if len(stems & facts.stems) >= (1 if final_q else 2):
            out.append(sentence)
    return out


def _supported_by(
    final: str, evidence: str, question: str, context: str = "", *, polarity: bool = True
) -> Verdict:
    """The grounded evidence states every number and named entity of the final answer
    (the question may supply the subject), is about the question's subject, states what
    the answer adds to the question, and agrees with it on negation. A reason given in
    parentheses may come from elsewhere in the context."""
    ev, qu = text_facts(evidence), text_facts(question)
    unbacked = _unbacked(final, (ev, qu), "the proof does not state")
    if not unbacked.ok:
        return unbacked
    # an identifier the answer states (a trial id, a gene) must be the proof's own, even
    # when the question names it: a proof about another trial does not support the answer
    for ent in sorted(entities(final)):
        if any(c.isdigit() for c in ent) and not ev.knows_entity(ent):
            why = f"the final answer names {ent!r}, which the proof is not about"
            return Verdict(False, why, _find(final, ent), "facts")
    final_stems = set(content_words(final))
    added = final_stems - qu.stems - _ANSWER_VOCAB
    added = {
        w
        for w in added
        if not w[:1].isdigit() and w not in _NUMBER_STEMS and w not in _REASONING_VOCAB
    }
    if context:
        ctx_stems = text_facts(context).stems
        aside = {w for m in _PARENS.finditer(final) for w in content_words(m.group(1))}
        added -= {w for w in aside if has_word_form(w, ctx_stems)}
    missing = sorted(  # a unit word's value is judged as a quantity, above
        w
        for w in added
        if not (has_word_form(w, set(ev.stems)) or ev.knows_entity(w) or unit_word(w))
    )
    if added and len(missing) > 0.4 * len(added):
        shown = ", ".join(missing[:3])
        why = f"the proof does not state what the answer adds ({shown})"
        return Verdict(False, why, None, "words")
    topic = final_stems & ev.stems
    if not polarity or _INFERRED_PREDICATE.search(question) or _compares(question, ev):
        return Verdict(True)  # "eligible?", "above the threshold?" are concluded, not quoted
    yes_no = _YES_NO.match(final)
    if yes_no and not _same_predicate(qu.stems, ev.stems):
        # the proof states another predicate than the question's: it cannot back a "yes",
        # and backs a "no" only through what the answer itself adds from the proof
        # ("No - they had longer survival" for "shorter?" against "had longer survival")
        if yes_no.group(1).lower() == "yes" or not added:
            answer = yes_no.group(1).lower()
            why = f"the proof does not state what the question asks, so it cannot back a {answer}"
            return Verdict(False, why, (0, len(final)), "predicate")
        return Verdict(True)
    if yes_no:  # same predicate: the yes or no must match the proof's polarity
        if (yes_no.group(1).lower() == "no") != negated_about(evidence, qu.stems):
            why = "the final answer and the proof disagree on negation"
            return Verdict(False, why, (0, len(final)), "negation")
        return Verdict(True)
    if topic and negated_about(final, topic | qu.stems) != negated_about(evidence, topic):
        why = "the final answer and the proof disagree on negation"
        return Verdict(False, why, (0, len(final)), "negation")
    return Verdict(True)


_COMPARATIVE = LEXICON.pattern("judgments.comparative_predicate")


def _compares(question: str, evidence: TextFacts) -> bool:
    """A yes/no question that compares stated values ('is 142 above the 140 target?',
    'was the dose given before 09:00?') is answered by reasoning over the facts, which
    the evidence must hold: two quantities to compare."""
    if not (POLAR_QUESTION.match(question) and _COMPARATIVE.search(question)):
        return False
    asked = [q for q in quantities(question) if q.unit is not None]
    measured = [q for q in evidence.quantities if q.unit is not None]
    own = [q for q in measured if not any(q.agrees(a) for a in asked)]
    kinds = [dimension(q.unit) or q.unit for q in [*own, *asked]]
    # like with like: two values of one dimension, at least one stated by the evidence
    return bool(own) and len(kinds) > len(set(kinds))


def unsupported_claim(final: str, context: str, question: str, *, wording: bool = True) -> Verdict:
    """A claim in the final answer that nothing in the context or question supports:
    a number, a named entity, or (with `wording`) a sentence made mostly of words the
    context never uses."""
    ctx, qu = text_facts(context), text_facts(question)
    unbacked = _unbacked(final, (ctx, qu), "the context does not support")
    if not unbacked.ok:
        return unbacked
    if not wording:
        return Verdict(True)
    context_stems = ctx.stems | qu.stems | _ANSWER_VOCAB
    for m in re.finditer(r"[^.!?;\n]+", final):
        stems = content_words(m.group())
        novel = [
            s
            for s in stems
            if s not in context_stems and not s[:1].isdigit() and s not in _NUMBER_STEMS
        ]
        if len(novel) >= 3 and len(novel) * 2 >= len(stems):
            return Verdict(
                False,
                "the final answer makes a claim the context does not support",
                (m.start(), m.end()),
            )
    return Verdict(True)


def _missing_claim(final: str, final_q: list[Quantity], claims: list[str]) -> bool:
    """Whether a listed key claim (a quantity, an entity, a phrase) is absent from `final`."""
    final_norm = normalize(final).text
    for claim in claims:
        cq = quantities(claim)
        if cq:
            if not all(any(c.agrees(f) for f in final_q) for c in cq):
                return True
            continue
        text = normalize(claim).text
        if not text or text in final_norm or any(is_negation(t) for t in words(claim)):
            continue  # polarity claims are judged apart
        if fuzz.partial_ratio(text, final_norm) < 90:
            return True
    return False


def _misses_derived(
    final: str, final_q: list[Quantity], expected_final: str, question: str
) -> bool:
    """Without listed claims (loaded data), the expected answer's own facts are the claims:
    what the question already says is not a claim; one of the other quantities, every
    other named entity and half of the other specific words must be stated. A yes/no
    question is answered by its polarity (judged apart): the reasons are not claims."""
    if POLAR_QUESTION.match(question):
        return False
    if not _ASKS_WHY.search(question):  # for "why?", the reason is the answer
        expected_final = _claim_part(expected_final)
    asked_q = quantities(question)
    exp_q = [q for q in quantities(expected_final) if not any(q.agrees(a) for a in asked_q)]
    if not comparisons(expected_final) <= comparisons(final):
        return True  # "fewer than 10%" is not "about 10%"
    zero = [Quantity(0.0, None)] if says_none(final) else []  # "None." states a zero
    stated = [*final_q, *zero]
    if exp_q and not any(c.agrees(f) for c in exp_q for f in stated):
        return True
    # each kind of quantity the question asks for ("what dose ..., and for how long?")
    for cue, family in _ASKED_KINDS:
        wanted = [q for q in exp_q if q.unit in family]
        if wanted and cue.search(question) and not any(c.agrees(f) for c in wanted for f in stated):
            return True
    # every named thing the answer gives (a trial's registry id is only a restatement)
    exp_e = {e for e in entities(expected_final) - entities(question) if not _REGISTRY_ID.match(e)}
    if not all(e in final.lower() for e in exp_e):
        return True
    specific = set(content_words(expected_final)) - set(content_words(question)) - _ANSWER_VOCAB
    specific = {
        w
        for w in specific
        if w.isalpha() and w not in NUMBER_WORDS and not unit_word(w) and w not in exp_e
    }
    have = set(content_words(final))
    return bool(specific) and 2 * sum(has_word_form(w, have) for w in specific) < len(specific)


_ASKS_WHY = re.compile(r"\bwhy\b|\breasons?\b|\bwhat\s+(?:caused|led)\b", re.I)
_WORKING = re.compile(r"\([^)]*\)|,?\s*\b(?:because|since|given that|as)\b.*$", re.I | re.S)


def _claim_part(expected_final: str) -> str:
    """The expected answer without its working: a parenthesis or a 'because ...' clause
    shows how the answer was reached ('2.4 kg (63.8 kg before minus 61.4 kg after)'), it
    is not a further claim the answer must repeat."""
    head = _WORKING.sub("", expected_final).strip()
    return head if content_words(head) or quantities(head) else expected_final


_ASKED_KINDS = (
    (
        re.compile(
            r"\bhow\s+long\b|\bduration\b|\bhow\s+many\s+(?:days|weeks|months|years)\b", re.I
        ),
        frozenset({"day", "week", "month", "year", "hour", "minute"}),
    ),
    (
        re.compile(r"\bdose\b|\bhow\s+much\b", re.I),
        frozenset({"mg", "g", "mcg", "mg/kg", "mg/m2", "gy", "cgy", "ml", "unit"}),
    ),
    (
        re.compile(r"\bhow\s+often\b|\brate\b|\bpercentage\b|\bproportion\b|\bshare\b", re.I),
        frozenset({"%"}),
    ),
)
_REGISTRY_ID = re.compile(r"^nct\d+$")


_COMPARATOR = LEXICON.pattern("judgments.comparator")


_TOTAL_CUE = LEXICON.pattern("judgments.total_cue")


def _derived_from(value: Quantity, claims: list[Quantity], context: str, final: str) -> bool:
    """Whether a value follows from the key facts by one step with the context's counts
    ('400 mg a day' from '200 mg' and 'twice daily')."""
    if not context or not _TOTAL_CUE.search(final):
        return False  # a total must be named as one ("400 mg per day", "in total")
    counts = [q for q in text_facts(context).quantities if q.unit is None or q.unit == "hour"]
    how = derivation(value, [*claims, *counts])
    return how is not None and how != "stated" and not how.startswith(("sum", "difference"))


def _comparator_quantities(final: str) -> set[Quantity]:
    """Values the answer gives as a comparison ('3% versus 1% on placebo', a value in
    parentheses): context for the answer, not a second, competing answer."""
    hedge = re.compile(r"\b(?:or|either|possibly|maybe|perhaps)\b", re.IGNORECASE)
    return {
        q
        for m in _COMPARATOR.finditer(final)
        if not hedge.search(m.group())  # "(or 11.2 months)" hedges, it does not compare
        for q in quantities(m.group())
    }


def answer_correct(
    final: str, expected: ExpectedAnswer, question: str, context: str = ""
) -> Verdict:
    """The final answer states the expected answer's key facts (numbers with units,
    entities), with the same polarity, and no competing value for the same quantity (a
    value derived from the key facts and the context's counts, such as a daily total,
    does not compete)."""
    final_q = quantities(final)
    claims = expected.claims
    if claims:
        missing = _missing_claim(final, final_q, claims)
        claim_q = [q for c in claims for q in quantities(c)]
    else:
        missing = _misses_derived(final, final_q, expected.final, question)
        claim_q = quantities(expected.final)
    if missing:
        return Verdict(False, "the final answer does not state a key fact the evidence gives")
    comparators = _comparator_quantities(final)
    for f in final_q:
        if any(f.agrees(c) for c in claim_q) or f in comparators:
            continue
        if any(c.unit and c.unit == f.unit for c in claim_q) and not _derived_from(
            f, claim_q, context, final
        ):
            return Verdict(
                False,
                f"the final answer also states {f}, a competing value",
                _quantity_span(final, f),
            )
    topic = set(content_words(expected.final)) | set(content_words(question))
    topic |= {stem(w) for c in claims for w in content_words(c)}
    if negated_about(final, topic) != negated_about(expected.final, topic):
        return Verdict(
            False, "the final answer has the opposite polarity to the evidence", (0, len(final))
        )
    return Verdict(True)
