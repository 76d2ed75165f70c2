"""Does the evidence support the final answer: the proof, or where the proof does not
carry all of it, the facts the context states (label policy, docs/scoring.md)."""

from __future__ import annotations

import re
from functools import lru_cache

from medsafe_core.judging.lexical._lexicon import LEXICON
from medsafe_core.judging.lexical.asides import contradicted_aside
from medsafe_core.judging.lexical.cues import asks_yes_no
from medsafe_core.judging.lexical.direction import wrong_direction
from medsafe_core.judging.lexical.facts import (
    Quantity,
    TextFacts,
    entities,
    quantities,
    text_facts,
    unit_word,
)
from medsafe_core.judging.lexical.frequency import frequency_clash
from medsafe_core.judging.lexical.listing import unlisted_item
from medsafe_core.judging.lexical.negation import negation_count
from medsafe_core.judging.lexical.reasoning import is_year
from medsafe_core.judging.lexical.relations import comparisons
from medsafe_core.judging.lexical.text import (
    PARENS,
    content_words,
    first_sentence,
    has_word_form,
    sentence_split,
    stem,
    words,
)
from medsafe_core.judging.lexical.timepoints import MONTH_WORDS, WEEKDAY_WORDS
from medsafe_core.judging.lexical.units import dimension
from medsafe_core.judging.lexical.verdicts import (
    ANSWER_VOCAB,
    CONTRAST,
    REASONING_VOCAB,
    Verdict,
    find_span,
    is_number_word,
    is_quantity_word,
    negated_about,
    spelled_out,
    unbacked,
    unbacked_quantities,
    yes_no,
)

# words an answer may use without the context using them
# predicates a yes/no answer concludes by applying criteria to the facts in the proof
_INFERRED_PREDICATE = LEXICON.pattern("judgments.inferred_predicate")


def _same_predicate(question: str, ev: TextFacts, context: str = "") -> bool:
    """Every content word of a yes/no question occurs in the evidence, but the names of
    people ("Was magnesium started for Lina?" against "Magnesium was not started"): the
    record's subject, which a quoted sentence may leave to its neighbours; the measure of
    an outcome ("the rate of ICU admission" is about ICU admission); and a direction word
    the evidence states in other words ("lower" against "did not reduce")."""
    names = {w.lower() for w in _NAME.findall(question)[1:]}  # not the opening word
    # a trial the proof names by the source label the context gives it ("Source A")
    labelled = {w for w in _REGISTRY.findall(question.lower()) if _labelled(w, ev.text, context)}
    if labelled:
        names |= labelled | {"trial"}
    said = comparisons(ev.text)
    restated = {stem(t) for t in words(question) if comparisons(t) & said}
    return all(
        has_word_form(w, ev.stems)
        for w in text_facts(question).stems
        if w not in ANSWER_VOCAB and w not in names and w not in _MEASURES and w not in restated
    )


_MEASURES = LEXICON.word_set("judgments.measure_nouns")
_MEASURES |= {stem(w) for w in _MEASURES}


_NAME = re.compile(r"\b[A-Z][a-z]+\b")
_SOURCE_LABEL = LEXICON.pattern("cues.source_label")


