"""Shared pieces of the dipg judgments: the verdict type, negation scope, and the
check that every value and named thing of an answer is stated or entailed by a source."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from medsafe_core.judging.lexical._lexicon import LEXICON
from medsafe_core.judging.lexical.binding import unbound_dose, unbound_label
from medsafe_core.judging.lexical.calendar_steps import (
    counted_days,
    date_step,
    month_part,
    next_years_date,
    states_month_length,
)
from medsafe_core.judging.lexical.calendar_years import wrong_year
from medsafe_core.judging.lexical.dimensional import (
    clinical_converted,
    converted,
    count_times,
    hourly_of_daily,
    product_or_quotient,
)
from medsafe_core.judging.lexical.enumeration import enumerated
from medsafe_core.judging.lexical.facts import (
    NUMBER_WORDS,
    Quantity,
    TextFacts,
    entities,
    is_dosing_interval,
    quantities,
    text_facts,
    unit_word,
)
from medsafe_core.judging.lexical.negation import (
    NEGATED_COMPARATIVE,
    is_negation,
    without_free_of_charge,
)
from medsafe_core.judging.lexical.number_forms import strength_spans
from medsafe_core.judging.lexical.reasoning import derivation, is_year
from medsafe_core.judging.lexical.relative import relative
from medsafe_core.judging.lexical.schedule import day_offsets
from medsafe_core.judging.lexical.text import (
    STOPWORDS,
    content_words,
    plain,
    stem,
    words,
)
from medsafe_core.judging.lexical.timepoints import (
    denies_a_day,
    wrong_weekday,
)
from medsafe_core.judging.lexical.units import dimension, in_base
from medsafe_core.judging.lexical.working import half_unit, verified_numbers

# words an answer may use without the context using them
ANSWER_VOCAB = LEXICON.word_set("judgments.answer_vocab")
# words that name a step of reasoning over stated facts ("total", "threshold", "met")
_REASONING_WORDS = LEXICON.word_set("judgments.reasoning_vocab")
REASONING_VOCAB = _REASONING_WORDS | {stem(w) for w in _REASONING_WORDS}
_NEG_WINDOW = 4
_SENTENCE = re.compile(r"(?:[^.!?;\n]|\.(?=\d))+")
# a test "negative for" a substance found none of it: "no non-prescribed opioids"
_NEGATIVE_FOR = re.compile(r"\bnegative[*_]*\s+for\b", re.IGNORECASE)  # "**negative** for"
# a sentence's leading condition, up to its comma ("If Amira is vomiting and cannot keep
# oral hydrocortisone down, ...")
_CONDITION = re.compile(r"(?:^|(?<=[.;:\n])\s*)(?:if|when|whenever|unless)\b[^,.;:\n]*,", re.I)


@dataclass(frozen=True, slots=True)
class Verdict:
    """A judgment with its reason and where in the final answer it shows."""

    ok: bool
    reason: str = ""
    final_span: tuple[int, int] | None = None
    code: str = ""
    """What failed ('facts', 'words', 'negation', 'predicate'), or a note on success."""


def find_span(text: str, needle: str) -> tuple[int, int] | None:
    i = text.lower().find(needle.lower())
    return (i, i + len(needle)) if i >= 0 and needle else None


def quantity_span(final: str, q: Quantity) -> tuple[int, int] | None:
    if q.unit == "clock" and 0 <= q.value < 24 * 60:  # 770 minutes: "12:50", "12.50"
        hours, minutes = divmod(int(q.value), 60)
        m = re.search(rf"(?<![\d:.])0?{hours}[:.]{minutes:02d}(?!\d)", final)
        if m:
            return (m.start(), m.end())
    value = plain(q.value)
    whole, point, decimals = value.partition(".")
    if whole.isdigit() and len(whole) > 3:  # "2,150" as written, or "2150"
        head = len(whole) % 3 or 3
        groups = [whole[:head], *(whole[i : i + 3] for i in range(head, len(whole), 3))]
        pattern = ",?".join(groups) + re.escape(point + decimals)
    else:
        pattern = re.escape(value)
    m = re.search(rf"(?<![\w.]){pattern}(?![\d])", final)
    return (m.start(), m.end()) if m else None


def hedged(final: str, q: Quantity) -> Quantity:
    """`q` with the rounding the answer's hedge allows ("about 440 mL", "~2,150 mg":
    half a unit of its last significant digit, where it has two such digits at least;
    "about 2 mg" allows nothing), else `q` itself."""
    span = quantity_span(final, q)
    if span is None or not _APPROX.search(final, 0, span[0]):
        return q
    digits = plain(q.value)
    if "e" in digits:
        return q
    whole, _, decimals = digits.partition(".")
    if decimals:
        slack = 0.5 / 10.0 ** len(decimals) if len((whole + decimals).lstrip("0")) >= 2 else 0.0
    else:
        zeros = len(whole) - len(whole.rstrip("0"))
        core = whole.rstrip("0")
        slack = 0.5 * 10.0**zeros if len(core) >= 2 else (0.5 if len(whole) >= 2 else 0.0)
    return q._replace(approx=slack) if slack else q


_APPROX = re.compile(
    r"(?:~|\u2248|\babout|\baround|\broughly|\bapproximately|\bapprox\.?|\bnearly)\s*$",
    re.IGNORECASE,
)


def _decimals(value: float) -> int:
    written = plain(value)
    return len(written.split(".")[1]) if "." in written and "e" not in written else 0


def as_rounded(expected: Quantity, said: Quantity, final: str) -> bool:
    """The final's value is the expected one to another precision: more decimals than a
    reference written with some ("37.35" or "1.53" for "37.3" and "1.5", the support
    checks judge the extra digits), or fewer, hedged and with two significant digits at
    least ("~42 mL/min" for 41.8). A bare "2 mg" for "2.4 mg" is another dose."""
    if expected.unit != said.unit:  # "70 h 15 min" (4,215 minutes) as "about 70 hours"
        base, per = in_base(expected.value, expected.unit), in_base(1.0, said.unit)
        if base is None or not per or dimension(expected.unit) != dimension(said.unit):
            return False
        expected = Quantity(round(base / per, 9), said.unit)
    if expected.value == said.value:
        return False
    want, have = _decimals(expected.value), _decimals(said.value)
    if have > want >= 1:
        return abs(said.value - expected.value) <= 0.5 / 10.0**want + 1e-9
    # significant digits: a whole number's trailing zeros count ("about 70 hours" for 70.25)
    if have < want and len(plain(said.value).replace(".", "").lstrip("0")) >= 2:
        span = quantity_span(final, said)  # ("~0.9" is anything from 0.85 to 0.95)
        if span is not None and _APPROX.search(final, 0, span[0]):
            return abs(said.value - expected.value) <= 0.5 / 10.0**have + 1e-9
    return False


# a contrast with another thing after the answer: ", not the 30-45 degrees used when ..."
CONTRAST = re.compile(r",\s+(?:not|rather than|instead of)\s+(?:the|a|an)\b")


def _bounds_a_value(tokens: list[str]) -> bool:
    """Whether the tokens open a denied comparative ("no less than", "not more than")."""
    return bool(NEGATED_COMPARATIVE.fullmatch(" ".join(tokens)))


def negated_about(text: str, topic: set[str] | frozenset[str]) -> bool:
    """Whether a negation in `text` governs one of the topic stems (within a few words),
    or, for a leading yes/no, what that word says."""
    head = _said(YES_NO_HEAD.match(text + " "))
    if head and not NEGATED_COMPARATIVE.match(text.lstrip()):  # "No less than 15 minutes"
        return head == "no"
    if "," in text:  # "If she cannot keep tablets down, give 50 mg IM": a condition's "not"
        text = _CONDITION.sub(" ", text)  # is not the statement's
    if "egative" in text or "EGATIVE" in text:  # any case, without lowering the text
        text = _NEGATIVE_FOR.sub("no", text)
    tokens = words(without_free_of_charge(text))
    if len(tokens) == 1 and is_negation(tokens[0]):
        return True  # "None." / "Never."
    for i, token in enumerate(tokens):
        if token in ("no", "not") and _bounds_a_value(tokens[i : i + 3]):
            continue  # "no less than 15 minutes": a bound on a value (relations.bounds)
        if is_negation(token) or (token in ("fail", "failed") and tokens[i + 1 : i + 2] == ["to"]):
            following = [
                stem(t)
                for t in tokens[i + 1 : i + 1 + _NEG_WINDOW]
                if t not in STOPWORDS and not t[:1].isdigit()  # numbers: judged as values
            ]
            # "ineligible" negates its own positive form
            following += [stem(token[2:])] if token.startswith(("in", "un")) else []
            if not topic or topic.intersection(following):
                return True
    return False


def unbacked(
    final: str,
    sources: tuple[TextFacts, ...],
    where: str,
    rounded: TextFacts | None = None,
    *,
    working: str = "",
    named_points: bool = False,
) -> Verdict:
    """The first number or named entity of the final answer that no source states or
    entails by one step of reasoning (see `unbacked_quantities`)."""
    for q in unbacked_quantities(
        final, sources, rounded, working=working, named_points=named_points
    ):
        return Verdict(
            False, f"the final answer states {q}, which {where}", quantity_span(final, q), "facts"
        )
    for ent in sorted(entities(final)):
        if not any(src.knows_entity(ent) for src in sources):
            return Verdict(
                False,
                f"the final answer names {ent!r}, which {where}",
                find_span(final, ent),
                "facts",
            )
    return Verdict(True)


def _in_strength(final: str, q: Quantity, strengths: list[tuple[int, int]]) -> bool:
    """The value is the amount or the volume of a strength the final writes."""
    span = quantity_span(final, q)
    return (
        span is not None
        and "/" not in (q.unit or "")
        and any(a <= span[0] < b for a, b in strengths)
    )


def _derived(q: Quantity, pool: list[Quantity], own: list[Quantity] | None) -> bool:
    """`q` follows from the pool by one step; a time between two stated dates or clock
    times only where the answer names one of them (any two of a context's dates are some
    days apart: "repeated 48 hours later" is no step from them)."""
    how = derivation(q, pool)
    if how is None or own is None or not how.startswith("time between two"):
        return how is not None
    named = [x for x in own if x.unit in ("date", "clock")]
    stated = [p for p in pool if p.unit in ("date", "clock")]
    return any(derivation(q, [x, p]) is not None for x in named for p in [*named, *stated])


def unbacked_quantities(
    final: str,
    sources: tuple[TextFacts, ...],
    rounded: TextFacts | None = None,
    *,
    working: str = "",
    named_points: bool = False,
) -> Iterator[Quantity]:
    """The numbers of the final answer that no source states or entails by one step of
    reasoning (a conversion, a sum, a difference, a count), nor by a second step from a
    value the answer reached by the first: that value in another unit ('58 mmHg', about
    '7.7 kPa'), or a product or quotient with units ('112.5 mL/h' of a '1 kcal/mL' feed).
    Right arithmetic that the final or the answer's `working` (its analysis) shows from
    stated values reaches its results too. With `named_points` (the sources are a whole
    context, whose dates and times are many), a time between two of them counts only
    where the answer names one."""
    pool: list[Quantity] | None = None
    worked: list[float] | None = None
    own = quantities(final)
    steps: list[Quantity] | None = None
    strengths = strength_spans(final)
    for q in own:
        if q.spelled and q.unit is None:
            continue  # "one source", "the two reports": a word, not a measured value
        if strengths and _in_strength(final, q, strengths):
            continue  # "the 200 mg/5 mL suspension": judged as its strength, 40 mg/mL
        if not any(src.has_quantity(q) for src in sources):
            if pool is None:
                pool = [x for src in sources for x in src.quantities]
            said = hedged(final, q)  # "about 440 mL", "~2,150 mg": as rounded
            if _derived(said, pool, own if named_points else None):
                continue
            if q.unit == "date" and derivation(q, [*pool, *_day_offsets(sources)]) is not None:
                continue  # "day 21" of a course started on 20 May: 10 June
            if is_year(q) and next_years_date(final, q, pool):
                continue  # "14/11/2026", a year on from a stated 14 November 2025
            if q.unit == "date" and q.value < 0 and denies_a_day(final):
                continue  # "since 31 February does not exist": denied, no claim
            if q.unit == "day" and states_month_length(final, q):
                continue  # "(April has 30 days)": a fact of the calendar
            if q.unit == "day" and month_part(q, final, [*pool, *own]):
                continue  # "7 days to the end of March plus 21 days in April"
            if _fraction_of(q, pool, final):
                continue  # "8.5% for half of the head and neck" (17%)
            if q.unit is None and any(n == q.value for n, _ in counted_days(final, working)):
                continue  # "day 4 is 31 October": the label of a step of its count
            if q.unit is None and _counts_its_list(final, q):
                continue  # "3 qualifying exacerbations (14 Mar, 27 Aug, 30 Nov)"
            if rounded is not None and any(as_rounded(x, q, final) for x in rounded.quantities):
                continue  # the reference's derived value, to another precision
            if worked is None:  # the answer's own right working from stated values
                worked = verified_numbers(final, partial(backed, pool=pool), working=working)
            if any(written_as(said, v) for v in worked):
                continue
            if steps is None:  # a second step from a value the answer itself reached
                steps = [  # (a strength's amount and volume are its parts, not steps)
                    x
                    for x in own
                    if not (strengths and _in_strength(final, x, strengths))
                    and (_reached(x, sources, pool) or _fraction_of(x, pool, final))
                ]
            others = [x for x in steps if x is not q]
            if q.unit == "date" and date_step(q, final, [*pool, *others]):
                continue  # "49 days in all, the last dose on 13 May" from 26 March
            measured = [x for x in others if x.unit is not None]
            if not others or not (
                any(converted(said, x) for x in measured)  # "58 mmHg (about 7.7 kPa)"
                # "88 umol/L (about 1.0 mg/dL)" of creatinine, "2.3 °C (about 4.1 °F)"
                or any(clinical_converted(said, x, final) for x in measured)
                or product_or_quotient(said, [*measured, *pool], first=measured)
                or relative(said, others, final)  # "19 h shorter (52 h vs 71 h), 27% shorter"
                or count_times(said, _counts(others, pool), pool)  # "70 tablets" of "5 mg"
                or _how_many_of(q, measured)  # "1,176 mg ... four doses of 294 mg"
                or _sum_of_own(q, measured)  # "11% (8.5% for the head + 2.5% for the hand)"
                or hourly_of_daily(said, [*measured, *pool], final)  # "122 mL/h over 24 hours"
            ):
                yield q


_FRACTIONS = {"half": 0.5, "third": 1 / 3, "quarter": 0.25, "two-thirds": 2 / 3}
_FRACTION_WORD = re.compile(r"\b(half|third|quarter|two-thirds)\b", re.IGNORECASE)


def _fraction_of(q: Quantity, pool: list[Quantity], final: str) -> bool:
    """A value the final calls a fraction of a stated one of its unit, within its clause
    ("8.5% for half of the head and neck" where the head and neck is 17%)."""
    span = quantity_span(final, q)
    if span is None:
        return False
    clause = re.split(r"[;()\n]|[.!?]\s", final[max(0, span[0] - 40) : span[1] + 40])
    words = {w.lower() for part in clause for w in _FRACTION_WORD.findall(part)}
    return any(
        p.unit == q.unit and abs(p.value * _FRACTIONS[w] - q.value) <= half_unit(plain(q.value))
        for w in words
        for p in pool
    )


def _sum_of_own(q: Quantity, measured: list[Quantity]) -> bool:
    """The sum of two of the answer's own values of its unit ("11% TBSA (8.5% for half
    of the head and neck + 2.5% for the hand)")."""
    own = [x for x in measured if x.unit == q.unit and x.unit not in ("date", "clock")]
    return any(
        abs(a.value + b.value - q.value) < 1e-9 * max(1.0, q.value)
        for i, a in enumerate(own)
        for b in own[i + 1 :]
    )


