"""The synthetic clinical world of one dipg scenario: studies, patients and sentences.

A `World` renders facts as sentences and keeps a registry of what has been said, keyed
by (trial, kind, endpoint, finding). The registry is what makes questions unambiguous
(a (trial, attribute) pair is stated at most once, except on purpose for conflicts)
and what makes abstention tasks honest: an `absent` check, once registered, refuses
every later sentence that would state the withheld attribute.

Only lists and dicts are iterated (never sets), so output does not depend on
PYTHONHASHSEED.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from medsafe_core.suites.dipg.generate._text import (
    Rng,
    article,
    distinct_values,
    fmt_number,
    grid_value,
    number_words,
    with_unit,
)
from medsafe_core.suites.dipg.generate._vocab import (
    COMPARATORS,
    DESIGNS,
    FIRST_NAMES,
    Drug,
    Endpoint,
    Finding,
    Protocol,
    Setting,
)

Key = tuple[str, str, str, str]
"""(trial, kind, endpoint key, finding claim); empty strings where not applicable."""
Rule = tuple[str, str | None, str | None, str | None]
"""A forbidden-key pattern: trial, then kind prefix / endpoint / finding or None (any)."""


@dataclass(slots=True)
class Study:
    """One trial report: a source label, a year, a design, a trial id and its drug."""

    label: str
    year: int
    design: str
    trial: str
    drug: Drug


@dataclass(slots=True)
class Patient:
    """A patient who took part in one trial and has one finding."""

    name: str
    age: int
    study: Study
    finding: Finding


@dataclass(slots=True)
class Sent:
    """A rendered sentence with its topic tags and the facts it states."""

    text: str
    tags: tuple[str, ...]
    value: str = ""
    claims: tuple[str, ...] = ()
    label: str = ""


@dataclass(slots=True)
class World:
    """Sentences of one scenario and the constraints between them."""

    rng: Rng
    setting: Setting
    long: bool
    studies: list[Study] = field(default_factory=list)
    patients: list[Patient] = field(default_factory=list)
    sents: list[Sent] = field(default_factory=list)
    by_key: dict[Key, Sent] = field(default_factory=dict)
    forbid: list[Rule] = field(default_factory=list)
    absent: list[tuple[str, ...]] = field(default_factory=list)
    pools: dict[str, list[float]] = field(default_factory=dict)
    labels_used: int = 0
    links: list[tuple[Sent, Sent]] = field(default_factory=list)
    """(head, follower) pairs: the follower refers back to the head and must follow it."""

    # ---- setup -------------------------------------------------------------------
    def make_studies(self, n: int) -> None:
        """n studies with distinct trial ids; long scenarios get near-miss ids."""
        rng = self.rng
        drugs = rng.shuffled(self.setting.drugs)
        trials: list[str] = []
        while len(trials) < n:
            if trials and self.long and rng.chance(0.5):
                # Near miss: same prefix, last two digits changed.
                base = rng.choice(trials)
                trial = base[:-2] + f"{rng.below(100):02d}"
            else:
                trial = f"NCT0{rng.randint(1_000_000, 6_999_999)}"
            if trial not in trials:
                trials.append(trial)
        for i, trial in enumerate(trials):
            drug = drugs[i] if i < len(drugs) else rng.choice(drugs)
            study = Study(
                self.next_label(), rng.randint(2012, 2024), rng.choice(DESIGNS), trial, drug
            )
            self.studies.append(study)

    def make_patients(self, n: int) -> None:
        """n patients in distinct trials (where possible) with distinct findings."""
        rng = self.rng
        names = rng.sample(FIRST_NAMES, n)
        findings = rng.shuffled(self.setting.findings)
        studies = rng.shuffled(self.studies)
        lo, hi = self.setting.ages
        for i, name in enumerate(names):
            age = rng.randint(lo, hi)
            patient = Patient(name, age, studies[i % len(studies)], findings[i % len(findings)])
            self.patients.append(patient)

    def next_label(self) -> str:
        """The next source letter."""
        self.labels_used += 1
        return chr(ord("A") + self.labels_used - 1)

    def value(self, ep: Endpoint) -> float:
        """A fresh value of an endpoint, distinct from every other one in this scenario."""
        pool = self.pools.get(ep.key)
        if not pool:  # first use, or a narrow range used up (then values may repeat)
            pool = distinct_values(self.rng, ep.lo, ep.hi, ep.decimals, 24)
            self.pools[ep.key] = pool
        return pool.pop()

    def far_value(self, ep: Endpoint, other: float) -> float:
        """A fresh value at least a sixth of the range away from `other` (for conflicts)."""
        pool = self.pools.get(ep.key) or []
        for i in range(len(pool) - 1, -1, -1):
            if abs(pool[i] - other) >= (ep.hi - ep.lo) / 6:
                return pool.pop(i)
        return round(ep.hi if other < (ep.lo + ep.hi) / 2 else ep.lo, ep.decimals)

    # ---- registry ----------------------------------------------------------------
    def allowed(self, key: Key, text: str) -> bool:
        """Whether a sentence with this key and text may be added."""
        if key in self.by_key:
            return False
        for trial, kind, ep, finding in self.forbid:
            if (
                trial == key[0]
                and (kind is None or key[1].startswith(kind))
                and (ep is None or ep == key[2])
                and (finding is None or finding == key[3])
            ):
                return False
        low = text.lower()
        return not any(all(part in low for part in check) for check in self.absent)

    def add(self, key: Key, sent: Sent) -> Sent | None:
        """Register a sentence; None when a constraint refuses it."""
        if not self.allowed(key, sent.text):
            return None
        self.by_key[key] = sent
        self.sents.append(sent)
        return sent

    def withhold(self, rule: Rule, check: tuple[str, ...]) -> None:
        """Withhold an attribute: refuse matching keys and any sentence containing all of
        `check` (case-insensitive)."""
        self.forbid.append(rule)
        self.absent.append(tuple(part.lower() for part in check))

    # ---- rendering ---------------------------------------------------------------
    def say(self, st: Study, clause: str, label: str | None = None, year: int = 0) -> str:
        """A sentence about a study, with its source; `label` for a second source."""
        t, d = st.trial, st.design
        if label is not None:
            intro = self.rng.below(3)
            if intro == 0:
                return f"A {year} follow-up analysis of trial {t} (Source {label}) reported that {clause}."  # noqa: E501
            if intro == 1:
                return f"An independent {year} re-analysis of trial {t} (Source {label}) found that {clause}."  # noqa: E501
            return f"According to a {year} pooled update of trial {t} (Source {label}), {clause}."
        y, lab = st.year, st.label
        intro = self.rng.below(4)
        if intro == 0:
            return f"In the {y} {d} {t} (Source {lab}), {clause}."
        if intro == 1:
            return f"According to the {y} {d} report of trial {t} (Source {lab}), {clause}."
        if intro == 2:
            return f"The {y} {d} {t} (Source {lab}) reported that {clause}."
        return f"Trial {t}, a {y} {d} (Source {lab}), found that {clause}."

    def _tags(self, st: Study, *extra: str) -> tuple[str, ...]:
        return (f"trial:{st.trial}", f"drug:{st.drug.name}", *extra)

    # ---- facts -------------------------------------------------------------------
    def enrol(self, st: Study, with_n: bool, ages: bool) -> Sent | None:
        """The enrolment sentence. Only sentences stating a count use "enrolled"."""
        rng, s = self.rng, self.setting
        age_text = ""
        claims: tuple[str, ...] = ()
        if ages:
            lo = rng.randint(18, 30) if s.adult else rng.randint(1, 5)
            hi = rng.randint(70, 85) if s.adult else rng.randint(12, 21)
            age_text = f" aged between {lo} and {hi} years"
            claims = (str(lo), f"{hi} years")
        who = f"{s.population} with {s.short}{age_text}"
        drug = st.drug.name
        n_text = ""
        if with_n:
            n = rng.randint(12, 160)
            n_text = number_words(n) if n <= 40 and rng.chance(0.3) else str(n)
            verb = rng.choice(("were enrolled to receive", "were enrolled and treated with"))
            clause = f"{n_text} {who} {verb} {drug}"
        elif rng.chance(0.5):
            clause = f"{drug} was evaluated in {who}"
        else:
            clause = f"{who} were treated with {drug}"
        sent = Sent(self.say(st, clause), self._tags(st, "attr:enrol"), n_text, claims, st.label)
        return self.add((st.trial, "enrol", "", ""), sent)

    def dose(self, st: Study, kind: str = "dose", label: str | None = None) -> Sent | None:
        """The dose sentence; every dose sentence, and only those, says "administered"."""
        rng, drug = self.rng, st.drug
        # Doses already stated for this drug (in any trial, or by the other source of a
        # conflict): a new dose differs from them where the grid allows.
        tag = f"drug:{drug.name}"
        used = [
            x.value for k, x in self.by_key.items() if k[1].startswith("dose") and tag in x.tags
        ]
        value = grid_value(rng, drug.lo, drug.hi, drug.step)
        dose = with_unit(fmt_number(value), drug.unit)
        for _ in range(6):
            if dose not in used:
                break
            dose = with_unit(fmt_number(grid_value(rng, drug.lo, drug.hi, drug.step)), drug.unit)
        sched = rng.choice(drug.schedules)
        if rng.chance(0.5):
            clause = f"{drug.name} was administered {drug.route} at {dose} {sched}"
        else:
            clause = f"{drug.name} was administered at {dose} {sched}, given {drug.route}"
        year = st.year + rng.randint(1, 3)
        sent = Sent(
            self.say(st, clause, label, year),
            self._tags(st, "attr:dose"),
            dose,
            (dose,),
            label or st.label,
        )
        return self.add((st.trial, kind, "", ""), sent)

    def course(self, st: Study) -> Sent | None:
        """How many cycles (or weeks, days, months) of the drug patients received."""
        rng, drug = self.rng, st.drug
        count = rng.randint(*drug.course)
        text = f"{number_words(count) if rng.chance(0.6) else count} {drug.course_unit}"
        if rng.chance(0.5):
            clause = f"patients received {text} of {drug.name}"
        else:
            clause = f"treatment with {drug.name} continued for {text}"
        sent = Sent(self.say(st, clause), self._tags(st, "attr:course"), text, (text,), st.label)
        return self.add((st.trial, "course", "", ""), sent)

    def endpoint(
        self,
        st: Study,
        ep: Endpoint,
        value: float | None = None,
        kind: str = "ep",
        label: str | None = None,
    ) -> Sent | None:
        """A reported endpoint value for the trial's drug."""
        rng, drug = self.rng, st.drug.name
        v = with_unit(fmt_number(self.value(ep) if value is None else value, ep.decimals), ep.unit)
        form = rng.below(3)
        if form == 0:
            clause = f"the {ep.name} with {drug} was {v}"
        elif form == 1:
            clause = f"patients receiving {drug} had {article(ep.name)} {ep.name} of {v}"
        else:
            clause = f"{drug} was associated with {article(ep.name)} {ep.name} of {v}"
        year = st.year + rng.randint(1, 3)
        text = self.say(st, clause, label, year)
        sent = Sent(text, self._tags(st, f"ep:{ep.key}"), v, (v,), label or st.label)
        return self.add((st.trial, kind, ep.key, ""), sent)

    def polarity(
        self, st: Study, ep: Endpoint, positive: bool, kind: str = "pol", label: str | None = None
    ) -> Sent | None:
        """Whether the drug improved the endpoint against a comparator."""
        drug, comp = st.drug.name, self.rng.choice(COMPARATORS)
        effect = f"{ep.past} {ep.short}" if positive else f"did not {ep.verb} {ep.short}"
        claim = ep.past if positive else f"did not {ep.verb}"
        clause = f"{drug} {effect} compared with {comp}"
        text = self.say(st, clause, label, st.year + self.rng.randint(1, 3))
        tags = self._tags(st, f"ep:{ep.key}", "attr:effect")
        sent = Sent(text, tags, effect, (claim,), label or st.label)
        return self.add((st.trial, kind, ep.key, ""), sent)

    def safety(self, st: Study, none: bool) -> Sent | None:
        """Whether the safety event of the setting occurred."""
        event, drug = self.setting.safety_event, st.drug.name
        if none:
            clause, claim = f"no {event} was observed with {drug}", f"no {event}"
        else:
            pct = f"{self.rng.randint(4, 35)}%"
            clause, claim = f"{event} occurred in {pct} of patients receiving {drug}", pct
        sent = Sent(self.say(st, clause), self._tags(st, "attr:safety"), claim, (claim,), st.label)
        return self.add((st.trial, "safety", "", ""), sent)

    def assoc(self, st: Study, finding: Finding, ep: Endpoint, positive: bool) -> Sent | None:
        """Whether a finding was associated with a better endpoint."""
        rel = "was associated" if positive else "was not associated"
        clause = f"the presence of {finding.phrase} {rel} with {ep.better}"
        tags = (f"trial:{st.trial}", f"finding:{finding.claim}", f"ep:{ep.key}", "attr:assoc")
        sent = Sent(self.say(st, clause), tags, rel, (rel,), st.label)
        return self.add((st.trial, "assoc", ep.key, finding.claim), sent)

    def subgroup(self, st: Study, finding: Finding, ep: Endpoint) -> Sent | None:
        """An endpoint value in the subgroup of patients with a finding."""
        v = with_unit(fmt_number(self.value(ep), ep.decimals), ep.unit)
        clause = f"patients with {finding.phrase} had {article(ep.name)} {ep.name} of {v}"
        tags = (f"trial:{st.trial}", f"finding:{finding.claim}", f"ep:{ep.key}", "attr:subgroup")
        sent = Sent(self.say(st, clause), tags, v, (v,), st.label)
        return self.add((st.trial, "sub", ep.key, finding.claim), sent)

    def protocol(self, st: Study, proto: Protocol) -> Sent | None:
        """A trial-wide protocol fact (radiotherapy dose, fluid bolus, target...)."""
        text, claims = self.rng.choice(proto.values)
        clause = proto.clause.format(value=text)
        tags = (f"trial:{st.trial}", f"protocol:{proto.key}")
        sent = Sent(self.say(st, clause), tags, text, claims, st.label)
        return self.add((st.trial, "proto", proto.key, ""), sent)

    def patient_trial(self, p: Patient) -> Sent | None:
        """Which trial a patient took part in (no source: case notes)."""
        s = self.setting
        article = "an" if p.age in (8, 11, 18) or 80 <= p.age <= 89 else "a"
        trial = p.study.trial
        text = f"{p.name}, {article} {p.age}-year-old with {s.short}, took part in trial {trial}."
        tags = (f"patient:{p.name}", f"trial:{p.study.trial}", "attr:patient_trial")
        return self.add((f"patient:{p.name}", "trial", "", ""), Sent(text, tags, p.study.trial))

    def patient_finding(self, p: Patient) -> Sent | None:
        """A patient's finding (biopsy, work-up, record)."""
        text = self.setting.finding_sentence.format(name=p.name, finding=p.finding.phrase)
        tags = (f"patient:{p.name}", f"finding:{p.finding.claim}", "attr:patient_finding")
        sent = Sent(text, tags, p.finding.phrase, (p.finding.claim,))
        return self.add((f"patient:{p.name}", "finding", "", ""), sent)
