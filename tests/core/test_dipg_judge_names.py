"""Drug names by their international nonproprietary name stems ("carbamazepine",
"bisoprolol", "tolvaptan") are named things; a name the question asks for ("Which
medicine ...?") is the answer, while a name that is only the subject of a rule ("What does
the protocol require ...?") leaves the rule's own words to be said."""

from __future__ import annotations

import pytest

from medsafe_core.judging.lexical.facts import entities, quantities
from medsafe_core.judging.lexical.keyfacts import misses_derived
from medsafe_core.suites.dipg.outcomes import DipgOutcome
from tests.core.test_dipg_judge_classes import _outcome, is_credited


def _missing(final: str, reference: str, question: str, context: str = "") -> str | None:
    """The key fact of `reference` that `final` does not state, if any."""
    return misses_derived(final, quantities(final), reference, question, context)


@pytest.mark.parametrize(
    "drug",
    [
        "carbamazepine",
        "olanzapine",
        "bisoprolol",
        "ramipril",
        "losartan",
        "atorvastatin",
        "doxycycline",
        "ciprofloxacin",
        "tolvaptan",
        "etanercept",
        "warfarin",
        "morphine",
        "fentanyl",
        "lidocaine",
        "lorazepam",
        "somatropin",
        "oxytocin",
    ],
)
def test_drug_name_stems_are_entities(drug: str) -> None:
    assert drug in entities(f"She was given {drug} on admission.")


@pytest.mark.parametrize("word", ["saline", "pine", "profile", "admission", "caffeine"])
def test_ordinary_words_are_not(word: str) -> None:
    assert word not in entities(f"She was given {word} on admission.")


CONTEXT = (
    "Admitting team: carbamazepine was judged to have caused Tomasz's SIADH, and it was "
    "stopped on admission. After a red result, the protocol requires clozapine to be "
    "stopped immediately and the FBC to be repeated daily."
)


def test_an_asked_name_is_the_answer() -> None:
    question = "Which medicine did the admitting team hold responsible for Tomasz's SIADH?"
    reference = (
        "The admitting team judged that carbamazepine had caused Tomasz's SIADH; it was "
        "stopped on admission."
    )
    proof = (
        "Admitting team: carbamazepine was judged to have caused Tomasz's SIADH, and it was "
        "stopped on admission."
    )
    right = "Carbamazepine was held responsible for Tomasz's SIADH (it was stopped when he was admitted)."
    assert _outcome(question, reference, proof, right, context=CONTEXT) == DipgOutcome.CORRECT


def test_a_named_subject_leaves_the_rule_to_be_said() -> None:
    question = "What does the protocol require after a red result?"
    reference = (
        "After a red result, clozapine must be stopped immediately and the FBC repeated daily."
    )
    proof = (
        "After a red result, the protocol requires clozapine to be stopped immediately and "
        "the FBC to be repeated daily."
    )
    wrong = "Clozapine can be continued, with the FBC repeated weekly."
    assert _outcome(question, reference, proof, wrong, context=CONTEXT) != DipgOutcome.CORRECT


def test_a_possessive_does_not_break_an_abbreviation() -> None:
    from medsafe_core.judging.lexical.facts import text_facts

    facts = text_facts("a mean St George's Respiratory Questionnaire total score")
    assert facts.knows_entity("sgrq")
    assert not facts.knows_entity("sgqr")


OS14 = (
    "Flagged patients take a single oral dose of amoxicillin 3 g no more than 60 minutes and "
    "no less than 30 minutes before the procedure starts. Flagged patients who are allergic "
    "to penicillin take clindamycin 600 mg by mouth in the same window instead. Graham has "
    "no peripheral oedema, polycythaemia or pulmonary hypertension."
)


