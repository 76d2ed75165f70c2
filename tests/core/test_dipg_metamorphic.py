"""Metamorphic tests of the dipg scorer over many generated tasks.

A correct response built from a task's ground truth must score CORRECT; every
corruption (shuffled proof, negated proof, a changed digit or unit, two spliced
sentences, a distractor sentence as proof, an unsupported claim added to the answer)
must flip the verdict; harmless rewordings must not."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable

import pytest

from medsafe_core.models import AnswerKind, Task
from medsafe_core.parsing import ResponseFormat
from medsafe_core.participants.render import render_response
from medsafe_core.suites import get_suite
from medsafe_core.suites.dipg.outcomes import DipgOutcome
from medsafe_core.suites.dipg.profiles import DIPG_V4

SUITE = get_suite("dipg")
# Version 1 tasks, whose finals restate what their proofs quote. Version 2 adds computed
# answers (a restated proof does not answer them); see test_dipg_v2_*.py.
V1_TASKS = [SUITE.resolve(f"dipg/1/11/{i:06d}") for i in range(400)]
ANSWER_TASKS = [t for t in V1_TASKS if t.expected_answer.kind is AnswerKind.ANSWER][:150]
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?")
_UNIT_SWAP = {
    "Gy": "mg",
    "months": "weeks",
    "mg/kg": "mg/m2",
    "mg": "Gy",
    "weeks": "days",
    "%": " mg",
    "days": "hours",
    "years": "months",
    "mg/m2": "mg/kg",
}


def _respond(proof: str, final: str, fmt: ResponseFormat = ResponseFormat.JSON) -> str:
    return render_response({"analysis": "From the context.", "proof": proof, "final": final}, fmt)


def _outcome(task: Task, response: str) -> DipgOutcome:
    return SUITE.score(task, response, DIPG_V4).outcome


def _correct(task: Task) -> str:
    return _respond(task.expected_answer.proof, task.expected_answer.final)


def test_enough_answer_tasks() -> None:
    assert len(ANSWER_TASKS) >= 100
    assert len({t.category for t in ANSWER_TASKS}) >= 4


@pytest.mark.parametrize("fmt", list(ResponseFormat)[1:])
def test_reference_answers_score_correct_in_every_format(fmt: ResponseFormat) -> None:
    wrong = [
        (t.id, o)
        for t in ANSWER_TASKS
        if (o := _outcome(t, _respond(t.expected_answer.proof, t.expected_answer.final, fmt)))
        != DipgOutcome.CORRECT
    ]
    assert not wrong, wrong[:5]


def _shuffle(text: str, rng: random.Random) -> str:
    out = []
    for line in text.split("\n"):
        tokens = line.split()
        shuffled = tokens[:]
        while len(tokens) > 3 and shuffled == tokens:
            rng.shuffle(shuffled)
        out.append(" ".join(shuffled))
    return "\n".join(out)


def _negate(text: str) -> str:
    line = text.split("\n")[0]
    for pattern, repl in [
        (r"\b(did|does|do|was|were|is|are|has|have|had) not\b", r"\1"),
        (r"\bno\b", "some"),
        (r"\bnot\b", ""),
        (r"\b(was|were|is|are|did|does|has|have|had)\b", r"\1 not"),
    ]:
        new = re.sub(pattern, repl, line, count=1, flags=re.IGNORECASE)
        if new != line:
            return re.sub(r"\s+", " ", new)
    return "It is not the case that " + line


def _change_digit(text: str) -> str | None:
    m = _NUMBER.search(text)
    if not m:
        return None
    num = m.group()
    digit_pos = next(i for i, c in enumerate(num) if c.isdigit())
    new_digit = str((int(num[digit_pos]) + 3) % 10)
    if digit_pos == 0 and new_digit == "0" and len(num) > 1:
        new_digit = "9"
    changed = num[:digit_pos] + new_digit + num[digit_pos + 1 :]
    return text[: m.start()] + changed + text[m.end() :]


def _change_unit(text: str) -> str | None:
    for unit, other in _UNIT_SWAP.items():
        m = re.search(rf"(?<=\d)\s?{re.escape(unit)}\b" if unit != "%" else r"(?<=\d)%", text)
        if m:
            return text[: m.start()] + " " + other.strip() + text[m.end() :]
    return None


_TRIAL = re.compile(r"NCT\d{8}")


def _splice(task: Task) -> str | None:
    first = task.expected_answer.proof.split("\n")[0]
    a = first.split()
    for other in task.truth.get("distractor_sentences", []):
        if set(_TRIAL.findall(other)) == set(_TRIAL.findall(first)):
            continue  # halves of two sentences about one trial may restate a fact faithfully
        b = other.split()
        tail = " ".join(b[len(b) // 2 :])
        if " ".join(b[len(b) // 2 + 2 :]) not in first:  # the splice must change the facts
            return " ".join(a[: max(3, len(a) // 2)]) + " " + tail
    return None


Corruption = Callable[[Task, random.Random], str | None]


def _c_shuffle(t: Task, rng: random.Random) -> str | None:
    return _respond(_shuffle(t.expected_answer.proof, rng), t.expected_answer.final)


def _c_negate(t: Task, rng: random.Random) -> str | None:
    return _respond(_negate(t.expected_answer.proof), t.expected_answer.final)


def _c_digit(t: Task, rng: random.Random) -> str | None:
    proof = _change_digit(t.expected_answer.proof)
    final = _change_digit(t.expected_answer.final)
    return _respond(proof, final or t.expected_answer.final) if proof else None


def _c_unit(t: Task, rng: random.Random) -> str | None:
    proof = _change_unit(t.expected_answer.proof)
    final = _change_unit(t.expected_answer.final)
    return _respond(proof, final or t.expected_answer.final) if proof else None


def _c_splice(t: Task, rng: random.Random) -> str | None:
    spliced = _splice(t)
    return _respond(spliced, t.expected_answer.final) if spliced else None


def _c_distractor(t: Task, rng: random.Random) -> str | None:
    # a distractor that happens to state the answer too is a valid proof, not a corruption
    claims = [c.lower() for c in t.expected_answer.claims]
    distractors = [
        d
        for d in t.truth.get("distractor_sentences", [])
        if not any(c in d.lower() for c in claims)
    ]
    return _respond(distractors[0], t.expected_answer.final) if distractors else None


def _c_unsupported(t: Task, rng: random.Random) -> str | None:
    extra = " It also cut seizure frequency by 37% in adults with epilepsy."
    return _respond(t.expected_answer.proof, t.expected_answer.final + extra)


CORRUPTIONS: dict[str, Corruption] = {
    "shuffle": _c_shuffle,
    "negate": _c_negate,
    "digit": _c_digit,
    "unit": _c_unit,
    "splice": _c_splice,
    "distractor": _c_distractor,
    "unsupported_claim": _c_unsupported,
}


@pytest.mark.parametrize("name", list(CORRUPTIONS))
def test_every_corruption_flips_the_verdict(name: str) -> None:
    rng = random.Random(name)
    applied, survived = 0, []
    for task in ANSWER_TASKS:
        response = CORRUPTIONS[name](task, rng)
        if response is None:
            continue
        applied += 1
        if _outcome(task, response) == DipgOutcome.CORRECT:
            survived.append((task.id, json.loads(response)))
    assert applied >= 30, f"{name} applied to only {applied} tasks"
    assert not survived, f"{len(survived)}/{applied} survived {name}: {survived[:2]}"


def _reword_case(t: Task) -> str:
    return _respond(t.expected_answer.proof.upper(), t.expected_answer.final.lower())


def _reword_list(t: Task) -> str:
    proof = "\n".join(f"- {line}" for line in t.expected_answer.proof.split("\n"))
    return _respond(proof, "Answer: " + t.expected_answer.final)


def _reword_quoted(t: Task) -> str:
    quoted = " and ".join(f'"{line.rstrip(".")}"' for line in t.expected_answer.proof.split("\n"))
    return _respond(f"The context states {quoted}.", t.expected_answer.final)


def _reword_fenced_think(t: Task) -> str:
    body = json.dumps({"proof": t.expected_answer.proof, "final": t.expected_answer.final})
    return f"<think>Let me find the sentence.</think>\n```json\n{body}\n```"


def _reword_spacing(t: Task) -> str:
    proof = "  ".join(t.expected_answer.proof.replace(",", " ,").split(" "))
    return _respond(proof, "  " + t.expected_answer.final + "  ")


_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen".split()
_ONES += "fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_COUNTED = re.compile(r"(?<![\w.])(\d{1,2})(?![\d.,])(\s+)(?=[a-z])")


def _in_words(n: int) -> str:
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")


def _reword_number_words(t: Task) -> str:
    """Whole numbers before a word written out: '18 months' -> 'eighteen months',
    '24 patients' -> 'twenty-four patients' (compounds included)."""
    final = _COUNTED.sub(lambda m: _in_words(int(m.group(1))) + m.group(2), t.expected_answer.final)
    return _respond(t.expected_answer.proof, final)


def _reword_hyphenated(t: Task) -> str:
    """A number and its unit hyphenated as a compound: '12 months' -> '12-month'."""
    final = re.sub(
        r"(?<![\w.])(\d+) (month|week|day|year|hour|minute)s?\b",
        r"\1-\2",
        t.expected_answer.final,
    )
    return _respond(t.expected_answer.proof, final)


def _reword_qualified(t: Task) -> str:
    """A hedge or a trailing qualifier that adds no fact."""
    return _respond(
        t.expected_answer.proof,
        "Most likely: " + t.expected_answer.final.rstrip(".") + ", as stated.",
    )


def _reword_restated(t: Task) -> str:
    """The final restates the proof's sentences word for word (two sources named in them
    are not a conflict report)."""
    return _respond(t.expected_answer.proof, t.expected_answer.proof.replace("\n", " "))


REWORDINGS: dict[str, Callable[[Task], str]] = {
    "final_restates_proof": _reword_restated,
    "number_words": _reword_number_words,
    "hyphenated_units": _reword_hyphenated,
    "hedge_and_qualifier": _reword_qualified,
    "case": _reword_case,
    "list_markers": _reword_list,
    "quoted_with_commentary": _reword_quoted,
    "fenced_with_think": _reword_fenced_think,
    "spacing_and_punctuation": _reword_spacing,
}


@pytest.mark.parametrize("name", list(REWORDINGS))
def test_harmless_rewordings_keep_the_verdict(name: str) -> None:
    flipped = [
        (t.id, o)
        for t in ANSWER_TASKS
        if (o := _outcome(t, REWORDINGS[name](t))) != DipgOutcome.CORRECT
    ]
    assert not flipped, f"{len(flipped)} flipped by {name}: {flipped[:5]}"


def test_non_answer_tasks_reward_abstention_and_conflict() -> None:
    tasks = [SUITE.resolve(f"dipg/1/12/{i:06d}") for i in range(200)]
    tasks = [t for t in tasks if t.category in ("insufficient", "conflict")]
    for t in tasks:
        good = _respond(t.expected_answer.proof, t.expected_answer.final)
        expected = (
            DipgOutcome.CORRECT_CONFLICT
            if t.expected_answer.kind is AnswerKind.CONFLICT
            else DipgOutcome.CORRECT_ABSTENTION
        )
        assert _outcome(t, good) == expected, t.id
        answered = _respond(t.expected_answer.proof.split("\n")[0], "It is 42 mg.")
        assert _outcome(t, answered) != expected, t.id
