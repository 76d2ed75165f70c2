"""The stateless evaluation API: /eval/tasks, /evaluate, /runs, /leaderboard."""

from __future__ import annotations

import json

import httpx
from service_helpers import bad_response, good_response

from medsafe_core.evaluation import rescore
from medsafe_core.models import RunRecord, Task
from medsafe_core.runs import result_json
from medsafe_core.store import Store
from medsafe_core.suites import get_suite, resolve_task

PROBLEM = "application/problem+json"


def _field(resp: httpx.Response) -> list[str]:
    assert resp.headers["content-type"].startswith(PROBLEM), resp.text
    return [e["field"] for e in resp.json()["errors"]]


async def test_eval_tasks_published_shape_without_ground_truth(client: httpx.AsyncClient) -> None:
    resp = await client.get("/eval/tasks", params={"max_samples": 5, "seed": 7})
    assert resp.status_code == 200
    body = resp.json()
    assert len(body["tasks"]) == body["count"] == 5
    assert [t["id"] for t in body["tasks"]] == [f"dipg/2/7/{i:06d}" for i in range(5)]
    for t in body["tasks"]:
        assert {"id", "context", "question"} <= t.keys()
        assert "category" not in t  # the category can reveal the expected answer kind
        assert "expected_answer" not in t
        assert "truth" not in t
    assert "proof" in body["instructions"]
    expected = get_suite("dipg").tasks(7, 5)
    for task in expected:
        assert task.expected_answer.final not in resp.text


async def test_eval_tasks_paging_and_category(client: httpx.AsyncClient) -> None:
    page = (await client.get("/eval/tasks?max_samples=3&seed=7&offset=2")).json()["tasks"]
    assert [t["id"][-2:] for t in page] == ["02", "03", "04"]
    body = (await client.get("/eval/tasks?max_samples=4&category=conflict,numeric")).json()
    assert {resolve_task(t["id"]).category for t in body["tasks"]} <= {"conflict", "numeric"}
    assert len(body["tasks"]) == 4


async def test_eval_tasks_bad_queries_name_the_field(client: httpx.AsyncClient) -> None:
    cases = {
        "max_samples=100000": "query.max_samples",
        "max_samples=0": "query.max_samples",
        "seed=-1": "query.seed",
        "seed=abc": "query.seed",
        "suite=nope": "query.suite",
        "category=nope": "query.category",
        "format=html": "query.format",
    }
    for query, field in cases.items():
        resp = await client.get(f"/eval/tasks?{query}")
        assert resp.status_code == 422, query
        assert _field(resp) == [field], query


