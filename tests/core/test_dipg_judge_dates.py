"""Dates an answer reaches by a second step: the last day of a course as long as the
answer's own sum of its phases, and a month named whole beside dates reached in it. Each
right form comes with a twin that must not be credited."""

from __future__ import annotations

import pytest

from tests.core.test_dipg_judge_classes import is_credited

TAPER = (
    "From 26 March 2026, her prednisolone was reduced to 7.5 mg daily for 14 days, then 5 mg "
    "daily for 14 days, then 2.5 mg daily for 21 days, after which it was stopped."
)

TOTAL = "227.5 mg: 7.5 mg x 14 days = 105 mg, 5 mg x 14 days = 70 mg, 2.5 mg x 21 days = 52.5 mg"


@pytest.mark.parametrize(
    ("final", "credited"),
    [
        # the last day of a course as long as the answer's own sum of its phases
        (f"{TOTAL} (49 days in all, the last dose on 13 May 2026).", True),
        (f"{TOTAL} (49 days in all, the last dose on 20 May 2026).", False),
    ],
)
def test_a_courses_last_day_from_its_reached_length(final: str, credited: bool) -> None:
    question = "How much prednisolone will she take in total over the reduction?"
    reference = (
        "227.5 mg in total (7.5 mg x 14 days = 105 mg, plus 5 mg x 14 days = 70 mg, plus "
        "2.5 mg x 21 days = 52.5 mg)."
    )
    assert is_credited(question, reference, TAPER, final, context=TAPER) is credited


INJECTIONS = (
    "The first injection was given on 29 January 2026. Injections are given every 4 weeks "
    "for the first 3 injections and every 8 weeks after that."
)


@pytest.mark.parametrize(
    ("final", "credited"),
    [
        # a month named whole beside dates reached in it
        (
            "21 May 2026: injection 2 on 26 February (+28 days, February 2026 having 28 days), "
            "injection 3 on 26 March, then 56 days later.",
            True,
        ),
        (
            "21 May 2026: injection 2 on 26 February (+28 days, April 2026 having 30 days), "
            "injection 3 on 26 March, then 56 days later.",
            False,
        ),
    ],
)
def test_a_month_named_whole_beside_dates_in_it(final: str, credited: bool) -> None:
    question = "On what date is the first 8-weekly injection due?"
    reference = "21 May 2026 (26 March 2026 plus 8 weeks)."
    assert is_credited(question, reference, INJECTIONS, final, context=INJECTIONS) is credited


HEP_B = (
    "Protocol OH-VAC-2 gives hepatitis B vaccine at 0, 1 and 6 months; where a dose falls "
    "on a day the month lacks, it is given on that month's last day. Amara received her "
    "first dose on 31 January 2026."
)


@pytest.mark.parametrize(
    ("final", "credited"),
    [
        # a month on from 31 January is the last day of February, and the day the month
        # lacks, denied, is no competing answer
        ("28 February 2026, the last day of February, since 31 February does not exist.", True),
        ("3 March 2026, since 31 February does not exist.", False),
        ("31 February 2026.", False),
    ],
)
def test_a_month_on_lands_on_the_months_last_day(final: str, credited: bool) -> None:
    question = "On what date was Amara's second hepatitis B dose due?"
    reference = "28 February 2026 (1 month after 31 January 2026, on February's last day)."
    assert is_credited(question, reference, HEP_B, final, context=HEP_B) is credited


DRESSING = "The dressing is changed every 3 days. It was last changed on 29 April 2026."


@pytest.mark.parametrize(
    ("final", "credited"),
    [
        ("Probably 2 May 2026 - three days after 29 April (April has 30 days).", True),
        ("Probably 2 May 2026 - three days after 29 April (April has 31 days).", False),
    ],
)
def test_a_months_length_is_a_fact_of_the_calendar(final: str, credited: bool) -> None:
    question = "On what date is the next dressing change due?"
    reference = "2 May 2026 (29 April 2026 plus 3 days)."
    assert is_credited(question, reference, DRESSING, final, context=DRESSING) is credited


@pytest.mark.parametrize(
    ("proof", "grounded"),
    [
        ("Protocol OH-VAC-2: a dose on a day the month lacks is given on its last day.", True),
        ("Protocol OH-VAC-9: a dose on a day the month lacks is given on its last day.", False),
    ],
)
def test_a_heading_may_carry_a_multi_part_document_code(proof: str, grounded: bool) -> None:
    from medsafe_core.judging.lexical.grounding import ground_proof

    context = (
        "Protocol OH-VAC-2 covers hepatitis B vaccination. A dose on a day the month lacks "
        "is given on its last day."
    )
    assert ground_proof(proof, context).grounded is grounded


