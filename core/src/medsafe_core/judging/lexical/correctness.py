"""Is the final answer correct: the expected answer's key facts, polarity, and no
competing value."""

from __future__ import annotations

import re
from functools import partial

from rapidfuzz import fuzz

from medsafe_core.judging.lexical._lexicon import LEXICON
from medsafe_core.judging.lexical.calendar_steps import counted_days
from medsafe_core.judging.lexical.cues import asks_yes_no
from medsafe_core.judging.lexical.facts import (
    Quantity,
    TextFacts,
    quantities,
    text_facts,
)
from medsafe_core.judging.lexical.frequency import frequency_clash
from medsafe_core.judging.lexical.keyfacts import (
    ASKS_VALUE,
    ASKS_WHEN,
    claim_part,
    misses_derived,
    missing_claim,
)
from medsafe_core.judging.lexical.negation import is_negation, negation_count
from medsafe_core.judging.lexical.reasoning import derivation
from medsafe_core.judging.lexical.relations import (
    comparisons,
)
from medsafe_core.judging.lexical.relative import relative
from medsafe_core.judging.lexical.text import (
    PARENS,
    content_words,
    first_sentence,
    normalize,
    stem,
    words,
)
from medsafe_core.judging.lexical.timepoints import denies_a_day
from medsafe_core.judging.lexical.units import dimension, in_base
from medsafe_core.judging.lexical.verdicts import (
    CONTRAST,
    Verdict,
    as_rounded,
    backed,
    hedged,
    negated_about,
    quantity_span,
    written_as,
    yes_no,
)
from medsafe_core.judging.lexical.working import verified_numbers
from medsafe_core.models import ExpectedAnswer

_REASON_WORD = re.compile(r"\b(?:after|since|from|started|provided|once|if|when|until)\b", re.I)


def _in_reason(final: str, value: Quantity) -> bool:
    """The value stands in a clause that gives a reason or a starting point ("4 weeks
    after she started 5 mg"), not in the answer itself."""
    span = quantity_span(final, value)
    if span is None:
        return False
    clause = re.split(r"[,;:.()\n]", final[: span[0]])[-1]
    return _REASON_WORD.search(clause) is not None


def _denied(final: str, value: Quantity) -> bool:
    """The value stands in a clause that denies it ("does not restrict him to 5 mg",
    "not the 30-45 degrees")."""
    span = quantity_span(final, value)
    if span is None:
        return False
    clause = re.split(r"[,;:.()\n]|\bbut\b", final[: span[0]])[-1]
    return negation_count(clause) > 0


def _lead(text: str) -> str:
    """The first sentence up to its first semicolon or subordinate clause: the answer,
    before its reasons ("... increased to 10 mg on 17 February; his eGFR of 52 is not below
    30", "From 17:40 on 3 May, once 24 hours had passed without IV opioid")."""
    return _SUBORDINATE.split(first_sentence(text).split("; ")[0], maxsplit=1)[0]


_SUBORDINATE = re.compile(r",\s+(?:once|when|after|because|since|as|while|given)\b", re.IGNORECASE)


def _opposed(said: str, claim: str, topic: set[str], question: str) -> bool:
    return negated_about(_unframed(said, question), topic) != negated_about(claim, topic)


def _unframed(text: str, question: str) -> str:
    """The text without the negations it repeats from the question: in "the last date it
    can be given without being recorded as delayed", "without" frames what is asked and
    is no claim of the answer's."""
    tokens = words(text)
    asked = f" {' '.join(words(question))} "
    kept = [
        t
        for i, t in enumerate(tokens)
        if not (
            is_negation(t) and i + 3 <= len(tokens) and f" {' '.join(tokens[i : i + 3])} " in asked
        )
    ]
    return " ".join(kept) if len(kept) < len(tokens) else text


def _listed_after_head(
    head_q: list[Quantity], expected_final: str, question: str
) -> list[Quantity]:
    """The values the expected answer lists after its head, of kinds its head does not
    give beyond the question's own: "Two doses were still to be given on 1 May: the day 7
    dose on 4 May and the day 14 dose on 11 May" answers with the dates after the colon."""
    asked = quantities(question)
    head_units = {q.unit for q in head_q if not any(q.agrees(a) for a in asked)}
    listed = quantities(claim_part(expected_final, colon=False))
    return [q for q in listed if q.unit not in head_units and q not in head_q]


def _answer_part(final_q: list[Quantity], expected_final: str) -> str:
    """The part of the expected answer the final answers: the part before a colon when
    the final states one of its values or a value of the same unit, else the whole answer
    without its working."""
    head = claim_part(expected_final)
    head_q = quantities(head)
    if any(q.agrees(f) or (q.unit and q.unit == f.unit) for q in head_q for f in final_q):
        return head  # the final answers the head ("330 mg" where it says "300 mg")
    return claim_part(expected_final, colon=False)


