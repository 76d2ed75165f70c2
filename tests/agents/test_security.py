"""The participant allowlist and EvalRequest validation (pure units)."""

from __future__ import annotations

import pytest

from medsafe_agents.green.request import (
    InvalidEvalRequestError,
    looks_like_eval_request,
    parse_eval_request,
    payload_from_text,
)
from medsafe_agents.green.security import ParticipantAllowlist, ParticipantNotAllowedError


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:9010/", "http://localhost:9010", "http://[::1]:9010/", "http://127.8.0.1/"],
)
def test_loopback_is_allowed_by_default(url):
    assert ParticipantAllowlist("").check(url) == url


def test_loopback_can_be_disabled():
    with pytest.raises(ParticipantNotAllowedError, match="loopback participants are disabled"):
        ParticipantAllowlist("", allow_loopback=False).check("http://127.0.0.1:9010/")


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://agents.example.org/a2a/agent1", True),
        ("https://agents.example.org/a2a/", True),
        ("https://agents.example.org/a2a", True),
        ("https://agents.example.org/a2aX", False),  # prefix must end on a path segment
        ("https://agents.example.org.evil.com/a2a", False),
        ("http://agents.example.org/a2a", False),  # scheme differs
        ("https://agents.example.org:8443/a2a", False),  # port differs
        ("https://agents.example.org/other", False),
        ("https://10.0.0.5/", False),
        ("http://169.254.169.254/latest/meta-data", False),
    ],
)
def test_allowlist_prefixes_match_on_segments(url, allowed):
    allowlist = ParticipantAllowlist("https://agents.example.org/a2a, http://purple:9010")
    if allowed:
        assert allowlist.check(url) == url
    else:
        with pytest.raises(ParticipantNotAllowedError, match="MEDSAFE_ALLOWED_PARTICIPANTS"):
            allowlist.check(url)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "only http and https"),
        ("http://user:pw@127.0.0.1:9010/", "credentials"),
        ("http:///nohost", "no host"),
        ("http://127.0.0.1:notaport/", "not a valid URL"),
    ],
)
def test_bad_urls_are_rejected_even_with_star(url, reason):
    with pytest.raises(ParticipantNotAllowedError, match=reason):
        ParticipantAllowlist("*").check(url)


def test_star_allows_any_http_url():
    assert ParticipantAllowlist("*").check("https://anywhere.example/x")


def test_bad_allowlist_entry_is_a_configuration_error():
    with pytest.raises(ValueError, match="MEDSAFE_ALLOWED_PARTICIPANTS"):
        ParticipantAllowlist("ftp://x")


def test_eval_request_defaults_and_role():
    req = parse_eval_request({"participants": {"agent": "http://127.0.0.1:9010"}})
    assert req.participant_url == "http://127.0.0.1:9010"
    assert (req.config.suite, req.config.num_tasks, req.config.concurrency) == ("dipg", 50, 8)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (
            {"participants": {"agent": "http://x"}, "config": {"nmu_tasks": 3}},
            "config.nmu_tasks: unknown key",
        ),
        ({"participants": {"agent": "http://x"}, "config": {"num_tasks": 0}}, "config.num_tasks"),
        (
            {"participants": {"agent": "http://x"}, "config": {"concurrency": -1}},
            "config.concurrency",
        ),
        ({"participants": {"agent": "http://x"}, "config": {"timeout_s": 0}}, "config.timeout_s"),
        (
            {"participants": {"agent": "http://x"}, "config": {"format": "auto"}},
            "concrete answer format",
        ),
        ({"participants": {"agent": "http://x"}, "config": {"format": "toml"}}, "config.format"),
        ({"participants": {"purple": "http://x"}}, "role 'agent'"),
        ({"participants": {"agent": "http://x", "other": "http://y"}}, "exactly one participant"),
        ({"config": {}}, "participants: required"),
        ({"participants": {"agent": "http://x"}, "extra": 1}, "extra: unknown key"),
    ],
)
def test_eval_request_errors_name_the_problem(payload, reason):
    with pytest.raises(InvalidEvalRequestError, match=reason) as info:
        parse_eval_request(payload)
    assert "Config keys: suite, num_tasks" in str(info.value)


def test_payload_detection():
    assert looks_like_eval_request(payload_from_text('{"participants": {}}'))
    assert looks_like_eval_request(payload_from_text(' {"config": {"num_tasks": 2}} '))
    assert not looks_like_eval_request(payload_from_text("hello, what can you do?"))
    assert not looks_like_eval_request(payload_from_text('{"question": "x"}'))
    assert payload_from_text("{not json") is None
