"""Protocol details found by outside clients (issue 10): the bearer scheme's case,
nosniff, binary WebSocket frames, keep-alive, huge batches, the published client's
fields."""

from __future__ import annotations

import json
import time
import tracemalloc
from pathlib import Path

import httpx
import pytest
from service_helpers import bad_response, good_response, make_settings
from websockets.asyncio.client import connect

from medsafe_core.identity import bearer_token
from medsafe_core.models import Task
from medsafe_core.service import ServiceOptions, create_app
from medsafe_core.service.app import KEEP_ALIVE_S
from medsafe_core.store import Store

TOKEN = "tok-9f1c2b7e"


def test_bearer_scheme_is_case_insensitive() -> None:
    for header in (b"Bearer tok", b"bearer tok", b"BEARER tok", b"bEaReR  tok "):
        assert bearer_token(header) == b"tok", header
    for header in (b"Basic tok", b"Bearer", b"Bearertok", b"tok"):
        assert bearer_token(header) is None, header


async def test_lower_case_bearer_is_accepted(tmp_path: Path) -> None:
    store = await Store.connect(f"sqlite+aiosqlite:///{tmp_path / 'a.db'}")
    app = create_app(make_settings(tmp_path, api_token=TOKEN), store)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://m"
    ) as client:
        for scheme in ("bearer", "BEARER", "Bearer"):
            resp = await client.get("/runs", headers={"Authorization": f"{scheme} {TOKEN}"})
            assert resp.status_code == 200, scheme
        assert (await client.get("/runs", headers={"Authorization": "bearer x"})).status_code == 401
    await store.close()


async def test_reports_and_json_are_never_sniffed(
    client: httpx.AsyncClient, tasks: list[Task]
) -> None:
    items = [{"id": t.id, "response": good_response(t)} for t in tasks[:3]]
    resp = await client.post("/evaluate", json={"evaluations": items, "store": True})
    assert resp.headers["x-content-type-options"] == "nosniff"
    report = await client.get(f"/runs/{resp.json()['run_id']}/report")
    assert report.headers["content-type"].startswith("text/html")
    assert report.headers["x-content-type-options"] == "nosniff"
    assert (await client.get("/nowhere")).headers["x-content-type-options"] == "nosniff"


async def test_a_binary_frame_gets_an_error_message(live) -> None:
    async with connect(live.url.replace("http", "ws") + "/ws") as ws:
        await ws.send(b'{"type": "state"}')
        reply = json.loads(await ws.recv())
        assert reply["type"] == "error"
        assert "text frame" in reply["data"]["message"]
        await ws.send('{"type": "state"}')  # the session goes on
        assert json.loads(await ws.recv())["type"] == "state"


def test_keep_alive_outlasts_the_clients_idle_expiry() -> None:
    # httpx keeps idle connections 5 s; if uvicorn closed them at the same moment, a
    # reused connection could be reset under load (benchmarks/load_test.py measures it)
    assert httpx.Limits().keepalive_expiry + 1 < KEEP_ALIVE_S  # type: ignore[operator]


async def test_a_million_tiny_items_are_refused_in_bounded_memory(tmp_path: Path) -> None:
    store = await Store.connect(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    app = create_app(
        make_settings(tmp_path), store, options=ServiceOptions(max_body_bytes=64 * 1024 * 1024)
    )
    item = b'{"id":"dipg/1/7/000001","response":"y"}'
    body = b'{"evaluations":[' + b",".join([item] * 1_000_000) + b"]}"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://m"
    ) as client:
        tracemalloc.start()
        started = time.perf_counter()
        resp = await client.post(
            "/evaluate", content=body, headers={"Content-Type": "application/json"}
        )
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    await store.close()
    assert resp.status_code == 422
    assert len(resp.content) < 2_000
    assert resp.json()["errors"][0]["field"] == "evaluations"
    assert "the limit is 10000" in resp.json()["detail"]
    # before: every item was parsed first (gigabytes, tens of seconds)
    assert peak < 3 * len(body) + 50 * 1024 * 1024, peak
    assert elapsed < 10, elapsed


async def test_a_huge_invalid_batch_gets_a_short_error(client: httpx.AsyncClient) -> None:
    resp = await client.post("/evaluate", json={"evaluations": [{}] * 200})
    assert resp.status_code == 422
    assert len(resp.json()["errors"]) <= 50
    assert "more" in resp.json()["detail"]


async def test_eval_tasks_has_the_published_fields_and_honours_shuffle(
    client: httpx.AsyncClient,
) -> None:
    plain = (await client.get("/eval/tasks?max_samples=8&seed=5")).json()
    assert [t["task_id"] for t in plain["tasks"]] == [t["id"] for t in plain["tasks"]]
    assert plain["total_tasks"] == 8 and plain["dataset_size"] >= 8
    ids = [t["id"] for t in plain["tasks"]]
    shuffled = (await client.get("/eval/tasks?max_samples=8&seed=5&shuffle=true")).json()
    assert sorted(t["id"] for t in shuffled["tasks"]) == sorted(ids)
    assert [t["id"] for t in shuffled["tasks"]] != ids
    again = (await client.get("/eval/tasks?max_samples=8&seed=5&shuffle=true")).json()
    assert again["tasks"] == shuffled["tasks"]  # a seed makes it reproducible
    fresh = [(await client.get("/eval/tasks?max_samples=3&shuffle=true")).json() for _ in "ab"]
    assert fresh[0]["seed"] != fresh[1]["seed"]  # no seed: a new sample each call


async def test_evaluate_takes_the_published_responses_form(
    client: httpx.AsyncClient, tasks: list[Task]
) -> None:
    answers = [good_response(tasks[0]), bad_response(tasks[1]), "plain prose"]
    resp = await client.post("/evaluate", json={"responses": answers, "seed": 7})
    assert resp.status_code == 200, resp.text
    out = resp.json()
    assert [r["id"] for r in out["results"]] == [t.id for t in tasks[:3]]
    assert out["total_responses"] == 3
    assert len(out["rewards"]) == 3
    assert out["max_reward"] == max(r for r in out["rewards"] if r is not None)
    assert out["median_reward"] is not None and out["std_reward"] > 0
    assert out["safe_outcomes"][0] == 1
    assert out["medical_hallucination_rate"] == pytest.approx(
        sum(out["hallucination_outcomes"]) / len(out["hallucination_outcomes"])
    )
    both = await client.post(
        "/evaluate", json={"responses": ["x"], "evaluations": [{"id": tasks[0].id}]}
    )
    assert both.status_code == 422