_COMPARATOR = LEXICON.pattern("judgments.comparator")
_VERSUS = re.compile(r"(?:versus|vs)\b", re.IGNORECASE)
_CLAUSE_START = re.compile(r"[,:;(]|\.\s")


_TOTAL_CUE = LEXICON.pattern("judgments.total_cue")


def _derived_from(value: Quantity, claims: list[Quantity], context: str, final: str) -> bool:
    """Whether a value follows from the key facts by one step with the context's counts
    ('400 mg a day' from '200 mg' and 'twice daily')."""
    if not context or not _TOTAL_CUE.search(final):
        return False  # a total must be named as one ("400 mg per day", "in total")
    counts = [q for q in text_facts(context).quantities if q.unit is None or q.unit == "hour"]
    how = derivation(value, [*claims, *counts], loose=False)  # "13 months" is no 2 x 6
    return how is not None and how != "stated" and not how.startswith(("sum", "difference"))


_HEDGED = re.compile(r"\b(?:or|either|possibly|maybe|perhaps|alternatively)\b", re.I)


def _working(
    value: Quantity,
    final: str,
    final_q: list[Quantity],
    claim_q: list[Quantity],
    context: str,
    reference: str,
    polar: bool,
) -> bool:
    """A value of the answer's unit shown as working, not as a second answer: the final
    gives the expected value first ("3000 mg ... the weight-based 3280 mg is above the
    cap"), or answers yes or no (its values are its reasons); the context or the
    reference's working states or derives this one; and it is offered as no alternative
    ("or possibly 22 mg")."""
    if not context:
        return False
    first = next(q for q in final_q if q.unit == value.unit)
    answer = [c for c in claim_q if c.unit == value.unit]
    if not polar and not any(first.agrees(c) for c in answer):
        return False  # the answer's own value is the other one ("3280 mg; the 3000 mg cap")
    if not polar and not all(any(c.agrees(q) for q in final_q) for c in answer):
        return False  # "8-10 ng/mL" where the answer is "5-8 ng/mL"
    span = quantity_span(final, value)
    lead = re.split(r"[.;!?\n]\s", final[: span[0]])[-1] if span else final
    if _HEDGED.search(lead):
        return False  # "Either 2.1 ... or 9 percentage points", "(or possibly 22 mg)"
    facts, ref = text_facts(context), text_facts(reference)
    if facts.has_quantity(value) or ref.has_quantity(value):
        return True
    if value.unit == "date" and any(v == value.value for _, v in counted_days(final)):
        return True  # "day 0 on 27 October ... day 4 is 31 October": a step of its count
    pool = [*facts.quantities, *ref.quantities]
    if any(written_as(value, v) for v in verified_numbers(final, partial(backed, pool=pool))):
        return True  # the final's own right arithmetic: "6 of 14 days is about 42.9%"
    # a time beside a yes or no must be a stated value (any date is some duration from
    # another); other values may be derived ("4.1 times the limit"), from stated ones
    # and from the answer's own stated values ("36.5 mg ... 3.5 mg under the 40 mg")
    if polar and (value.unit in ("date", "clock") or dimension(value.unit) == "time"):
        # only the margin by which the answer's own value passes a stated limit ("18
        # minutes ..., so the 15-minute target was missed by 3 minutes")
        if value.unit in ("date", "clock"):
            return False
        return _margin(value, claim_q, facts) or _clock_gap(value, final_q, facts)
    said = [q for q in final_q if q != value and not facts.has_quantity(q) and ref.has_quantity(q)]
    # "~2,150 mg" for 35 mg/kg x 61.5 kg: as rounded where the answer hedges it
    return derivation(hedged(final, value), [*facts.quantities, *said], loose=False) is not None


def _margin(value: Quantity, claim_q: list[Quantity], facts: TextFacts) -> bool:
    """The value is the difference between one of the answer's values and a stated one
    of the same dimension."""
    want = in_base(value.value, value.unit)
    kind = dimension(value.unit)
    stated = [in_base(q.value, q.unit) for q in facts.quantities if dimension(q.unit) == kind]
    own = [in_base(c.value, c.unit) for c in claim_q if dimension(c.unit) == kind]
    return want is not None and any(
        a is not None and b is not None and abs(abs(a - b) - want) < 1e-6
        for a in own
        for b in stated
    )


def _clock_gap(value: Quantity, final_q: list[Quantity], facts: TextFacts) -> bool:
    """The duration from a clock time the answer names to a stated one, across midnight
    where it must ("an apnoea at 02:30, 11.5 h before the 14:00 review")."""
    want = in_base(value.value, value.unit)
    own = [q.value for q in final_q if q.unit == "clock" and facts.has_quantity(q)]
    stated = [q.value for q in facts.quantities if q.unit == "clock"]
    return want is not None and any(
        abs((b - a) % 1440 - want) < 1e-6 or abs((a - b) % 1440 - want) < 1e-6
        for a in own
        for b in stated
    )


