"""Oncology settings of the dipg generator (fictional but plausible evidence).

Changing anything here changes generated tasks: bump the dipg suite version.
"""

from __future__ import annotations

from medsafe_core.suites.dipg.generate._vocab import (
    Setting,
    drug,
    endpoint,
    findings,
    protocol,
    radiotherapy,
)

_PFS = endpoint(
    "pfs; median progression-free survival; progression-free survival; months; 3.5-11/1; prolong"
)

DIPG = Setting(
    key="dipg",
    short="DIPG",
    population="children",
    adult=False,
    ages=(3, 15),
    drugs=(
        drug(
            "ONC201; mg; 125-625/62.5; orally; once weekly|on two consecutive days each week; cycles 2-9"  # noqa: E501
        ),
        drug(
            "panobinostat; mg/m2; 10-24/2; orally; three times weekly|on alternate days; cycles 2-8"
        ),
        drug("everolimus; mg/m2; 2.5-5/0.5; orally; once daily; cycles 3-10"),
        drug("bevacizumab; mg/kg; 5-15/2.5; intravenously; every two weeks; cycles 4-12"),
        drug("nimotuzumab; mg/m2; 100-200/50; intravenously; once weekly; weeks 6-24"),
        drug("paxalisib; mg/m2; 21-45/3; orally; once daily; cycles 2-8"),
    ),
    endpoints=(
        endpoint("os; median overall survival; overall survival; months; 7.5-22/1; prolong"),
        _PFS,
        endpoint(
            "orr; radiographic response rate on MRI; radiographic response; %; 8-60/0; improve"
        ),
    ),
    findings=findings(
        "an ACVR1 mutation = ACVR1; a TP53 mutation = TP53; a PIK3CA mutation = PIK3CA; "
        "an H3.1 K27M alteration = H3.1 K27M; a PPM1D mutation = PPM1D"
    ),
    finding_sentence="A stereotactic biopsy of {name}'s tumour showed {finding}.",
    finding_question="What alteration did the biopsy of {name}'s tumour show?",
    finding_noun="the alteration found in {name}'s tumour",
    safety_event="grade 3 or higher toxicity",
    protocols=(
        radiotherapy(
            "rt",
            "all patients also received focal radiotherapy of {value}",
            "What radiotherapy dose did patients in trial {trial} receive?",
            "the radiotherapy dose",
            "54/30, 59.4/33, 39/13, 45/15",
        ),
        radiotherapy(
            "reirr",
            "patients with progression were offered re-irradiation of {value}",
            "What re-irradiation dose was offered at progression in trial {trial}?",
            "the re-irradiation dose",
            "24/12, 20/10, 30.6/17, 26.4/12",
        ),
    ),
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
    short="medulloblastoma",
    population="children",
    adult=False,
    ages=(3, 16),
    drugs=(
        drug("cisplatin; mg/m2; 60-75/5; intravenously; on day 1 of each cycle; cycles 4-8"),
        drug("vincristine; mg/m2; 1-2/0.5; intravenously; once weekly; weeks 6-12"),
        drug("lomustine; mg/m2; 60-75/5; orally; on day 1 of each cycle; cycles 4-8"),
        drug(
            "cyclophosphamide; mg/m2; 750-2000/250; intravenously; on days 1 and 2 of each cycle; cycles 2-6"  # noqa: E501
        ),
        drug("vismodegib; mg; 75-150/25; orally; once daily; months 3-12"),
    ),
    endpoints=(
        endpoint("efs5; five-year event-free survival; event-free survival; %; 55-92/0; improve"),
        endpoint("os5; five-year overall survival; overall survival; %; 60-95/0; improve"),
        endpoint("hear; rate of severe hearing loss; severe hearing loss; %; 8-40/0; reduce"),
    ),
    findings=findings(
        "a WNT-activated subgroup = WNT-activated; an SHH-activated subgroup = SHH-activated; "
        "MYC amplification; a TP53 mutation = TP53"
    ),
    finding_sentence="Molecular profiling of {name}'s resected tumour showed {finding}.",
    finding_question="What did molecular profiling of {name}'s tumour show?",
    finding_noun="the molecular feature found in {name}'s tumour",
    safety_event="grade 3 or higher ototoxicity",
    protocols=(
        protocol(
            "csi",
            "patients received craniospinal irradiation of {value}",
            "What craniospinal irradiation dose was used in trial {trial}?",
            "the craniospinal irradiation dose",
            "23.4 Gy; 36 Gy; 18 Gy; between 18 and 23.4 Gy = 18|23.4 Gy",
        ),
    ),
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
    short="high-risk neuroblastoma",
    population="children",
    adult=False,
    ages=(1, 10),
    drugs=(
        drug("dinutuximab; mg/m2; 10-25/2.5; intravenously; daily for four days; cycles 3-6"),
        drug("isotretinoin; mg/m2; 80-160/20; orally; daily for 14 days; cycles 4-6"),
        drug("topotecan; mg/m2; 0.75-1.5/0.25; intravenously; daily for five days; cycles 2-6"),
        drug("lorlatinib; mg/m2; 45-115/10; orally; once daily; months 3-12"),
        drug("naxitamab; mg/kg; 2.25-3/0.25; intravenously; on days 1, 3 and 5; cycles 3-8"),
    ),
    endpoints=(
        endpoint("efs3; three-year event-free survival; event-free survival; %; 35-72/0; improve"),
        endpoint("os3; three-year overall survival; overall survival; %; 45-82/0; improve"),
        endpoint("cr; complete response rate; complete response; %; 18-55/0; improve"),
    ),
    findings=findings("MYCN amplification = MYCN; an ALK mutation = ALK; 11q loss"),
    finding_sentence="Tumour genetic testing in {name} showed {finding}.",
    finding_question="What did tumour genetic testing in {name} show?",
    finding_noun="the genetic feature found in {name}'s tumour",
    safety_event="grade 3 or higher neuropathic pain",
    protocols=(
        radiotherapy(
            "rt",
            "patients received radiotherapy to the primary site of {value}",
            "What radiotherapy dose to the primary site was used in trial {trial}?",
            "the radiotherapy dose to the primary site",
            "21.6/12, 21/14, 36/20",
        ),
    ),
    background=(
        "Neuroblastoma arises from neural crest cells and is the most common extracranial solid "
        "tumour of childhood.",
        "High-risk disease is treated with induction chemotherapy, surgery, consolidation and "
        "anti-GD2 immunotherapy.",
    ),
)

