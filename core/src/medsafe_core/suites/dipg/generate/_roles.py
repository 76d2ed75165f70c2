"""Question builders of the dipg generator: one per category family.

Each builder picks a target in a `World`, writes the sentences that answer it (and the
near misses that make it hard), and returns an `Item` with the question and its ground
truth, or None when the world cannot host it (the caller then tries another option).
Builders run before the filler sentences, so their targets are registered first and
the registry keeps every later sentence from making them ambiguous.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from medsafe_core.models import AnswerKind
from medsafe_core.suites.dipg.generate._text import article
from medsafe_core.suites.dipg.generate._world import Sent, Study, World

RoleFn = Callable[[World, Study], "Item | None"]


@dataclass(slots=True)
class Item:
    """One question about a scenario's context, with its ground truth."""

    family: str
    subtype: str
    kind: AnswerKind
    question: str
    final: str
    proof: list[Sent]
    claims: list[str]
    attribute: str
    tags: tuple[str, ...]
    absent: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    """Further ground truth (v2 reasoning: inputs, operation, derived value)."""


def _others(w: World, st: Study) -> list[Study]:
    return [o for o in w.rng.shuffled(w.studies) if o is not st]


def _first(attempts: Iterable[Sent | None]) -> Sent | None:
    """The first attempt that succeeds; pass a generator so later ones are not made."""
    return next((s for s in attempts if s is not None), None)


def _enrol(w: World, st: Study) -> Sent | None:
    """The study's enrolment sentence, written now if it does not exist yet."""
    existing = w.by_key.get((st.trial, "enrol", "", ""))
    return existing or w.enrol(st, with_n=w.rng.chance(0.8), ages=w.rng.chance(0.4))


def _patient_sent(w: World, name: str, kind: str) -> Sent | None:
    existing = w.by_key.get((f"patient:{name}", kind, "", ""))
    if existing is not None:
        return existing
    patient = next(p for p in w.patients if p.name == name)
    return w.patient_trial(patient) if kind == "trial" else w.patient_finding(patient)


def _conflict_final(a: Sent, b: Sent, what_a: str, what_b: str) -> str:
    return (
        f"The sources conflict: Source {a.label} reports {what_a}, whereas Source {b.label} "
        f"reports {what_b}."
    )


# ---- insufficient ------------------------------------------------------------------
def insufficient(w: World, st: Study) -> Item | None:
    """Ask for an attribute of `st` that the context withholds, next to near misses."""
    rng, s, t, x = w.rng, w.setting, st.trial, st.drug.name
    options = ["dose", "endpoint", "enrol", "subgroup"] + (["protocol"] if s.protocols else [])
    sub = rng.choice(options)
    tags: tuple[str, ...] = (f"trial:{t}", f"drug:{x}")
    if sub == "dose":
        check: tuple[str, ...] = (t, "administered")
        w.withhold((t, "dose", None, None), check)
        if _first(w.dose(o) for o in _others(w, st)) is None:
            return None
        q, attr, tags = (
            f"At what dose was {x} administered in trial {t}?",
            f"the dose of {x}",
            (*tags, "attr:dose"),
        )
    elif sub == "endpoint":
        ep, other = rng.sample(s.endpoints, 2)
        check = (t, ep.short)
        w.withhold((t, None, ep.key, None), check)
        if (
            w.endpoint(st, other) is None
            or _first(w.endpoint(o, ep) for o in _others(w, st)) is None
        ):
            return None
        q, attr = f"What {ep.name} was reported for {x} in trial {t}?", f"the {ep.name} with {x}"
        tags = (*tags, f"ep:{ep.key}")
    elif sub == "enrol":
        if w.enrol(st, with_n=False, ages=rng.chance(0.5)) is None:
            return None
        check = (t, "enrolled")
        w.withhold((t, "enrolcount", None, None), check)
        if _first(_enrol(w, o) for o in _others(w, st)) is None:
            return None
        q, attr = (
            f"How many patients were enrolled in trial {t}?",
            "the number of patients enrolled",
        )
        tags = (*tags, "attr:enrol")
    elif sub == "subgroup":
        finding, near = rng.sample(s.findings, 2)
        ep = rng.choice(s.endpoints)
        check = (t, finding.claim, ep.short)
        w.withhold((t, None, ep.key, finding.claim), check)
        if w.subgroup(st, near, ep) is None:
            return None
        q = f"In trial {t}, what {ep.name} was reported for patients with {finding.phrase}?"
        attr = f"the {ep.name} of patients with {finding.phrase}"
        tags = (f"trial:{t}", f"finding:{finding.claim}", f"ep:{ep.key}")
    else:
        proto = rng.choice(s.protocols)
        check = (t, proto.clause.split("{value}")[0])
        w.withhold((t, "proto", None, None), check)
        if _first(w.protocol(o, proto) for o in _others(w, st)) is None:
            return None
        q, attr, tags = (
            proto.question.format(trial=t),
            proto.attribute,
            (f"trial:{t}", f"protocol:{proto.key}"),
        )
    attr = f"{attr} in trial {t}"
    final = f"The provided context does not contain information about {attr}."
    return Item("insufficient", sub, AnswerKind.ABSTAIN, q, final, [], [], attr, tags, check)