DONEPEZIL = (
    "Donepezil starts at 5 mg once daily and goes up to 10 mg once daily after 4 weeks if "
    "tolerated. Margaret started donepezil 5 mg once daily on 9 March 2026 for Alzheimer's "
    "disease."
)


@pytest.mark.parametrize(
    ("final", "credited"),
    [
        # a date is asked for: a stated dose in the reason is no competing answer, and an
        # eponymous disease is no other person
        ("Monday 6 April 2026: 4 weeks after Margaret started 5 mg on 9 March 2026.", True),
        ("Monday 6 April 2026, starting with a 20 mg loading dose.", False),
        ("Monday 13 April 2026: 5 weeks after she started 5 mg on 9 March 2026.", False),
    ],
)
def test_a_date_answer_may_give_the_stated_dose_it_counts_from(final: str, credited: bool) -> None:
    question = "On what date was Margaret due to move up to the higher donepezil dose?"
    reference = "Margaret's donepezil was due to go up to 10 mg once daily on 6 April 2026."
    assert is_credited(question, reference, DONEPEZIL, final, context=DONEPEZIL) is credited


def test_an_eponymous_disease_is_no_persons_thing() -> None:
    from medsafe_core.judging.lexical.support import _people

    assert _people("Margaret started donepezil for Alzheimer's disease.") == set()
    assert _people("Margaret's donepezil") == {"Margaret"}


TSH = "TSH is checked every 4 weeks. Her last check was on 24 March 2026."


@pytest.mark.parametrize(
    ("final", "credited"),
    [
        (
            "Tuesday 21 April 2026 - 28 days after 24 March (7 days to the end of March plus "
            "21 days in April).",
            True,
        ),
        (
            "Tuesday 21 April 2026 - 28 days after 24 March (9 days to the end of March plus "
            "19 days in April).",
            False,
        ),
    ],
)
def test_days_to_a_months_end_and_into_the_next(final: str, credited: bool) -> None:
    question = "On what date is her next TSH check due?"
    reference = "21 April 2026 (24 March 2026 plus 4 weeks)."
    assert is_credited(question, reference, TSH, final, context=TSH) is credited


def test_a_label_binds_across_a_decimal_in_its_clause() -> None:
    from medsafe_core.judging.lexical.binding import unbound_label

    context = (
        "Step 2 adds timolol 0.5% twice daily. Step 3 adds brimonidine 0.2% twice daily and "
        "the patient is referred for laser trabeculoplasty."
    )
    right = "Brimonidine 0.2% twice daily is added (step 3), with laser referral."
    assert unbound_label(right, context) is None
    wrong = "Laser trabeculoplasty alone is offered (step 2)."
    assert unbound_label(wrong, context) is not None


STAGES = "Tomas had his reconstruction on 17 March 2026. His stage 2 review was on 12 May 2026."


@pytest.mark.parametrize(
    ("final", "credited"),
    [
        ("8 weeks (56 days: 14 days to 31 March, 30 days in April, 12 days in May).", True),
        ("8 weeks (56 days: 14 days to 31 March, 31 days in April, 11 days in May).", False),
    ],
)
def test_a_whole_month_between_two_dates_counts_its_days(final: str, credited: bool) -> None:
    question = "How many weeks after his reconstruction was his stage 2 review?"
    reference = "8 weeks (17 March to 12 May 2026 is 56 days)."
    assert is_credited(question, reference, STAGES, final, context=STAGES) is credited


TRANSFER = (
    "Mei had her egg collection on Tuesday 27 October 2026. The unit counts the day of egg "
    "collection as day 0. The unit transfers blastocysts on day 5."
)


@pytest.mark.parametrize(
    ("final", "credited"),
    [
        (
            "Sunday 1 November 2026 - day 0 is 27 October, so day 4 is 31 October and day 5 is 1 November.",
            True,
        ),
        ("1 November 2026 (day 5); 30 October (day 4) was the day before.", False),
        (
            "Sunday 1 November 2026 - day 0 is 27 October, so day 4 is 30 October and day 5 is 1 November.",
            False,
        ),
    ],
)
def test_a_date_the_answer_labels_as_a_day_of_its_count_is_a_step(
    final: str, credited: bool
) -> None:
    question = "On what date was Mei's blastocyst transfer due?"
    reference = "Day 5, Sunday 1 November 2026 (day 0 on 27 October 2026 plus 5 days)."
    assert is_credited(question, reference, TRANSFER, final, context=TRANSFER) is credited


