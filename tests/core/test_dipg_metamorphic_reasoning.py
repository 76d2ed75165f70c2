"""Metamorphic tests for the judgment classes that need normalisation or one step of
reasoning: clinical synonyms through lemmas, the order of two clock times, clock
arithmetic, sums over phases, unit conversions and differences between arms.

Each family draws many tasks with random values; the right answer, reworded, must stay
CORRECT and the same answer with a wrong value (or the opposite polarity) must not."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from medsafe_core.models import Task
from medsafe_core.suites import get_suite
from medsafe_core.suites.dipg.outcomes import DipgOutcome
from medsafe_core.suites.dipg.profiles import DIPG_V4

SUITE = get_suite("dipg")
FILLER = "The ward audit covered 2024. Nurses recorded observations every 4 hours."


@dataclass
class Case:
    task: Task
    proof: str
    right: list[str]
    wrong: list[str]


def _task(context: str, question: str, final: str, proof: str, claims: list[str]) -> Task:
    return Task.model_validate(
        {
            "id": "metamorphic",
            "suite": "dipg",
            "category": "reasoning",
            "context": context,
            "question": question,
            "expected_answer": {"final": final, "proof": proof, "kind": "answer", "claims": claims},
        }
    )


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _synonyms(rng: random.Random) -> Case:
    n, drug = rng.randint(3, 21), rng.choice(["temozolomide", "lenalidomide", "capecitabine"])
    fact = f"{drug.capitalize()} was withheld for {n} days after grade 3 thrombocytopenia."
    return Case(
        _task(
            f"{fact} {FILLER}",
            f"For how long was {drug} withheld?",
            f"{n} days",
            fact,
            [f"{n} days"],
        ),
        fact,
        [
            f"It was held for {n} days.",
            f"{drug.capitalize()} was paused for {n} days.",
            f"Withholding lasted {n} days.",
        ],
        [f"It was held for {n + 3} days.", f"It was held for {n} weeks."],
    )


def _order(rng: random.Random) -> Case:
    t1, t2 = rng.sample(range(6 * 60, 20 * 60, 5), 2)
    a = f"The first dose of ceftriaxone was given at {_clock(t1)}."
    b = f"Blood cultures were drawn at {_clock(t2)}."
    yes = t2 < t1
    word, other = ("Yes", "No") if yes else ("No", "Yes")
    how = "before" if yes else "after"
    return Case(
        _task(
            f"{a} {b} {FILLER}",
            "Were blood cultures drawn before the first dose of ceftriaxone?",
            f"{word}.",
            f"{a}\n{b}",
            [],
        ),
        f"{a}\n{b}",
        [
            f"{word}.",
            f"{word}: the cultures at {_clock(t2)} were drawn {how} the dose at {_clock(t1)}.",
        ],
        [f"{other}."],
    )


def _clock_gap(rng: random.Random) -> Case:
    t1 = rng.randrange(6 * 60, 12 * 60, 5)
    gap = rng.randrange(15, 180, 5)
    a = f"Blood cultures were drawn at {_clock(t1)}."
    b = f"The first dose of ceftriaxone was given at {_clock(t1 + gap)}."
    q = "How many minutes after the blood cultures was the first dose given?"
    return Case(
        _task(f"{a} {b} {FILLER}", q, f"{gap} minutes", f"{a}\n{b}", [f"{gap} minutes"]),
        f"{a}\n{b}",
        [f"{gap} minutes.", f"About {gap} minutes (from {_clock(t1)} to {_clock(t1 + gap)})."],
        [f"{gap + 10} minutes.", f"{gap} hours."],
    )


def _phases(rng: random.Random) -> Case:
    x, y = rng.randint(2, 12), rng.randint(2, 30)
    a = f"Induction lasted {x} weeks."
    b = f"Consolidation lasted {y} weeks."
    q = "How long did induction and consolidation last in total?"
    return Case(
        _task(f"{a} {b} {FILLER}", q, f"{x + y} weeks", f"{a}\n{b}", [f"{x + y} weeks"]),
        f"{a}\n{b}",
        [f"{x + y} weeks in total.", f"{x} + {y} = {x + y} weeks."],
        [f"{x + y + 1} weeks in total.", f"{x + y} months in total."],
    )


def _conversion(rng: random.Random) -> Case:
    mg = rng.choice([0.2, 0.25, 0.4, 0.5, 0.6, 1.5, 2.5])
    fact = f"Each nebulised dose contained {mg:g} mg of ipratropium."
    q = "How many micrograms of ipratropium were in each dose?"
    mcg = round(mg * 1000)
    return Case(
        _task(f"{fact} {FILLER}", q, f"{mcg} micrograms", fact, [f"{mcg} micrograms"]),
        fact,
        [f"{mcg} micrograms.", f"{mcg} mcg per dose."],
        [f"{mcg * 10} micrograms.", f"{mcg} mg."],
    )


def _arms(rng: random.Random) -> Case:
    p, q = rng.randint(20, 60), rng.randint(5, 19)
    fact = f"The response rate was {p}% in arm A and {q}% in arm B."
    question = "By how many percentage points did the response rate differ between the arms?"
    d = p - q
    return Case(
        _task(
            f"{fact} {FILLER}", question, f"{d} percentage points", fact, [f"{d} percentage points"]
        ),
        fact,
        [f"{d} percentage points.", f"The arms differed by {d} percentage points."],
        [f"{d + 4} percentage points.", f"{p + q} percentage points."],
    )


def _infusion(rng: random.Random) -> Case:
    rate, weight = rng.choice([0.5, 1, 1.5, 2, 3]), rng.randint(40, 110)
    fact = f"Propofol was running at {rate:g} mg/kg/h in a patient weighing {weight} kg."
    q = "What was the propofol infusion rate in mg per hour?"
    total = f"{rate * weight:g}"
    return Case(
        _task(f"{fact} {FILLER}", q, f"{total} mg/h", fact, [f"{total} mg/h"]),
        fact,
        [f"{total} mg/h.", f"{total} mg per hour ({rate:g} mg/kg/h x {weight} kg)."],
        [f"{rate * weight + 10:g} mg/h.", f"{total} mg/min."],
    )


FAMILIES: dict[str, Callable[[random.Random], Case]] = {
    "weight_based_rate": _infusion,
    "synonyms": _synonyms,
    "time_order": _order,
    "clock_arithmetic": _clock_gap,
    "sum_over_phases": _phases,
    "unit_conversion": _conversion,
    "difference_between_arms": _arms,
}


def _outcome(case: Case, final: str) -> str:
    response = json.dumps({"analysis": "From the context.", "proof": case.proof, "final": final})
    return str(SUITE.score(case.task, response, DIPG_V4).outcome)


@pytest.mark.parametrize("family", list(FAMILIES))
def test_right_answers_stay_correct_and_wrong_values_flip(family: str) -> None:
    rng = random.Random(family)
    kept, flipped = [], []
    for _ in range(40):
        case = FAMILIES[family](rng)
        kept += [(f, o) for f in case.right if (o := _outcome(case, f)) != DipgOutcome.CORRECT]
        flipped += [f for f in case.wrong if _outcome(case, f) == DipgOutcome.CORRECT]
    assert not kept, f"right answers not credited: {kept[:3]}"
    assert not flipped, f"wrong answers credited: {flipped[:3]}"
