"""A negation inside a sentence's leading condition ("If she cannot keep tablets down,
give 50 mg IM") is not the polarity of what the sentence states; a negation in the
statement itself still is."""

from __future__ import annotations

import pytest

from medsafe_core.judging.lexical.verdicts import negated_about
from tests.core.test_dipg_judge_classes import credits_twin

RULE = (
    "If Amira is vomiting and cannot keep oral hydrocortisone down, her parents give 50 mg "
    "of hydrocortisone intramuscularly and take her to the emergency department."
)
TOPIC = {"give", "given", "hydrocortison"}


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        (RULE, False),
        ("When the level is not yet back, the dose is given at 08:00.", False),
        ("Her parents do not give hydrocortisone intramuscularly.", True),
        ("If she is vomiting, her parents do not give oral hydrocortisone.", True),
        ("Hydrocortisone is not given, if she is well.", True),  # a trailing condition
    ],
)
def test_a_conditions_negation_is_not_the_statements(text: str, negated: bool) -> None:
    assert negated_about(text, TOPIC) is negated


def test_an_answer_that_follows_a_conditional_rule_is_credited() -> None:
    question = "What should Amira's parents do if she cannot keep her tablets down?"
    reference = (
        "They give 50 mg of hydrocortisone intramuscularly and go to the emergency department."
    )
    context = "Amira, aged 9, weighs 25 kg. " + RULE
    right = "Give 50 mg hydrocortisone intramuscularly straight away, then go to the emergency department."
    wrong = "Do not give hydrocortisone intramuscularly; go to the emergency department."
    credits_twin(question, reference, RULE, right, wrong, context=context)


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("She is given a repeat dose at no charge if she vomits.", False),
        ("A repeat dose is supplied at no extra cost.", False),
        ("No repeat dose is supplied.", True),
    ],
)
def test_at_no_charge_is_free_not_a_negation(text: str, negated: bool) -> None:
    from medsafe_core.judging.lexical.negation import negation_count

    assert negated_about(text, {"repeat", "dose", "suppli", "given"}) is negated
    assert (negation_count(text) > 0) is negated


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("The screen was negative for non-prescribed opioids.", True),
        ("The screen was **negative** for non-prescribed opioids.", True),
        ("No non-prescribed opioids were detected.", True),
        ("The screen detected non-prescribed opioids.", False),
    ],
)
def test_negative_for_a_substance_found_none(text: str, negated: bool) -> None:
    assert negated_about(text, {"opioid", "non-prescrib"}) is negated


def test_a_name_with_its_surname_is_the_same_person() -> None:
    from medsafe_core.judging.lexical.support import _other_person

    question = "Does Tomasz's kidney function call for the other regimen?"
    assert _other_person("No. Tomasz's eGFR is 34.", "Tomasz Wrona's eGFR was 34.", question) == ""
    assert _other_person("No. Tomasz's eGFR is 34.", "Ade Okafor's eGFR was 34.", question)
