"""The green agent's lean participant calls (`JsonRpcSender`) send what the SDK's client
sends and turn every answer and failure into the same `Answer` as the SDK's client."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from a2a.server.request_handlers.response_helpers import agent_card_to_dict
from a2a.types import AgentSkill

from medsafe_agents.a2a_app import agent_card
from medsafe_agents.green.limits import participant_http_client
from medsafe_agents.green.participant import Answer, ParticipantClient
from medsafe_agents.green.plan import plan_assessment
from medsafe_agents.green.request import parse_eval_request
from medsafe_agents.green.rpc import JsonRpcSender, plain_message_text
from medsafe_agents.green.security import ParticipantAllowlist

from .conftest import make_settings

URL = "http://127.0.0.1:19077/"
ANSWER = json.dumps({"analysis": "a", "proof": "", "final": "Not in the context. é ✓"})


def card(versions: tuple[str, ...] = ("1.0", "0.3")) -> dict[str, Any]:
    skill = AgentSkill(id="a", name="A", description="answers", tags=["t"])
    return agent_card_to_dict(
        agent_card(
            name="p", description="p", url=URL, version="0", skills=[skill],
            protocol_versions=versions,
        )
    )  # fmt: skip


def rpc_result(body: bytes, result: Any) -> httpx.Response:
    rpc_id = json.loads(body)["id"]
    payload = {"jsonrpc": "2.0", "id": rpc_id, "result": result}
    # ASCII JSON: a lone surrogate travels as its escape, as a participant may send it
    content = json.dumps(payload).encode()
    return httpx.Response(200, content=content, headers={"content-type": "application/json"})


MESSAGE = {"message": {"messageId": "x", "role": "ROLE_AGENT", "parts": [{"text": ANSWER}]}}
TASK = {
    "task": {
        "id": "t1",
        "contextId": "c1",
        "status": {"state": "TASK_STATE_COMPLETED"},
        "artifacts": [{"artifactId": "a1", "parts": [{"text": "from the artifact"}]}],
    }
}
ODD_MESSAGES: dict[str, Any] = {
    "two texts and an empty one": {
        "messageId": "x",
        "role": "ROLE_AGENT",
        "contextId": "c",
        "parts": [{"text": "one"}, {"text": ""}, {"text": "two"}],
    },
    "empty message": {},
    "a data part": {"messageId": "x", "parts": [{"text": "a"}, {"data": {"k": [1, 2.5]}}]},
    "a text with a media type": {"parts": [{"text": "a", "mediaType": "text/plain"}]},
    "a lone surrogate": {"messageId": "x", "parts": [{"text": "bad \ud800 text"}]},
    "a numeric role": {"role": 2, "parts": [{"text": "a"}]},
    "an unknown role": {"role": "ROLE_BOSS", "parts": [{"text": "a"}]},
    "an unknown field": {"parts": [{"text": "a"}], "colour": "red"},
    "a number as id": {"messageId": 7, "parts": [{"text": "a"}]},
    "text not a string": {"parts": [{"text": 5}]},
}
FAILED_TASK = {
    "task": {
        "id": "t2",
        "contextId": "c1",
        "status": {
            "state": "TASK_STATE_FAILED",
            "message": {"messageId": "s", "role": "ROLE_AGENT", "parts": [{"text": "boom"}]},
        },
    }
}


def answer_with(kind: str, body: bytes) -> httpx.Response:
    if kind == "message":
        return rpc_result(body, MESSAGE)
    if kind == "task":
        return rpc_result(body, TASK)
    if kind == "failed task":
        return rpc_result(body, FAILED_TASK)
    if kind == "neither":
        return rpc_result(body, {})
    if kind == "rpc error":
        rpc_id = json.loads(body)["id"]
        error = {"code": -32603, "message": "internal trouble"}
        return httpx.Response(200, json={"jsonrpc": "2.0", "id": rpc_id, "error": error})
    if kind == "unknown rpc error":
        rpc_id = json.loads(body)["id"]
        error = {"code": 17, "message": "odd"}
        return httpx.Response(200, json={"jsonrpc": "2.0", "id": rpc_id, "error": error})
    if kind == "http 503":
        return httpx.Response(503, text="busy")
    if kind == "http 404":
        return httpx.Response(404, text="no")
    if kind == "not json":
        return httpx.Response(200, text="<html>hello</html>")
    if kind == "not an object":
        return httpx.Response(200, json=[1, 2])
    if kind == "bad result":
        return rpc_result(body, {"message": {"parts": "not a list"}})
    if kind in ODD_MESSAGES:
        return rpc_result(body, {"message": ODD_MESSAGES[kind]})
    if kind == "too large":
        return httpx.Response(200, content=b"x" * (9 * 1024 * 1024))
    raise AssertionError(kind)


class Participant:
    """A participant answering each call as `kind` says, recording every request."""

    def __init__(self, kind: str, versions: tuple[str, ...] = ("1.0", "0.3")) -> None:
        self.kind = kind
        self.card = card(versions)
        self.requests: list[httpx.Request] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("agent-card.json"):
            return httpx.Response(200, json=self.card)
        self.requests.append(request)
        return answer_with(self.kind, request.content)


def client_for(participant: Participant, *, lean: bool) -> ParticipantClient:
    http = participant_http_client(1 << 20, transport=httpx.MockTransport(participant.handle))
    return ParticipantClient(
        URL,
        http=http,
        allowlist=ParticipantAllowlist("", allow_loopback=True),
        timeout_s=10,
        retries=1,
        backoff_s=0.0,
        poll_interval_s=0.0,
        lean_calls=lean,
    )


def parts_of(tmp_path, n: int = 3):  # type: ignore[no-untyped-def]
    request = parse_eval_request(
        {"participants": {"agent": URL}, "config": {"num_tasks": n, "concurrency": 2}}
    )
    plan = plan_assessment(request, make_settings(tmp_path))
    return [plan.parts_for(task) for task in plan.tasks]


def without_ids(request: httpx.Request) -> dict[str, Any]:
    body = json.loads(request.content)
    assert len(body["params"]["message"].pop("messageId")) == 32
    assert len(body.pop("id")) == 36
    return body


async def test_a_lean_call_sends_the_sdk_clients_request(tmp_path):
    sdk, lean = Participant("message"), Participant("message")
    sdk_client, lean_client = client_for(sdk, lean=False), client_for(lean, lean=True)
    all_parts = parts_of(tmp_path)
    for parts in [*all_parts, all_parts[0]]:  # the first task again: its cached body
        a, b = await sdk_client.ask(parts), await lean_client.ask(parts)
        assert (a.response, a.error) == (b.response, b.error) == (ANSWER, None)
    assert lean_client._sender is not None  # the lean path was taken
    assert sdk_client._sender is None
    assert len(sdk.requests) == len(lean.requests) == 4
    for a, b in zip(sdk.requests, lean.requests, strict=True):
        assert (a.method, a.url) == (b.method, b.url)
        assert without_ids(a) == without_ids(b)
        assert dict(a.headers) == dict(b.headers)  # content-length included
    ids = [json.loads(r.content)["params"]["message"]["messageId"] for r in lean.requests]
    rpc_ids = [json.loads(r.content)["id"] for r in lean.requests]
    assert len(set(ids)) == len(set(rpc_ids)) == 4  # fresh ids on every call
    # the repeated task's body is the first one's with other ids
    assert without_ids(lean.requests[3]) == without_ids(lean.requests[0])


async def test_bodies_of_different_parts_are_not_confused(tmp_path):
    participant = Participant("message")
    client = client_for(participant, lean=True)
    await client.card_name()
    sender = client._sender
    assert isinstance(sender, JsonRpcSender)
    for parts in parts_of(tmp_path, 6):
        body = json.loads(sender.body(parts, "m" * 32, "r" * 36))
        assert body["params"]["message"]["messageId"] == "m" * 32
        assert body["id"] == "r" * 36
        sent_text = body["params"]["message"]["parts"][0]["text"]
        assert sent_text == parts[0].text


KINDS = [
    "message",
    *ODD_MESSAGES,
    "task",
    "failed task",
    "neither",
    "rpc error",
    "unknown rpc error",
    "http 503",
    "http 404",
    "not json",
    "not an object",
    "bad result",
    "too large",
]


@pytest.mark.parametrize("kind", KINDS)
async def test_a_lean_call_answers_as_the_sdk_client(tmp_path, kind):
    parts = parts_of(tmp_path, 1)[0]
    sdk, lean = Participant(kind), Participant(kind)
    got_sdk = await client_for(sdk, lean=False).ask(parts)
    lean_client = client_for(lean, lean=True)
    got_lean = await lean_client.ask(parts)
    assert lean_client._sender is not None
    assert isinstance(got_lean, Answer)
    assert (got_lean.response, got_lean.error, got_lean.attempts) == (
        got_sdk.response,
        got_sdk.error,
        got_sdk.attempts,
    )
    assert len(sdk.requests) == len(lean.requests)
    if kind == "message":
        assert got_lean.response == ANSWER
    if kind == "task":
        assert got_lean.response == "from the artifact"
    if kind in ("http 503", "rpc error"):
        assert got_lean.error


async def test_a_protocol_0_3_participant_keeps_the_sdk_client(tmp_path):
    participant = Participant("message", versions=("0.3",))
    client = client_for(participant, lean=True)
    await client.card_name()
    assert client._client is not None
    assert client._sender is None


def test_a_plain_text_answer_skips_the_sdks_parser():
    assert plain_message_text(MESSAGE) == ANSWER
    assert plain_message_text({"message": ODD_MESSAGES["two texts and an empty one"]}) == (
        "one\ntwo"
    )
    assert plain_message_text({"message": {}}) == ""
    for kind in ("a data part", "a lone surrogate", "a numeric role", "an unknown field"):
        assert plain_message_text({"message": ODD_MESSAGES[kind]}) is None
    assert plain_message_text(TASK) is None
    assert plain_message_text({**MESSAGE, "task": TASK["task"]}) is None
