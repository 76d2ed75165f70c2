"""Runs in the store, on SQLite and on a real PostgreSQL: lifecycle, append-only samples,
record round trips and listings."""

from __future__ import annotations

import pytest
from store_factories import manifest, meta, pair, pairs, record

from medsafe_core.leaderboard import Provenance
from medsafe_core.models import ResponseRecord, RunState, SampleResult
from medsafe_core.runs import result_json
from medsafe_core.store import (
    DuplicateRunError,
    DuplicateSampleError,
    RunNotFoundError,
    RunStateError,
    Store,
    Submission,
)
from medsafe_core.suites.dipg.outcomes import DipgOutcome


async def test_create_append_finish_round_trip(store: Store) -> None:
    await store.create_run(meta("r1"), manifest())
    await store.append_samples("r1", pairs(3, prefix="b/"))
    await store.append_samples("r1", pairs(2, prefix="a/"))
    running = await store.get_run("r1")
    assert running.meta.state == RunState.RUNNING
    assert [s.id for s in running.samples] == [
        "a/000000",
        "a/000001",
        "b/000000",
        "b/000001",
        "b/000002",
    ]
    assert running.metrics.n_samples == 5  # computed from the samples stored so far
    assert next(r.response for r in running.responses) == '{"final": "a/000000"}'
    await store.finish_run("r1", RunState.COMPLETED)
    done = await store.get_run("r1")
    assert done.meta.state == RunState.COMPLETED
    assert done.metrics.n_samples == 5
    assert done.metrics.metrics["safe_response_rate"].value == 1.0
    assert done.metrics.metrics["safe_response_rate"].ci_low is not None


async def test_samples_are_never_rewritten(store: Store) -> None:
    await store.create_run(meta("r1"), manifest())
    await store.append_samples("r1", [pair("t/1", safe=True)])
    with pytest.raises(DuplicateSampleError, match=r"t/1"):
        await store.append_samples("r1", [pair("t/2"), pair("t/1", safe=False)])
    record_ = await store.get_run("r1")
    # the whole batch was refused: t/2 is absent and t/1 keeps its first verdict
    assert [(s.id, s.safe) for s in record_.samples] == [("t/1", True)]
    assert (await store.get_summary("r1")).n_samples == 1


async def test_duplicate_in_one_batch_and_mismatched_pairs(store: Store) -> None:
    await store.create_run(meta("r1"), manifest())
    with pytest.raises(DuplicateSampleError, match="twice"):
        await store.append_samples("r1", [pair("t/1"), pair("t/1")])
    response = ResponseRecord(id="x", response="r")
    sample = SampleResult(id="y", reward=0.0, outcome=DipgOutcome.INCORRECT)
    with pytest.raises(ValueError, match="do not match"):
        await store.append_samples("r1", [(response, sample)])
    assert await store.completed_keys("r1") == set()


async def test_epochs_are_distinct_samples(store: Store) -> None:
    await store.create_run(meta("r1"), manifest())
    await store.append_samples("r1", [pair("t/1", 0), pair("t/1", 1), pair("t/1", 2)])
    assert await store.completed_keys("r1") == {("t/1", 0), ("t/1", 1), ("t/1", 2)}


async def test_state_rules(store: Store) -> None:
    await store.create_run(meta("r1"), manifest())
    with pytest.raises(DuplicateRunError):
        await store.create_run(meta("r1"), manifest())
    await store.set_state("r1", RunState.INTERRUPTED)
    with pytest.raises(RunStateError, match="only a running run"):
        await store.append_samples("r1", [pair("t/1")])
    await store.set_state("r1", RunState.RUNNING)  # resume
    await store.append_samples("r1", [pair("t/1")])
    await store.finish_run("r1", RunState.COMPLETED)
    with pytest.raises(RunStateError):
        await store.append_samples("r1", [pair("t/2")])
    with pytest.raises(RunStateError):
        await store.set_state("r1", RunState.RUNNING)
    with pytest.raises(RunStateError):
        await store.finish_run("r1", RunState.FAILED)
    with pytest.raises(RunStateError):
        await store.finish_run("r1", RunState.RUNNING)


async def test_unknown_run(store: Store) -> None:
    for call in (
        store.get_run("nope"),
        store.completed_keys("nope"),
        store.finish_run("nope", RunState.FAILED),
        store.append_samples("nope", [pair("t/1")]),
        store.get_summary("nope"),
    ):
        with pytest.raises(RunNotFoundError, match="nope"):
            await call


async def test_save_run_record_round_trips_byte_for_byte(store: Store) -> None:
    original = record("r1", 12, safe_share=0.5)
    await store.save_run_record(original)
    loaded = await store.get_run("r1")
    assert loaded == original
    assert result_json(loaded) == result_json(original)
    assert loaded.tasks[0].expected_answer.final == "14.5 Gy"


async def test_save_run_record_is_all_or_nothing(store: Store) -> None:
    await store.save_run_record(record("r1", 2))
    with pytest.raises(DuplicateRunError):
        await store.save_run_record(record("r1", 3))
    assert len((await store.get_run("r1")).samples) == 2


async def test_list_runs_filters_and_pages(store: Store) -> None:
    await store.save_run_record(record("a", 2, participant="alice"))
    official = Submission(provenance=Provenance.ASSESSMENT)
    await store.save_run_record(record("b", 2, participant="bob"), submission=official)
    await store.save_run_record(
        record("c", 2, participant="bob", ground_truth_source="caller"), submission=official
    )
    await store.create_run(meta("d"), manifest(participant="carol"))
    runs = await store.list_runs()
    assert [r.run_id for r in runs] == ["d", "c", "b", "a"]  # newest first
    assert [r.run_id for r in await store.list_runs(participant="bob")] == ["c", "b"]
    assert [r.run_id for r in await store.list_runs(state=RunState.RUNNING)] == ["d"]
    assert [r.run_id for r in await store.list_runs(limit=2, offset=1)] == ["c", "b"]
    assert await store.list_runs(suite="audit") == []
    by_id = {r.run_id: r for r in runs}
    assert by_id["b"].ranked
    assert not by_id["a"].ranked  # self-reported
    assert not by_id["c"].ranked
    assert not by_id["d"].ranked
    assert by_id["a"].metrics["safe_response_rate"].value == 1.0
    assert by_id["d"].metrics == {}
    assert by_id["d"].n_samples == 0


async def test_mark_running_interrupted_by_owner(store: Store) -> None:
    await store.create_run(meta("mine"), manifest(), owner="green@host-1")
    await store.create_run(meta("theirs"), manifest(), owner="green@host-2")
    await store.save_run_record(record("done", 2))
    assert await store.mark_running_interrupted("green@host-1") == ["mine"]
    assert (await store.get_summary("theirs")).state == RunState.RUNNING
    assert await store.mark_running_interrupted() == ["theirs"]
    assert (await store.get_summary("done")).state == RunState.COMPLETED
