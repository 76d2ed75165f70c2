"""Numbered days of a schedule are offsets from its first day, for dates only: "day 21" of
a course started on 20 May is 10 June; "day 8" is no stated length of anything."""

from __future__ import annotations

import pytest

from medsafe_core.judging.lexical.schedule import day_offsets
from medsafe_core.suites.dipg.outcomes import DipgOutcome
from tests.core.test_dipg_judge_classes import _outcome


@pytest.mark.parametrize(
    ("text", "offsets"),
    [
        ("three doses on day 0, day 7 and day 21", [7.0, 21.0]),
        ("films on days 3, 7 and 28, the first dose counted as day 0", [3.0, 7.0, 28.0]),
        ("150 mg on day 1 and 100 mg on day 8", [7.0]),
        ("a review on day 14", []),  # where the schedule starts is not said
    ],
)
def test_numbered_days_are_offsets_from_the_first(text: str, offsets: list[float]) -> None:
    assert [q.value for q in day_offsets(text)] == offsets
    assert all(q.unit == "day" for q in day_offsets(text))


CONTEXT = (
    "The clinic gives hepatitis B vaccine on an accelerated schedule: three doses on day 0, "
    "day 7 and day 21, followed by a booster at 12 months. Tomas received his first dose on "
    "20 May 2026."
)
QUESTION = "How many hepatitis B doses does Tomas still need after his first?"
REFERENCE = "Three: the day 7 and day 21 doses and the booster at 12 months."


@pytest.mark.parametrize(
    ("final", "credited"),
    [
        ("Three: day 7, day 21 (due 10 June 2026) and the 12-month booster.", True),
        ("Three: day 7, day 21 (due 11 June 2026) and the 12-month booster.", False),
        ("Three: day 7, day 21 (due 21 June 2026) and the 12-month booster.", False),
    ],
)
def test_a_numbered_day_dates_a_dose(final: str, credited: bool) -> None:
    outcome = _outcome(QUESTION, REFERENCE, CONTEXT, final, context=CONTEXT)
    assert (outcome == DipgOutcome.CORRECT) is credited
