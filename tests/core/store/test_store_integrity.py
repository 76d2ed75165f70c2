"""Integrity of stored runs: idempotency keys, reads scoped to identities, hashed
credentials, and the 0002 migration over a database with runs in it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, text
from store_factories import record

from medsafe_core.identity import CredentialSpec, Identity, hash_token
from medsafe_core.leaderboard import Provenance
from medsafe_core.store import IdempotencyConflictError, RunNotFoundError, Store, Submission
from medsafe_core.store.engine import _alembic_config, create_engine


def keyed(key: str, request: str, submitter: str | None = None) -> Submission:
    return Submission(submitter=submitter, idempotency_key=key, request_hash=request)


async def test_a_retried_request_stores_one_run(store: Store) -> None:
    first = await store.save_run_record(record("r1", 3), submission=keyed("k1", "h1"))
    again = await store.save_run_record(record("r2", 3), submission=keyed("k1", "h1"))
    assert (first, again) == ("r1", "r1")
    assert [r.run_id for r in await store.list_runs()] == ["r1"]
    with pytest.raises(IdempotencyConflictError, match="different request"):
        await store.save_run_record(record("r3", 3), submission=keyed("k1", "other"))
    assert await store.save_run_record(record("r4", 3), submission=keyed("k2", "h1")) == "r4"
    assert await store.save_run_record(record("r5", 3)) == "r5"
    assert await store.save_run_record(record("r6", 3)) == "r6"  # no key: no dedup


async def test_reads_are_scoped_to_the_owner_unless_published(store: Store) -> None:
    alice = Identity(name="alice", participants=frozenset({"alice-bot"}))
    await store.save_run_record(
        record("mine", 3, participant="alice-bot"),
        submission=Submission(submitter="alice", participant_verified=True),
    )
    await store.save_run_record(
        record("bobs", 3, participant="bob-bot"), submission=Submission(submitter="bob")
    )
    await store.save_run_record(
        record("green", 3, participant="alice-bot"),
        submission=Submission(provenance=Provenance.ASSESSMENT, submitter="medsafe-green"),
    )
    await store.save_run_record(record("anon", 3, participant=None))
    assert {r.run_id for r in await store.list_runs(viewer=alice)} == {"mine", "green"}
    anonymous = Identity()
    assert [r.run_id for r in await store.list_runs(viewer=anonymous)] == ["anon"]
    admin = Identity(name="root", admin=True)
    assert len(await store.list_runs(viewer=admin)) == 4
    assert len(await store.list_runs()) == 4  # in-process callers are not scoped
    with pytest.raises(RunNotFoundError):
        await store.get_run("bobs", viewer=alice)
    await store.set_published("bobs")
    assert (await store.get_run("bobs", viewer=alice)).meta.run_id == "bobs"
    summary = await store.get_summary("mine", viewer=alice)
    assert (summary.submitter, summary.verified, summary.published) == ("alice", True, False)


async def test_credentials_are_stored_as_hashes(store: Store) -> None:
    token = "alice-token-0123456789"
    specs = [
        CredentialSpec.model_validate({"name": "alice", "token": token}),
        CredentialSpec(
            name="lab", token_sha256=hash_token("lab-token-0123456789"), participants=["x", "y"]
        ),
    ]
    assert not await store.has_credentials()
    await store.put_credentials(specs)
    await store.put_credentials(specs)  # idempotent
    assert await store.identity_of(hash_token(token)) == Identity(
        name="alice", participants=frozenset({"alice"})
    )
    assert await store.identity_of(hash_token("nope")) is None
    assert await store.bound_participants() == {"alice", "x", "y"}
    assert await store.has_credentials()
    async with store.engine.connect() as conn:
        stored = (await conn.execute(text("SELECT * FROM medsafe_credentials"))).all()
    assert token not in repr(stored)


def test_a_credential_needs_exactly_one_token_form() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        CredentialSpec(name="x")
    with pytest.raises(ValueError, match="64 lower-case hex"):
        CredentialSpec(name="x", token_sha256="abc")
    with pytest.raises(ValueError, match="16 characters"):
        CredentialSpec.model_validate({"name": "x", "token": "short"})


async def test_migration_0002_keeps_samples_and_marks_green_runs(tmp_path: Path) -> None:
    """Upgrading a database at 0001 that holds runs: samples survive (no table copy that
    would cascade), and runs the green agent wrote become assessments."""
    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")

    def to_0001(conn: Connection) -> None:
        command.upgrade(_alembic_config(conn), "0001")

    async with engine.begin() as conn:
        await conn.run_sync(to_0001)
    rec = record("g", 1)
    async with engine.begin() as conn:
        for owner, run_id in (("medsafe-green", "g"), (None, "rest")):
            await conn.exec_driver_sql(
                "INSERT INTO medsafe_runs (run_id, created_at, updated_at, state, owner, suite, "
                "suite_version, dataset_id, dataset_hash, scorer_version, profile_name, "
                "profile_hash, participant, ground_truth_source, n_samples, manifest_json) "
                "VALUES (?, 't', 't', 'completed', ?, 'dipg', 1, 'x', 'd1', 's1', 'dipg-v4', "
                "'h', 'alice', 'server', 1, ?)",
                (run_id, owner, rec.manifest.model_dump_json()),
            )
            await conn.exec_driver_sql(
                "INSERT INTO medsafe_samples (run_id, task_id, epoch, outcome, reward, safe, "
                "sample_json) VALUES (?, ?, 0, 'correct', 1.0, 1, ?)",
                (run_id, rec.samples[0].id, rec.samples[0].model_dump_json()),
            )
    await engine.dispose()
    store = await Store.connect(f"sqlite+aiosqlite:///{path}")
    try:
        assert (await store.get_summary("g")).provenance == Provenance.ASSESSMENT
        assert (await store.get_summary("rest")).provenance == Provenance.SELF_REPORTED
        assert len((await store.get_run("g")).samples) == 1
    finally:
        await store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM medsafe_samples").fetchone() == (2,)
