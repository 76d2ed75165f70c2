"""Vocabulary types of the dipg generator, and the names and designs shared by settings.

The settings themselves live in `_onco` and `_clinical`. Everything is static data:
plausible ranges for synthetic evidence, not clinical guidance. Changing any of it
changes generated tasks, so it requires a bump of the dipg suite version (the
bundled-file test enforces this).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Drug:
    """An intervention with a dose grid, a route, schedules and a course unit."""

    name: str
    unit: str
    lo: float
    hi: float
    step: float
    route: str
    schedules: tuple[str, ...]
    course_unit: str
    course: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A reported outcome with its unit and plausible range."""

    key: str
    name: str
    """Full name used with a value: "median overall survival"."""
    short: str
    """Name used with a verb: "overall survival"."""
    unit: str
    lo: float
    hi: float
    decimals: int
    verb: str
    """Verb of the effect, as in "did not prolong overall survival"."""
    past: str
    better: str
    """The favourable direction, as in "was associated with longer overall survival"."""


@dataclass(frozen=True, slots=True)
class Finding:
    """A patient-level finding (molecular alteration, risk factor, comorbidity)."""

    phrase: str
    """With its article, as it appears in a sentence: "an ACVR1 mutation"."""
    claim: str
    """The short fact a correct answer must state: "ACVR1"."""


@dataclass(frozen=True, slots=True)
class Protocol:
    """A trial-wide protocol fact (radiotherapy dose, fluid bolus, HbA1c target...)."""

    key: str
    clause: str
    """Clause with a `{value}` slot."""
    question: str
    """Question with a `{trial}` slot."""
    attribute: str
    """What is asked, for the abstention final: "the radiotherapy dose"."""
    values: tuple[tuple[str, tuple[str, ...]], ...]
    """(value text, claims) pairs."""


@dataclass(frozen=True, slots=True)
class Setting:
    """One clinical setting: everything the generator needs to write a context."""

    key: str
    short: str
    population: str
    adult: bool
    ages: tuple[int, int]
    drugs: tuple[Drug, ...]
    endpoints: tuple[Endpoint, ...]
    findings: tuple[Finding, ...]
    finding_sentence: str
    finding_question: str
    finding_noun: str
    safety_event: str
    protocols: tuple[Protocol, ...]
    background: tuple[str, ...]


def drug(spec: str) -> Drug:
    """`name; unit; lo-hi/step; route; schedule|schedule; course_unit lo-hi`."""
    name, unit, grid, route, schedules, course = (p.strip() for p in spec.split(";"))
    span, step = grid.split("/")
    lo, hi = span.split("-")
    course_unit, course_span = course.split(" ")
    c_lo, c_hi = course_span.split("-")
    return Drug(
        name,
        unit,
        float(lo),
        float(hi),
        float(step),
        route,
        tuple(schedules.split("|")),
        course_unit,
        (int(c_lo), int(c_hi)),
    )


def endpoint(spec: str) -> Endpoint:
    """`key; name; short; unit; lo-hi/decimals; verb`."""
    key, name, short, unit, grid, verb = (p.strip() for p in spec.split(";"))
    span, dec = grid.split("/")
    lo, hi = span.split("-")
    past = verb + "d" if verb.endswith("e") else verb + "ed"
    better = {
        "prolong": f"longer {short}",
        "improve": f"better {short}",
        "reduce": f"lower {short}",
        "shorten": f"shorter {short}",
        "lower": f"a larger fall in {short}",
        "increase": f"more {short}",
    }[verb]
    return Endpoint(key, name, short, unit, float(lo), float(hi), int(dec), verb, past, better)


def findings(spec: str) -> tuple[Finding, ...]:
    """`phrase = claim; phrase = claim`; a phrase without `=` is its own claim."""
    out = []
    for part in spec.split(";"):
        phrase, _, claim = part.partition("=")
        out.append(Finding(phrase.strip(), (claim or phrase).strip()))
    return tuple(out)


def protocol(key: str, clause: str, question: str, attribute: str, values: str) -> Protocol:
    """`values`: `text = claim|claim; text = claim`; a text without `=` is its own claim."""
    parsed = []
    for part in values.split(";"):
        text, _, claims = part.partition("=")
        parsed.append((text.strip(), tuple(c.strip() for c in (claims or text).split("|"))))
    return Protocol(key, clause, question, attribute, tuple(parsed))


def radiotherapy(key: str, clause: str, question: str, attribute: str, fx: str) -> Protocol:
    """A radiotherapy protocol; `fx` like `54/30, 59.4/33` (Gy / fractions)."""
    values = []
    for pair in fx.split(","):
        dose, frac = pair.strip().split("/")
        values.append(f"{dose} Gy in {frac} fractions = {dose} Gy|{frac} fractions")
    return protocol(key, clause, question, attribute, "; ".join(values))


FIRST_NAMES = (
    "Maya Liam Aisha Noah Sofia Mateo Hana Omar Lucia Kofi Ingrid Ravi Elena Tariq Mei Jonas "
    "Amara Diego Freya Yusuf Chloe Arjun Nadia Felix Zara Tomas Leila Hugo Priya Emil Ines "
    "Kwame Astrid Samir Julia Kenji Rosa Idris Clara Mateus Nia Oskar Yara Bruno Selin Ada "
    "Luca Imani Theo Farah Milan Greta Rafael Anya Dev Lina Pablo Esme Karim"
).split()

DESIGNS = (
    "phase I trial",
    "phase II trial",
    "phase I/II trial",
    "phase III trial",
    "randomised phase II trial",
    "single-arm phase II trial",
    "pilot study",
    "multicentre cohort study",
)

COMPARATORS = (
    "historical controls",
    "the control arm",
    "standard care",
    "a matched reference cohort",
)