def _how_many_of(q: Quantity, measured: list[Quantity]) -> bool:
    """A whole count that is one of the answer's amounts over another of the same unit
    ("1,176 mg in 24 hours ... four doses of 294 mg")."""
    if q.value != int(q.value) or q.value < 2 or q.unit in ("date", "clock"):
        return False
    return any(
        a.unit == b.unit and b.value > 0 and abs(a.value / b.value - q.value) < 1e-6
        for a in measured
        for b in measured
        if a is not b
    )


def _counts_its_list(final: str, q: Quantity) -> bool:
    span = quantity_span(final, q)
    return span is not None and enumerated(final, span[1], q.value)


def _day_offsets(sources: tuple[TextFacts, ...]) -> list[Quantity]:
    """The sources' numbered days as durations from their first day (dates only: "day 8"
    is no stated length of anything)."""
    return [x for src in sources for x in day_offsets(src.text)]


def _counts(own: list[Quantity], pool: list[Quantity]) -> list[Quantity]:
    """Whole numbers of things the answer counted ("70 tablets"): not a year, nor a
    measured value written bare ("0.3 x 70" for 70 kg)."""
    measured = {p.value for p in pool if p.unit is not None}
    return [
        q
        for q in own
        if q.unit is None
        and q.value == int(q.value)
        and q.value > 1
        and not is_year(q)
        and q.value not in measured
    ]


