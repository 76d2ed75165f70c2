"""Classes of judgment from the holdout17 misses: values whose units combine (a dose over
a concentration is a volume), a second step from a value the answer reached, durations
spoken as fractions, and quotes that move an opening phrase. Each right form comes with
twins that must not be credited."""

from __future__ import annotations

import pytest

from medsafe_core.judging.lexical.dimensional import product_or_quotient, signature
from medsafe_core.judging.lexical.facts import Quantity, quantities
from medsafe_core.judging.lexical.grounding import ground_proof
from medsafe_core.judging.lexical.reasoning import derivation
from tests.core.test_dipg_judge_values import _judged


@pytest.mark.parametrize(
    ("value", "stated", "how"),
    [
        ("7.5 mL", "Give 150 mg as a 20 mg/mL solution.", "150 mg over 20 mg/ml"),
        ("35 g", "He received 100 mL of contrast at 350 mg/mL.", "100 ml times 350 mg/ml"),
        ("2 mL/h", "Midazolam runs at 4 mg/h from a 2 mg/mL syringe.", "4 mg/h over 2 mg/ml"),
        ("112.5 kcal/h", "The pump runs at 112.5 mL/h; the feed has 1 kcal/mL.", "times"),
        ("1.5 mg/kg/h", "Morphine runs at 18 mg/h for a 12 kg child.", "18 mg/h over 12 kg"),
    ],
)
def test_values_whose_units_combine_are_derived(value: str, stated: str, how: str) -> None:
    (q,) = quantities(value)
    found = product_or_quotient(q, quantities(stated))
    assert found is not None and how in found
    assert derivation(q, quantities(stated)) is not None


@pytest.mark.parametrize(
    ("value", "stated"),
    [
        ("15 mL", "Give 150 mg as a 20 mg/mL solution."),  # 150 / 10: a wrong quotient
        ("7.5 mg", "Give 150 mg as a 20 mg/mL solution."),  # the right number, wrong unit
        ("3000 mL", "Give 150 mg as a 20 mg/mL solution."),  # the product, not the quotient
        ("35 mL", "He received 100 mL of contrast at 350 mg/mL."),
        ("6 mL", "Give 3 doses of 2 mL."),  # a count takes no part: no unit to combine
    ],
)
def test_values_whose_units_do_not_combine_are_not_derived(value: str, stated: str) -> None:
    (q,) = quantities(value)
    assert product_or_quotient(q, quantities(stated)) is None


def test_a_kilogram_is_a_body_weight_not_a_mass_to_cancel() -> None:
    assert signature("mg/kg") == (1.0, (("body weight", -1), ("mass", 1)))
    assert signature("mg/kg/h") is not None
    assert signature("tablets") is None
    # "2 mg/kg" is no ratio of two masses: 150 mg over 75 mg is not 2 mg/kg
    assert product_or_quotient(Quantity(2.0, "mg/kg"), quantities("150 mg and 75 mg")) is None


def test_an_answer_may_take_a_second_step_from_a_value_it_reached() -> None:
    context = (
        "Tom's prescription is 1,800 mL a day of a feed containing 1 kcal/mL. "
        "Nasogastric feeds run by pump over 16 hours."
    )
    question = "At what rate should Tom's feed run?"
    reference = "112.5 mL/h (1,800 mL over 16 hours)."
    proof = "Nasogastric feeds run by pump over 16 hours."
    _judged(
        question,
        reference,
        proof,
        context,
        right=(
            "112.5 mL/h, which delivers 112.5 kcal/h of the 1 kcal/mL feed.",
            "112.5 mL/h (1,800 mL / 16 h).",
        ),
        wrong=(
            "112.5 mL/h, which delivers 150 kcal/h of the 1 kcal/mL feed.",
            "150 mL/h, which delivers 150 kcal/h of the 1 kcal/mL feed.",
        ),
    )


@pytest.mark.parametrize(
    ("spoken", "value", "unit"),
    [
        ("at least half an hour before", 0.5, "hour"),
        ("one and a half hours", 1.5, "hour"),
        ("2 and a half days", 2.5, "day"),
        ("a quarter of an hour", 0.25, "hour"),
        ("three quarters of an hour", 0.75, "hour"),
        ("an hour and a half", 1.5, "hour"),
        ("1 hour 15 minutes", 75.0, "minute"),
    ],
)
def test_durations_spoken_as_fractions_are_one_value(spoken: str, value: float, unit: str) -> None:
    assert [(q.value, q.unit) for q in quantities(spoken)] == [(value, unit)]


def test_half_of_something_else_stays_a_share() -> None:
    assert [(q.value, q.unit) for q in quantities("half the dose")] == [(50.0, "%")]
    assert quantities("half a tablet") == []


CONTEXT = (
    "Oral thiamine 200 mg must be given at least 30 minutes before the first meal or feed. "
    "On the second day of refeeding, Ruth's serum phosphate was 0.48 mmol/L and her serum "
    "potassium was 3.9 mmol/L. Paxalisib is given at 27 mg/m2 daily."
)


@pytest.mark.parametrize(
    "quote",
    [
        "Oral thiamine 200 mg must be given at least half an hour before the first meal or feed.",
        "Ruth's serum phosphate on the second day of refeeding was 0.48 mmol/L.",
    ],
)
def test_faithful_rewordings_of_values_and_phrase_order_are_grounded(quote: str) -> None:
    assert ground_proof(quote, CONTEXT).grounded, quote


@pytest.mark.parametrize(
    "quote",
    [
        "Oral thiamine 200 mg must be given at least an hour before the first meal or feed.",
        "Oral thiamine 200 mg must be given at least half a day before the first meal or feed.",
        "Oral thiamine 200 mg must be given at most half an hour before the first meal or feed.",
        "Ruth's serum phosphate on the first day of refeeding was 0.48 mmol/L.",
        "Ruth's serum potassium on the second day of refeeding was 0.48 mmol/L.",
        "Paxalisib is given at 27 mg/m2 weekly.",
    ],
)
def test_rewordings_that_change_a_value_or_a_term_are_not_grounded(quote: str) -> None:
    assert not ground_proof(quote, CONTEXT).grounded, quote
