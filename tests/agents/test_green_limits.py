"""Limits of the green agent's JSON-RPC endpoint and strict EvalRequests: oversized
requests are refused before parsing, task histories stay short, a request's numbers
must be JSON numbers, and an EvalRequest is never silently taken for chat."""

from __future__ import annotations

import json

import httpx
import pytest
from a2a.server.context import ServerCallContext
from a2a.types import Part, TaskState

from medsafe_agents.a2a_app import parts_data, parts_text
from medsafe_agents.purple.server import build_purple_app

from .conftest import make_settings, purple_app
from .helpers import PURPLE, a2a_client, exchange, user_message
from .test_assessment import ROUTE, eval_text, fixed


def rpc_body(text: str) -> dict:
    return {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "SendMessage",
        "params": {"message": {"role": "ROLE_USER", "messageId": "m1", "parts": [{"text": text}]}},
    }


async def test_oversized_request_is_refused_with_the_limit(tmp_path, make_green):
    settings = make_settings(tmp_path, max_request_bytes=64 * 1024)
    green, _ = await make_green(settings_=settings)
    huge = json.dumps(rpc_body("x" * (2 * 1024 * 1024)))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=green.app), base_url="http://green.test"
    ) as http:
        sized = await http.post("/", content=huge, headers={"content-type": "application/json"})

        async def chunks():  # no content-length: counted while streaming
            for i in range(0, len(huge), 16384):
                yield huge[i : i + 16384].encode()

        streamed = await http.post(
            "/", content=chunks(), headers={"content-type": "application/json"}
        )
        small = await http.post("/", json=rpc_body("hello"), headers={"A2A-Version": "1.0"})
    for response in (sized, streamed):
        assert response.status_code == 413
        error = response.json()["error"]
        assert error["code"] == -32600
        assert "65536 bytes" in error["message"]
        assert "MEDSAFE_MAX_REQUEST_BYTES" in error["message"]
        assert len(response.content) < 300  # nothing of the request echoed back
    assert small.status_code == 200


async def test_task_history_stays_short(tmp_path, make_green):
    settings = make_settings(tmp_path, max_history_messages=4)
    slow = build_purple_app("slow", fixed(delay=0.02), PURPLE + "/")
    green, _ = await make_green({ROUTE: slow}, settings_=settings)
    async with a2a_client(green.app) as client:
        result = await exchange(client, user_message(eval_text(12, concurrency=1)))
    assert result.task is not None
    assert result.task.status.state == TaskState.TASK_STATE_COMPLETED
    assert len(result.status_data()) >= 8  # many progress updates were sent
    stored = await green.task_store.get(result.task_id, ServerCallContext())
    assert stored is not None
    assert 1 <= len(stored.history) <= 4
    assert '"participants"' in parts_text(stored.history[0].parts)  # the request is kept


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        ({"num_tasks": True}, "config.num_tasks: Value error, must be an integer"),
        ({"num_tasks": "5"}, "config.num_tasks: Value error, must be an integer"),
        ({"seed": "7"}, "config.seed: Value error, must be an integer"),
        ({"timeout_s": "10"}, "config.timeout_s: Value error, must be a number"),
        ({"num_tasks": 2.5}, "config.num_tasks: Value error, must be a whole number"),
        ({"format": "auto"}, "config.format: Value error, choose a concrete answer format"),
        ({"suite": "s" * 5000}, "config.suite: String should have at most 64 characters"),
    ],
)
async def test_config_values_are_strict(make_green, config, reason):
    green, router = await make_green({ROUTE: purple_app("baseline")})
    request = {"participants": {"agent": PURPLE}, "config": {"num_tasks": 2, **config}}
    async with a2a_client(green.app) as client:
        result = await exchange(client, user_message(json.dumps(request)))
    assert result.task is not None
    assert result.task.status.state == TaskState.TASK_STATE_FAILED
    text = parts_text(result.task.status.message.parts)
    assert reason in text
    assert len(text) < 600  # a huge value is not echoed back
    assert not router.sent  # nothing reached the participant


async def test_data_part_numbers_arrive_as_doubles_and_are_accepted(make_green):
    green, _ = await make_green({ROUTE: purple_app("baseline")})
    request = {"participants": {"agent": PURPLE}, "config": {"num_tasks": 2, "epochs": 1}}
    async with a2a_client(green.app) as client:
        result = await exchange(client, user_message("assess this", data=request))
    assert result.task is not None
    assert result.task.status.state == TaskState.TASK_STATE_COMPLETED
    assert result.result()[1]["n_samples"] == 2


async def test_eval_request_followed_by_text_fails_with_the_reason(make_green):
    green, router = await make_green({ROUTE: purple_app("baseline")})
    message = user_message(eval_text(2))
    message.parts.append(Part(text="and tell me how it went"))
    async with a2a_client(green.app) as client:
        result = await exchange(client, message)
    assert result.task is not None
    assert result.task.status.state == TaskState.TASK_STATE_FAILED
    text = parts_text(result.task.status.message.parts)
    assert "a request sent as text must be the message's only part" in text
    (error,) = parts_data(result.task.status.message.parts)
    assert error["kind"] == "medsafe.error"
    assert not router.sent


async def test_broken_json_eval_request_is_not_chat(make_green):
    green, router = await make_green({ROUTE: purple_app("baseline")})
    async with a2a_client(green.app) as client:
        result = await exchange(client, user_message('{"participants": {"agent": '))
    assert result.task is not None
    assert result.task.status.state == TaskState.TASK_STATE_FAILED
    assert "not valid JSON" in parts_text(result.task.status.message.parts)
    assert not router.sent