def _reached(q: Quantity, sources: tuple[TextFacts, ...], pool: list[Quantity]) -> bool:
    """A value the sources state or give by one step of reasoning."""
    return any(src.has_quantity(q) for src in sources) or derivation(q, pool) is not None


def backed(value: float, pool: list[Quantity]) -> bool:
    """A number of the working that the sources state, with any unit, or derive, or the
    sum or difference of two it states ("0.91 x 25.6" where the rule is "0.91 x (height
    in cm - 152.4)" and the height 178 cm)."""
    bare = Quantity(value, None)
    if any(x.value == value for x in pool) or derivation(bare, pool) is not None:
        return True
    slack = 0.5 / 10.0 ** _decimals(value) + 1e-9
    stated = sorted({x.value for x in pool})[:_MAX_PAIRED]
    return any(
        abs(a + b - value) <= slack or abs(abs(a - b) - value) <= slack
        for i, a in enumerate(stated)
        for b in stated[i + 1 :]
    )


_MAX_PAIRED = 40


def written_as(q: Quantity, value: float) -> bool:
    """`value` rounded as `q` is written ('2,385' for 2,384.88), or as its hedge allows."""
    return abs(q.value - value) <= max(0.5 / 10.0 ** _decimals(q.value), q.approx) + 1e-9


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