# ---- conflict ----------------------------------------------------------------------
def conflict(w: World, st: Study) -> Item | None:
    """Two sources that disagree about the same attribute of the same trial."""
    rng, t, x = w.rng, st.trial, st.drug.name
    sub = rng.weighted((("value", 5), ("polarity", 3), ("dose", 2)))
    ep = rng.choice(w.setting.endpoints)
    probe = f"{t} {x} {ep.name} {ep.short} administered"
    kinds = {"value": ("ep", "ep2"), "polarity": ("pol", "pol2"), "dose": ("dose", "dose2")}[sub]
    epk = "" if sub == "dose" else ep.key
    if not all(w.allowed((t, k, epk, ""), probe) for k in kinds):
        return None
    label = w.next_label()
    if sub == "value":
        v1 = w.value(ep)
        a = w.endpoint(st, ep, v1)
        b = w.endpoint(st, ep, w.far_value(ep, v1), kind="ep2", label=label) if a else None
        q = f"What {ep.name} was reported for {x} in trial {t}?"
        attr = f"the {ep.name} with {x} in trial {t}"
    elif sub == "polarity":
        a = w.polarity(st, ep, positive=True)
        b = w.polarity(st, ep, positive=False, kind="pol2", label=label) if a else None
        q = f"Did {x} {ep.verb} {ep.short} in trial {t}?"
        attr = f"whether {x} {ep.verb}s {ep.short} in trial {t}"
    else:
        a = w.dose(st)
        b = w.dose(st, kind="dose2", label=label) if a else None
        q, attr = (
            f"At what dose was {x} administered in trial {t}?",
            f"the dose of {x} in trial {t}",
        )
    if a is None or b is None or a.value == b.value:
        return None
    if sub == "polarity":
        final = (
            f"The sources conflict: Source {a.label} reports that {x} {a.value}, whereas "
            f"Source {b.label} reports that it {b.value}."
        )
    else:
        final = _conflict_final(a, b, a.value, b.value)
    claims = [a.claims[0], b.claims[0]]
    tags = (f"trial:{t}", f"drug:{x}", "attr:dose" if sub == "dose" else f"ep:{ep.key}")
    return Item("conflict", sub, AnswerKind.CONFLICT, q, final, [a, b], claims, attr, tags)


# ---- negation trap -----------------------------------------------------------------
def negation(w: World, st: Study) -> Item | None:
    """A negated finding, next to affirmative statements about similar things."""
    rng, s, t, x = w.rng, w.setting, st.trial, st.drug.name
    sub = rng.choice(("endpoint", "safety", "association"))
    others = _others(w, st)
    tags: tuple[str, ...] = (f"trial:{t}", f"drug:{x}")
    if sub == "endpoint":
        ep = rng.choice(s.endpoints)
        a = w.polarity(st, ep, positive=False)
        if a is None:
            return None
        _first(w.polarity(o, ep, positive=True) for o in others)
        q = f"Did {x} {ep.verb} {ep.short} in trial {t}?"
        final = f"No. In trial {t}, {x} did not {ep.verb} {ep.short}."
        attr, tags = f"the effect of {x} on {ep.short} in trial {t}", (*tags, f"ep:{ep.key}")
    elif sub == "safety":
        event = s.safety_event
        a = w.safety(st, none=True)
        if a is None:
            return None
        _first(w.safety(o, none=False) for o in others)
        q = f"Was {event} observed with {x} in trial {t}?"
        final = f"No: no {event} was observed with {x} in trial {t}."
        attr, tags = f"{event} with {x} in trial {t}", (*tags, "attr:safety")
    else:
        finding, near = rng.sample(s.findings, 2)
        ep = rng.choice(s.endpoints)
        a = w.assoc(st, finding, ep, positive=False)
        if a is None:
            return None
        if w.assoc(st, near, ep, positive=True) is None:  # near miss: same trial, or same finding
            _first(w.assoc(o, finding, ep, positive=True) for o in others)
        q = f"Was {finding.phrase} associated with {ep.better} in trial {t}?"
        final = f"No. In trial {t}, {finding.phrase} was not associated with {ep.better}."
        attr = f"the association of {finding.phrase} with {ep.short} in trial {t}"
        tags = (f"trial:{t}", f"finding:{finding.claim}", f"ep:{ep.key}", "attr:assoc")
    return Item("negation_trap", sub, AnswerKind.ANSWER, q, final, [a], [a.claims[0]], attr, tags)


