"""Response parsing: field mapping, ambiguity, required formats, limits, and the
failure taxonomy (never raises)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medsafe_core.parsing import (
    ParsedResponse,
    ResponseFormat,
    parse_response,
)
from tests.core.parsing_cases import (
    ACTIONS,
    ANALYSIS,
    FIELDS,
    FINAL,
    PROOF,
    E,
    F,
    as_gpt_oss,
    as_json,
    as_xml,
    assert_error,
    assert_ok,
    parse,
)

# --- fields -------------------------------------------------------------------------


def test_aliases_are_case_insensitive() -> None:
    text = as_json({"Reasoning": ANALYSIS, "EVIDENCE": PROOF, "Final Answer": FINAL})
    assert_ok(parse(text), F.JSON, FIELDS)


def test_values_are_stripped_and_numbers_become_text() -> None:
    text = as_json({"proof": ["  54 Gy  ", 30, 1.5], "final": 54})
    assert_ok(parse(text), F.JSON, {"proof": "54 Gy\n30\n1.5", "final": "54"})


@pytest.mark.parametrize(
    ("proof", "described"),
    [({"quote": PROOF}, "object"), (True, "boolean"), ([PROOF, {"x": 1}], "list")],
)
def test_wrong_type(proof: object, described: str) -> None:
    result = parse(as_json({"proof": proof, "final": FINAL}))
    assert_error(result, E.WRONG_TYPE, "'proof'", described)
    assert result.format is F.JSON


def test_present_but_empty_field_is_present() -> None:
    proofs: list[object] = ["", "   ", None, []]
    for proof in proofs:
        assert_ok(
            parse(as_json({"proof": proof, "final": FINAL})), F.JSON, {"proof": "", "final": FINAL}
        )


@pytest.mark.parametrize("absent", ["proof", "final"])
def test_absent_required_field_is_missing(absent: str) -> None:
    fields = {k: v for k, v in FIELDS.items() if k != absent}
    for text in [as_json(fields), as_xml(fields), as_gpt_oss(fields)]:
        assert_error(parse(text), E.MISSING_FIELD, f"'{absent}'")


def test_optional_field_may_be_absent() -> None:
    fields = {"proof": PROOF, "final": FINAL}
    assert_ok(parse(as_json(fields)), F.JSON, fields)


def test_list_field() -> None:
    cases = {
        '{"steps": ["  check  ", "", "refer"]}': ["check", "refer"],
        '{"actions": "refer"}': ["refer"],
        "<plan><actions><a>check</a><a>refer</a></actions></plan>": ["check", "refer"],
        "actions:\n  - check\n  - refer\nnote: done": ["check", "refer"],
    }
    for text, actions in cases.items():
        result = parse_response(text, ACTIONS)
        assert result.error is None, (text, result.detail)
        assert result.fields["actions"] == actions
    wrong = parse_response('{"actions": {"a": 1}}', ACTIONS)
    assert_error(wrong, E.WRONG_TYPE, "'actions'", "list of strings")


def test_schemas_do_not_leak_into_each_other() -> None:
    text = as_json({"actions": ["a"], "final": "f"})
    assert parse_response(text, ACTIONS).fields == {"actions": ["a"]}
    assert_error(parse(text), E.MISSING_FIELD, "'proof'")


# --- ambiguity ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '{"proof": "p", "final": "yes", "final": "no"}',
        '{"proof": "p", "final": "yes", "answer": "no"}',
        "<dipg_response><proof>p</proof><final>yes</final><final>no</final></dipg_response>",
        "<proof>p</proof><final>yes</final><conclusion>no</conclusion>",
        "proof: p\nfinal: yes\nfinal: no",
    ],
    ids=["json-key", "json-alias", "xml-tag", "xml-alias", "yaml-key"],
)
def test_one_field_with_two_values_is_ambiguous(text: str) -> None:
    assert_error(parse(text), E.AMBIGUOUS, "'final'")


@pytest.mark.parametrize(
    "text",
    [
        '{"proof": "p", "final": "yes"}\nor maybe\n{"proof": "p", "final": "no"}',
        '```json\n{"proof": "p", "final": "yes"}\n```\n```json\n{"proof": "p", "final": "no"}\n```',
        '{"proof": "p", "final": "no"}\n```json\n{"proof": "p", "final": "yes"}\n```',
        as_xml({"proof": "p", "final": "yes"}) + as_xml({"proof": "p", "final": "no"}),
        'Either {"proof": "p", "final": "yes"} or <proof>p</proof><final>no</final>',
    ],
    ids=["two-objects", "two-fences", "fence-and-object", "two-roots", "json-and-xml"],
)
def test_two_different_answers_are_ambiguous(text: str) -> None:
    assert_error(parse(text), E.AMBIGUOUS, "different answers")


def test_repeating_the_same_answer_is_not_ambiguous() -> None:
    payload = as_json(FIELDS)
    for text in [
        f"{payload}\n{payload}",
        f"```json\n{payload}\n```\nAgain:\n```json\n{payload}\n```",
        '{"proof": "p", "final": "x", "final": "x"}',
    ]:
        assert parse(text).ok, text


# --- expected format ----------------------------------------------------------------


RENDERINGS = {
    F.JSON: as_json(FIELDS),
    F.XML: as_xml(FIELDS),
    F.YAML: "\n".join(f"{k}: {v}" for k, v in FIELDS.items()),
    F.CUSTOM_TAGS: as_gpt_oss(FIELDS),
}


@pytest.mark.parametrize("sent", list(RENDERINGS))
@pytest.mark.parametrize("expected", list(RENDERINGS))
def test_expected_format(sent: ResponseFormat, expected: ResponseFormat) -> None:
    result = parse(RENDERINGS[sent], expected=expected)
    if sent is expected:
        assert_ok(result, sent, FIELDS)
    else:
        assert_error(result, E.WRONG_FORMAT, f"expected {expected.value}, got {sent.value}")
        assert result.format is sent


# --- limits and empties -------------------------------------------------------------


def test_too_large_is_checked_in_bytes_before_parsing() -> None:
    text = as_json({**FIELDS, "analysis": "é" * 40_000})  # 40k characters, 80k bytes
    size = len(text.encode())
    assert len(text) < 65536 < size
    assert_error(parse(text), E.TOO_LARGE, str(size), "65536")
    assert parse(text, max_bytes=size).ok
    assert_error(parse("{" * 1000, max_bytes=999), E.TOO_LARGE)  # never reaches the parser


@pytest.mark.parametrize("text", ["", "   \n\t ", "<think>still thinking", "<think>done</think>  "])
def test_empty(text: str) -> None:
    assert_error(parse(text), E.EMPTY)


def test_json_nesting_deeper_than_the_limit() -> None:
    def nested(depth: int) -> str:
        return '{"proof": "p", "final": ' + "[" * (depth - 1) + '"x"' + "]" * (depth - 1) + "}"

    assert parse(nested(16)).error is E.WRONG_TYPE  # at the limit: parsed, then typed
    assert_error(parse(nested(17)), E.TOO_DEEP, "17", "16")
    assert_error(parse(nested(5), max_depth=4), E.TOO_DEEP)


@pytest.mark.parametrize("opener", ["[", "{", '{"a":', '{"a": "b", "c": ['])
def test_very_deep_json_does_not_recurse(opener: str) -> None:
    text = opener * (60_000 // len(opener))
    assert_error(parse(text), E.TOO_DEEP)


# --- unrecognised -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        f"The answer is: {FINAL}",
        f"**Analysis:** {ANALYSIS}\n\n**Proof:** {PROOF}\n\n**Answer:** {FINAL}",
        f"- Answer: {FINAL}\n- Proof: {PROOF}",
        "# Final answer\n\n54 Gy",
        "{not json at all}",
    ],
)
def test_prose_is_unrecognised(text: str) -> None:
    result = parse(text)
    assert_error(result, E.UNRECOGNISED)
    assert result.format is None


def test_unrecognised_with_expected_names_it() -> None:
    assert_error(parse("plain words", expected=F.XML), E.UNRECOGNISED, "expected xml")


def test_invalid_arguments_are_typed_failures_too() -> None:
    # Callers outside the type checker (JSON payloads, plugins) can pass anything.
    not_text: Any = b"{}"
    not_a_format: Any = "toml"
    assert parse(not_text).error is E.UNRECOGNISED
    assert parse(as_json(FIELDS), expected=not_a_format).error is E.WRONG_FORMAT


# --- robustness ---------------------------------------------------------------------


ADVERSARIAL = {
    "braces": "{" * 65_000,
    "quotes-and-braces": '{"' * 32_000,
    "many-small-objects": '{"x":1} ' * 8_000,
    "open-tags": "<a>" * 21_000,
    "open-field-tags": "<final>" * 9_000,
    "field-pairs": "<final>x</final>" * 4_000,
    "fences": "```\n" * 16_000,
    "colons": "final:" * 10_000,
    "key-lines": "final: x\n" * 7_000,
    "messages": "<|message|>" * 5_900,
    "closing-think": "</think>" * 8_000,
    "entities": "<final>&#" * 7_000,
}


@pytest.mark.parametrize("text", list(ADVERSARIAL.values()), ids=list(ADVERSARIAL))
@pytest.mark.timeout(10)  # quadratic work on 64 KB would run far past this guard
def test_adversarial_input_is_refused(text: str) -> None:
    # benchmarks/engine_speed.py prints the time each of these takes (milliseconds)
    result = parse(text)
    assert result.error is not None


FRAGMENTS = [
    "{",
    "}",
    "[",
    "]",
    '"',
    "\\",
    ":",
    ",",
    "\n",
    "  ",
    "```",
    "```json\n",
    "<",
    ">",
    "/",
    "&",
    "*",
    "&a ",
    "*a",
    "- ",
    "---",
    "<dipg_response>",
    "</dipg_response>",
    "<final>",
    "</final>",
    "<proof>",
    "</proof>",
    "<think>",
    "</think>",
    "<!DOCTYPE x>",
    "<![CDATA[",
    "]]>",
    "<|start|>",
    "<|channel|>",
    "<|message|>",
    "<|end|>",
    "<|return|>",
    "<channel>",
    "<message>",
    "<end>",
    '"final"',
    '"proof"',
    "final",
    "proof",
    "answer",
    "analysis",
    "x",
    "54 Gy",
    "null",
    "1e999",
    "!!python/object",
    "\ud800",
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(max_size=400),
        st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join),
    )
)
def test_parse_response_never_raises(text: str) -> None:
    for expected in (F.AUTO, F.JSON):
        result = parse(text, expected=expected)
        assert isinstance(result, ParsedResponse)
        assert result.ok == (result.error is None)
        if result.ok:
            assert set(result.fields) >= {"proof", "final"}
            assert all(isinstance(v, str) for v in result.fields.values())
        else:
            assert result.detail
            assert "\n" not in result.detail
            assert result.fields == {}
        if result.error is E.UNRECOGNISED:
            assert result.format is None
