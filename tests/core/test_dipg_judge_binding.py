"""A dose bound to another drug: each value and each name is the context's, but the
pairing is the answer's own ("rivaroxaban 10 mg" where 10 mg is apixaban's)."""

from __future__ import annotations

import pytest

from medsafe_core.judging.lexical.binding import unbound_dose
from tests.core.test_dipg_judge_classes import credits_twin

CONTEXT = (
    "A venous thromboembolism provoked by surgery is treated for 3 months. "
    "For apixaban, the clinic prescribes 10 mg twice daily for the first 7 days, then 5 mg "
    "twice daily. Rivaroxaban is given at 15 mg twice daily for 21 days, then 20 mg once "
    "daily. Aisha started rivaroxaban on 18 November 2025."
)


@pytest.mark.parametrize(
    "final",
    [
        "She continues rivaroxaban 20 mg once daily until 18 February 2026.",
        "Apixaban 10 mg twice daily for 7 days.",
        "Rivaroxaban 17.5 mg",  # a dose the context never states is judged as a value
        "She took 10 mg of apixaban.",  # no name right before the dose
    ],
)
def test_doses_the_context_gives_the_drug_are_bound(final: str) -> None:
    assert unbound_dose(final, CONTEXT) is None


@pytest.mark.parametrize(
    ("final", "said"),
    [
        ("then rivaroxaban 10 mg once daily as extended prophylaxis", "rivaroxaban 10 mg"),
        ("Apixaban 20 mg once daily.", "Apixaban 20 mg"),
    ],
)
def test_a_dose_the_context_gives_another_drug_is_not(final: str, said: str) -> None:
    found = unbound_dose(final, CONTEXT)
    assert found is not None and final[found[1] : found[2]] == said


def test_a_right_date_with_an_invented_dose_is_not_credited() -> None:
    question = "On what date is Aisha's rivaroxaban course due to end?"
    reference = "Aisha's course is due to end on 18 February 2026 (3 months from 18 November 2025)."
    proof = (
        "A venous thromboembolism provoked by surgery is treated for 3 months.\n"
        "Aisha started rivaroxaban on 18 November 2025."
    )
    right = "Aisha's course ends on 18 February 2026."
    invented = right[:-1] + ", after which she continues rivaroxaban 10 mg once daily."
    credits_twin(question, reference, proof, right, invented, context=CONTEXT)


BANDS = (
    "Fluids are thickened according to the most recent DSS: a total of 0 to 2 means thin "
    "fluids (IDDSI level 0), a total of 3 to 5 means mildly thick fluids (IDDSI level 2), "
    "and a total of 6 or more means moderately thick fluids (IDDSI level 3)."
)


@pytest.mark.parametrize(
    ("final", "unbound"),
    [
        ("She should receive mildly thick fluids (IDDSI level 2).", False),
        ("She should receive moderately thick fluids (IDDSI level 3).", False),
        ("She should receive thin fluids (IDDSI level 5).", False),  # a label never stated
        ("She should receive moderately thick fluids (IDDSI level 2).", True),
        ("She should receive thin fluids (IDDSI level 3).", True),
    ],
)
def test_a_label_bound_to_another_band(final: str, unbound: bool) -> None:
    from medsafe_core.judging.lexical.binding import unbound_label

    assert (unbound_label(final, BANDS) is not None) is unbound


def test_a_dose_the_reference_derives_for_the_drug_is_bound_to_it() -> None:
    from medsafe_core.judging.lexical.binding import unbound_dose

    context = (
        "Sedatives are reduced by 25% after a fall. Edwin takes temazepam 20 mg at night. "
        "His zopiclone was stopped at 15 mg."
    )
    final = "Temazepam 15 mg at night (20 mg less 25%)."
    assert unbound_dose(final, context) is not None  # 15 mg is zopiclone's in the context
    assert unbound_dose(final, context, "Temazepam 15 mg at night (20 mg less 25%).") is None
    assert unbound_dose(final, context, "Zopiclone 15 mg; temazepam 10 mg.") is not None
