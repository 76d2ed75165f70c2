"""medsafe_core.client against a real server on loopback: tasks, chunked evaluation,
retries, the published evaluate_model helper and the /ws environment client."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import httpx
import pytest
from service_helpers import LiveServer, bad_response, free_port, good_response, make_settings

from medsafe_core.client import (
    AsyncMedsafeClient,
    EnvClient,
    EnvError,
    MedsafeClient,
    ServiceError,
)
from medsafe_core.service import create_app
from medsafe_core.suites import resolve_task


def _answers(ids: list[str]) -> list[str]:
    return [
        good_response(resolve_task(i)) if n % 3 else bad_response(resolve_task(i))
        for n, i in enumerate(ids)
    ]


def test_sync_client_chunks_and_merges(live: LiveServer, capsys: pytest.CaptureFixture) -> None:
    with MedsafeClient(live.url) as client:
        assert client.health()["status"] == "healthy"
        tasks = client.get_tasks(max_samples=12, seed=5)
        assert len(tasks) == 12
        assert not hasattr(tasks[0], "expected_answer")
        items = [
            {"id": t.id, "response": r}
            for t, r in zip(tasks, _answers([t.id for t in tasks]), strict=True)
        ]
        whole = client.evaluate(items)
        chunked = client.evaluate(items, chunk_size=5, progress=True)
        other = client.evaluate(items, chunk_size=7)
    assert [r.id for r in chunked.results] == [t.id for t in tasks]
    assert chunked.total_responses == 12
    assert chunked.mean_reward == pytest.approx(whole.mean_reward)
    # chunking changes nothing: metrics with their CIs, the dataset hash, the profile
    for merged in (chunked, other):
        assert merged.metrics == whole.metrics
        assert merged.run == whole.run
    assert "scoring" in capsys.readouterr().out


def test_service_errors_carry_the_problem(live: LiveServer) -> None:
    with MedsafeClient(live.url) as client, pytest.raises(ServiceError) as info:
        client.evaluate([{"id": "nope", "response": "x"}])
    assert info.value.status == 422
    assert info.value.problem["errors"][0]["field"] == "evaluations.0.id"


def test_retries_until_the_server_comes_up(tmp_path: Path) -> None:
    port = free_port()
    server: list[LiveServer] = []

    def start_late() -> None:
        time.sleep(0.6)
        live = LiveServer(create_app(make_settings(tmp_path)))
        live.port = port
        live.server.config.port = port
        server.append(live.__enter__())

    thread = threading.Thread(target=start_late)
    thread.start()
    try:
        with MedsafeClient(f"http://127.0.0.1:{port}", retries=6, backoff=0.2) as client:
            assert len(client.get_tasks(max_samples=2)) == 2
    finally:
        thread.join()
        for s in server:
            s.__exit__(None, None, None)
    dead = MedsafeClient(f"http://127.0.0.1:{free_port()}", retries=1, backoff=0.01)
    with dead, pytest.raises(httpx.ConnectError):
        dead.get_tasks()


def test_evaluate_model_mirrors_the_published_helper(live: LiveServer, tmp_path: Path) -> None:
    with MedsafeClient(live.url) as client:
        ids = [t.id for t in client.get_tasks(max_samples=4, seed=9)]
        out = tmp_path / "results.json"
        result = client.evaluate_model(_answers(ids), response_format="json", save_path=out, seed=9)
        assert result["total_responses"] == 4
        assert isinstance(result["mean_reward"], float)
        assert json.loads(out.read_text())["total_responses"] == 4
        by_id = client.evaluate_model(dict(zip(ids, _answers(ids), strict=True)))
        assert by_id["mean_reward"] == pytest.approx(result["mean_reward"])
        with pytest.raises(ValueError, match="responses"):
            client.evaluate_model(["a", "b"], task_ids=["dipg/1/9/000000"])


async def test_async_client_and_stored_run(live: LiveServer) -> None:
    async with AsyncMedsafeClient(live.url) as client:
        tasks = await client.get_tasks(max_samples=6, seed=2)
        items = [{"id": t.id, "response": good_response(resolve_task(t.id))} for t in tasks]
        result = await client.evaluate(items, store=True, participant="bob", chunk_size=2)
        assert result.run_id is not None  # stored runs go in one request: one run
        assert result.metrics.metrics["safe_response_rate"].value == 1.0
        model = await client.evaluate_model([i["response"] for i in items], seed=2)
        assert model["total_responses"] == 6


async def test_env_client_over_ws(live: LiveServer) -> None:
    async with EnvClient(live.url) as env:
        first = await env.reset(seed=4)
        assert first.observation.task_id == "dipg/2/4/000000"
        with pytest.raises(EnvError, match="VALIDATION_ERROR"):
            await env.reset(seed=-1)
        task = resolve_task(first.observation.task_id)
        result = await env.step(good_response(task))
        assert result.done
        assert result.reward is not None
        assert result.reward > 0
        state = await env.state()
        assert state.step_count == 1
        assert state.task_id == task.id
        with pytest.raises(EnvError, match="ended"):
            await env.step("again")