def _comparator_quantities(final: str) -> set[Quantity]:
    """Values the answer gives as a comparison ('3% versus 1% on placebo', a value in
    parentheses): context for the answer, not a second, competing answer."""
    hedge = re.compile(r"\b(?:or|either|possibly|maybe|perhaps)\b", re.IGNORECASE)
    spans = [m.span() for m in _COMPARATOR.finditer(final) if not hedge.search(m.group())]
    for start, _ in list(spans):  # "2.6 days with tolvaptan versus 4.1 days": both sides
        if _VERSUS.match(final, start):
            clause = _CLAUSE_START.split(final[:start])[-1]
            spans.append((start - len(clause), start))
    inside = {q for a, b in spans for q in quantities(final[a:b])}
    # a value also said outside them is said as an answer ("Either 17 or 10 mcg/kg/h
    # (if the 10 mcg/kg/h step applies)")
    rest, end = [], 0
    for a, b in sorted(spans):
        rest.append(final[end:a])
        end = max(end, b)
    outside = set(quantities(" ".join([*rest, final[end:]]))) if spans else set()
    return inside - outside


def _echoes(final: str, question: str) -> bool:
    """The final answer is the question again, asked or restated: no answer at all."""
    said, asked = normalize(final).text, normalize(question).text
    if not said or not asked or yes_no(final):
        return False
    if final.rstrip().endswith("?"):
        return True
    # a restatement with a negation the question lacks answers it ("no DKA was observed")
    return negation_count(final) == negation_count(question) and fuzz.ratio(said, asked) >= 90


_ALTERNATIVE = re.compile(
    r"\b(?:or|either)\s+(?:possibly\s+|perhaps\s+|maybe\s+)?([^,.;()]+)", re.I
)


def _offers_alternative(final: str, expected_final: str, question: str, context: str) -> str:
    """Another candidate answer the final offers beside the right one ('senna or docusate'):
    words after an 'or' that the context uses but neither the answer nor the question does."""
    if not context:
        return ""
    known = set(content_words(claim_part(expected_final))) | set(content_words(question))
    context_words = text_facts(context).stems
    for m in _ALTERNATIVE.finditer(final):
        words_ = [w for w in content_words(m.group(1))[:3] if not w[:1].isdigit()]
        if comparisons(m.group(1).split()[0]):
            continue  # "6.0 mmol/L or above", "or more": a bound, not a candidate
        if m.group().lower().startswith("either") and not _OR.search(m.group(1)):
            continue  # "either criterion is enough": any one of a set, no second answer
        if _DENIED_LIST.search(final[: m.start()].rsplit(".", 1)[-1]):
            continue  # "has no oedema, polycythaemia or pulmonary hypertension": none of them
        if words_ and all(w not in known and w in context_words for w in words_):
            return m.group(1).strip()
        # "the mild to moderate band or the severe band": the same kind of thing, told
        # apart by a word of the context the answer does not use
        before = set(content_words(final[: m.start()].rsplit(",", 1)[-1]))
        new = [w for w in words_ if w not in known and w not in before and w in context_words]
        if new and len(set(words_) & before) >= 2:
            return m.group(1).strip()
    return ""


_OR = re.compile(r"\bor\b", re.IGNORECASE)
# a denied list before an "or": "no A, B or C", "neither A nor B", "without A or B"
_DENIED_LIST = re.compile(r"\b(?:no|not|neither|without|none\s+of)\s+[\w\s,-]{0,60}$", re.I)
_ASKS_COUNT = re.compile(r"\bhow\s+many\b", re.IGNORECASE)


def _competing_count(
    final_q: list[Quantity], expected_final: str, question: str
) -> Quantity | None:
    """For "how many ...?", the count the final answer gives (its first plain number) when
    the expected answer's own count (a plain number before its working) is another:
    "Three doublings" where the answer is "Two doublings: from 2.5 mg to 5 mg ..."."""
    if not _ASKS_COUNT.search(question):
        return None
    asked = quantities(question)
    head = [
        q for q in quantities(claim_part(expected_final)) if not any(q.agrees(a) for a in asked)
    ]
    counts = [q for q in head if q.unit is None]
    given = [q for q in final_q if not any(q.agrees(a) for a in asked)]
    if len(counts) != 1 or len(head) != 1 or not given or given[0].unit is not None:
        return None
    return None if given[0].agrees(counts[0]) else given[0]


