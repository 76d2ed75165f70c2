"""Response parsing: each wire format and the wrappers models put around them."""

from __future__ import annotations

import json

import pytest

from tests.core.parsing_cases import (
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
@pytest.mark.timeout(10)  # an expanding parser would not finish at all
def test_xml_entity_declarations_are_refused_without_expansion(text: str) -> None:
    result = parse(text)
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


@pytest.mark.timeout(10)  # an expanding loader would not finish at all
def test_yaml_alias_bomb_is_refused_without_expansion() -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    text = "\n".join([*lines, "proof: *a9", "final: x"])
    result = parse(text)
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