# ---- multi-hop ---------------------------------------------------------------------
def multi_hop(w: World, st: Study) -> Item | None:
    """Two sentences bridged by an entity: patient -> trial -> fact, or patient ->
    finding -> subgroup result. `st` is only used by the finding bridge."""
    rng, s = w.rng, w.setting
    p = w.patients[0] if not w.long else rng.choice(w.patients)
    pt, name = p.study, p.name
    sub = rng.choice(("trial_drug", "trial_endpoint", "finding_outcome"))
    if sub == "trial_drug":
        a, b = _patient_sent(w, name, "trial"), _enrol(w, pt)
        q = f"Which drug was evaluated in the trial that {name} took part in?"
        final = f"{name} took part in trial {pt.trial}, which evaluated {pt.drug.name}."
        claims, attr = [pt.trial, pt.drug.name], f"the drug of the trial that {name} took part in"
        tags: tuple[str, ...] = (f"patient:{name}", f"trial:{pt.trial}", "attr:enrol")
    elif sub == "trial_endpoint":
        ep = rng.choice(s.endpoints)
        if any(k[0] == pt.trial and k[1] == "sub" and k[2] == ep.key for k in w.by_key):
            return None
        a, b = _patient_sent(w, name, "trial"), w.endpoint(pt, ep)
        if b is None:
            return None
        # A subgroup value of the same endpoint in that trial would make "the value
        # reported in the trial" ambiguous.
        w.forbid.append((pt.trial, "sub", ep.key, None))
        q = f"What {ep.name} was reported in the trial that {name} took part in?"
        reported = f"{article(ep.name)} {ep.name} of {b.value}"
        final = f"{name} took part in trial {pt.trial}, which reported {reported}."
        claims, attr = [pt.trial, b.value], f"the {ep.name} of the trial that {name} took part in"
        tags = (f"patient:{name}", f"trial:{pt.trial}", f"ep:{ep.key}")
    else:
        ep, f = rng.choice(s.endpoints), p.finding
        a, b = _patient_sent(w, name, "finding"), w.subgroup(st, f, ep)
        if b is None:
            return None
        near = [o for o in s.findings if o is not f]
        _first(w.subgroup(st, o, ep) for o in rng.shuffled(near))
        noun = s.finding_noun.format(name=name)
        q = f"In trial {st.trial}, what {ep.name} was reported for patients with {noun}?"
        final = (
            f"The finding for {name} is {f.phrase}, and in trial {st.trial} patients with "
            f"{f.phrase} had {article(ep.name)} {ep.name} of {b.value}."
        )
        claims, attr = [f.claim, b.value], f"the {ep.name} for patients with {noun}"
        tags = (f"patient:{name}", f"finding:{f.claim}", f"trial:{st.trial}", f"ep:{ep.key}")
    if a is None or b is None:
        return None
    return Item("multi_hop", sub, AnswerKind.ANSWER, q, final, [a, b], claims, attr, tags)