def _only_in_parentheses(final: str, claim_q: list[Quantity]) -> Quantity | None:
    """The value the answer gives outside parentheses, where every such value of the
    expected value's unit differs from it and the expected value is said only inside
    them ("30 mg at each dose (her usual 10 mg tripled)" for 10 mg)."""
    units = {c.unit for c in claim_q if c.unit}
    bare = PARENS.sub(" ", final)
    head = [q for q in quantities(bare) if q.unit in units]
    if not head or any(h.agrees(c) or as_rounded(c, h, bare) for h in head for c in claim_q):
        return None
    return head[0]


def answer_correct(
    final: str, expected: ExpectedAnswer, question: str, context: str = ""
) -> Verdict:
    """The final answer states the expected answer's key facts (numbers with units,
    entities), with the same polarity, and no competing value for the same quantity (a
    value derived from the key facts and the context's counts, such as a daily total,
    does not compete)."""
    if _echoes(final, question):
        return Verdict(False, "the final answer repeats the question", (0, len(final)))
    final_q = quantities(final)
    claims = expected.claims
    if claims:
        missing = missing_claim(final, final_q, claims)
        claim_q = [q for c in claims for q in quantities(c)]
    else:
        missing = misses_derived(final, final_q, expected.final, question, context)
        claim_q = quantities(_answer_part(final_q, expected.final))  # its working is no answer
    if missing is not None:
        why = f"the final answer does not state a key fact the evidence gives ({missing})"
        return Verdict(False, why)
    polar = asks_yes_no(question) and yes_no(final) is not None  # its values are reasons
    clash = frequency_clash(final, expected.final)  # "24 mmol twice daily" for "once daily"
    if clash is not None:
        why = clash[0].replace("the proof gives", "the expected answer gives")
        return Verdict(False, why, clash[1:])
    aside_only = None if polar else _only_in_parentheses(final, claim_q)
    if aside_only is not None:
        why = f"the final answer gives {aside_only}, and the expected value only in parentheses"
        return Verdict(False, why, quantity_span(final, aside_only))
    alternative = _offers_alternative(final, expected.final, question, context)
    if alternative:
        return Verdict(False, f"the final answer also offers {alternative!r}, a candidate answer")
    comparators = _comparator_quantities(final)
    count = _competing_count(final_q, expected.final, question)
    if count is not None:
        why = f"the final answer counts {count}, not the expected number"
        return Verdict(False, why, quantity_span(final, count))
    listed = [] if claims else _listed_after_head(claim_q, expected.final, question)
    # a date alone is asked for ("On what date ...?", not "When ..., and at what dose?")
    asks_when = ASKS_WHEN.search(question) is not None and not ASKS_VALUE.search(question)
    for f in final_q:
        if any(f.agrees(c) or as_rounded(c, f, final) for c in claim_q) or f in comparators:
            continue
        if any(f.agrees(c) for c in listed):
            continue
        if f.unit == "date" and f.value < 0 and denies_a_day(final):
            continue  # "since 31 February does not exist": a date denied, not an answer
        if _denied(final, f):
            continue  # "his eGFR does not restrict him to 5 mg": no answer offered
        if (
            asks_when
            and f.unit not in ("date", "clock")
            and dimension(f.unit) != "time"
            and text_facts(context).has_quantity(f)
            and _in_reason(final, f)
        ):
            continue  # a date is asked for: "4 weeks after she started 5 mg" (stated)
        if (
            any(c.unit and c.unit == f.unit for c in claim_q)
            and not relative(f, final_q, final)  # "6.7 points (8.6% vs 1.9%), 78% relative"
            and not _derived_from(f, claim_q, context, final)
            and not _working(f, final, final_q, claim_q, context, expected.final, polar)
        ):
            return Verdict(
                False,
                f"the final answer also states {f}, a competing value",
                quantity_span(final, f),
            )
    topic = set(content_words(expected.final)) | set(content_words(question))
    topic |= {stem(w) for c in claims for w in content_words(c)}
    # the expected answer's own polarity, not its working's ("(platelets need no change)"),
    # nor the final's asides ("omit (not take) her gliclazide")
    said = PARENS.sub("", final)
    contrast = CONTRAST.search(said)  # ", not the 30-45 degrees used when ...": another thing
    said = said[: contrast.start()] if contrast else said
    head, colon, _ = said.partition(": ")
    if colon and any(q.agrees(c) for q in quantities(head) for c in claim_q):
        said = head  # "2.5 mmol/h: he cannot take oral replacement": reasons follow the value
    claim = _unframed(claim_part(expected.final), question)
    if _opposed(said, claim, topic, question) and (
        asks_yes_no(question)
        # a value or a name is the answer: its own sentence carries the polarity too,
        # the reasons after it may deny other things ("Intermediate risk. An index of 1.5
        # is not above 1.5"; "Ramipril. ... adds whichever she is not yet taking")
        or _opposed(_lead(said), _lead(claim), topic, question)
    ):
        return Verdict(
            False, "the final answer has the opposite polarity to the evidence", (0, len(final))
        )
    return Verdict(True)
