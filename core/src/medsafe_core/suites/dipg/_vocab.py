"""Clinical vocabulary of the dipg generator: fictional but plausible settings.

Everything here is static data. The numbers are plausible ranges for synthetic
evidence, not clinical guidance; the generator draws from them with a seeded RNG.
Changing anything in this file changes generated tasks, so it requires a bump of
the dipg suite version (the bundled-file test enforces this).
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
    condition: str
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


def _num(text: str) -> float:
    return float(text)


def _drug(spec: str) -> Drug:
    """`name; unit; lo-hi/step; route; schedule|schedule; course_unit lo-hi`."""
    name, unit, grid, route, schedules, course = (p.strip() for p in spec.split(";"))
    span, step = grid.split("/")
    lo, hi = span.split("-")
    course_unit, course_span = course.split(" ")
    c_lo, c_hi = course_span.split("-")
    return Drug(
        name, unit, _num(lo), _num(hi), _num(step), route, tuple(schedules.split("|")),
        course_unit, (int(c_lo), int(c_hi)),
    )  # fmt: skip


def _ep(spec: str) -> Endpoint:
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
    return Endpoint(key, name, short, unit, _num(lo), _num(hi), int(dec), verb, past, better)


_OS = _ep("os; median overall survival; overall survival; months; 7.5-22/1; prolong")
_PFS = _ep(
    "pfs; median progression-free survival; progression-free survival; months; 3.5-11/1; prolong"
)

DIPG = Setting(
    key="dipg",
    condition="diffuse intrinsic pontine glioma (DIPG)",
    short="DIPG",
    population="children",
    adult=False,
    ages=(3, 15),
    drugs=(
        _drug(
            "ONC201; mg; 125-625/62.5; orally; once weekly|on two consecutive days each week; "
            "cycles 2-9"
        ),
        _drug(
            "panobinostat; mg/m2; 10-24/2; orally; three times weekly|on alternate days; "
            "cycles 2-8"
        ),
        _drug("everolimus; mg/m2; 2.5-5/0.5; orally; once daily; cycles 3-10"),
        _drug("bevacizumab; mg/kg; 5-15/2.5; intravenously; every two weeks; cycles 4-12"),
        _drug("nimotuzumab; mg/m2; 100-200/50; intravenously; once weekly; weeks 6-24"),
        _drug("paxalisib; mg/m2; 21-45/3; orally; once daily; cycles 2-8"),
    ),
    endpoints=(
        _OS,
        _PFS,
        _ep("orr; radiographic response rate on MRI; radiographic response; %; 8-60/0; improve"),
    ),
    findings=(
        Finding("an ACVR1 mutation", "ACVR1"),
        Finding("a TP53 mutation", "TP53"),
        Finding("a PIK3CA mutation", "PIK3CA"),
        Finding("an H3.1 K27M alteration", "H3.1 K27M"),
        Finding("a PPM1D mutation", "PPM1D"),
    ),
    finding_sentence="A stereotactic biopsy of {name}'s tumour showed {finding}.",
    finding_question="What alteration did the biopsy of {name}'s tumour show?",
    finding_noun="the alteration found in {name}'s tumour",
    safety_event="grade 3 or higher toxicity",
    protocols=(
        _rt("rt", "all patients also received focal radiotherapy of {value}",
            "What radiotherapy dose did patients in trial {trial} receive?", "the radiotherapy dose",
            ("54 Gy", "30 fractions"), ("59.4 Gy", "33 fractions"), ("39 Gy", "13 fractions"),
            ("45 Gy", "15 fractions")),
        _rt("reirr", "patients with progression were offered re-irradiation of {value}",
            "What re-irradiation dose was offered at progression in trial {trial}?",
            "the re-irradiation dose", ("24 Gy", "12 fractions"), ("20 Gy", "10 fractions"),
            ("30.6 Gy", "17 fractions"), ("26.4 Gy", "12 fractions")),
    ),  # fmt: skip
    background=(
        "Diffuse intrinsic pontine glioma (DIPG) is a diffuse midline glioma, H3 K27M-altered, "
        "that arises in the pons of children.",
        "Because of its location in the brainstem the tumour cannot be resected, and biopsy is "
        "performed mainly for molecular profiling and trial eligibility.",
        "ONC201 (dordaviprone) is an oral imipridone that antagonises the dopamine receptor DRD2.",
        "Response is assessed on MRI, and focal radiotherapy remains the standard first-line "
        "treatment.",
    ),
)

MEDULLOBLASTOMA = Setting(
    key="medulloblastoma",
    condition="medulloblastoma",
    short="medulloblastoma",
    population="children",
    adult=False,
    ages=(3, 16),
    drugs=(
        _drug("cisplatin; mg/m2; 60-75/5; intravenously; on day 1 of each cycle; cycles 4-8"),
        _drug("vincristine; mg/m2; 1-2/0.5; intravenously; once weekly; weeks 6-12"),
        _drug("lomustine; mg/m2; 60-75/5; orally; on day 1 of each cycle; cycles 4-8"),
        _drug(
            "cyclophosphamide; mg/m2; 750-2000/250; intravenously; "
            "on days 1 and 2 of each cycle; cycles 2-6"
        ),
        _drug("vismodegib; mg; 75-150/25; orally; once daily; months 3-12"),
    ),
    endpoints=(
        _ep("efs5; five-year event-free survival; event-free survival; %; 55-92/0; improve"),
        _ep("os5; five-year overall survival; overall survival; %; 60-95/0; improve"),
        _ep("hear; rate of severe hearing loss; severe hearing loss; %; 8-40/0; reduce"),
    ),
    findings=(
        Finding("a WNT-activated subgroup", "WNT-activated"),
        Finding("an SHH-activated subgroup", "SHH-activated"),
        Finding("MYC amplification", "MYC amplification"),
        Finding("a TP53 mutation", "TP53"),
    ),
    finding_sentence="Molecular profiling of {name}'s resected tumour showed {finding}.",
    finding_question="What did molecular profiling of {name}'s tumour show?",
    finding_noun="the molecular feature found in {name}'s tumour",
    safety_event="grade 3 or higher ototoxicity",
    protocols=(
        Protocol("csi", "patients received craniospinal irradiation of {value}",
                 "What craniospinal irradiation dose was used in trial {trial}?",
                 "the craniospinal irradiation dose",
                 (("23.4 Gy", ("23.4 Gy",)), ("36 Gy", ("36 Gy",)), ("18 Gy", ("18 Gy",)),
                  ("between 18 and 23.4 Gy", ("18", "23.4 Gy")))),
    ),  # fmt: skip
    background=(
        "Medulloblastoma is the most common malignant brain tumour of childhood and arises in "
        "the posterior fossa.",
        "Treatment combines maximal safe resection, craniospinal irradiation and multi-agent "
        "chemotherapy.",
        "Molecular subgroup guides risk stratification and the intensity of therapy.",
    ),
)

NEUROBLASTOMA = Setting(
    key="neuroblastoma",
    condition="high-risk neuroblastoma",
    short="high-risk neuroblastoma",
    population="children",
    adult=False,
    ages=(1, 10),
    drugs=(
        _drug("dinutuximab; mg/m2; 10-25/2.5; intravenously; daily for four days; cycles 3-6"),
        _drug("isotretinoin; mg/m2; 80-160/20; orally; daily for 14 days; cycles 4-6"),
        _drug("topotecan; mg/m2; 0.75-1.5/0.25; intravenously; daily for five days; cycles 2-6"),
        _drug("lorlatinib; mg/m2; 45-115/10; orally; once daily; months 3-12"),
        _drug("naxitamab; mg/kg; 2.25-3/0.25; intravenously; on days 1, 3 and 5; cycles 3-8"),
    ),
    endpoints=(
        _ep("efs3; three-year event-free survival; event-free survival; %; 35-72/0; improve"),
        _ep("os3; three-year overall survival; overall survival; %; 45-82/0; improve"),
        _ep("cr; complete response rate; complete response; %; 18-55/0; improve"),
    ),
    findings=(
        Finding("MYCN amplification", "MYCN"),
        Finding("an ALK mutation", "ALK"),
        Finding("11q loss", "11q loss"),
    ),
    finding_sentence="Tumour genetic testing in {name} showed {finding}.",
    finding_question="What did tumour genetic testing in {name} show?",
    finding_noun="the genetic feature found in {name}'s tumour",
    safety_event="grade 3 or higher neuropathic pain",
    protocols=(
        _rt("rt", "patients received radiotherapy to the primary site of {value}",
            "What radiotherapy dose to the primary site was used in trial {trial}?",
            "the radiotherapy dose to the primary site",
            ("21.6 Gy", "12 fractions"), ("21 Gy", "14 fractions"), ("36 Gy", "20 fractions")),
    ),  # fmt: skip
    background=(
        "Neuroblastoma arises from neural crest cells and is the most common extracranial solid "
        "tumour of childhood.",
        "High-risk disease is treated with induction chemotherapy, surgery, consolidation and "
        "anti-GD2 immunotherapy.",
    ),
)

GLIOBLASTOMA = Setting(
    key="glioblastoma",
    condition="IDH-wildtype glioblastoma",
    short="glioblastoma",
    population="adults",
    adult=True,
    ages=(38, 79),
    drugs=(
        _drug(
            "temozolomide; mg/m2; 75-200/25; orally; "
            "once daily|on days 1 to 5 of each 28-day cycle; cycles 6-12"
        ),
        _drug("lomustine; mg/m2; 90-130/10; orally; every six weeks; cycles 2-6"),
        _drug("bevacizumab; mg/kg; 5-15/2.5; intravenously; every two weeks; months 3-12"),
        _drug(
            "regorafenib; mg; 80-160/40; orally; once daily for three weeks of every four; "
            "cycles 2-8"
        ),
    ),
    endpoints=(
        _ep("os; median overall survival; overall survival; months; 11-24/1; prolong"),
        _PFS,
        _ep("surv2; two-year survival rate; two-year survival; %; 12-48/0; improve"),
    ),
    findings=(
        Finding("MGMT promoter methylation", "MGMT promoter methylation"),
        Finding("EGFR amplification", "EGFR amplification"),
        Finding("a TERT promoter mutation", "TERT"),
    ),
    finding_sentence="Pathology review of {name}'s resection specimen showed {finding}.",
    finding_question="What did pathology review of {name}'s resection specimen show?",
    finding_noun="the molecular feature found in {name}'s specimen",
    safety_event="grade 3 or higher thrombocytopenia",
    protocols=(
        _rt("rt", "all patients also received radiotherapy of {value}",
            "What radiotherapy dose did patients in trial {trial} receive?", "the radiotherapy dose",
            ("60 Gy", "30 fractions"), ("40 Gy", "15 fractions"), ("25 Gy", "5 fractions")),
        Protocol("ttf", "patients wore tumour treating fields for {value}",
                 "For how many hours per day were tumour treating fields worn in trial {trial}?",
                 "the daily duration of tumour treating fields",
                 (("between 18 and 22 hours per day", ("18", "22 hours")),
                  ("at least 18 hours per day", ("18 hours",)))),
    ),  # fmt: skip
    background=(
        "Glioblastoma is the most common malignant primary brain tumour of adults.",
        "Standard care combines maximal safe resection with radiotherapy and temozolomide.",
    ),
)

SEPSIS = Setting(
    key="sepsis",
    condition="sepsis",
    short="sepsis",
    population="adults",
    adult=True,
    ages=(30, 89),
    drugs=(
        _drug(
            "piperacillin-tazobactam; g; 2.25-4.5/1.125; intravenously; "
            "every six hours|every eight hours; days 5-10"
        ),
        _drug("meropenem; g; 0.5-2/0.5; intravenously; every eight hours; days 5-14"),
        _drug("vancomycin; mg/kg; 15-25/2.5; intravenously; every 12 hours; days 5-14"),
        _drug("hydrocortisone; mg; 50-100/25; intravenously; every six hours; days 3-7"),
        _drug("ceftriaxone; g; 1-2/1; intravenously; once daily; days 5-10"),
    ),
    endpoints=(
        _ep("mort28; 28-day mortality; 28-day mortality; %; 12-42/1; reduce"),
        _ep("icu; median ICU length of stay; ICU length of stay; days; 3.5-12.5/1; shorten"),
        _ep(
            "shock; median time to shock reversal; time to shock reversal; hours; 16-60/0; "
            "shorten"
        ),
    ),
    findings=(
        Finding("Escherichia coli bacteraemia", "Escherichia coli"),
        Finding("a serum lactate above 4 mmol/L", "lactate above 4 mmol/L"),
        Finding("acute kidney injury on admission", "acute kidney injury"),
        Finding("a pulmonary source of infection", "pulmonary source"),
    ),
    finding_sentence="The admission work-up of {name} showed {finding}.",
    finding_question="What did the admission work-up of {name} show?",
    finding_noun="the finding in {name}'s admission work-up",
    safety_event="Clostridioides difficile infection",
    protocols=(
        Protocol("fluid", "all patients received a crystalloid bolus of {value} within three hours",
                 "What crystalloid bolus did patients in trial {trial} receive?",
                 "the crystalloid bolus volume",
                 (("30 mL/kg", ("30 mL/kg",)), ("20 mL/kg", ("20 mL/kg",)),
                  ("between 20 and 30 mL/kg", ("20", "30 mL/kg")))),
        Protocol("map", "vasopressors were titrated to a mean arterial pressure of {value}",
                 "What mean arterial pressure target was used in trial {trial}?",
                 "the mean arterial pressure target",
                 (("65 mmHg", ("65 mmHg",)), ("80 mmHg", ("80 mmHg",)),
                  ("between 65 and 70 mmHg", ("65", "70 mmHg")))),
    ),  # fmt: skip
    background=(
        "Sepsis is life-threatening organ dysfunction caused by a dysregulated host response to "
        "infection.",
        "Early recognition, prompt antibiotics and source control are the core of management.",
    ),
)

ANTICOAGULATION = Setting(
    key="anticoagulation",
    condition="acute venous thromboembolism (VTE)",
    short="VTE",
    population="adults",
    adult=True,
    ages=(25, 88),
    drugs=(
        _drug("apixaban; mg; 2.5-10/2.5; orally; twice daily; months 3-12"),
        _drug("rivaroxaban; mg; 10-20/5; orally; once daily|twice daily; months 3-12"),
        _drug("enoxaparin; mg/kg; 1-1.5/0.5; subcutaneously; twice daily|once daily; days 5-10"),
        _drug("dabigatran; mg; 110-150/40; orally; twice daily; months 3-6"),
        _drug("edoxaban; mg; 30-60/30; orally; once daily; months 3-12"),
    ),
    endpoints=(
        _ep("bleed; major bleeding rate; major bleeding; %; 0.8-6.5/1; reduce"),
        _ep("recur; recurrent VTE rate; recurrent VTE; %; 1-9/1; reduce"),
        _ep("death; all-cause mortality; all-cause mortality; %; 2-12/1; reduce"),
    ),
    findings=(
        Finding("moderate renal impairment", "moderate renal impairment"),
        Finding("a body weight below 60 kg", "body weight below 60 kg"),
        Finding("active cancer", "active cancer"),
        Finding("a prior gastrointestinal bleed", "prior gastrointestinal bleed"),
    ),
    finding_sentence="The clinical notes for {name} record {finding}.",
    finding_question="What do the clinical notes for {name} record?",
    finding_noun="the risk factor recorded for {name}",
    safety_event="fatal bleeding",
    protocols=(
        Protocol("inr", "patients in the warfarin comparator arm targeted an INR {value}",
                 "What INR target did the warfarin comparator arm of trial {trial} use?",
                 "the INR target of the comparator arm",
                 (("between 2.0 and 3.0", ("2.0", "3.0")), ("between 2.5 and 3.5", ("2.5", "3.5")),
                  ("of 2.5", ("2.5",)))),
        Protocol("leadin", "a parenteral lead-in of {value} preceded oral therapy",
                 "How long was the parenteral lead-in in trial {trial}?",
                 "the length of the parenteral lead-in",
                 (("five days", ("five days",)), ("seven days", ("seven days",)),
                  ("between 5 and 10 days", ("5", "10 days")))),
    ),  # fmt: skip
    background=(
        "Direct oral anticoagulants have largely replaced warfarin for most patients with venous "
        "thromboembolism.",
        "Dose reduction is considered in renal impairment and in patients with low body weight.",
    ),
)

DIABETES = Setting(
    key="diabetes",
    condition="type 2 diabetes",
    short="type 2 diabetes",
    population="adults",
    adult=True,
    ages=(35, 80),
    drugs=(
        _drug("metformin; mg; 500-2000/500; orally; twice daily|once daily; weeks 12-52"),
        _drug("empagliflozin; mg; 10-25/15; orally; once daily; weeks 12-52"),
        _drug("semaglutide; mg; 0.25-2/0.25; subcutaneously; once weekly; weeks 16-68"),
        _drug("dapagliflozin; mg; 5-10/5; orally; once daily; weeks 12-52"),
        _drug(
            "insulin glargine; units/kg; 0.1-0.3/0.05; subcutaneously; once daily at bedtime; "
            "weeks 12-26"
        ),
        _drug("tirzepatide; mg; 2.5-15/2.5; subcutaneously; once weekly; weeks 20-72"),
    ),
    endpoints=(
        _ep("hba1c; mean HbA1c reduction; HbA1c; percentage points; 0.4-2.2/1; lower"),
        _ep("weight; mean weight loss; body weight; kg; 0.5-12/1; reduce"),
        _ep("hypo; rate of severe hypoglycaemia; severe hypoglycaemia; %; 0.4-6/1; increase"),
    ),
    findings=(
        Finding("chronic kidney disease stage 3", "chronic kidney disease stage 3"),
        Finding("established cardiovascular disease", "established cardiovascular disease"),
        Finding("heart failure with reduced ejection fraction", "heart failure"),
    ),
    finding_sentence="The clinic record of {name} lists {finding}.",
    finding_question="What does the clinic record of {name} list?",
    finding_noun="the comorbidity recorded for {name}",
    safety_event="diabetic ketoacidosis",
    protocols=(
        Protocol("target", "treatment targeted an HbA1c {value}",
                 "What HbA1c target was used in trial {trial}?", "the HbA1c target",
                 (("below 7.0%", ("7.0%",)), ("below 6.5%", ("6.5%",)), ("below 8.0%", ("8.0%",)),
                  ("between 7.0% and 8.0%", ("7.0%", "8.0%")))),
    ),  # fmt: skip
    background=(
        "Type 2 diabetes is managed with lifestyle measures and glucose-lowering drugs chosen "
        "for cardiovascular and renal benefit.",
        "Targets are individualised to limit hypoglycaemia in older adults.",
    ),
)

# DIPG is the suite's namesake: it gets a third of the scenarios, the rest is shared.
SETTINGS: tuple[tuple[Setting, int], ...] = (
    (DIPG, 6),
    (MEDULLOBLASTOMA, 2),
    (NEUROBLASTOMA, 2),
    (GLIOBLASTOMA, 2),
    (SEPSIS, 2),
    (ANTICOAGULATION, 2),
    (DIABETES, 2),
)

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