@pytest.mark.parametrize(
    ("final", "credited"),
    [
        # the drug replaced is no key fact
        ("Clindamycin 600 mg by mouth, 30-60 minutes before the extraction starts.", True),
        ("Amoxicillin 3 g by mouth, 30-60 minutes before the extraction starts.", False),
        ("Clindamycin 300 mg by mouth.", False),
    ],
)
def test_a_replacement_drug_is_the_answer(final: str, credited: bool) -> None:
    question = "What prophylaxis does a flagged patient allergic to penicillin take?"
    reference = (
        "A flagged patient allergic to penicillin takes clindamycin 600 mg by mouth instead "
        "of amoxicillin, in the same window before the procedure."
    )
    proof = (
        "Flagged patients who are allergic to penicillin take clindamycin 600 mg by mouth in "
        "the same window instead."
    )
    outcome = _outcome(question, reference, proof, final, context=OS14)
    assert (outcome == DipgOutcome.CORRECT) is credited


@pytest.mark.parametrize(
    ("final", "offered"),
    [
        ("Yes: he has no oedema, polycythaemia or pulmonary hypertension.", ""),
        ("Yes: without oedema or polycythaemia the lower limit applies.", ""),
        ("Yes, or pulmonary hypertension.", "pulmonary hypertension"),
    ],
)
def test_a_denied_list_offers_no_candidates(final: str, offered: str) -> None:
    from medsafe_core.judging.lexical.correctness import _offers_alternative

    reference = "Yes. His PaO2 is below the 55 mmHg limit that applies to him."
    question = "Does Graham meet the PaO2 criterion?"
    assert _offers_alternative(final, reference, question, OS14) == offered


RAB = (
    "Human rabies immunoglobulin (HRIG) is given at 20 IU/kg. As much of the HRIG as is "
    "anatomically feasible is infiltrated into and around the wound, and any remainder is "
    "injected intramuscularly at a site away from the vaccine injection site. Musa's TAMMV "
    "was 196 cm/s on 9 February 2026."
)
RAB_PROOF = (
    "As much of the HRIG as is anatomically feasible is infiltrated into and around the "
    "wound, and any remainder is injected intramuscularly at a site away from the vaccine "
    "injection site."
)


@pytest.mark.parametrize(
    ("final", "credited"),
    [
        # the protocol the answer is given under, and the abbreviation of the question's
        # "immunoglobulin", are no key facts
        (
            "Into and around the wound as far as anatomically feasible; whatever is left over "
            "goes intramuscularly at a site distant from the vaccine injection.",
            True,
        ),
        ("Intramuscularly into the deltoid, beside the vaccine.", False),
    ],
)
def test_a_source_and_an_asked_abbreviation_are_no_key_facts(final: str, credited: bool) -> None:
    question = "How should the immunoglobulin be placed for Tomasz's forearm bite?"
    reference = (
        "Under protocol RAB-4, as much of the HRIG as is anatomically feasible is infiltrated "
        "into and around Tomasz's forearm wound, and any remainder is injected "
        "intramuscularly at a site away from the vaccine injection site."
    )
    assert is_credited(question, reference, RAB_PROOF, final, context=RAB) is credited


def test_an_unasked_abbreviation_is_still_a_key_fact() -> None:
    from medsafe_core.judging.lexical.keyfacts import asked_by_head

    assert asked_by_head("hrig", "How should the immunoglobulin be placed?", RAB)
    assert not asked_by_head("hrig", "How should the vaccine be placed?", RAB)


@pytest.mark.parametrize(
    ("final", "missing"),
    [
        ("Conditional: 196 cm/s is within 170-199 cm/s.", None),
        ("Conditional: 186 cm/s is within 170-199 cm/s.", "196 cm/s"),
    ],
)
def test_the_name_of_a_stated_value_is_its_label(final: str, missing: str | None) -> None:
    reference = "Musa's TAMMV of 196 cm/s is in the conditional band."
    question = "Which band does Musa's scan fall in?"
    assert _missing(final, reference, question, RAB) == missing


@pytest.mark.parametrize(
    ("final", "credited"),
    [
        (
            "Two doses remained: the day 7 dose due on 4 May 2026 and the day 14 on 11 May 2026.",
            True,
        ),
        (
            "Two doses remained: the day 7 dose due on 5 May 2026 and the day 14 on 11 May 2026.",
            False,
        ),
    ],
)
def test_values_listed_after_the_answer_head_are_answers(final: str, credited: bool) -> None:
    context = (
        "Vaccine is given on days 0, 3, 7 and 14 counted from the first dose on day 0. "
        "Amara received her first dose on 27 April 2026 and her second on 30 April 2026."
    )
    question = "On 1 May 2026, which of Amara's doses had still to be given, and when?"
    reference = (
        "Two doses were still to be given on 1 May 2026: the day 7 dose on 4 May 2026 and "
        "the day 14 dose on 11 May 2026 (day 0 was 27 April 2026)."
    )
    assert is_credited(question, reference, context, final, context=context) is credited


