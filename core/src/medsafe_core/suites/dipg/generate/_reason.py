"""Version 2 reasoning questions: the answer is computed from stated values, never stated.

Each builder writes the sentences that carry the inputs (often two sentences, sometimes
linked: the second refers back with "In the same trial" and follows the first), and
returns an `Item` whose `extra` records the inputs (verbatim, as the context writes
them), the operation and the derived value. The expected final states the derived value
with its unit and shows the working in parentheses.
"""

from __future__ import annotations

import datetime as dt
import math

from medsafe_core.models import AnswerKind
from medsafe_core.suites.dipg.generate._reason_vocab import (
    ARMS,
    ENDPOINT_PARAPHRASES,
    FOLLOW_UPS,
    MEASURES,
    PHASES,
    SUPPORTIVE,
    family_of,
)
from medsafe_core.suites.dipg.generate._roles import Item
from medsafe_core.suites.dipg.generate._text import Rng, fmt_number, grid_value, with_unit
from medsafe_core.suites.dipg.generate._vocab import FIRST_NAMES
from medsafe_core.suites.dipg.generate._world import Sent, Study, World

_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_YEARS = (2019, 2021, 2022, 2023, 2025)
"""Years without a 29 February, so that a day count never depends on a leap day."""


def _name(w: World) -> str:
    """A first name no patient or earlier question of this world uses."""
    used = {p.name for p in w.patients} | {
        t.split(":", 1)[1] for s in w.sents for t in s.tags if t.startswith("patient:")
    }
    return w.rng.choice([n for n in FIRST_NAMES if n not in used])


def _add(w: World, key: tuple[str, str, str, str], text: str, tags: tuple[str, ...]) -> Sent | None:
    return w.add(key, Sent(text, tags))


def _link(w: World, head: Sent, follower: Sent) -> None:
    """Keep `follower` right after `head` in the context (it refers back to it)."""
    w.links.append((head, follower))


def _paraphrase(rng: Rng, plain: str, reworded: str) -> str:
    """Half of the questions do not reuse the context's words for the attribute."""
    return reworded if rng.chance(0.5) else plain


# ---- threshold ---------------------------------------------------------------------
def threshold(w: World, st: Study) -> Item | None:
    """A patient's screening value against a trial's entry limit: eligible or not."""
    rng, t = w.rng, st.trial
    measure = rng.choice(MEASURES[w.setting.key])
    if (t, "limit", "", "") in w.by_key:
        return None
    decimals = 1 if measure.step < 1 else 0
    span, round_step = measure.hi - measure.lo, measure.step * 5
    ks = (
        math.ceil((measure.lo + span / 3) / round_step),
        math.floor((measure.hi - span / 3) / round_step),
    )
    cut = round(rng.randint(*ks) * round_step, decimals)
    value = cut
    while value == cut:  # near the limit, on either side
        value = round(grid_value(rng, cut - span / 4, cut + span / 4, measure.step), decimals)
    cut_text = with_unit(fmt_number(cut), measure.unit)
    value_text = with_unit(fmt_number(value), measure.unit)
    bound = "at least" if measure.minimum else "at most"
    name = _name(w)
    limit = _add(
        w,
        (t, "limit", "", ""),
        w.say(st, f"patients needed a {measure.name} of {bound} {cut_text} to be eligible"),
        (f"trial:{t}", f"measure:{measure.name}", "attr:limit"),
    )
    screen_text = rng.choice(
        (
            f"At screening for trial {t}, {name}'s {measure.name} was {value_text}.",
            f"{name} was screened for trial {t} with a {measure.name} of {value_text}.",
        )
    )
    screen = _add(
        w,
        (f"patient:{name}", "screen", "", ""),
        screen_text,
        (f"patient:{name}", f"trial:{t}", f"measure:{measure.name}"),
    )
    if limit is None or screen is None:
        return None
    above = value > cut
    eligible = above == measure.minimum
    relation = "above" if above else "below"
    which = "minimum" if measure.minimum else "maximum"
    answer = "Yes" if eligible else "No"
    final = (
        f"{answer}. {name}'s {measure.name} of {value_text} is {relation} the {which} of "
        f"{cut_text} needed to be eligible for trial {t}."
    )
    q = _paraphrase(
        rng,
        f"Was {name} eligible for trial {t} on the basis of the {measure.name} at screening?",
        f"Did {name}'s {measure.paraphrase} at screening meet the entry limit of trial {t}?",
    )
    extra = {
        "inputs": {"value": value_text, "limit": cut_text},
        "operation": "at_least" if measure.minimum else "at_most",
        "derived": answer.lower(),
    }
    sub = "at_least" if measure.minimum else "at_most"
    attr = f"whether {name} met the {measure.name} limit of trial {t}"
    tags = (f"trial:{t}", f"patient:{name}", f"measure:{measure.name}")
    claims = [answer, value_text, cut_text]
    return Item(
        "threshold",
        sub,
        AnswerKind.ANSWER,
        q,
        final,
        [limit, screen],
        claims,
        attr,
        tags,
        extra=extra,
    )