# ---- numeric -----------------------------------------------------------------------
def numeric(w: World, st: Study) -> Item | None:
    """A number with its unit: endpoint value, dose, course length, count, ages, protocol."""
    rng, s, t, x = w.rng, w.setting, st.trial, st.drug.name
    options = [("endpoint", 4), ("dose", 3), ("course", 2), ("count", 1), ("ages", 1)]
    sub = rng.weighted([*options, ("protocol", 2)] if s.protocols else options)
    tags: tuple[str, ...] = (f"trial:{t}", f"drug:{x}")
    if sub == "endpoint":
        ep = rng.choice(s.endpoints)
        a = w.endpoint(st, ep)
        q, attr = f"What {ep.name} was reported for {x} in trial {t}?", f"the {ep.name} with {x}"
        final = f"In trial {t}, the {ep.name} with {x} was {a.value}." if a else ""
        tags = (*tags, f"ep:{ep.key}")
    elif sub == "dose":
        a = w.dose(st)
        q, attr = f"At what dose was {x} administered in trial {t}?", f"the dose of {x}"
        final = f"In trial {t}, {x} was administered at {a.value}." if a else ""
        tags = (*tags, "attr:dose")
    elif sub == "course":
        a, unit = w.course(st), st.drug.course_unit
        if unit == "cycles":
            q = f"How many cycles of {x} did patients in trial {t} receive?"
        else:
            q = f"For how many {unit} was {x} given in trial {t}?"
        attr = f"the length of treatment with {x}"
        final = f"Patients in trial {t} received {a.value} of {x}." if a else ""
        tags = (*tags, "attr:course")
    elif sub == "count":
        a = w.enrol(st, with_n=True, ages=rng.chance(0.3))
        q, attr = (
            f"How many patients were enrolled in trial {t}?",
            "the number of patients enrolled",
        )
        final = f"Trial {t} enrolled {a.value} patients." if a else ""
        tags = (*tags, "attr:enrol")
        if a is not None:  # the count, not the age range, is what is asked
            return Item(
                "numeric",
                sub,
                AnswerKind.ANSWER,
                q,
                final,
                [a],
                [a.value],
                f"{attr} in trial {t}",
                tags,
            )
    elif sub == "ages":
        a = w.enrol(st, with_n=rng.chance(0.7), ages=True)
        q, attr = f"What age range of {s.population} did trial {t} include?", "the age range"
        lo, hi = a.claims if a else ("", "")
        final = f"Trial {t} included {s.population} aged between {lo} and {hi}."
        tags = (*tags, "attr:enrol")
    else:
        proto = rng.choice(s.protocols)
        a = w.protocol(st, proto)
        q, attr = proto.question.format(trial=t), proto.attribute
        final = f"In trial {t}, {proto.clause.format(value=a.value)}." if a else ""
        tags = (f"trial:{t}", f"protocol:{proto.key}")
    if a is None:
        return None
    attr = f"{attr} in trial {t}"
    return Item("numeric", sub, AnswerKind.ANSWER, q, final, [a], list(a.claims), attr, tags)


# ---- single fact -------------------------------------------------------------------
def single_fact(w: World, st: Study) -> Item | None:
    """One non-numeric fact stated by one sentence: drug, finding or route."""
    rng, t, x = w.rng, st.trial, st.drug.name
    sub = rng.choice(("trial_drug", "finding", "route"))
    if sub == "trial_drug":
        a = _enrol(w, st)
        q, final = f"Which drug was evaluated in trial {t}?", f"Trial {t} evaluated {x}."
        claims, attr, tags = [x], f"the drug evaluated in trial {t}", (f"trial:{t}", "attr:enrol")
    elif sub == "finding":
        p = rng.choice(w.patients)
        a = _patient_sent(w, p.name, "finding")
        q = w.setting.finding_question.format(name=p.name)
        final = f"The finding reported for {p.name} is {p.finding.phrase}."
        claims, attr = [p.finding.claim], f"the finding reported for {p.name}"
        tags = (f"patient:{p.name}", "attr:patient_finding")
    else:
        a = w.by_key.get((t, "dose", "", "")) or w.dose(st)
        route = st.drug.route
        q = f"By which route was {x} administered in trial {t}?"
        final = f"In trial {t}, {x} was administered {route}."
        claims, attr, tags = [route], f"the route of {x} in trial {t}", (f"trial:{t}", "attr:dose")
    if a is None:
        return None
    return Item("single_fact", sub, AnswerKind.ANSWER, q, final, [a], claims, attr, tags)


ROLES: dict[str, RoleFn] = {
    "insufficient": insufficient,
    "conflict": conflict,
    "negation_trap": negation,
    "multi_hop": multi_hop,
    "numeric": numeric,
    "single_fact": single_fact,
}
"""Builders in the order they run: withheld attributes first, so nothing states them."""
