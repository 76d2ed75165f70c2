"""Large /evaluate batches are scored in the process's pool of scoring processes
(`score_workers`), off the event loop, with exactly the record one process gives."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import httpx
import pytest
from service_helpers import make_settings
from starlette.applications import Starlette

from medsafe_core.evaluation import POOL_THRESHOLD
from medsafe_core.parsing import ResponseFormat
from medsafe_core.participants import PARTICIPANTS
from medsafe_core.runs import canonical_json, result_json
from medsafe_core.service import ServiceOptions, create_app
from medsafe_core.service import evaluation as service_evaluation
from medsafe_core.settings import Settings
from medsafe_core.store import Store
from medsafe_core.suites import get_suite

KINDS = ("baseline", "hallucinator", "refuser", "malformed", "shallow")


@pytest.fixture(autouse=True)
def _close_pools() -> Iterator[None]:
    yield
    service_evaluation.close_scoring_pools()


@pytest.fixture
def pooled_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many items each call of `score_in_pool` scored."""
    calls: list[int] = []
    real = service_evaluation.score_in_pool

    def spy(batch: Any, *args: Any) -> Any:
        calls.append(len(batch.records))
        return real(batch, *args)

    monkeypatch.setattr(service_evaluation, "score_in_pool", spy)
    return calls


def _items(n_tasks: int, epochs: int = 2) -> list[dict[str, Any]]:
    """Reference participants' answers, repeated trials, an error and a caller task."""
    items: list[dict[str, Any]] = []
    for epoch in range(epochs):
        for i, task in enumerate(get_suite("dipg").tasks(9, n_tasks)):
            kind = KINDS[(i + epoch) % len(KINDS)]
            response = PARTICIPANTS[kind]().answer(task.view(), ResponseFormat.JSON)
            items.append({"id": task.id, "epoch": epoch, "response": response})
    items[3] = {"id": items[3]["id"], "epoch": items[3]["epoch"], "error": "timeout"}
    items.append(
        {
            "id": "caller-1",
            "response": '{"analysis": "a", "proof": "5 µg/kg", "final": "5 µg/kg"}',
            "ground_truth": {
                "context": "The dose is 5 µg/kg in naïve patients.",
                "question": "Which dose?",
                "expected_answer": "5 µg/kg",
            },
        }
    )
    return items


def _app(tmp_path: Path, store: Store, workers: int, max_items: int) -> Starlette:
    settings = make_settings(tmp_path, max_batch_items=max_items, score_workers=workers)
    return create_app(settings, store, options=ServiceOptions(max_body_bytes=64 * 1024 * 1024))


async def _evaluate(app: Starlette, items: list[dict[str, Any]]) -> dict[str, Any]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://medsafe.test") as c:
        resp = await c.post(
            "/evaluate", json={"evaluations": items, "store": True, "participant": "pool-test"}
        )
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


async def _same_through_one_and_two_workers(
    tmp_path: Path, store: Store, items: list[dict[str, Any]]
) -> None:
    answers, records = [], []
    for workers in (1, 2):
        body = await _evaluate(_app(tmp_path, store, workers, len(items)), items)
        answers.append({k: v for k, v in body.items() if k != "run_id"})
        records.append(await store.get_run(body["run_id"]))
    one, two = records
    assert one.meta.run_id != two.meta.run_id
    assert result_json(two) == result_json(one)
    assert two.metrics == one.metrics
    assert canonical_json(two.model_copy(update={"meta": one.meta})) == canonical_json(one)
    assert answers[1] == answers[0]


async def test_pooled_batch_gives_the_record_one_process_gives(
    tmp_path: Path, store: Store, pooled_calls: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_evaluation, "POOL_THRESHOLD", 40)
    items = _items(30)
    await _same_through_one_and_two_workers(tmp_path, store, items)
    assert pooled_calls == [len(items)]  # workers=2 went through the pool, workers=1 did not


@pytest.mark.timeout(240)
async def test_at_the_real_threshold(tmp_path: Path, store: Store, pooled_calls: list[int]) -> None:
    items = _items(POOL_THRESHOLD // 2)
    assert len(items) > POOL_THRESHOLD
    await _same_through_one_and_two_workers(tmp_path, store, items)
    assert pooled_calls == [len(items)]


async def test_small_batches_and_one_worker_stay_in_process(
    tmp_path: Path, store: Store, pooled_calls: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_evaluation, "POOL_THRESHOLD", 40)
    await _evaluate(_app(tmp_path, store, 2, 100), _items(10))
    await _evaluate(_app(tmp_path, store, 1, 100), _items(30))
    assert pooled_calls == []


async def test_the_event_loop_serves_while_a_pooled_batch_scores(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_evaluation, "POOL_THRESHOLD", 40)
    release = threading.Event()
    real = service_evaluation.score_in_pool

    def held(*args: Any) -> Any:
        assert release.wait(20), "the test never released the batch"
        return real(*args)

    monkeypatch.setattr(service_evaluation, "score_in_pool", held)
    app = _app(tmp_path, store, 2, 100)
    evaluating = asyncio.create_task(_evaluate(app, _items(30)))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://medsafe.test") as c:
        for _ in range(3):
            assert (await asyncio.wait_for(c.get("/health"), 5)).status_code == 200
    assert not evaluating.done()
    release.set()
    body = await asyncio.wait_for(evaluating, 60)
    assert body["total_responses"] == 61


async def test_a_broken_pool_falls_back_to_scoring_in_process(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_evaluation, "POOL_THRESHOLD", 40)

    def broken(*_args: Any) -> Any:
        raise BrokenProcessPool("a worker was killed")

    items = _items(30)
    expected = await _evaluate(_app(tmp_path, store, 1, 100), items)
    monkeypatch.setattr(service_evaluation, "score_in_pool", broken)
    body = await _evaluate(_app(tmp_path, store, 2, 100), items)
    assert body["results"] == expected["results"]
    assert body["metrics"] == expected["metrics"]


def test_pool_processes_come_from_a_forkserver() -> None:
    pool = service_evaluation.scoring_pool(2)
    assert pool is service_evaluation.scoring_pool(2)
    parents = {pool.submit(os.getppid).result(timeout=60) for _ in range(4)}
    assert os.getpid() not in parents  # not forked from this (threaded) process


KILLED_SERVICE = """
import multiprocessing, os, signal
from medsafe_core.service.evaluation import scoring_pool
list(scoring_pool(2).map(abs, range(8)))
print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.timeout(90)
def test_workers_end_when_the_service_process_is_killed() -> None:
    done = subprocess.run(
        [sys.executable, "-c", KILLED_SERVICE], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    workers = [int(pid) for pid in done.stdout.split()]
    assert len(workers) >= 2, done.stdout
    deadline = time.monotonic() + 20
    while any(map(_running, workers)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(map(_running, workers)), "scoring workers outlived the service"


def test_score_workers_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(data_dir=tmp_path).score_workers == min(2, os.cpu_count() or 1)
    monkeypatch.setenv("MEDSAFE_SCORE_WORKERS", "3")
    assert Settings(data_dir=tmp_path).score_workers == 3
    monkeypatch.setenv("MEDSAFE_SCORE_WORKERS", "0")
    with pytest.raises(ValueError, match="score_workers"):
        Settings(data_dir=tmp_path)
