"""`canonical_json` writes exactly the bytes of the standard library's
`json.dumps(..., sort_keys=True, indent=1) + "\\n"` (kept here as the reference): on
run records the engine makes for every suite and reference participant, and on
generated values with every tricky character class, float and integer."""

from __future__ import annotations

import json
import math
import random
import struct
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medsafe_core.evaluation import BatchItem, build_batch, evaluate, inline_task
from medsafe_core.models import RunRecord
from medsafe_core.parsing import ResponseFormat
from medsafe_core.runs import canonical_dumps, canonical_json
from medsafe_core.suites import get_suite, list_suites


def reference_dumps(data: Any) -> str:
    """What `canonical_json` wrote before it used a C encoder."""
    return json.dumps(data, sort_keys=True, indent=1) + "\n"


def reference_json(record: RunRecord) -> str:
    return reference_dumps(record.model_dump(mode="json"))


def _pairs() -> list[tuple[str, str]]:
    return [
        (info.name, name)
        for info in list_suites()
        for name in get_suite(info.name).reference_participants()
    ]


@cache
def _record(suite_name: str, participant: str) -> RunRecord:
    """A suite's tasks answered by one reference participant, two epochs, one error."""
    suite = get_suite(suite_name)
    agent = suite.reference_participants()[participant]()
    items = []
    for epoch in range(2):
        for task in suite.tasks(11, 6):
            try:
                items.append(
                    BatchItem(
                        task_id=task.id,
                        epoch=epoch,
                        response=agent.answer(task.view(), ResponseFormat.JSON),
                        latency_ms=12.5 * (epoch + 1),
                    )
                )
            except Exception as exc:  # a crashing reference participant: an error item
                items.append(BatchItem(task_id=task.id, epoch=epoch, error=repr(exc)))
    items[-1] = items[-1].model_copy(update={"response": None, "error": "timeout after 30 s"})
    batch = build_batch(items, max_items=len(items), max_response_bytes=65_536)
    return evaluate(batch, suite.default_profile(), participant=f"ref:{participant}").record


@pytest.mark.parametrize(("suite_name", "participant"), _pairs())
def test_engine_records_are_byte_identical(suite_name: str, participant: str) -> None:
    record = _record(suite_name, participant)
    assert canonical_json(record) == reference_json(record)


TRICKY = (
    'plain ascii / slash \\ backslash " quote \t\n\r\b\f \x00\x01\x1f \x7f DEL '
    "é ñ ü µg/kg ≥ 5 – — “curly” ‘single’ … € ™ \u00a0nbsp \u2028\u2029 \ufeff \ufffe\uffff "
    "😀 🧬 𝔘 \U00010000 \U0010ffff astral, lone surrogates \ud800 \udfff \udbff\udc00 "
    "1e-05 NaN Infinity -0.0 e-5\n"
)
SCORABLE = TRICKY.replace("\ud800", "").replace("\udfff", "").replace("\udbff\udc00", "")
"""Without lone surrogates, which `build_batch` cannot measure in UTF-8 (they reach a
record only through models built in Python)."""


def test_caller_tasks_and_responses_with_every_character_class() -> None:
    suite = get_suite("dipg")
    task = inline_task(
        suite,
        {
            "context": "Dose: ≥ 5 µg/kg — naïve patients 😀; ONC201 \x7f in H3 K27M glioma.",
            "question": "Which dose? «français» 日本語",
            "expected_answer": "5 µg/kg",
        },
        "caller-ü-1",
    )
    items = [
        BatchItem(task=task, epoch=0, response=SCORABLE),
        BatchItem(task=task, epoch=1, response=json.dumps({"final": SCORABLE})),
        BatchItem(task=task, epoch=2, error="crash \x7f 😀"),
    ]
    batch = build_batch(items, max_items=10, max_response_bytes=65_536)
    record = evaluate(batch, suite.default_profile()).record
    assert record.tasks  # the caller's task travels inline, with its non-ASCII text
    assert canonical_json(record) == reference_json(record)


