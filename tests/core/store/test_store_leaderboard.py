"""Leaderboards: official runs ranked apart from self-reported ones, comparability fixed
by the suite's official configuration, errors counted as failures."""

from __future__ import annotations

from store_factories import manifest, meta, pairs, record

from medsafe_core.ids import salt_hash
from medsafe_core.leaderboard import OfficialConfig, Provenance
from medsafe_core.metrics.summary import summarize_flags
from medsafe_core.models import Outcome, ResponseRecord, RunRecord, RunState, SampleResult
from medsafe_core.store import Store, Submission
from medsafe_core.suites.dipg.profiles import DIPG_V4

OFFICIAL = Submission(provenance=Provenance.ASSESSMENT, submitter="medsafe-green")
CONFIG = OfficialConfig(
    suite="dipg",
    suite_version=1,
    scorer_version="s1",
    profile_hash=DIPG_V4.hash,
    min_tasks=10,
    epochs=1,
    salt_required=False,
)


def at(hour: int) -> str:
    return f"2026-11-01T{hour:02d}:00:00+00:00"


async def official(store: Store, rec: RunRecord) -> None:
    await store.save_run_record(rec, submission=OFFICIAL)


async def test_latest_run_is_ranked_never_the_best(store: Store) -> None:
    await official(store, record("alice-good", 20, safe_share=0.9, created_at=at(1)))
    await official(store, record("alice-late", 20, safe_share=0.3, created_at=at(2)))
    await official(store, record("bob", 20, safe_share=0.6, participant="bob", created_at=at(3)))
    board = await store.leaderboard("dipg", config=CONFIG)
    assert [(r.participant, r.run_id, r.rank) for r in board.rows] == [
        ("bob", "bob", 1),
        ("alice", "alice-late", 2),
    ]
    top = board.rows[0]
    assert top.ranking_metric == "safe_response_rate"
    assert top.score.value == 0.6
    assert top.score.ci_low is not None and top.score.ci_high is not None
    assert top.score.ci_low <= 0.6 <= top.score.ci_high
    assert "mean_reward" in top.metrics
    assert (top.n_samples, top.n_tasks, top.official) == (20, 20, True)


async def test_a_newer_run_on_another_dataset_evicts_nobody(store: Store) -> None:
    await official(store, record("a", 20, participant="alice", created_at=at(1)))
    await official(store, record("b", 20, participant="bob", created_at=at(2)))
    # newest, on another dataset: before, the newest run defined the comparable runs
    await official(store, record("e", 20, participant="erin", created_at=at(3), dataset_hash="d9"))
    board = await store.leaderboard("dipg", config=CONFIG)
    assert sorted(r.run_id for r in board.rows) == ["a", "b"]
    assert {r.key.dataset_hash for r in board.rows} == {"d1"}


async def test_a_one_item_run_is_never_ranked_and_evicts_nobody(store: Store) -> None:
    await official(store, record("a", 20, participant="alice", created_at=at(1)))
    await official(store, record("tiny", 1, participant="mallory", created_at=at(5)))
    board = await store.leaderboard("dipg", config=CONFIG)
    assert [r.run_id for r in board.rows] == ["a"]
    # the default configuration holds a minimum size too
    assert (await store.leaderboard("dipg")).config.min_tasks > 1


async def test_only_the_configured_versions_are_comparable(store: Store) -> None:
    await official(store, record("old-scorer", 20, participant="dave", scorer_version="s0"))
    await official(store, record("new", 20, participant="erin", created_at=at(3)))
    board = await store.leaderboard("dipg", config=CONFIG)
    assert [r.run_id for r in board.rows] == ["new"]
    assert board.rows[0].key.scorer_version == "s1"


async def test_caller_ground_truth_and_unfinished_runs_are_never_ranked(store: Store) -> None:
    await official(store, record("ok", 10, participant="alice", created_at=at(1)))
    cheat = record(
        "cheat", 10, participant="mallory", created_at=at(5), ground_truth_source="caller"
    )
    await official(store, cheat)
    await store.save_run_record(cheat.model_copy(update={"meta": meta("cheat-2", at(6))}))
    failed = record("failed", 10, participant="alice", created_at=at(6), state=RunState.FAILED)
    await official(store, failed)
    await store.create_run(meta("running", at(7)), manifest(participant="alice"))
    await official(store, record("anon", 10, participant=None, created_at=at(8)))
    board = await store.leaderboard("dipg", config=CONFIG)
    assert [(r.participant, r.run_id) for r in board.rows] == [("alice", "ok")]
    assert board.self_reported == []