NUMBER_STEMS = frozenset(stem(w) for w in NUMBER_WORDS) | {"half", "third", "quarter"}


def is_number_word(token: str) -> bool:
    """A number in words, compounds included ('twenty-nine', 'thousand'), read as a
    quantity, not as a content word."""
    parts = token.split("-")
    return all(p in NUMBER_STEMS or p in NUMBER_WORDS or p == "thousand" for p in parts)


def is_quantity_word(token: str) -> bool:
    """A number and its unit written as one word ('seven-day', 'two-week', '24-hour'), or
    a dosing interval ('q48h': every 48 hours): a value, judged as a quantity, not a
    content word."""
    if is_dosing_interval(token):
        return True
    number, _, unit = token.partition("-")
    return bool(unit) and (number.isdigit() or is_number_word(number)) and unit_word(unit)


# a leading yes or no, perhaps hedged ("Probably yes -", "Apparently not.", "**No.**")
# (not "No earlier than 06:30", "Not more than 1 g": a denied comparative is a bound)
_HEDGE = r"(?:probably|most\s+likely|likely|apparently|almost\s+certainly|seemingly)[\s,:]+"
_COMPARED = r"less|fewer|lower|shorter|sooner|earlier|more|greater|higher|longer|later"
_BOUND = rf"(?!\s+(?:{_COMPARED})\s+than\b)"
_YES_NO = re.compile(rf"[\s*_]*(?:{_HEDGE}(yes|no|not)|(yes|no))\b{_BOUND}", re.IGNORECASE)
YES_NO_HEAD = re.compile(
    rf"[\s*_]*(?:{_HEDGE}(yes|no|not)|(yes|no))\b{_BOUND}[*_]*[\s,.;:!\u2013\u2014-]",
    re.IGNORECASE,
)


