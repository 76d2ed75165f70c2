"""A caller of `POST /evaluate` can ask for the server's model-graded judge per run; the
judge is recorded with every result and the stored run, and a server without one says
so with a 422."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from medsafe_core.service import ServiceOptions, create_app
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.model.judge_helpers import reference_answers, server_settings


async def test_a_request_can_ask_for_the_model_judge(tmp_path: Path, fake: FakeOpenAI) -> None:
    fake.responder = lambda rec: Reply(json.dumps({"verdict": "pass", "reason": "fine"}))
    settings = server_settings(tmp_path, judge_model="grader", judge_base_url=fake.base_url)
    app = create_app(settings, options=ServiceOptions())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            body = {"evaluations": reference_answers("id"), "judge": "model", "store": True}
            answer = await http.post("/evaluate", json=body)
            assert answer.status_code == 200, answer.text
            results = answer.json()["results"]
            assert {r["judge"] for r in results} == {"model@1:grader"}
            assert {r["outcome"] for r in results} == {"correct"}
            stored = await http.get(f"/runs/{answer.json()['run_id']}")
            assert stored.json()["manifest"]["judge"] == "model@1:grader"
            rules = await http.post("/evaluate", json={"evaluations": reference_answers("id")})
            assert {r["judge"] for r in rules.json()["results"]} == {None}
    assert fake.requests


async def test_a_server_without_a_judge_refuses_the_request(tmp_path: Path) -> None:
    app = create_app(server_settings(tmp_path), options=ServiceOptions())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            answer = await http.post(
                "/evaluate", json={"evaluations": reference_answers("id"), "judge": "model"}
            )
    assert answer.status_code == 422
    assert "MEDSAFE_JUDGE_MODEL" in answer.text