ILLNESS = (
    "For Pathway BR-2, the day on which symptoms began counts as day 1 of the illness. "
    "Amara's cough began on 27 January 2026, and she was admitted on 1 February 2026."
)


@pytest.mark.parametrize(
    ("final", "credited"),
    [
        ("Day 6 of illness (27 Jan = day 1; 31 Jan = day 5; 1 Feb = day 6).", True),
        ("Day 7 of illness (27 Jan = day 1; 31 Jan = day 5; 1 Feb = day 7).", False),
        ("Day 5 of illness (27 Jan = day 1; 31 Jan = day 4; 1 Feb = day 5).", False),
    ],
)
def test_days_of_a_count_may_be_labelled_after_their_dates(final: str, credited: bool) -> None:
    question = "On what day of her illness was Amara admitted?"
    reference = "Day 6 of her illness (27 January 2026 was day 1, so 1 February 2026 was day 6)."
    assert is_credited(question, reference, ILLNESS, final, context=ILLNESS) is credited


APNOEA = (
    "An infant may be discharged only when there has been no apnoea in the previous 24 hours. "
    "Leo's discharge review was at 14:00 on 4 February 2026. The nursing notes recorded one "
    "brief apnoea for Leo at 02:30 on 4 February 2026."
)


@pytest.mark.parametrize(
    ("final", "credited"),
    [
        ("**No.** Apnoea at 02:30 the same day, 11.5 h before the review.", True),
        ("**No.** Apnoea at 02:30 the same day, 9.5 h before the review.", False),
    ],
)
def test_a_yes_or_no_may_give_the_time_from_a_named_clock_time(final: str, credited: bool) -> None:
    question = "Could Leo be discharged at the 14:00 review on 4 February 2026?"
    reference = (
        "No. He had an apnoea at 02:30 on 4 February 2026, within the 24 hours before the review."
    )
    assert is_credited(question, reference, APNOEA, final, context=APNOEA) is credited


def test_a_day_of_the_count_may_be_labelled_day_plus_n_from_the_working() -> None:
    from medsafe_core.judging.lexical.calendar_steps import counted_days

    final = "**Day +21** (17 February 2026)."
    assert counted_days(final, "Day 0 = 27 January 2026.") == [(21, 48.0), (0, 27.0)]
    assert counted_days(final, "Day 0 = 28 January 2026.") == []  # not one count
    assert counted_days(final) == []  # one label alone is no count


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("taken on 3, 10, 17 and 24 March 2026", [62, 69, 76, 83]),
        ("on 12 and 14 March", [71, 73]),
        ("scores of 6, 9 and 9 on 14 February", [45]),  # scores, then a date
        ("1.5, 2 and 3 March", [62]),  # a decimal opens no list of days
    ],
)
def test_days_listed_before_a_month_are_dates_of_it(text: str, days: list[int]) -> None:
    from medsafe_core.judging.lexical.facts import quantities

    assert [q.value for q in quantities(text) if q.unit == "date"] == days


MYELOMA = (
    "Dexamethasone 40 mg is taken once weekly, reduced to 20 mg weekly from day 15. Cycle 1 "
    "started on 3 March 2026."
)


@pytest.mark.parametrize(
    ("final", "credited"),
    [
        ("**120 mg** in total (40 + 40 + 20 + 20 mg), taken on 3, 10, 17 and 24 March 2026.", True),
        (
            "**120 mg** in total (40 + 40 + 20 + 20 mg), taken on 3, 10, 18 and 24 March 2026.",
            False,
        ),
    ],
)
def test_a_list_of_weekly_days_is_checked_day_by_day(final: str, credited: bool) -> None:
    question = "How much dexamethasone does the patient take across cycle 1 (4 weeks)?"
    reference = "120 mg: 40 mg on days 1 and 8, then 20 mg on days 15 and 22 (3, 10, 17, 24 March)."
    assert is_credited(question, reference, MYELOMA, final, context=MYELOMA) is credited