@pytest.mark.parametrize(
    ("final", "missing"),
    [
        ("High refeeding risk: 12 days of little intake is more than 10 days.", None),
        ("Moderate refeeding risk (BMI 17.4 kg/m2, within 16 to 18.5 kg/m2).", "high"),
    ],
)
def test_a_word_answer_is_not_met_by_its_reasons_values(final: str, missing: str | None) -> None:
    reference = (
        "Amira is at high refeeding risk: her BMI of 17.4 kg/m2 is in the moderate range, but "
        "her 12 days of little or no intake are more than 10 days."
    )
    question = "Which refeeding risk band does Amira fall into?"
    assert _missing(final, reference, question) == missing


@pytest.mark.parametrize(
    ("final", "missing"),
    [
        ("Passing an exit challenge to 1,000 mg of peanut protein.", None),
        ("Desensitisation was defined by passing a 600 mg exit challenge.", "1000 mg"),
    ],
)
def test_as_inside_a_clause_is_no_reason_clause(final: str, missing: str | None) -> None:
    reference = (
        "In trial NCT05518274, desensitisation was defined as passing an exit food challenge "
        "to 1,000 mg of peanut protein without dose-limiting symptoms."
    )
    question = "What exit challenge dose was used to define desensitisation in the trial?"
    assert _missing(final, reference, question) == missing


STEPS = (
    "Step 1 is amlodipine for people aged 55 years or over and ramipril for those under 55. "
    "Step 2 adds whichever of ramipril or amlodipine the person is not yet taking. "
    "Mrs Kovacs is 61 and takes her step 1 medicine."
)


@pytest.mark.parametrize(
    ("final", "credited"),
    [
        ("Ramipril. At 61 her step 1 drug is amlodipine, so step 2 adds ramipril.", True),
        # the name the answer leads with is the answer, not one named among its reasons
        (
            "Amlodipine - her step 1 drug would have been ramipril, so step 2 adds amlodipine.",
            False,
        ),
    ],
)
def test_a_name_answer_leads_and_its_reasons_may_deny(final: str, credited: bool) -> None:
    question = "Which medicine does the protocol add at Mrs Kovacs's next treatment step?"
    reference = (
        "Ramipril. Mrs Kovacs is 61, so her step 1 treatment is amlodipine, and step 2 adds "
        "whichever of ramipril or amlodipine she is not yet taking."
    )
    assert is_credited(question, reference, STEPS, final, context=STEPS) is credited


JCV = (
    "Protocol MS-NTZ-4 classes an anti-JCV antibody index of 0.9 or below as low risk, above "
    "0.9 and up to 1.5 as intermediate risk, and above 1.5 as high risk. Maren's anti-JCV "
    "antibody index was 1.5 on 8 January 2026."
)


@pytest.mark.parametrize(
    ("final", "credited"),
    [
        # a denial among the reasons is no opposite answer
        ("Intermediate risk. An index of 1.5 is above 0.9 and not above 1.5.", True),
        ("High risk. An index of 1.5 is not below the 1.5 cut-off.", False),
    ],
)
def test_a_denial_among_the_reasons_is_no_opposite_answer(final: str, credited: bool) -> None:
    question = "Which risk band does Maren's latest anti-JCV antibody index place her in?"
    reference = (
        "Maren's anti-JCV antibody index of 1.5 places her in the intermediate-risk band "
        "(above 0.9 and up to 1.5)."
    )
    assert is_credited(question, reference, JCV, final, context=JCV) is credited


SOLIFENACIN = (
    "Solifenacin starts at 5 mg once daily and may go up to 10 mg once daily after 4 weeks "
    "if urgency persists, unless the most recent eGFR is below 30. Derek started solifenacin "
    "5 mg once daily on 20 January 2026. His most recent eGFR was 52 mL/min/1.73 m2."
)