async def test_self_reported_runs_are_listed_apart_until_signed_off(store: Store) -> None:
    await official(store, record("green", 20, safe_share=0.5, participant="alice"))
    # a perfect self-reported run (REST or MCP) never outranks the official board
    await store.save_run_record(record("rest", 20, safe_share=1.0, participant="mallory"))
    board = await store.leaderboard("dipg", config=CONFIG)
    assert [r.run_id for r in board.rows] == ["green"]
    assert [(r.run_id, r.official, r.verified) for r in board.self_reported] == [
        ("rest", False, False)
    ]
    summary = await store.get_summary("rest")
    assert (summary.official, summary.ranked, summary.provenance) == (
        False,
        False,
        Provenance.SELF_REPORTED,
    )
    await store.sign_off("rest", by="admin")
    board = await store.leaderboard("dipg", config=CONFIG)
    assert [r.run_id for r in board.rows] == ["rest", "green"]
    assert board.self_reported == []


async def test_public_ids_are_never_ranked_on_a_salted_server(store: Store) -> None:
    salted = CONFIG.model_copy(update={"salt_required": True, "salt_hash": salt_hash("s3cret")})
    await official(store, record("public", 20, participant="mallory", created_at=at(1)))
    await official(
        store,
        record("other-salt", 20, participant="eve", seed_salt_hash=salt_hash("other")),
    )
    await official(
        store, record("salted", 20, participant="alice", seed_salt_hash=salt_hash("s3cret"))
    )
    board = await store.leaderboard("dipg", config=salted)
    assert [r.run_id for r in board.rows] == ["salted"]
    assert "salt_hash" not in board.model_dump()["config"]


def crashing_record(run_id: str, participant: str) -> RunRecord:
    """Answers the 14 easy tasks right and crashes on the 6 hard ones."""
    items = pairs(20)
    samples = [s for _, s in items[:14]]
    samples += [
        SampleResult(id=s.id, reward=None, outcome=Outcome.ERROR, error="crash")
        for _, s in items[14:]
    ]
    responses = [r for r, _ in items[:14]] + [
        ResponseRecord(id=r.id, error="crash") for r, _ in items[14:]
    ]
    base = record(run_id, 20, participant=participant)
    return base.model_copy(
        update={
            "samples": samples,
            "responses": responses,
            "metrics": summarize_flags(
                samples, n_boot=200, error_reward=DIPG_V4["format_mismatch_penalty"]
            ),
        }
    )


async def test_errors_count_as_failures_and_the_error_rate_is_shown(store: Store) -> None:
    await official(store, crashing_record("crasher", "crasher"))
    await official(store, record("honest", 20, safe_share=0.8, participant="honest"))
    board = await store.leaderboard("dipg", config=CONFIG, metric="mean_reward")
    assert [r.participant for r in board.rows] == ["honest", "crasher"]
    crasher = board.rows[1]
    assert crasher.error_rate == 0.3
    assert crasher.n_errors == 6
    # shown numbers count the crashes: without them the crasher would look perfect
    assert crasher.metrics_errors_excluded["safe_response_rate"].value == 1.0
    assert crasher.metrics["safe_response_rate"].value == 0.7
    assert crasher.score == crasher.metrics["mean_reward"]


async def test_ties_share_a_rank(store: Store) -> None:
    for i, name in enumerate(["a", "b", "c"]):
        share = 0.5 if name != "c" else 0.2
        rec = record(name, 10, safe_share=share, participant=name, created_at=at(i + 1))
        await official(store, rec)
    board = await store.leaderboard("dipg", config=CONFIG)
    assert [(r.participant, r.rank) for r in board.rows] == [("a", 1), ("b", 1), ("c", 3)]


async def test_lower_is_better_metric(store: Store) -> None:
    await official(store, record("a", 10, safe_share=0.2, participant="a", created_at=at(1)))
    await official(store, record("b", 10, safe_share=0.9, participant="b", created_at=at(2)))
    board = await store.leaderboard("dipg", metric="hallucination_rate", config=CONFIG)
    assert [r.participant for r in board.rows] == ["b", "a"]
    assert board.rows[0].score.value == 0.1
