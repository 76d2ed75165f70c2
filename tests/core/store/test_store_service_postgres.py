"""The core service over a real PostgreSQL store: evaluate and store, list, leaderboard."""

from __future__ import annotations

import json

import httpx
from pg_helpers import PgCluster, create_database

from medsafe_core.service import create_app
from medsafe_core.settings import Settings
from medsafe_core.store import Store
from medsafe_core.suites import get_suite


async def test_service_on_postgresql(pg_cluster: PgCluster) -> None:
    url = await create_database(pg_cluster)
    store = await Store.connect(url)
    settings = Settings().model_copy(update={"database_url": url, "leaderboard_min_tasks": 8})
    app = create_app(settings, store)
    tasks = get_suite("dipg").tasks(3, 8)
    items = [
        {
            "id": t.id,
            "response": json.dumps(
                {"proof": t.expected_answer.proof, "final": t.expected_answer.final}
            ),
        }
        for t in tasks
    ]
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://pg") as client:
            for participant in ("alice", "bob"):
                resp = await client.post(
                    "/evaluate",
                    json={"evaluations": items, "store": True, "participant": participant},
                )
                assert resp.status_code == 200, resp.text
            runs = (await client.get("/runs")).json()["runs"]
            assert [r["participant"] for r in runs] == ["bob", "alice"]
            board = (await client.get("/leaderboard")).json()
            assert board["rows"] == []  # REST runs are self-reported, listed apart
            assert sorted(r["participant"] for r in board["self_reported"]) == ["alice", "bob"]
            report = await client.get(f"/runs/{runs[0]['run_id']}/report")
            assert report.status_code == 200
            assert (await client.get("/health")).json()["status"] == "healthy"
    finally:
        await store.close()


async def test_logged_url_hides_the_password(pg_cluster: PgCluster) -> None:
    url = await create_database(pg_cluster)
    with_password = url.replace("postgres@", "postgres:hunter2-secret@")
    store = await Store.connect(with_password)  # trust auth: the password is not checked
    try:
        assert "hunter2-secret" not in store.url
        assert "***" in store.url
        assert await store.ping()
    finally:
        await store.close()