def supports(
    final: str,
    evidence: str,
    question: str,
    context: str = "",
    reference: str = "",
    *,
    working: str = "",
) -> Verdict:
    """The final answer is entailed by the grounded evidence (see `_supported_by`) or,
    where the proof does not carry all of it, by the facts the context states (label
    policy: a final that relies on stated facts invents nothing; how much the proof
    carries is a quality measure, noted in `code` as 'context'). A disagreement on
    negation or predicate with the proof itself is never overridden by the context.

    A `reference` (the task's expected answer) is a derivation from the context that the
    task's author vouches for: a value the final derives (a total, a time, a converted
    dose) that the reference states too is supported, code 'reference'. It never
    rescues a final whose values the proof states otherwise."""
    other = _other_person(final, evidence, question, context)
    if other:
        why = f"the proof is about {other}, not the patient the answer is about"
        return Verdict(False, why, (0, len(final)), "facts")
    contrary = contradicted_aside(final, context)  # "(it did shorten the stay)": it did not
    if contrary is not None:
        return Verdict(False, contrary[0], contrary[1:], "facts")
    clash = frequency_clash(final, evidence)  # "3,200 IU once weekly" for "... daily"
    if clash is not None:
        return Verdict(False, clash[0], clash[1:], "facts")
    backwards = wrong_direction(final, evidence) or (context and wrong_direction(final, context))
    if backwards:  # "4.5 points higher with metformin" where metformin's rate is lower
        return Verdict(False, backwards, None, "facts")
    verdict = _supported_by(final, evidence, question, context, working=working)
    if verdict.ok or not context:
        return verdict
    ev = text_facts(evidence)
    if reference and _reasons_as_reference(final, reference, ev, question, context):
        why = "the answer reaches from the stated facts what the reference reaches"
        return Verdict(True, why, None, "reference")
    if verdict.code not in ("facts", "words", "unsure"):
        return verdict
    if verdict.code == "facts" and _stated_aside(final, evidence, ev, question, context, working):
        why = "the proof supports the answer, and the context states its aside"
        return Verdict(True, why, None, "context")
    if _contradicts_proof(final, ev, working):
        return verdict  # the proof says otherwise
    if yes_no(final) and verdict.code != "words":
        # a yes or no adds stated facts only after a first clause the proof supports
        if not _head_supported(final, evidence, question, context):
            return verdict
    elif not (_shares(final, ev, question) or _head_supported(final, evidence, question, context)):
        return verdict  # the proof is about something else
    # the sentences that carry the answer, and those that carry each aside on its own ("No
    # (it did shorten time to shock control)": a finding the context states elsewhere)
    carried = _carrying_sentences(final, context, ev)
    for part in _parts(final):
        said = quantities(part)
        if not said or not all(ev.has_quantity(q) for q in said):
            # only what the proof leaves out: a part the proof carries would bring in its
            # sentence's other values ("15 minutes ... and 30 minutes"), and with them
            # sums no one stated
            carried += _carrying_sentences(part, context, ev)
        elif not set(content_words(part)) <= ev.stems:  # "the same length as ... course"
            # words the proof leaves out: their sentences' words, not their values
            carried += [_NUMBER.sub(" ", s) for s in _carrying_sentences(part, context, ev)]
    wider = evidence + "\n" + "\n".join(dict.fromkeys(carried))
    stated = _supported_by(final, wider, question, context, polarity=False, working=working)
    if stated.ok or stated.code == "unsure":
        # every value entailed by the proof and the sentences that carry the rest, and
        # at most a word or two in other words ("sets a floor of", "for reference")
        why = "the context, not only the proof, states what the answer says"
        return Verdict(True, why, None, "context")
    return verdict


_NUMBER = re.compile(r"\d[\d.,:/]*")
# clauses of one sentence: at a semicolon, or a dash before an aside ("... for 21 days -
# the same length as the doxycycline course")
_CLAUSE_BREAK = re.compile(r";\s|\s[-\u2013\u2014]\s")


def _parts(final: str) -> list[str]:
    """The final's sentences (when it has several) and its asides, each aside with the
    words it qualifies ("extended-interval dosing (every 6 weeks)"): each may be carried
    by a context sentence of its own."""
    clauses = [c for s in sentence_split(final) for c in _CLAUSE_BREAK.split(s)]
    parts = clauses if len(clauses) > 1 else []
    for m in PARENS.finditer(final):
        lead = re.split(r"[.;:,!?\n]", final[max(0, m.start() - 48) : m.start()])[-1]
        parts.append(f"{lead.partition(' ')[2] if m.start() > 48 else lead} {m.group(1)}")
    return parts


def _stated_aside(
    final: str, evidence: str, ev: TextFacts, question: str, context: str, working: str = ""
) -> bool:
    """An answer the proof supports without its parenthesis, whose parenthesis restates a
    context sentence's values ("No (it did raise vitamin D by 38 nmol/L)", "64 infants (of
    the 212 in the 2024 audit)")."""
    asides = [m.group(1) for m in PARENS.finditer(final)]
    bare = PARENS.sub("", final)
    if not asides or not _supported_by(bare, evidence, question, context).ok:
        return False
    ctx = text_facts(context)
    return all(
        _carrying_sentences(aside, context, ev) and unbacked(aside, (ctx,), "", working=working).ok
        for aside in asides
    )