GLIOBLASTOMA = Setting(
    key="glioblastoma",
    short="glioblastoma",
    population="adults",
    adult=True,
    ages=(38, 79),
    drugs=(
        drug(
            "temozolomide; mg/m2; 75-200/25; orally; once daily|on days 1 to 5 of each 28-day cycle; cycles 6-12"  # noqa: E501
        ),
        drug("lomustine; mg/m2; 90-130/10; orally; every six weeks; cycles 2-6"),
        drug("bevacizumab; mg/kg; 5-15/2.5; intravenously; every two weeks; months 3-12"),
        drug(
            "regorafenib; mg; 80-160/40; orally; once daily for three weeks of every four; cycles 2-8"  # noqa: E501
        ),
    ),
    endpoints=(
        endpoint("os; median overall survival; overall survival; months; 11-24/1; prolong"),
        _PFS,
        endpoint("surv2; two-year survival rate; two-year survival; %; 12-48/0; improve"),
    ),
    findings=findings(
        "MGMT promoter methylation; EGFR amplification; a TERT promoter mutation = TERT"
    ),
    finding_sentence="Pathology review of {name}'s resection specimen showed {finding}.",
    finding_question="What did pathology review of {name}'s resection specimen show?",
    finding_noun="the molecular feature found in {name}'s specimen",
    safety_event="grade 3 or higher thrombocytopenia",
    protocols=(
        radiotherapy(
            "rt",
            "all patients also received radiotherapy of {value}",
            "What radiotherapy dose did patients in trial {trial} receive?",
            "the radiotherapy dose",
            "60/30, 40/15, 25/5",
        ),
        protocol(
            "ttf",
            "patients wore tumour treating fields for {value}",
            "For how many hours per day were tumour treating fields worn in trial {trial}?",
            "the daily duration of tumour treating fields",
            "between 18 and 22 hours per day = 18|22 hours; at least 18 hours per day = 18 hours",
        ),
    ),
    background=(
        "Glioblastoma is the most common malignant primary brain tumour of adults.",
        "Standard care combines maximal safe resection with radiotherapy and temozolomide.",
    ),
)
