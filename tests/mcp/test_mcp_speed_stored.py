"""A stored `evaluate_batch` hashes its tasks with `runs.compact_dumps` (ujson) and
reuses work the unstored path shares: what it returns and what it stores stay exactly
what the engine gives in process, row for row, with the dataset hash of the standard
library's JSON."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

from fastmcp import Client

from medsafe_core.evaluation import BatchItem, build_batch, evaluate
from medsafe_core.models import Task
from medsafe_core.runs import combine_digests
from medsafe_core.settings import Settings
from medsafe_core.store.tables import responses as responses_table
from medsafe_core.store.tables import runs
from medsafe_core.store.tables import samples as samples_table
from medsafe_core.suites import get_suite


def reference_digest(task: Task) -> str:
    """`runs.task_digest` as first written: the standard library's JSON."""
    blob = json.dumps(task.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def mixed_items(n: int) -> tuple[list[Task], list[dict[str, Any]]]:
    """Answers like the benchmark's: right, wrong, malformed, in a shuffled order."""
    tasks = list(get_suite("dipg").tasks(5, n))
    out: list[dict[str, Any]] = []
    for i, task in enumerate(tasks):
        truth = task.expected()
        if i % 5 == 3:
            response = f"I believe the answer is {truth.final}"
        elif i % 5 == 4:
            response = json.dumps({"proof": "Not in the context.", "final": "Something else."})
        else:
            response = json.dumps({"analysis": "...", "proof": truth.proof, "final": truth.final})
        out.append({"task_id": task.id, "response": response})
    out = out[1::2] + out[::2]  # not in (id, epoch) order: the store sorts, results do not
    out[0] = {**out[0], "epoch": 2}
    return tasks, out


def rows(db: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute(sql, args))


async def test_a_stored_batch_returns_and_stores_exactly_what_the_engine_gives(
    client: Client[Any], settings: Settings
) -> None:
    tasks, items = mixed_items(120)
    batch = build_batch(
        [BatchItem(**item) for item in items],
        max_items=settings.max_batch_items,
        max_response_bytes=settings.max_response_bytes,
    )
    reference = evaluate(batch, settings.profile_for(batch.suite), participant="bench")
    record = reference.record

    args = {"responses": items, "participant": "bench"}
    stored = (await client.call_tool("evaluate_batch", {**args, "store": True})).structured_content
    unstored = (await client.call_tool("evaluate_batch", args)).structured_content
    assert stored is not None and unstored is not None
    expected = [json.loads(s.model_dump_json()) for s in reference.in_order]
    assert stored["results"] == expected
    assert unstored["results"] == expected
    assert stored["metrics"] == unstored["metrics"] == json.loads(record.metrics.model_dump_json())
    assert {k: v for k, v in stored.items() if k != "run_id"} == {
        k: v for k, v in unstored.items() if k != "run_id"
    }
    run_id = stored["run_id"]
    assert run_id

    db = Path(settings.data_dir) / "medsafe.db"
    (run,) = rows(
        db,
        f"SELECT dataset_hash, manifest_json, metrics_json, n_samples FROM {runs.name} WHERE run_id=?",
        run_id,
    )
    assert run[0] == combine_digests(reference_digest(t) for t in tasks)
    assert run[0] == record.manifest.dataset_hash
    assert run[1] == record.manifest.model_dump_json()
    assert run[2] == record.metrics.model_dump_json()
    assert run[3] == len(items)
    samples = rows(
        db,
        f"SELECT task_id, epoch, outcome, reward, safe, sample_json FROM {samples_table.name} "
        "WHERE run_id=? ORDER BY task_id, epoch",
        run_id,
    )
    assert samples == [
        (s.id, s.epoch, str(s.outcome), s.reward, int(s.safe), s.model_dump_json())
        for s in record.samples
    ]
    responses = rows(
        db,
        f"SELECT task_id, epoch, response, error, latency_ms FROM {responses_table.name} "
        "WHERE run_id=? ORDER BY task_id, epoch",
        run_id,
    )
    assert responses == [
        (r.id, r.epoch, r.response, r.error, r.latency_ms) for r in record.responses
    ]