# a person's possessive ("Maya's"), not a saint's ("St Brigid's Hospice") or a day's
_POSSESSOR = re.compile(r"(?<!\bSt )(?<!\bSt\. )(?<!\bSaint )\b([A-Z][a-z]+)(?:'s|\u2019s)\b")


def _people(text: str) -> set[str]:
    """The names of people whose things the text gives ("Maya's"), with a first name
    before the surname ("Tomasz Wrona's" names Tomasz and Wrona)."""
    out: set[str] = set()
    for m in _POSSESSOR.finditer(text):
        if _EPONYM.match(text, m.end()):
            continue  # "Alzheimer's disease", "Crohn's disease": a name, no person's thing
        first = _FIRST_NAME.search(text, 0, m.start())
        for name in (m.group(1), first.group(1) if first else ""):
            if name and name.lower() not in MONTH_WORDS and name.lower() not in WEEKDAY_WORDS:
                out.add(name)
    return out


_FIRST_NAME = re.compile(r"\b([A-Z][a-z]+) $")
# what a possessive names when it is an eponym: "Alzheimer's disease", "Bell's palsy"
_EPONYM = re.compile(
    r"\s+(?:disease|dementia|syndrome|palsy|sarcoma|lymphoma|phenomenon|oesophagus|esophagus"
    r"|thyroiditis|sign|test|criteria|classification|score|scale|formula|method|procedure"
    r"|operation|ulcer|fracture|law|rule|node)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=64)
def _eponyms(context: str) -> frozenset[str]:
    """The names the context gives a disease or sign ("Parkinson's disease")."""
    return frozenset(
        m.group(1) for m in _POSSESSOR.finditer(context) if _EPONYM.match(context, m.end())
    )


def _other_person(final: str, evidence: str, question: str, context: str = "") -> str:
    """The person whose facts the proof gives when the question and the answer are about
    someone else ("Maya's cycle 3" answered from "Noah's neutrophil count"), else ''. A
    name the context gives a disease ("Parkinson's disease") is no person in the proof's
    "Parkinson's medicines" either."""
    asked, named = _people(question) | _people(final), _people(evidence)
    if asked and named and asked.isdisjoint(named):
        named -= _eponyms(context)  # only when it would decide: a context is long
    return sorted(named)[0] if asked and named and asked.isdisjoint(named) else ""


def _reasons_as_reference(
    final: str, reference: str, ev: TextFacts, question: str, context: str
) -> bool:
    """The answer reaches by one step of reasoning over stated facts what the reference
    reaches: the same yes or no (a threshold, an interval, an order in time), or values
    the context does not state but the reference derives (a total, a time, a converted
    dose). The proof must carry part of the reference's working and be about the
    question (the identifiers it names include the question's), every value and name of
    the answer must be stated or derived, and the answer must agree with the reference on
    negation."""
    said, expected = yes_no(final), yes_no(reference)
    ref = text_facts(reference)
    if said or expected:
        if not (said and expected) or said != expected:
            return False
    elif not _derives_as_reference(final, ref, context):
        return False  # nothing derived: the ordinary checks judge it
    qu = text_facts(question)
    working = [  # values the reference reasons with (a year says nothing of the case)
        q
        for q in ref.quantities
        if q.unit is not None or not (q.spelled or 1900 <= q.value <= 2100)
        if not qu.has_quantity(q)
    ]
    if not any(ev.has_quantity(q) for q in working):
        return False  # not a conclusion from values the proof states
    named = entities(question)
    asked_ids = {e for e in named if any(c.isdigit() for c in e)}
    proof_ids = {e for e in entities(ev.text) if any(c.isdigit() for c in e)}
    if asked_ids and proof_ids and not asked_ids & proof_ids:
        return False  # a proof about another trial or record backs no conclusion
    about = any(ev.has_quantity(q) for q in qu.quantities) or any(ev.knows_entity(e) for e in named)
    if not about and len(qu.stems & ev.stems) < 2:
        return False  # a proof about something else backs no conclusion
    if not unbacked(final, (text_facts(context), qu, ref), "", ref, named_points=True).ok:
        return False
    topic = set(content_words(final)) & ref.stems
    return bool(said) or negated_about(final, topic) == negated_about(reference, topic)


def _derives_as_reference(final: str, ref: TextFacts, context: str) -> bool:
    """The final answer states a value the context does not and the reference does: a
    value derived as the task's author derived it."""
    ctx = text_facts(context)
    return any(
        ref.has_quantity(q)
        for q in quantities(final)
        if not (q.spelled and q.unit is None) and not ctx.has_quantity(q)
    )


_DIGITS = re.compile(r"\d+")


_REGISTRY = re.compile(r"\bnct\d{6,}\b")
_SOURCE_NAME = re.compile(r"\bSource\s+([A-Z])\b")


def _labelled(ent: str, evidence: str, context: str) -> bool:
    """The proof names a source by the label the context gives this identifier in one
    sentence ("Trial NCT05528417 (Source A)"): the proof is about it."""
    labels = set(_SOURCE_NAME.findall(evidence))
    if not labels:
        return False
    return any(
        ent in sentence.lower() and labels & set(_SOURCE_NAME.findall(sentence))
        for sentence in _sentences(context)
    )


def _only_one_of_its_kind(ent: str, context: str) -> bool:
    """The context names this identifier and no other of its shape ('hdu-3' and no other
    'hdu-N', 'nct0123' and no other trial): a proof can be about no other one."""
    shape = _DIGITS.sub("#", ent)
    kind = {e for e in entities(context) if _DIGITS.sub("#", e) == shape}
    return kind == {ent}


def _contradicts_proof(final: str, ev: TextFacts, working: str = "") -> bool:
    """A value of the final answer that the proof states otherwise (same unit or
    dimension, another amount): the proof is about it and disagrees. Not when the final
    states the proof's value too: "5 mg (later 15 mg weekly)" adds a second fact, nor
    when the proof entails the value ("440 mL" worked from "6 mL/kg" where the proof
    also says "rounded to the nearest 10 mL")."""
    said = quantities(final)
    unreached: list[Quantity] | None = None
    for q in said:
        if q.unit is None or q.unit in ("clock", "date") or ev.has_quantity(q):
            continue  # a time or date of another event is no other value for this one
        if unreached is None:
            unreached = list(unbacked_quantities(final, (ev,), working=working))
        if q not in unreached:
            continue
        kind = [
            p
            for p in ev.quantities
            if p.unit == q.unit or (dimension(p.unit) or p.unit) == (dimension(q.unit) or q.unit)
        ]
        if kind and not any(p.agrees(f) for p in kind for f in said):
            return True
    return False


_SENTENCE_END = re.compile(r"\.\s+(?=[A-Z])")


def _head_supported(final: str, evidence: str, question: str, context: str) -> bool:
    """The proof supports the final's first clause, its answer ("No. Under the policy a
    booster dose does not require time off work; ..."); what follows may come from the
    context. The clause ends at the first semicolon, else at the first sentence's end
    (the second's, after a bare "Yes." or "No.")."""
    contrast = CONTRAST.search(final)
    if ";" in final:
        head = final[: final.index(";")]
    elif contrast is not None:  # "20 degrees of tilt, not the 30-45 degrees used when ..."
        head = final[: contrast.start()]
    else:
        ends = [m.start() for m in _SENTENCE_END.finditer(final)]
        if yes_no(final) and ends and len(final[: ends[0]].split()) <= 2:
            ends = ends[1:]
        if not ends:
            return False
        head = final[: ends[0]]
    # a source named as the context names it ("the 2024 primary report") is a label
    lower = context.lower()
    head = _SOURCE_LABEL.sub(lambda m: " " if m.group().lower() in lower else m.group(), head)
    head_verdict = _supported_by(head, evidence, question, context)
    ev = text_facts(evidence)
    if head_verdict.code == "facts" and _shares_words(head, ev, question):
        # the proof states the head's claim, and the context a value or name beside it
        carried = _carrying_sentences(head, context, ev)
        if carried:
            wider = evidence + "\n" + "\n".join(carried)
            head_verdict = _supported_by(head, wider, question, context)
    return head_verdict.ok or head_verdict.code == "unsure"


def _shares(final: str, ev: TextFacts, question: str) -> bool:
    """The proof carries part of the final answer: one of its values, or half of the
    content words it adds to the question."""
    asked = text_facts(question)
    final_q = [
        q
        for q in quantities(final)
        if not (q.spelled and q.unit is None) and not asked.has_quantity(q)  # "28-day"
    ]
    return any(ev.has_quantity(q) for q in final_q) or _shares_words(final, ev, question)


def _shares_words(final: str, ev: TextFacts, question: str) -> bool:
    """The proof uses half of the content words the final adds to the question."""
    stems = set(content_words(final)) - ANSWER_VOCAB - REASONING_VOCAB
    stems -= text_facts(question).stems
    stems = {w for w in stems if not (w[:1].isdigit() or is_number_word(w) or unit_word(w))}
    return bool(stems) and 2 * sum(has_word_form(w, ev.stems) for w in stems) >= len(stems)


@lru_cache(maxsize=1024)
def _sentences(context: str) -> tuple[str, ...]:
    return tuple(s for s in _SENTENCE.findall(context) if s.strip())


# a sentence or clause: an end mark before a space ends it, one inside a word ("0.08",
# "e.g.") does not
_SENTENCE = re.compile(r"[^.!?;\n]*(?:[.!?;]+(?=\S)[^.!?;\n]*)*(?:[.!?;]+(?=\s|$))?")


def _carrying_sentences(final: str, context: str, ev: TextFacts) -> list[str]:
    """Context sentences that state a fact of the final answer together with another of
    its facts or words (so that a word from an unrelated sentence does not carry it):
    sentences stating all its values with one of its words, or, where every value the
    proof leaves out has a unit, a sentence stating one of those with two of its words
    (a bare number, "stage 10", is carried only beside all the answer's values); without
    values, sentences sharing two of its words."""
    final_q = [q for q in quantities(final) if not (q.spelled and q.unit is None)]
    unstated = [q for q in final_q if not ev.has_quantity(q)]
    measured = all(q.unit is not None or is_year(q) for q in unstated)  # "1 May 2026"
    stems = set(content_words(final))
    out = []
    for sentence in _sentences(context):
        facts = text_facts(sentence)
        shared = len(stems & facts.stems)
        if not final_q:
            carries = shared >= 2
        elif all(facts.has_quantity(q) for q in final_q):
            carries = shared >= 1
        else:
            carries = measured and shared >= 2 and any(facts.has_quantity(q) for q in unstated)
        if carries:
            out.append(sentence)
    return out


def _supported_by(
    final: str,
    evidence: str,
    question: str,
    context: str = "",
    *,
    polarity: bool = True,
    working: str = "",
) -> Verdict:
    """The grounded evidence states every number and named entity of the final answer
    (the question may supply the subject), is about the question's subject, states what
    the answer adds to the question, and agrees with it on negation. A reason given in
    parentheses may come from elsewhere in the context."""
    ev, qu = text_facts(evidence), text_facts(question)
    missing_fact = unbacked(final, (ev, qu), "the proof does not state", working=working)
    if not missing_fact.ok:
        return missing_fact
    # an identifier the answer states (a trial id, a gene) must be the proof's own, even
    # when the question names it: a proof about another trial does not support the answer
    for ent in sorted(entities(final)):
        if any(c.isdigit() for c in ent) and not ev.knows_entity(ent):
            if qu.knows_entity(ent) and (
                _only_one_of_its_kind(ent, context)  # "Under protocol HDU-3 ...": no other
                or _labelled(ent, evidence, context)  # "Source A" for "NCT05528417 (Source A)"
            ):
                continue
            why = f"the final answer names {ent!r}, which the proof is not about"
            return Verdict(False, why, find_span(final, ent), "facts")
    final_stems = set(content_words(final))
    added = final_stems - qu.stems - ANSWER_VOCAB
    added = {
        w
        for w in added
        if not w[:1].isdigit()
        and not is_number_word(w)
        and not is_quantity_word(w)  # "seven-day", "q48h"
        and w not in REASONING_VOCAB
        and w not in MONTH_WORDS  # "2 Mar 2026": a date, judged as a value
    }
    if context:
        ctx_stems = text_facts(context).stems
        aside = {w for m in PARENS.finditer(final) for w in content_words(m.group(1))}
        added -= {w for w in aside if has_word_form(w, ctx_stems)}
        added -= spelled_out(final)
    missing = sorted(w for w in added if not _known(w, ev))
    extra = unlisted_item(final, lambda w: w in qu.stems or _known(w, ev))
    if extra is not None:
        why = f"the final answer lists {extra!r}, which the proof does not state"
        return Verdict(False, why, find_span(final, extra), "words")
    if added and len(missing) > 0.4 * len(added):
        shown = ", ".join(missing[:3])
        why = f"the proof does not state what the answer adds ({shown})"
        # every value and name is entailed, most of what the answer adds is aligned and
        # only a word or two is not: weak evidence either way, so the judge is unsure
        weak = len(missing) <= _UNSURE_WORDS and 2 * len(missing) <= len(added)
        return Verdict(False, why, None, "unsure" if weak else "words")
    topic = final_stems & ev.stems
    if not polarity or _INFERRED_PREDICATE.search(question) or _compares(question, ev):
        return Verdict(True)  # "eligible?", "above the threshold?" are concluded, not quoted
    answer = yes_no(final)
    if answer and not _same_predicate(question, ev, context):
        # the proof states another predicate than the question's: it cannot back a "yes",
        # and backs a "no" only through what the answer itself adds from the proof
        # ("No - they had longer survival" for "shorter?" against "had longer survival")
        if answer == "yes" or not added:
            why = f"the proof does not state what the question asks, so it cannot back a {answer}"
            return Verdict(False, why, (0, len(final)), "predicate")
        return Verdict(True)
    if answer:  # same predicate: the yes or no must match the proof's polarity
        if (answer == "no") != negated_about(evidence, qu.stems):
            why = "the final answer and the proof disagree on negation"
            return Verdict(False, why, (0, len(final)), "negation")
        return Verdict(True)
    denies = negated_about(evidence, topic)
    if (
        topic
        and negated_about(final, topic | qu.stems) != denies
        # a value or a name leads; a denial among its reasons ("Intermediate risk. An
        # index of 1.5 is not above 1.5") or in an aside ("The left ear (the right ear is
        # not being considered)") is no disagreement unless the lead disagrees too
        and negated_about(PARENS.sub("", first_sentence(final)), topic | qu.stems) != denies
        and not (denies and _values_lead(final))
    ):
        why = "the final answer and the proof disagree on negation"
        return Verdict(False, why, (0, len(final)), "negation")
    return Verdict(True)


def _values_lead(final: str) -> bool:
    """The final leads with a value (a dose, a date, a time) and denies nothing: a denial
    in the proof is about its reasons ("a faint judged syncope, not a seizure"), not
    the value."""
    lead = first_sentence(final)
    return bool(quantities(lead[:40])) and negation_count(final) == 0


def _known(word: str, ev: TextFacts) -> bool:
    """A word the evidence uses (in some form), or one judged elsewhere: a unit word's
    value is judged as a quantity, a weekday ("Fri 14 Feb") with its date."""
    return (
        has_word_form(word, set(ev.stems))
        or ev.knows_entity(word)
        or unit_word(word)
        or word in WEEKDAY_WORDS
        or word in ANSWER_VOCAB
        or word in REASONING_VOCAB
    )


_UNSURE_WORDS = 2
"""At most this many unaligned words (all values entailed) make the judge unsure."""
_COMPARATIVE = LEXICON.pattern("judgments.comparative_predicate")


def _compares(question: str, evidence: TextFacts) -> bool:
    """A yes/no question that compares stated values ('is 142 above the 140 target?',
    'was the dose given before 09:00?') is answered by reasoning over the facts, which
    the evidence must hold: two quantities to compare."""
    if not (asks_yes_no(question) and _COMPARATIVE.search(question)):
        return False
    asked = [q for q in quantities(question) if q.unit is not None]
    measured = [q for q in evidence.quantities if q.unit is not None]
    own = [q for q in measured if not any(q.agrees(a) for a in asked)]
    kinds = [dimension(q.unit) or q.unit for q in [*own, *asked]]
    # like with like: two values of one dimension, at least one stated by the evidence
    return bool(own) and len(kinds) > len(set(kinds))
