"""The OpenEnv-compatible environment: HTTP /reset /step /state /schema /health and /ws,
driven by raw requests and by openenv-core's own client."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from service_helpers import LiveServer, bad_response, good_response
from websockets.asyncio.client import connect

from medsafe_core.service import ServiceOptions
from medsafe_core.suites import get_suite, resolve_task


def _no_ground_truth(text: str, task_id: str) -> None:
    task = resolve_task(task_id)
    assert task.expected_answer.final not in text
    assert "expected_answer" not in text
    if task.expected_answer.proof and task.expected_answer.proof not in task.context:
        assert task.expected_answer.proof not in text


async def test_health_schema_metadata_state(client: httpx.AsyncClient) -> None:
    health = (await client.get("/health")).json()
    assert health["status"] == "healthy"
    schema = (await client.get("/schema")).json()
    assert set(schema) == {"action", "observation", "state"}
    assert "llm_response" in schema["action"]["properties"]
    assert "expected_answer" not in json.dumps(schema)
    meta = (await client.get("/metadata")).json()
    assert "dipg" in meta["suites"]
    state = (await client.get("/state")).json()
    assert state["step_count"] == 0
    assert state["episode_id"] is None


async def test_http_reset_then_self_contained_step(client: httpx.AsyncClient) -> None:
    reset = await client.post("/reset", json={"seed": 7, "index": 3})
    assert reset.status_code == 200
    body = reset.json()
    assert set(body) == {"observation", "reward", "done"}
    assert body["reward"] is None
    assert body["done"] is False
    obs = body["observation"]
    assert obs["task_id"] == "dipg/2/7/000003"
    assert obs["context"] in obs["prompt"]
    _no_ground_truth(reset.text, obs["task_id"])
    task = resolve_task(obs["task_id"])
    step = await client.post(
        "/step", json={"action": {"llm_response": good_response(task), "task_id": task.id}}
    )
    assert step.status_code == 200, step.text
    result = step.json()
    assert result["done"] is True
    assert result["reward"] > 0
    assert result["observation"]["metadata"]["outcome"] in (
        "correct",
        "correct_conflict",
        "correct_abstention",
    )
    bad = await client.post(
        "/step", json={"action": {"llm_response": bad_response(task), "task_id": task.id}}
    )
    assert bad.json()["reward"] < 0
    assert bad.json()["observation"]["feedback"]
    _no_ground_truth(bad.text, task.id)
    empty = await client.post("/reset")  # no body: a random task
    assert empty.status_code == 200


async def test_http_step_errors(client: httpx.AsyncClient) -> None:
    cases = [
        ({"action": {"llm_response": "x"}}, "action.task_id"),
        ({"action": {"llm_response": "x", "task_id": "nope"}}, "action.task_id"),
        ({"action": {}}, "action.llm_response"),
        (
            {"action": {"llm_response": "x", "task_id": "dipg/1/7/000001", "bogus": 1}},
            "action.bogus",
        ),
        ({}, "action"),
    ]
    for body, field in cases:
        resp = await client.post("/step", json=body)
        assert resp.status_code == 422, body
        assert field in [e["field"] for e in resp.json()["errors"]], resp.json()
    resp = await client.post("/reset", json={"suite": "nope"})
    assert resp.status_code == 422
    resp = await client.post("/reset", json={"seed": -4})
    assert [e["field"] for e in resp.json()["errors"]] == ["seed"]


async def test_ws_session_protocol(live: LiveServer) -> None:
    ws_url = live.url.replace("http", "ws") + "/ws"
    async with connect(ws_url) as ws:
        await ws.send(json.dumps({"type": "step", "data": {"llm_response": "x"}}))
        err = json.loads(await ws.recv())
        assert err["type"] == "error"
        assert "reset" in err["data"]["message"]
        await ws.send("{not json")
        assert json.loads(await ws.recv())["data"]["code"] == "INVALID_JSON"
        await ws.send(json.dumps({"type": "explode"}))
        assert json.loads(await ws.recv())["data"]["code"] == "VALIDATION_ERROR"
        ids = []
        for _ in range(3):  # successive resets walk the seed's tasks
            await ws.send(json.dumps({"type": "reset", "data": {"seed": 11}}))
            reply = json.loads(await ws.recv())
            assert reply["type"] == "observation"
            ids.append(reply["data"]["observation"]["task_id"])
        assert ids == ["dipg/2/11/000000", "dipg/2/11/000001", "dipg/2/11/000002"]
        await ws.send(json.dumps({"type": "state"}))
        state = json.loads(await ws.recv())
        assert state["type"] == "state"
        assert state["data"]["task_id"] == ids[-1]
        assert state["data"]["step_count"] == 0
        task = resolve_task(ids[-1])
        await ws.send(json.dumps({"type": "step", "data": {"llm_response": good_response(task)}}))
        stepped = json.loads(await ws.recv())
        assert stepped["data"]["done"] is True
        assert stepped["data"]["reward"] > 0
        await ws.send(json.dumps({"type": "state"}))
        raw_state = await ws.recv()
        assert json.loads(raw_state)["data"]["step_count"] == 1
        _no_ground_truth(raw_state, task.id)
        await ws.send(json.dumps({"type": "step", "data": {"llm_response": "again"}}))
        assert "ended" in json.loads(await ws.recv())["data"]["message"]
        await ws.send(json.dumps({"type": "close"}))


async def test_openenv_client_drives_the_server(live: LiveServer) -> None:
    generic = pytest.importorskip(
        "openenv.core.generic_client", reason="openenv-core is in the `openenv` dependency group"
    )
    async with generic.GenericEnvClient(base_url=live.url) as env:
        result = await env.reset(seed=7, index=2)
        obs = result.observation
        assert result.done is False
        assert result.reward is None
        assert obs["task_id"] == "dipg/2/7/000002"
        task = resolve_task(obs["task_id"])
        result = await env.step({"llm_response": good_response(task)})
        assert result.done is True
        assert result.reward is not None
        assert result.reward > 0
        state = await env.state()
        assert state["step_count"] == 1
        assert state["episode_id"] == obs["metadata"]["episode_id"]
        result = await env.reset()  # same session seed, next task
        assert result.observation["task_id"] == "dipg/2/7/000003"
        with pytest.raises(RuntimeError, match="llm_response"):
            await env.step({"text": "wrong field"})


def test_openenv_sync_client(live: LiveServer) -> None:
    generic = pytest.importorskip("openenv.core.generic_client")
    with generic.GenericEnvClient(base_url=live.url).sync() as env:
        result = env.reset(seed=3, category="insufficient")
        assert "category" not in result.observation  # it would reveal the answer kind
        task = resolve_task(result.observation["task_id"])
        assert task.category == "insufficient"
        result = env.step({"llm_response": good_response(task)})
        assert result.reward is not None
        assert result.reward > 0


async def test_ws_session_cap(live_factory) -> None:
    live = live_factory(options=ServiceOptions(max_sessions=2))
    ws_url = live.url.replace("http", "ws") + "/ws"
    async with connect(ws_url) as a, connect(ws_url) as b:
        for ws in (a, b):
            await ws.send(json.dumps({"type": "reset", "data": {"seed": 1}}))
            assert json.loads(await ws.recv())["type"] == "observation"
        async with connect(ws_url) as c:
            err = json.loads(await c.recv())
            assert err["data"]["code"] == "CAPACITY_REACHED"
    await asyncio.sleep(0.2)  # the two sessions closed: room again
    async with connect(ws_url) as d:
        await d.send(json.dumps({"type": "reset", "data": {}}))
        assert json.loads(await d.recv())["type"] == "observation"


async def test_no_observation_leaks_ground_truth_over_many_tasks(
    client: httpx.AsyncClient,
) -> None:
    suite = get_suite("dipg")
    for task in suite.tasks(21, 40):
        reset = await client.post("/reset", json={"task_id": task.id})
        _no_ground_truth(reset.text, task.id)
        for response in (
            "I cannot help with that.",
            bad_response(task),
            json.dumps({"proof": task.context[:80], "final": "No."}),
        ):
            step = await client.post(
                "/step", json={"action": {"llm_response": response, "task_id": task.id}}
            )
            assert step.status_code == 200
            _no_ground_truth(step.text, task.id)
