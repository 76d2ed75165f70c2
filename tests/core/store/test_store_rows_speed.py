"""Issue 15: the store writes its sample and response rows as plain tuples (the driver's
executemany) and pairs an aligned record as it stands. The rows must be exactly those
the earlier writer stored: SQLAlchemy inserts of `model_dump` dicts, each sample paired
with its response by (id, epoch). The reference writer below is that earlier code."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import insert, text, update
from store_factories import manifest, meta, pair, record

from medsafe_core.evaluation import BatchItem, build_batch, evaluate
from medsafe_core.models import ResponseRecord, RunRecord, RunState, SampleResult
from medsafe_core.records import DuplicateSampleError
from medsafe_core.settings import Settings
from medsafe_core.store import Store
from medsafe_core.store.tables import responses, runs, samples
from medsafe_core.suites import get_suite


def _reference_items(record: RunRecord) -> list[tuple[ResponseRecord, SampleResult]]:
    """How `save_run_record` paired a record before issue 15."""
    by_key = {(r.id, r.epoch): r for r in record.responses}
    return [
        (by_key.get((s.id, s.epoch)) or ResponseRecord(id=s.id, epoch=s.epoch), s)
        for s in record.samples
    ]


async def _reference_write(
    store: Store, run_id: str, items: Sequence[tuple[ResponseRecord, SampleResult]]
) -> None:
    """The earlier row writer: dicts from `model_dump`, bound by SQLAlchemy."""
    response_rows = [{"run_id": run_id, **r.model_dump()} for r, _ in items]
    for r in response_rows:
        r["task_id"] = r.pop("id")
    sample_rows = [
        {
            "run_id": run_id,
            "task_id": s.id,
            "epoch": s.epoch,
            "outcome": str(s.outcome),
            "reward": s.reward,
            "safe": s.safe,
            "sample_json": s.model_dump_json(),
        }
        for _, s in items
    ]
    async with store.engine.begin() as conn:
        await conn.execute(insert(responses), response_rows)
        await conn.execute(insert(samples), sample_rows)
        await conn.execute(update(runs).where(runs.c.run_id == run_id).values(n_samples=len(items)))


async def _raw_rows(store: Store, run_id: str) -> dict[str, list[tuple[Any, ...]]]:
    """The stored rows as the driver returns them (no SQLAlchemy type processing), with
    SQLite's storage class of each value."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    sqlite = store.engine.dialect.name == "sqlite"
    async with store.engine.connect() as conn:
        for table, columns in (
            ("medsafe_responses", ("task_id", "epoch", "response", "error", "latency_ms")),
            (
                "medsafe_samples",
                ("task_id", "epoch", "outcome", "reward", "safe", "sample_json"),
            ),
        ):
            listed = ", ".join(columns)
            if sqlite:
                listed += ", " + ", ".join(f"typeof({c})" for c in columns)
            result = await conn.execute(
                text(f"SELECT {listed} FROM {table} WHERE run_id = :r ORDER BY task_id, epoch"),
                {"r": run_id},
            )
            out[table] = [tuple((type(v).__name__, v) for v in row) for row in result]
        n = await conn.execute(
            text("SELECT n_samples FROM medsafe_runs WHERE run_id = :r"), {"r": run_id}
        )
        out["n_samples"] = [tuple(row) for row in n]
    return out


def _scored_record() -> RunRecord:
    """A real evaluated dipg batch: good, wrong and malformed answers, two epochs of one
    task, a failed call (no response, an error, a latency), unicode and a float latency."""
    tasks = get_suite("dipg").tasks(11, 12)
    items: list[BatchItem] = []
    for i, task in enumerate(tasks):
        truth = task.expected()
        if i % 4 == 0:
            response = f'{{"proof": {truth.proof!r}, "final": "{truth.final}"}}'
        elif i % 4 == 1:
            response = '{"proof": "Ça n’est pas là — 🧠", "final": "Ünknown"}'
        elif i % 4 == 2:
            response = f"The answer is {truth.final}"
        else:
            items.append(BatchItem(task_id=task.id, error="timeout: 30 s", latency_ms=30000.25))
            continue
        items.append(BatchItem(task_id=task.id, response=response, latency_ms=12.5 + i))
    items.append(BatchItem(task_id=tasks[0].id, epoch=1, response="I don't know."))
    settings = Settings()
    batch = build_batch(
        items,
        max_items=settings.max_batch_items,
        max_response_bytes=settings.max_response_bytes,
    )
    return evaluate(batch, settings.profile_for(batch.suite)).record


async def _assert_same_rows_as_reference(store: Store, record: RunRecord) -> None:
    reference = record.model_copy(update={"meta": meta("reference")})
    await store.create_run(reference.meta, reference.manifest)
    await _reference_write(store, "reference", _reference_items(reference))
    stored_id = await store.save_run_record(record)
    assert stored_id == record.meta.run_id
    got = await _raw_rows(store, record.meta.run_id)
    want = await _raw_rows(store, "reference")
    assert got["medsafe_samples"], "nothing was stored"
    assert got == want


async def test_evaluated_record_rows_are_those_of_the_earlier_writer(store: Store) -> None:
    record = _scored_record()
    assert any(r.response is None for r in record.responses)
    assert any(r.latency_ms is not None and r.error for r in record.responses)
    await _assert_same_rows_as_reference(store, record)
    back = await store.get_run(record.meta.run_id)
    assert back.samples == record.samples
    assert back.responses == record.responses


async def test_unaligned_record_is_paired_by_key_as_before(store: Store) -> None:
    """Responses in another order, one missing, one without a sample: each sample still
    gets the response of its own (id, epoch), or an empty one."""
    built = record("unaligned", n=6)
    shuffled = list(reversed(built.responses))
    missing = shuffled[2]
    shuffled.remove(missing)
    shuffled.append(ResponseRecord(id="dipg/1/7/999999", response="no sample"))
    unaligned = built.model_copy(update={"responses": shuffled})
    await _assert_same_rows_as_reference(store, unaligned)
    back = await store.get_run("unaligned")
    by_key = {(r.id, r.epoch): r for r in back.responses}
    assert by_key[(missing.id, missing.epoch)].response is None
    assert len(back.responses) == 6


@pytest.mark.parametrize("aligned", [True, False])
async def test_a_repeated_sample_is_refused_aligned_or_not(store: Store, aligned: bool) -> None:
    first, second = pair("dipg/1/7/000000"), pair("dipg/1/7/000001")
    items = [first, second, first]
    responses_ = [r for r, _ in items] if aligned else [first[0], second[0]]
    bad = RunRecord(
        meta=meta("twice").model_copy(update={"state": RunState.COMPLETED}),
        manifest=manifest(n=2),
        responses=responses_,
        samples=[s for _, s in items],
        metrics=record("m", n=2).metrics,
    )
    with pytest.raises(DuplicateSampleError, match="appears twice"):
        await store.save_run_record(bad)
    assert await store.list_runs() == []


async def test_appended_rows_are_those_of_the_earlier_writer(store: Store) -> None:
    scored = _scored_record()
    items = list(zip(scored.responses, scored.samples, strict=True))
    await store.create_run(meta("appended"), scored.manifest)
    await store.append_samples("appended", items[:5])
    await store.append_samples("appended", items[5:])
    await store.create_run(meta("reference"), scored.manifest)
    await _reference_write(store, "reference", items)
    assert await _raw_rows(store, "appended") == await _raw_rows(store, "reference")
