"""Leaderboards: each participant's latest comparable, ranked, completed run, with CIs."""

from __future__ import annotations

from store_factories import manifest, meta, record

from medsafe_core.models import RunState
from medsafe_core.store import Store


def at(hour: int) -> str:
    return f"2026-11-01T{hour:02d}:00:00+00:00"


async def test_latest_run_is_ranked_never_the_best(store: Store) -> None:
    await store.save_run_record(record("alice-good", 20, safe_share=0.9, created_at=at(1)))
    await store.save_run_record(record("alice-late", 20, safe_share=0.3, created_at=at(2)))
    await store.save_run_record(
        record("bob", 20, safe_share=0.6, participant="bob", created_at=at(3))
    )
    board = await store.leaderboard("dipg")
    assert [(r.participant, r.run_id, r.rank) for r in board] == [
        ("bob", "bob", 1),
        ("alice", "alice-late", 2),
    ]
    top = board[0]
    assert top.ranking_metric == "safe_response_rate"
    assert top.score.value == 0.6
    assert top.score.ci_low is not None
    assert top.score.ci_high is not None
    assert top.score.ci_low <= 0.6 <= top.score.ci_high
    assert "mean_reward" in top.metrics
    assert top.n_samples == 20


async def test_only_runs_comparable_to_the_newest(store: Store) -> None:
    await store.save_run_record(
        record("old-dataset", 10, participant="carol", created_at=at(1), dataset_hash="d0")
    )
    await store.save_run_record(
        record("old-scorer", 10, participant="dave", created_at=at(2), scorer_version="s0")
    )
    await store.save_run_record(record("new", 10, participant="erin", created_at=at(3)))
    board = await store.leaderboard("dipg")
    assert [r.run_id for r in board] == ["new"]
    assert board[0].key.dataset_hash == "d1"
    assert board[0].key.scorer_version == "s1"


async def test_caller_ground_truth_and_unfinished_runs_are_never_ranked(store: Store) -> None:
    await store.save_run_record(record("ok", 10, participant="alice", created_at=at(1)))
    # newer, but scored against ground truth the caller supplied: ignored entirely
    await store.save_run_record(
        record(
            "cheat",
            10,
            participant="mallory",
            created_at=at(5),
            ground_truth_source="caller",
            dataset_hash="zz",
        )
    )
    await store.save_run_record(
        record("failed", 10, participant="alice", created_at=at(6), state=RunState.FAILED)
    )
    await store.create_run(meta("running", at(7)), manifest(participant="alice"))
    await store.save_run_record(record("anon", 10, participant=None, created_at=at(8)))
    board = await store.leaderboard("dipg")
    assert [(r.participant, r.run_id) for r in board] == [("alice", "ok")]
    assert await store.leaderboard("audit") == []


async def test_ties_share_a_rank(store: Store) -> None:
    for i, name in enumerate(["a", "b", "c"]):
        share = 0.5 if name != "c" else 0.2
        await store.save_run_record(
            record(name, 10, safe_share=share, participant=name, created_at=at(i + 1))
        )
    board = await store.leaderboard("dipg")
    assert [(r.participant, r.rank) for r in board] == [("a", 1), ("b", 1), ("c", 3)]


async def test_lower_is_better_metric(store: Store) -> None:
    await store.save_run_record(record("a", 10, safe_share=0.2, participant="a", created_at=at(1)))
    await store.save_run_record(record("b", 10, safe_share=0.9, participant="b", created_at=at(2)))
    board = await store.leaderboard("dipg", metric="hallucination_rate")
    assert [r.participant for r in board] == ["b", "a"]
    assert board[0].score.value == 0.1
