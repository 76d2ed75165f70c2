"""Response parsing: format detection, wrappers, field mapping and the failure taxonomy."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medsafe_core.parsing import (
    FieldSpec,
    ParsedResponse,
    ParseErrorKind,
    ResponseFormat,
    ResponseSchema,
    parse_response,
)

SCHEMA = ResponseSchema(
    root_tag="dipg_response",
    fields=(
        FieldSpec(name="analysis", aliases=("reasoning", "think", "thought"), required=False),
        FieldSpec(name="proof", aliases=("evidence", "quote", "quotes", "trace")),
        FieldSpec(name="final", aliases=("answer", "final_answer", "conclusion")),
    ),
)
# A second, differently shaped schema: detection must not assume dipg's fields.
ACTIONS = ResponseSchema(
    root_tag="plan",
    fields=(
        FieldSpec(name="actions", aliases=("steps",), kind="list"),
        FieldSpec(name="note", required=False),
    ),
)

ANALYSIS = "The context gives one dose for this age group."
PROOF = "Children over 3 years received 54 Gy in 30 fractions."
FINAL = "The dose was 54 Gy in 30 fractions."
FIELDS = {"analysis": ANALYSIS, "proof": PROOF, "final": FINAL}

E = ParseErrorKind
F = ResponseFormat


def parse(
    text: str,
    expected: ResponseFormat = ResponseFormat.AUTO,
    max_bytes: int = 65536,
    max_depth: int = 16,
) -> ParsedResponse:
    return parse_response(text, SCHEMA, expected=expected, max_bytes=max_bytes, max_depth=max_depth)


def as_json(fields: Mapping[str, object]) -> str:
    return json.dumps(fields, ensure_ascii=False)


def as_xml(fields: dict[str, str], root: str | None = "dipg_response") -> str:
    body = "".join(f"<{k}>{v}</{k}>" for k, v in fields.items())
    return f"<{root}>{body}</{root}>" if root else body


def as_gpt_oss(fields: dict[str, str]) -> str:
    return "".join(
        f"<|start|>assistant<|channel|>{k}<|message|>{v}<|end|>" for k, v in fields.items()
    )


def assert_ok(result: ParsedResponse, fmt: ResponseFormat, fields: Mapping[str, object]) -> None:
    assert result.error is None, result.detail
    assert result.format is fmt
    assert result.fields == fields


def assert_error(result: ParsedResponse, kind: ParseErrorKind, *words: str) -> None:
    assert result.error is kind, (result.error, result.detail)
    assert not result.ok
    assert result.fields == {}
    assert "\n" not in result.detail
    for word in words:
        assert word in result.detail, result.detail


# --- JSON ---------------------------------------------------------------------------


def test_json_object() -> None:
    result = parse(as_json(FIELDS))
    assert_ok(result, F.JSON, FIELDS)
    assert result.wrappers == []


@pytest.mark.parametrize("language", ["json", "JSON", ""])
def test_json_in_a_fenced_block_with_prose_around(language: str) -> None:
    text = f"Here is my answer:\n\n```{language}\n{as_json(FIELDS)}\n```\nHope this helps."
    result = parse(text)
    assert_ok(result, F.JSON, FIELDS)
    assert result.wrappers == ["fenced"]


def test_json_object_after_a_line_of_prose() -> None:
    result = parse(f"Sure. {as_json(FIELDS)}")
    assert_ok(result, F.JSON, FIELDS)


def test_json_example_in_prose_without_schema_keys_is_not_the_answer() -> None:
    text = f'Config such as {{"mode": "strict"}} is irrelevant. {as_json(FIELDS)}'
    assert_ok(parse(text), F.JSON, FIELDS)


def test_backticks_inside_a_json_string_do_not_open_a_fence() -> None:
    fields = {**FIELDS, "analysis": "the guideline quotes ```dose``` inline"}
    assert_ok(parse(as_json(fields)), F.JSON, fields)


def test_xml_quoted_inside_a_json_string_is_not_a_second_answer() -> None:
    fields = {**FIELDS, "analysis": "one could write <final>other</final> instead"}
    assert_ok(parse(as_json(fields)), F.JSON, fields)


def test_truncated_json_is_unrecognised_with_the_json_error() -> None:
    text = as_json(FIELDS)[:-10]
    assert_error(parse(text), E.UNRECOGNISED, "invalid JSON")
    assert parse(text).format is None


def test_json_array_is_wrong_type() -> None:
    result = parse(json.dumps([FIELDS]))
    assert_error(result, E.WRONG_TYPE, "array")
    assert result.format is F.JSON


# --- XML ----------------------------------------------------------------------------


def test_xml_with_root() -> None:
    assert_ok(parse(as_xml(FIELDS)), F.XML, FIELDS)


def test_xml_bare_field_tags_with_prose_around() -> None:
    text = f"My answer follows.\n{as_xml(FIELDS, root=None)}\nThanks."
    assert_ok(parse(text), F.XML, FIELDS)


def test_xml_declaration_escapes_and_cdata() -> None:
    text = (
        '<?xml version="1.0"?><dipg_response><proof>dose &lt; 60 Gy &amp; safe</proof>'
        "<final><![CDATA[a < b & c]]></final></dipg_response>"
    )
    assert_ok(parse(text), F.XML, {"proof": "dose < 60 Gy & safe", "final": "a < b & c"})


def test_xml_not_well_formed_falls_back_to_field_tags() -> None:
    # Unescaped `<` and `&` make this invalid XML, but each field is still unambiguous.
    text = "<dipg_response><proof>dose < 60 Gy & weekly</proof><final>x &amp; y</final>"
    assert_ok(parse(text), F.XML, {"proof": "dose < 60 Gy & weekly", "final": "x & y"})


def test_xml_child_elements_of_a_text_field_become_lines() -> None:
    text = (
        "<dipg_response><proof><quote>first</quote><quote>second</quote></proof>"
        "<final>f</final></dipg_response>"
    )
    assert_ok(parse(text), F.XML, {"proof": "first\nsecond", "final": "f"})
    lenient = text.replace("<final>f</final>", "<final>a < b</final>")
    assert_ok(parse(lenient), F.XML, {"proof": "first\nsecond", "final": "a < b"})


def test_xml_tags_match_aliases_case_insensitively() -> None:
    text = "<DIPG_RESPONSE><Evidence>p</Evidence><ANSWER>f</ANSWER></DIPG_RESPONSE>"
    assert_ok(parse(text), F.XML, {"proof": "p", "final": "f"})


def test_xml_unclosed_field_is_missing_and_says_so() -> None:
    result = parse("<dipg_response><proof>p</proof><final>cut off & never closed")
    assert_error(result, E.MISSING_FIELD, "'final'", "never closed")
    assert result.format is F.XML


def test_xml_prose_that_only_mentions_a_tag_is_not_xml() -> None:
    assert_error(parse("Put the answer in a <final> tag, as asked."), E.UNRECOGNISED)


def test_xml_nesting_deeper_than_the_limit() -> None:
    deep = "<a>" * 20 + "x" + "</a>" * 20
    result = parse(as_xml({"proof": deep, "final": "f"}))
    assert_error(result, E.TOO_DEEP, "16")
    assert parse(as_xml({"proof": deep, "final": "f"}), max_depth=30).ok


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">\n'
        for i in range(1, 10)
    )
    + "]>\n<dipg_response><proof>&lol9;</proof><final>f</final></dipg_response>"
)


@pytest.mark.parametrize(
    "text",
    [
        BILLION_LAUGHS,
        BILLION_LAUGHS.replace("<dipg_response>", "").replace("</dipg_response>", ""),
        '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<dipg_response><proof>&x;</proof><final>f</final></dipg_response>",
    ],
    ids=["billion-laughs", "billion-laughs-bare-tags", "external-entity"],
)
def test_xml_entity_declarations_are_refused_without_expansion(text: str) -> None:
    started = time.perf_counter()
    result = parse(text)
    assert time.perf_counter() - started < 1.0
    assert_error(result, E.UNRECOGNISED, "DOCTYPE")


# --- YAML ---------------------------------------------------------------------------


def test_yaml_mapping_with_block_scalar_and_list() -> None:
    text = f"analysis: {ANALYSIS}\nproof:\n  - {PROOF}\n  - second quote\nfinal: |\n  {FINAL}\n"
    expected = {**FIELDS, "proof": f"{PROOF}\nsecond quote"}
    assert_ok(parse(text), F.YAML, expected)


def test_yaml_in_a_fenced_block() -> None:
    text = f"```yaml\nproof: '{PROOF}'\nfinal: '{FINAL}'\n```"
    result = parse(text)
    assert_ok(result, F.YAML, {"proof": PROOF, "final": FINAL})
    assert result.wrappers == ["fenced"]


def test_yaml_scalars_keep_their_text() -> None:
    # Constructed YAML would turn these into False and 1.1.
    assert_ok(parse("proof: 1.10\nfinal: no"), F.YAML, {"proof": "1.10", "final": "no"})


def test_yaml_prose_is_not_yaml() -> None:
    # Each of these parses as YAML (a string, or a one-key mapping) but is not an answer.
    for text in ["The dose was 54 Gy.", "Some sentence: more words", "Answer: 54 Gy"]:
        assert_error(parse(text), E.UNRECOGNISED)


def test_yaml_with_only_some_fields_passes_when_yaml_was_asked_for() -> None:
    text = "Answer: 54 Gy"
    assert_error(parse(text, expected=F.YAML), E.MISSING_FIELD, "'proof'")


def test_yaml_alias_bomb_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    text = "\n".join([*lines, "proof: *a9", "final: x"])
    started = time.perf_counter()
    result = parse(text)
    assert time.perf_counter() - started < 1.0
    assert_error(result, E.UNRECOGNISED, "alias")


def test_yaml_python_tags_are_refused() -> None:
    text = 'proof: !!python/object/apply:os.system ["echo owned"]\nfinal: x'
    assert_error(parse(text), E.UNRECOGNISED, "python/object")


def test_yaml_nesting_deeper_than_the_limit() -> None:
    text = "proof: x\nfinal:\n" + "".join("  " * i + "- \n" for i in range(1, 25))
    assert_error(parse(text), E.TOO_DEEP, "16")


def test_yaml_error_is_reported_when_the_text_starts_with_a_key() -> None:
    assert_error(parse("final: the dose: 54 Gy\nproof: x"), E.UNRECOGNISED, "invalid YAML")


# --- channel tags -------------------------------------------------------------------


def test_gpt_oss_channels() -> None:
    text = as_gpt_oss(FIELDS).removesuffix("<|end|>") + "<|return|>"
    result = parse(text)
    assert_ok(result, F.CUSTOM_TAGS, FIELDS)
    assert result.wrappers == ["gpt_oss_tags"]


def test_gpt_oss_final_message_may_run_to_the_end_of_text() -> None:
    text = (
        f"<|channel|>proof<|message|>{PROOF}<|end|>"
        f"<|start|>assistant<|channel|>final <|constrain|>text<|message|>{FINAL}"
    )
    assert_ok(parse(text), F.CUSTOM_TAGS, {"proof": PROOF, "final": FINAL})


def test_plain_channel_tags() -> None:
    text = "".join(f"<channel>{k}<message>{v}<end>" for k, v in FIELDS.items())
    result = parse(text)
    assert_ok(result, F.CUSTOM_TAGS, FIELDS)
    assert result.wrappers == []


def test_gpt_oss_final_channel_holding_a_json_answer() -> None:
    payload = as_json({"proof": PROOF, "final": FINAL})
    text = (
        f"<|channel|>analysis<|message|>{ANALYSIS}<|end|>"
        f"<|start|>assistant<|channel|>final<|message|>```json\n{payload}\n```<|return|>"
    )
    result = parse(text)
    assert_ok(result, F.JSON, FIELDS)
    assert result.wrappers == ["gpt_oss_tags", "fenced"]
    # Asked for channel tags, the channels are the fields, and `proof` is not one.
    assert_error(parse(text, expected=F.CUSTOM_TAGS), E.MISSING_FIELD, "'proof'")


def test_broken_json_in_the_final_channel_reports_the_json_error() -> None:
    text = '<|channel|>final<|message|>{"proof": "p", "final": <|return|>'
    result = parse(text)
    assert_error(result, E.UNRECOGNISED, "invalid JSON")
    assert result.wrappers == ["gpt_oss_tags"]


def test_json_that_mentions_channel_tokens_is_still_json() -> None:
    fields = {**FIELDS, "analysis": "gpt-oss writes <|channel|>final<|message|> first"}
    result = parse(as_json(fields))
    assert_ok(result, F.JSON, fields)
    assert result.wrappers == []


def test_channel_given_twice_with_different_text_is_ambiguous() -> None:
    text = as_gpt_oss({"proof": PROOF, "final": "yes"}) + as_gpt_oss({"final": "no"})
    assert_error(parse(text), E.AMBIGUOUS, "'final'")


# --- wrappers -----------------------------------------------------------------------


@pytest.mark.parametrize("tag", ["think", "thinking", "reasoning", "THINK"])
def test_reasoning_block_is_stripped_and_fills_analysis(tag: str) -> None:
    text = f"<{tag}>\n{ANALYSIS}\n</{tag}>\n{as_json({'proof': PROOF, 'final': FINAL})}"
    result = parse(text)
    assert_ok(result, F.JSON, FIELDS)
    assert result.wrappers == ["reasoning_block"]


def test_reasoning_block_does_not_replace_a_given_analysis() -> None:
    result = parse(f"<think>scratch work</think>{as_xml(FIELDS)}")
    assert_ok(result, F.XML, FIELDS)


def test_reasoning_without_its_opening_tag_is_stripped() -> None:
    # Chat templates that put <think> in the prompt leave only the closing tag.
    result = parse(f"{ANALYSIS}\n</think>\n\n{as_json({'proof': PROOF, 'final': FINAL})}")
    assert_ok(result, F.JSON, FIELDS)
    assert result.wrappers == ["reasoning_block"]


def test_all_wrappers_in_order() -> None:
    payload = as_json({"proof": PROOF, "final": FINAL})
    text = f"<think>{ANALYSIS}</think><|channel|>final<|message|>```\n{payload}\n```<|return|>"
    result = parse(text)
    assert_ok(result, F.JSON, FIELDS)
    assert result.wrappers == ["reasoning_block", "gpt_oss_tags", "fenced"]


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
def test_adversarial_input_is_handled_in_linear_time(text: str) -> None:
    started = time.perf_counter()
    result = parse(text)
    # Quadratic work on 64 KB would take many seconds; linear work takes milliseconds.
    assert time.perf_counter() - started < 1.0
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