def yes_no(text: str) -> str | None:
    """'yes' or 'no' when the text opens with one (hedged or not), else None."""
    return _said(_YES_NO.match(text))


def _said(m: re.Match[str] | None) -> str | None:
    if m is None:
        return None
    return "yes" if (m.group(1) or m.group(2)).lower() == "yes" else "no"


_ACRONYM_THEN_PARENS = re.compile(r"\b([A-Z][A-Za-z]{1,5})\b[^()]{0,12}\(([^()]{3,80})\)")


def spelled_out(final: str) -> set[str]:
    """Words of a parenthesis that spells out the acronym before it ("PICC line
    (peripherally inserted central catheter)"): a definition, not a claim."""
    out: set[str] = set()
    for m in _ACRONYM_THEN_PARENS.finditer(final):
        words_ = [w for w in m.group(2).replace("-", " ").split() if w[:1].isalpha()]
        if "".join(w[0] for w in words_).lower() == m.group(1).lower():
            out |= set(content_words(m.group(2)))
    return out


def unsupported_claim(
    final: str,
    context: str,
    question: str,
    *,
    wording: bool = True,
    reference: str = "",
    working: str = "",
) -> Verdict:
    """A claim in the final answer that nothing in the context or question supports:
    a number, a named entity, or (with `wording`) a sentence made mostly of words the
    context never uses. A `reference` (the task's expected answer, a derivation from the
    context its author vouches for) supports the values and words it states."""
    ctx, qu = text_facts(context), text_facts(question)
    weekday = wrong_weekday(final)  # "Fri 13 Feb 2025": the calendar says Thursday
    if weekday is not None:
        return Verdict(False, weekday[0], weekday[1:], "facts")
    year = wrong_year(final, context, question)  # "16 Oct 2026" + 3 months: 2027
    if year is not None:
        return Verdict(False, year[0], year[1:], "facts")
    # "rivaroxaban 10 mg": 10 mg is apixaban's; "moderately thick (IDDSI level 2)": mildly
    unbound = unbound_dose(final, context, reference) or unbound_label(final, context)
    if unbound is not None:
        return Verdict(False, unbound[0], unbound[1:], "facts")
    ref = text_facts(reference) if reference else None
    sources = (ctx, qu) if ref is None else (ctx, qu, ref)
    missing_fact = unbacked(
        final, sources, "the context does not support", ref, working=working, named_points=True
    )
    if not missing_fact.ok:
        return missing_fact
    if not wording:
        return Verdict(True)
    context_stems = ctx.stems | qu.stems | ANSWER_VOCAB | REASONING_VOCAB
    if reference:
        context_stems |= text_facts(reference).stems
    defined = spelled_out(final)  # "PICC line (peripherally inserted central catheter)"
    for m in _SENTENCE.finditer(final):  # not split at a decimal point ("0.43")
        stems = [s for s in content_words(m.group()) if s not in defined]
        novel = [
            s
            for s in stems
            if s not in context_stems
            and not ctx.knows_entity(s)  # "MTX", "Thu": abbreviations of its words
            and not s[:1].isdigit()
            and not is_number_word(s)
            and not is_quantity_word(s)
            and not unit_word(s)  # "about 7.7 kPa": a value's unit, judged with the value
        ]
        if len(novel) >= 3 and len(novel) * 2 >= len(stems):
            return Verdict(
                False,
                "the final answer makes a claim the context does not support",
                (m.start(), m.end()),
            )
    return Verdict(True)