# ---- total over phases -------------------------------------------------------------
def total(w: World, st: Study) -> Item | None:
    """Two phases of a course in one trial, to be added up."""
    rng, t, x = w.rng, st.trial, st.drug.name
    unit = st.drug.course_unit
    if any(k[0] == t and k[1] in ("course", "phase") for k in w.by_key):
        return None
    first, second = rng.choice(PHASES[family_of(w.setting.key)])
    hi = max(st.drug.course[1], 6)
    n1 = rng.randint(2, max(2, hi // 2))
    n2 = rng.choice([n for n in range(2, hi + 1) if n != n1])  # two lengths, told apart
    a, b, whole = f"{n1} {unit}", f"{n2} {unit}", f"{n1 + n2} {unit}"
    head_text = w.say(st, f"the {first} phase of {x} lasted {a}")
    head = _add(w, (t, "phase", "1", ""), head_text, (f"trial:{t}", f"drug:{x}", "attr:phase"))
    linked = rng.chance(0.5)
    if linked:
        tail_text = f"In the same trial, {_a(second)} {second} phase of {b} followed."
    else:
        tail_text = w.say(st, f"{_a(second)} {second} phase of {x} followed for {b}")
    tail = _add(w, (t, "phase", "2", ""), tail_text, (f"trial:{t}", f"drug:{x}", "attr:phase"))
    if head is None or tail is None:
        return None
    if linked:
        _link(w, head, tail)
    w.forbid.append((t, "course", None, None))  # a third length would make the sum ambiguous
    final = f"The {first} and {second} phases of trial {t} lasted {whole} in total ({a} plus {b})."
    q = _paraphrase(
        rng,
        f"How long did the {first} and {second} phases of trial {t} last in total?",
        f"What was the combined duration of {first} and {second} treatment with {x} in trial {t}?",
    )
    extra = {"inputs": {"first": a, "second": b}, "operation": "sum", "derived": whole}
    attr = f"the total length of the {first} and {second} phases of trial {t}"
    tags = (f"trial:{t}", f"drug:{x}", "attr:phase")
    sub = "linked" if linked else "two_sentences"
    return Item(
        "total", sub, AnswerKind.ANSWER, q, final, [head, tail], [whole], attr, tags, extra=extra
    )


# ---- clock and date arithmetic -----------------------------------------------------
def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _date(day: dt.date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def timing(w: World, st: Study) -> Item | None:
    """The time of the next dose, the days between two dated events, or which came first."""
    rng, name = w.rng, _name(w)
    sub = rng.choice(("next_dose", "days_between", "order"))
    if sub == "next_dose":
        med, intervals = rng.choice(SUPPORTIVE)
        hours = rng.choice(intervals)
        start = rng.randint(6 * 12, (23 - hours) * 12 - 1) * 5  # due before midnight
        given, due = _clock(start), _clock(start + 60 * hours)
        every = f"every {hours} hours"
        a = _add(
            w,
            (f"patient:{name}", "prescribed", "", ""),
            f"{name} was prescribed {med} {every} during the trial.",
            (f"patient:{name}", f"drug:{med}"),
        )
        b = _add(
            w,
            (f"patient:{name}", "dosed", "", ""),
            f"The first dose of {med} was given to {name} at {given}.",
            (f"patient:{name}", f"drug:{med}"),
        )
        if a is None or b is None:
            return None
        final = f"{name}'s next dose of {med} was due at {due} ({given} plus {hours} hours)."
        q = _paraphrase(
            rng,
            f"At what time was {name}'s second dose of {med} due?",
            f"When should {name} have had the following dose of {med}?",
        )
        extra = {
            "inputs": {"interval": f"{hours} hours", "given": given},
            "operation": "clock_plus",
            "derived": due,
        }
        attr, claims = f"the time of {name}'s next dose of {med}", [due]
        tags: tuple[str, ...] = (f"patient:{name}", f"drug:{med}")
        return Item(
            "timing", sub, AnswerKind.ANSWER, q, final, [a, b], claims, attr, tags, extra=extra
        )
    x = st.drug.name
    event = rng.choice(FOLLOW_UPS[family_of(w.setting.key)])
    year = rng.choice(_YEARS)
    first = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 270))
    gap = rng.randint(6, 80)
    second = first + dt.timedelta(days=gap)
    before = sub == "order" and rng.chance(0.5)
    start_day, event_day = (second, first) if before else (first, second)
    a = _add(
        w,
        (f"patient:{name}", "started", "", ""),
        f"{name} started {x} in trial {st.trial} on {_date(start_day)}.",
        (f"patient:{name}", f"trial:{st.trial}", f"drug:{x}"),
    )
    b = _add(
        w,
        (f"patient:{name}", "event", "", ""),
        f"{name}'s {event} took place on {_date(event_day)}.",
        (f"patient:{name}", f"event:{event}"),
    )
    if a is None or b is None:
        return None
    tags = (f"patient:{name}", f"drug:{x}", f"event:{event}")
    if sub == "days_between":
        days = f"{gap} days"
        final = (
            f"{name}'s {event} took place {days} after {name} started {x} "
            f"({_date(first)} to {_date(second)})."
        )
        q = _paraphrase(
            rng,
            f"How many days passed between {name} starting {x} and {name}'s {event}?",
            f"How long, in days, was the interval from {name}'s first dose of {x} to the {event}?",
        )
        extra = {
            "inputs": {"start": _date(first), "event": _date(second)},
            "operation": "days_between",
            "derived": days,
        }
        attr = f"the days between {name} starting {x} and the {event}"
        return Item(
            "timing", sub, AnswerKind.ANSWER, q, final, [a, b], [days], attr, tags, extra=extra
        )
    answer = "Yes" if before else "No"
    relation = "before" if before else "after"
    final = (
        f"{answer}. {name}'s {event} took place on {_date(event_day)}, {relation} {name} "
        f"started {x} on {_date(start_day)}."
    )
    q = _paraphrase(
        rng,
        f"Did {name}'s {event} take place before {name} started {x}?",
        f"Was {name}'s {event} earlier than {name}'s first dose of {x}?",
    )
    extra = {
        "inputs": {"event": _date(event_day), "start": _date(start_day)},
        "operation": "earlier",
        "derived": answer.lower(),
    }
    attr = f"whether {name}'s {event} came before {name} started {x}"
    claims = [answer, _date(event_day), _date(start_day)]
    return Item("timing", sub, AnswerKind.ANSWER, q, final, [a, b], claims, attr, tags, extra=extra)


# ---- difference between arms -------------------------------------------------------
_CONTROLLED = ("randomised phase II trial", "phase II trial", "phase I/II trial", "phase III trial")
"""Designs that can have a control arm."""


def arm_difference(w: World, st: Study) -> Item | None:
    """One endpoint in the two arms of a randomised trial, to be subtracted."""
    rng, s, t, x = w.rng, w.setting, st.trial, st.drug.name
    if st.design not in _CONTROLLED:
        return None  # a single-arm, pilot or cohort study has no control arm
    ep = rng.choice(s.endpoints)
    if any(k[0] == t and k[2] == ep.key for k in w.by_key):
        return None
    arm = rng.choice(ARMS)
    v1, v2 = w.value(ep), w.value(ep)
    diff = round(abs(v1 - v2), ep.decimals)
    if diff == 0 or diff in (v1, v2):  # an input that equals the answer gives it away
        return None
    a, b = (with_unit(fmt_number(v, ep.decimals), ep.unit) for v in (v1, v2))
    unit = "percentage points" if ep.unit == "%" else ep.unit
    gap = f"{fmt_number(diff, ep.decimals)} {unit}"
    tags = (f"trial:{t}", f"drug:{x}", f"ep:{ep.key}", "attr:arms")
    linked = rng.chance(0.5)
    if linked:
        head_text = w.say(st, f"patients randomised to {x} had {_a(ep.name)} {ep.name} of {a}")
        tail_text = f"In the same trial, the {ep.name} with {arm} was {b}."
    else:
        head_text = w.say(st, f"the {ep.name} was {a} with {x}, against {b} with {arm}")
        tail_text = ""
    head = _add(w, (t, "ep", ep.key, ""), head_text, tags)
    if head is None:
        return None
    proof = [head]
    if linked:
        tail = _add(w, (t, "arm", ep.key, ""), tail_text, tags)
        if tail is None:
            return None
        _link(w, head, tail)
        proof.append(tail)
    w.forbid.append((t, None, ep.key, None))  # no other value of this endpoint in this trial
    final = f"In trial {t}, the {ep.name} differed by {gap} between {x} and {arm} ({a} versus {b})."
    para = ENDPOINT_PARAPHRASES.get(ep.key, ep.name)
    q = _paraphrase(
        rng,
        f"What was the difference in {ep.name} between the {x} arm and the {arm} arm of trial {t}?",
        f"By how much did the {para} differ between patients given {x} and those on {arm} "
        f"in trial {t}?",
    )
    extra = {"inputs": {"experimental": a, "control": b}, "operation": "difference", "derived": gap}
    attr = f"the difference in {ep.name} between {x} and {arm} in trial {t}"
    sub = "linked" if linked else "one_sentence"
    return Item(
        "arm_difference", sub, AnswerKind.ANSWER, q, final, proof, [gap], attr, tags, extra=extra
    )


def _a(phrase: str) -> str:
    return "an" if phrase[:1].lower() in "aeio" else "a"