def test_adversarial_values_inside_a_real_record() -> None:
    record = _record("dipg", "baseline")
    manifest = record.manifest.model_copy(
        update={
            "seed": 2**100 + 7,
            "generation": {"temperature": 1e-05, "top_p": 0.30000000000000004, "empty": {}},
            "versions": {"ünïcode": "😀", "": ""},
        }
    )
    profile = manifest.profile.model_copy(
        update={"values": {"tiny": 5e-324, "huge": 1.5e16, "nan": math.nan, "ninf": -math.inf}}
    )
    responses = [
        r.model_copy(update={"response": TRICKY, "latency_ms": v})
        for r, v in zip(
            record.responses, [1e-7, -0.0, math.inf, math.nan, 1e22, 2.5e-5], strict=False
        )
    ]
    samples = [
        s.model_copy(update={"details": {"nested": [[], {}, [[{}]], {"k": [1e-5, 2**70, None]}]}})
        for s in record.samples
    ]
    odd = record.model_copy(
        update={
            "manifest": manifest.model_copy(update={"profile": profile}),
            "responses": responses,
            "samples": samples,
        }
    )
    assert canonical_json(odd) == reference_json(odd)


def _floats() -> list[float]:
    rnd = random.Random(20261206)
    out = [0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308]
    out += [0.1 + 0.2, 1 / 3, 2 / 3, 9007199254740993.0, 1e16, 1e15, 9999999999999998.0]
    for exponent in range(-325, 309):
        for mantissa in ("1", "1.5", "2.5", "3.3", "4.35", "7.25", "9.999", "1.2345678901234567"):
            value = float(f"{mantissa}e{exponent}")
            if math.isfinite(value):
                out += [value, -value]
    out += [
        struct.unpack("<d", rnd.getrandbits(64).to_bytes(8, "little"))[0] for _ in range(20_000)
    ]
    out += [round(rnd.random(), digits) for digits in range(1, 18) for _ in range(200)]
    out += [math.nan, math.inf, -math.inf]
    return out


def test_floats_across_every_exponent_and_random_bit_patterns() -> None:
    values = _floats()
    assert canonical_dumps(values) == reference_dumps(values)
    for value in values[:50]:
        assert canonical_dumps({"v": value}) == reference_dumps({"v": value})


def test_every_code_point_as_key_and_value() -> None:
    every = "".join(chr(c) for c in range(0x110000))
    data = {"all": every, every[:0x800]: 1, "\uffff": 2, "\U00010000": 3, "\ud800": 4}
    assert canonical_dumps(data) == reference_dumps(data)
    for c in range(0x100):
        assert canonical_dumps(chr(c)) == reference_dumps(chr(c))


def test_integers_and_empty_containers() -> None:
    data = [
        0,
        -1,
        2**63 - 1,
        2**63,
        2**64,
        -(2**63) - 1,
        10**40,
        -(10**40),
        True,
        False,
        None,
        [],
        {},
        [[]],
        {"": {}},
        [{}, []],
    ]
    assert canonical_dumps(data) == reference_dumps(data)
    assert canonical_dumps({}) == reference_dumps({})
    assert canonical_dumps([]) == reference_dumps([])


_ANY_CHAR = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
_TEXT = st.text(_ANY_CHAR, max_size=12) | st.sampled_from(["e-5", "1e-5", "1e-05,\n", "\x7f", ""])
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**90), max_value=2**90)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.floats(min_value=-1e-4, max_value=1e-4)
    | _TEXT
)
_JSON = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(_TEXT, children, max_size=5),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_JSON)
def test_generated_values(data: Any) -> None:
    assert canonical_dumps(data) == reference_dumps(data)
    assert canonical_dumps({"wrapped": data}) == reference_dumps({"wrapped": data})