async def test_evaluate_by_id_scores_against_server_ground_truth(
    client: httpx.AsyncClient, tasks: list[Task]
) -> None:
    items = [{"id": t.id, "response": good_response(t)} for t in tasks[:6]]
    items += [{"task_id": t.id, "response": bad_response(t)} for t in tasks[6:]]
    resp = await client.post("/evaluate", json={"evaluations": items, "format": "json"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["total_responses"] == 12
    assert [r["id"] for r in body["results"]] == [t.id for t in tasks]  # request order
    assert all(r["safe"] for r in body["results"][:6])
    bad = body["results"][6:]
    assert not any(r["safe"] for r in bad)
    assert all(r["penalties"] for r in bad)
    safe = body["metrics"]["metrics"]["safe_response_rate"]
    assert safe["value"] == 0.5
    assert safe["ci_low"] < 0.5 < safe["ci_high"]
    assert body["run"]["ground_truth_source"] == "server"
    assert body["run"]["scorer_version"] == get_suite("dipg").info.scorer_version
    assert body["run_id"] is None
    rewards = [r["reward"] for r in body["results"]]
    assert body["mean_reward"] == sum(rewards) / len(rewards)
    for t in tasks[6:]:  # penalty reasons never quote the expected answer
        assert t.expected_answer.final not in json.dumps(bad)


async def test_evaluate_inline_ground_truth_is_marked_and_never_ranked(
    client: httpx.AsyncClient, store: Store, tasks: list[Task]
) -> None:
    items = [
        {
            "response": good_response(t),
            "ground_truth": {
                "context": t.context,
                "question": t.question,
                "expected_answer": {
                    "final": t.expected_answer.final,
                    "proof": t.expected_answer.proof,
                },
            },
        }
        for t in tasks[:4]
    ]
    body = {"evaluations": items, "store": True, "participant": "mallory"}
    resp = await client.post("/evaluate", json=body)
    assert resp.status_code == 200, resp.text
    out = resp.json()
    assert out["run"]["ground_truth_source"] == "caller"
    assert [r["id"] for r in out["results"]] == ["inline-1", "inline-2", "inline-3", "inline-4"]
    summary = await store.get_summary(out["run_id"])
    assert summary.ground_truth_source == "caller"
    assert summary.ranked is False
    assert (await client.get("/leaderboard?suite=dipg")).json()["rows"] == []


async def test_stored_run_listing_detail_leaderboard_and_rescoring(
    client: httpx.AsyncClient, store: Store, tasks: list[Task]
) -> None:
    items = [{"id": t.id, "response": good_response(t)} for t in tasks]
    resp = await client.post(
        "/evaluate", json={"evaluations": items, "store": True, "participant": "alice"}
    )
    run_id = resp.json()["run_id"]
    runs = (await client.get("/runs?participant=alice")).json()["runs"]
    assert [r["run_id"] for r in runs] == [run_id]
    # a REST run is self-reported: never on the official board (test_service_integrity)
    assert (runs[0]["ranked"], runs[0]["provenance"]) == (False, "self_reported")
    detail = (await client.get(f"/runs/{run_id}")).json()
    assert detail["meta"]["state"] == "completed"
    assert len(detail["samples"]) == len(tasks)
    board = (await client.get("/leaderboard", params={"suite": "dipg"})).json()
    assert board["rows"] == []
    # the stored record re-scores byte for byte, with its own profile
    record = await store.get_run(run_id)
    assert result_json(rescore(record)) == result_json(record)
    assert RunRecord.model_validate(record.model_dump()).meta.run_id == run_id
    missing = await client.get("/runs/does-not-exist")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith(PROBLEM)


async def test_run_detail_withholds_caller_ground_truth(
    client: httpx.AsyncClient, tasks: list[Task]
) -> None:
    t = tasks[0]
    gt = {"context": t.context, "question": t.question, "expected_answer": "SECRET-ANSWER-42"}
    resp = await client.post(
        "/evaluate",
        json={"evaluations": [{"response": "x", "ground_truth": gt}], "store": True},
    )
    detail = await client.get(f"/runs/{resp.json()['run_id']}")
    assert detail.status_code == 200
    assert detail.json()["tasks"][0]["id"] == "inline-1"
    assert "SECRET-ANSWER-42" not in detail.text


async def test_bad_items_name_the_field(client: httpx.AsyncClient, tasks: list[Task]) -> None:
    t = tasks[0]
    cases: list[tuple[object, str]] = [
        (
            {
                "evaluations": [
                    {"id": "dipg/1/7/000001", "response": "x"},
                    {"id": "dipg/9/7/000001", "response": "x"},
                ]
            },
            "evaluations.1.id",
        ),
        ({"evaluations": [{"id": "not-a-task", "response": "x"}]}, "evaluations.0.id"),
        (
            {"evaluations": [{"id": t.id, "response": "a"}, {"id": t.id, "response": "b"}]},
            "evaluations.1.epoch",
        ),
        ({"evaluations": [{"id": t.id}]}, "evaluations.0"),
        ({"evaluations": [{"response": "x"}]}, "evaluations.0"),
        ({"evaluations": [{"id": t.id, "response": 5}]}, "evaluations.0.response"),
        ({"evaluations": [{"id": t.id, "response": "x", "extra": 1}]}, "evaluations.0.extra"),
        ({"evaluations": []}, "evaluations"),
        ({"evaluations": [{"id": t.id, "response": "x"}], "format": "pdf"}, "format"),
        ({"evaluations": [{"id": t.id, "response": "x"}], "profile": "nope"}, "profile"),
        ({"evaluations": [{"id": t.id, "response": "x"}], "suite": "nope"}, "suite"),
        ([1, 2], "body"),
        (
            {
                "evaluations": [
                    {
                        "id": "dipg/1/7/000001",
                        "response": "x",
                        "ground_truth": {"context": "c", "question": "q", "expected_answer": "a"},
                    }
                ]
            },
            "evaluations.0.id",
        ),
    ]
    for body, field in cases:
        resp = await client.post("/evaluate", json=body)
        assert resp.status_code == 422, (body, resp.text)
        assert field in _field(resp), (body, resp.json())
        assert field in resp.json()["detail"]


async def test_malformed_and_empty_bodies(client: httpx.AsyncClient) -> None:
    for content in (b"{not json", b"", b"null", b"\xff\xfe"):
        resp = await client.post("/evaluate", content=content)
        assert resp.status_code == 422, content
        assert _field(resp) == ["body"] or resp.json()["errors"], content


async def test_item_count_and_body_size_limits(
    client: httpx.AsyncClient, tasks: list[Task]
) -> None:
    items = [{"id": tasks[0].id, "epoch": i, "response": "x"} for i in range(201)]
    resp = await client.post("/evaluate", json={"evaluations": items})
    assert resp.status_code == 422
    assert _field(resp) == ["evaluations"]
    assert "the limit is 200" in resp.json()["detail"]
    huge = {"evaluations": [{"id": tasks[0].id, "response": "x" * (2 * 1024 * 1024)}]}
    resp = await client.post("/evaluate", json=huge)
    assert resp.status_code == 413
    assert resp.headers["content-type"].startswith(PROBLEM)

    async def chunks():  # no Content-Length: counted while streaming
        yield b'{"evaluations": [{"id": "dipg/1/7/000000", "response": "'
        for _ in range(40):
            yield b"y" * 65536
        yield b'"}]}'

    resp = await client.post("/evaluate", content=chunks())
    assert resp.status_code == 413


async def test_errors_are_scored_as_errors(client: httpx.AsyncClient, tasks: list[Task]) -> None:
    items = [
        {"id": tasks[0].id, "response": good_response(tasks[0])},
        {"id": tasks[1].id, "error": "timeout after 30 s"},
    ]
    body = (await client.post("/evaluate", json={"evaluations": items})).json()
    assert body["results"][1]["outcome"] == "error"
    assert body["metrics"]["n_errors"] == 1
    assert body["total_responses"] == 2


async def test_salted_server_issues_ids_only_it_can_resolve(tmp_path, tasks: list[Task]) -> None:
    from service_helpers import make_settings

    from medsafe_core.service import create_app

    salted = create_app(
        make_settings(tmp_path, seed_salt="s3cr3t"),
        await Store.connect(f"sqlite+aiosqlite:///{tmp_path / 'a.db'}"),
    )
    other = create_app(
        make_settings(tmp_path, seed_salt="other"),
        await Store.connect(f"sqlite+aiosqlite:///{tmp_path / 'b.db'}"),
    )
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=salted), base_url="http://a") as a,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=other), base_url="http://b") as b,
    ):
        listed = (await a.get("/eval/tasks?max_samples=2&seed=7")).json()["tasks"]
        assert all("~" in t["id"] for t in listed)
        public = get_suite("dipg").tasks(7, 2)
        assert listed[0]["context"] != public[0].context  # not the public seed's task
        item = {"evaluations": [{"id": listed[0]["id"], "response": "x"}]}
        assert (await a.post("/evaluate", json=item)).status_code == 200
        wrong = await b.post("/evaluate", json=item)
        assert wrong.status_code == 422
        assert "salt" in wrong.json()["detail"]
        assert "s3cr3t" not in wrong.text
    for app in (salted, other):
        await app.state.medsafe.store.close()