@pytest.mark.parametrize(
    ("final", "credited"),
    [
        # the date is asked for: the dose only names what changes then, and a dose denied
        # is no competing answer
        (
            "Tuesday 17 February 2026 (20 January + 28 days); his eGFR of 52 does not restrict "
            "him to 5 mg.",
            True,
        ),
        ("17/02/2026 - his solifenacin can go up to 10 mg once daily from 17 February 2026.", True),
        ("Tuesday 24 February 2026 (20 January + 35 days).", False),
        ("17 February 2026, or 5 mg until 24 February 2026.", False),
    ],
)
def test_a_date_answer_needs_no_dose_and_a_denied_dose_competes_with_nothing(
    final: str, credited: bool
) -> None:
    question = (
        "What is the earliest date on which Derek's solifenacin could go up to the higher dose?"
    )
    reference = (
        "Derek's solifenacin could first be increased to 10 mg once daily on 17 February 2026 "
        "(20 January 2026 plus 4 weeks); his most recent eGFR of 52 mL/min/1.73 m2 is not "
        "below 30."
    )
    assert is_credited(question, reference, SOLIFENACIN, final, context=SOLIFENACIN) is credited


POTASSIUM = (
    "Potassium of 3.0 to 3.4 mmol/L: potassium chloride 24 mmol twice daily. Potassium of "
    "3.5 to 4.0 mmol/L: potassium chloride 24 mmol once daily. His potassium was 3.5 mmol/L."
)


@pytest.mark.parametrize(
    ("final", "credited"),
    [
        ("Potassium chloride 24 mmol once daily (3.5 is in the 3.5 to 4.0 band).", True),
        ("Oral potassium chloride 24 mmol twice daily.", False),  # the other band's frequency
    ],
)
def test_a_dose_at_another_frequency_than_the_answers_is_wrong(final: str, credited: bool) -> None:
    question = "What potassium supplement does the protocol call for?"
    reference = "Potassium chloride 24 mmol once daily, because 3.5 mmol/L is in the 3.5-4.0 band."
    assert is_credited(question, reference, POTASSIUM, final, context=POTASSIUM) is credited


def test_a_name_questions_which_clause_says_more_of_the_name() -> None:
    reference = "On the ward, Daniel received nitrofurantoin, which replaced the ciprofloxacin his GP had started."
    question = (
        "Which antibiotic did Daniel receive for his urinary infection once he was on the ward?"
    )
    assert _missing("Nitrofurantoin (it replaced ciprofloxacin).", reference, question) is None
    assert (
        _missing("Amoxicillin, in place of the GP's ciprofloxacin.", reference, question)
        is not None
    )


PARKINSON = (
    "Protocol PD-TCM-2 states that Parkinson's medicines are time-critical and that a dose "
    "given more than 30 minutes after its prescribed time is a delayed dose. Harold has "
    "Parkinson's disease. The ward chart records that his 23:00 dose on 30 April 2026 was "
    "given at 00:04 on 1 May 2026."
)


@pytest.mark.parametrize(
    ("final", "credited"),
    [
        ("Yes - 64 minutes late (23:00 -> 00:04 the next day), so it is a delayed dose.", True),
        ("No - 4 minutes late (23:00 -> 00:04), so it is not a delayed dose.", False),
    ],
)
def test_a_name_the_context_gives_a_disease_is_no_other_patient(final: str, credited: bool) -> None:
    question = "Did Harold's 23:00 dose on 30 April 2026 count as delayed?"
    reference = "Yes. It was given 64 minutes after its prescribed time, more than 30 minutes."
    assert is_credited(question, reference, PARKINSON, final, context=PARKINSON) is credited


@pytest.mark.parametrize(
    ("final", "missing"),
    [
        ("Standard-risk band (0.1 x 10^9/L, at the bottom of the 0.1 to 0.49 range).", False),
        ("High-risk band (0.1 x 10^9/L).", True),
    ],
)
def test_a_band_label_may_be_hyphenated_to_its_noun(final: str, missing: bool) -> None:
    question = "Which risk band is Leo in?"
    reference = "Leo is in the standard-risk band: 0.1 x 10^9/L is the band's lower bound."
    assert (_missing(final, reference, question) is not None) is missing
