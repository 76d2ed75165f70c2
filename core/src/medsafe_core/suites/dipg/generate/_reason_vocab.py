"""Vocabulary of the version 2 reasoning questions: screening measures with entry limits,
treatment phases, dated events, supportive medicines and paraphrases of endpoints.

Static, fictional but plausible data (not clinical guidance). Changing it changes
version 2 tasks, so it requires a new generator version.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Measure:
    """A screening value with an entry limit: patients need at least (or at most) `cut`."""

    name: str
    """As written in the context: "systolic blood pressure"."""
    paraphrase: str
    """As a question may put it: "blood pressure (systolic)"."""
    unit: str
    lo: float
    hi: float
    step: float
    minimum: bool
    """True: the trial requires at least the limit; False: at most."""


def _m(spec: str) -> Measure:
    """`name; paraphrase; unit; lo-hi/step; min|max`."""
    name, para, unit, grid, kind = (p.strip() for p in spec.split(";"))
    span, step = grid.split("/")
    lo, hi = span.split("-")
    return Measure(name, para, unit, float(lo), float(hi), float(step), kind == "min")


_CHILD = (
    _m("body weight; weight; kg; 8-40/1; min"),
    _m("haemoglobin; haemoglobin level; g/dL; 6.5-13/0.1; min"),
    _m("serum creatinine; creatinine level; mg/dL; 0.3-1.9/0.1; max"),
)
MEASURES: dict[str, tuple[Measure, ...]] = {
    "dipg": _CHILD,
    "medulloblastoma": _CHILD,
    "neuroblastoma": _CHILD,
    "glioblastoma": (
        _m("haemoglobin; haemoglobin level; g/dL; 7-15/0.1; min"),
        _m("serum creatinine; creatinine level; mg/dL; 0.5-2.4/0.1; max"),
        _m("creatinine clearance; kidney function (creatinine clearance); mL/min; 25-110/1; min"),
    ),
    "sepsis": (
        _m("mean arterial pressure; arterial pressure (mean); mmHg; 48-92/1; min"),
        _m("serum lactate; lactate level; mmol/L; 0.8-8.5/0.1; max"),
        _m("body weight; weight; kg; 45-130/1; max"),
    ),
    "anticoagulation": (
        _m("creatinine clearance; kidney function (creatinine clearance); mL/min; 18-110/1; min"),
        _m("body weight; weight; kg; 42-150/1; max"),
        _m("haemoglobin; haemoglobin level; g/dL; 7-16/0.1; min"),
    ),
    "diabetes": (
        _m("HbA1c; glycated haemoglobin; %; 6.2-11.8/0.1; max"),
        _m("systolic blood pressure; blood pressure (systolic); mmHg; 112-178/1; max"),
        _m("eGFR; kidney function (eGFR); mL/min; 25-110/1; min"),
    ),
}

PHASES: dict[str, tuple[tuple[str, str], ...]] = {
    "onco": (("induction", "consolidation"), ("induction", "maintenance")),
    "sepsis": (("intravenous", "oral step-down"),),
    "anticoagulation": (("initial", "extended"), ("loading", "maintenance")),
    "diabetes": (("titration", "maintenance"),),
}
"""Two phases of a course, by setting (oncology settings share theirs)."""

SUPPORTIVE: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("dexamethasone", (6, 8, 12)),
    ("ondansetron", (8, 12)),
    ("paracetamol", (4, 6)),
    ("ibuprofen", (6, 8)),
)
"""Supportive medicines and their dosing intervals in hours."""

FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    "onco": ("follow-up MRI", "next clinic review", "response assessment"),
    "sepsis": ("discharge from intensive care", "repeat blood culture", "follow-up visit"),
    "anticoagulation": ("repeat ultrasound", "follow-up visit", "next anti-Xa level"),
    "diabetes": ("repeat HbA1c test", "follow-up visit", "retinal screening"),
}
"""Events that follow the start of treatment, by setting."""

ARMS = ("placebo", "standard care", "usual care")
"""What a randomised trial's experimental arm is compared with."""

ENDPOINT_PARAPHRASES: dict[str, str] = {
    "os": "median survival time",
    "pfs": "median time to progression",
    "orr": "share of patients responding on MRI",
    "efs5": "event-free survival at five years",
    "os5": "survival at five years",
    "hear": "share of children with severe hearing loss",
    "efs3": "event-free survival at three years",
    "os3": "survival at three years",
    "cr": "share of complete responders",
    "surv2": "share of patients alive at two years",
    "mort28": "mortality at 28 days",
    "icu": "median time in intensive care",
    "shock": "median time until shock resolved",
    "bleed": "rate of major bleeds",
    "recur": "rate of VTE recurrence",
    "death": "death rate from any cause",
    "hba1c": "mean fall in HbA1c",
    "weight": "mean fall in body weight",
    "hypo": "rate of severe hypoglycaemic episodes",
}
"""How a question may name an endpoint without the context's words for it."""

VERB_PARAPHRASES = {
    "prolong": "lengthen",
    "improve": "boost",
    "reduce": "decrease",
    "increase": "raise",
}
"""Verbs a yes/no question may use for an endpoint's verb (words no context uses)."""


def family_of(setting_key: str) -> str:
    """The key under which per-setting tables above list a setting."""
    onco = ("dipg", "medulloblastoma", "neuroblastoma", "glioblastoma")
    return "onco" if setting_key in onco else setting_key
