"""Leaderboard integrity over REST: salted ids, caller ground truth, credentials bound to
participants, scoped reads, sign-off, idempotency keys (issue 10)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from service_helpers import good_response, make_settings

from medsafe_core.identity import CredentialSpec, hash_token
from medsafe_core.service import create_app
from medsafe_core.store import Store
from medsafe_core.suites import get_suite

SALT = "pepper-77"
ALICE = "alice-token-0123456789"
BOB = "bob-token-0123456789ab"
ADMIN = "admin-token-0123456789"
N = 6


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, Store]]:
    credentials = [
        CredentialSpec.model_validate({"name": "alice", "token": ALICE}),
        CredentialSpec(name="bob", token_sha256=hash_token(BOB), participants=["bob-bot"]),
        CredentialSpec.model_validate({"name": "root", "token": ADMIN, "admin": True}),
    ]
    settings = make_settings(
        tmp_path, seed_salt=SALT, credentials=credentials, leaderboard_min_tasks=N
    )
    store = await Store.connect(settings.resolved_database_url())
    app = create_app(settings, store)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://m") as client,
    ):
        yield client, store
    await store.close()


async def salted_items(client: httpx.AsyncClient, seed: int = 3) -> list[dict[str, Any]]:
    resp = await client.get(f"/eval/tasks?max_samples={N}&seed={seed}", headers=auth(ALICE))
    suite = get_suite("dipg")
    tasks = [suite.resolve(t["id"], SALT) for t in resp.json()["tasks"]]
    assert all("~" in t.id for t in tasks)
    return [{"id": t.id, "response": good_response(t)} for t in tasks]


async def store_run(
    client: httpx.AsyncClient, items: list[dict[str, Any]], token: str, participant: str
) -> httpx.Response:
    body = {"evaluations": items, "store": True, "participant": participant}
    return await client.post("/evaluate", json=body, headers=auth(token))


async def board(client: httpx.AsyncClient) -> dict[str, Any]:
    resp = await client.get("/leaderboard?suite=dipg", headers=auth(ALICE))
    assert resp.status_code == 200, resp.text
    data: dict[str, Any] = resp.json()
    return data


async def sign_off(client: httpx.AsyncClient, run_id: str) -> httpx.Response:
    return await client.post(f"/runs/{run_id}/signoff", headers=auth(ADMIN))


async def test_public_ids_on_a_salted_server_are_never_ranked(server) -> None:
    client, _ = server
    # answers regenerated locally from the public generator (`medsafe tasks`)
    public = [{"id": t.id, "response": good_response(t)} for t in get_suite("dipg").tasks(7, N)]
    cheat = await store_run(client, public, ALICE, "alice")
    assert cheat.status_code == 200, cheat.text
    assert (await sign_off(client, cheat.json()["run_id"])).status_code == 200
    data = await board(client)
    assert data["rows"] == [] and data["self_reported"] == []
    assert data["config"]["salt_required"] is True

    honest = await store_run(client, await salted_items(client), ALICE, "alice")
    run_id = honest.json()["run_id"]
    data = await board(client)
    assert [r["run_id"] for r in data["self_reported"]] == [run_id]
    assert data["self_reported"][0]["verified"] is True
    assert data["rows"] == []  # self-reported until signed off
    assert (await sign_off(client, run_id)).status_code == 200
    data = await board(client)
    assert [r["run_id"] for r in data["rows"]] == [run_id]
    row = data["rows"][0]
    assert (row["n_tasks"], row["error_rate"], row["official"]) == (N, 0.0, True)


async def test_caller_ground_truth_is_never_ranked_even_signed_off(server) -> None:
    client, _ = server
    task = get_suite("dipg").task(1, 0)
    gt = {"context": task.context, "question": task.question, "expected_answer": "anything"}
    items = [
        {"id": f"mine-{i}", "response": '{"final": "anything"}', "ground_truth": gt}
        for i in range(N)
    ]
    resp = await store_run(client, items, ALICE, "alice")
    assert resp.json()["run"]["ground_truth_source"] == "caller"
    assert (await sign_off(client, resp.json()["run_id"])).status_code == 200
    data = await board(client)
    assert data["rows"] == [] and data["self_reported"] == []


async def test_participant_names_are_bound_to_credentials(server) -> None:
    client, _ = server
    items = await salted_items(client)
    shared = await client.post(
        "/evaluate", json={"evaluations": items, "store": True, "participant": "alice"}
    )
    assert shared.status_code == 403
    assert "bound to a credential" in shared.json()["detail"]
    other = await store_run(client, items, BOB, "alice")
    assert other.status_code == 403
    assert "bob-bot" in other.json()["detail"]
    assert (await store_run(client, items, BOB, "bob-bot")).status_code == 200
    # an unbound name may be used without a credential, but the run is not verified
    anon = await client.post(
        "/evaluate", json={"evaluations": items, "store": True, "participant": "someone"}
    )
    assert anon.status_code == 200
    summary = (await client.get(f"/runs/{anon.json()['run_id']}/report")).status_code
    assert summary == 200


async def test_runs_are_read_by_their_owner_unless_published(server) -> None:
    client, _ = server
    items = await salted_items(client)
    bobs = (await store_run(client, items, BOB, "bob-bot")).json()["run_id"]
    alices = (await store_run(client, items, ALICE, "alice")).json()["run_id"]
    listed = (await client.get("/runs", headers=auth(ALICE))).json()["runs"]
    assert [r["run_id"] for r in listed] == [alices]
    for path in (f"/runs/{bobs}", f"/runs/{bobs}/report"):
        assert (await client.get(path, headers=auth(ALICE))).status_code == 404
        assert (await client.get(path)).status_code == 404  # no credential
    assert (await client.get(f"/runs/{bobs}", headers=auth(ADMIN))).status_code == 200
    refused = await client.post(f"/runs/{bobs}/publish", headers=auth(ALICE))
    assert refused.status_code == 404
    published = await client.post(f"/runs/{bobs}/publish", headers=auth(BOB))
    assert published.json()["published"] is True
    assert (await client.get(f"/runs/{bobs}", headers=auth(ALICE))).status_code == 200
    assert (await sign_off(client, bobs)).json()["official"] is True
    refused = await client.post(f"/runs/{alices}/signoff", headers=auth(ALICE))
    assert refused.status_code == 403


async def test_a_retried_request_with_an_idempotency_key_stores_one_run(server) -> None:
    client, store = server
    items = await salted_items(client)
    body = {"evaluations": items, "store": True, "participant": "alice"}
    headers = auth(ALICE) | {"Idempotency-Key": "9b2f7d0e-retry-1"}
    first = await client.post("/evaluate", json=body, headers=headers)
    again = await client.post("/evaluate", json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.json()["run_id"] == again.json()["run_id"]
    assert len(await store.list_runs()) == 1
    # the same key for another request is refused; another caller's key is their own
    changed = await client.post("/evaluate", json=body | {"format": "json"}, headers=headers)
    assert changed.status_code == 422
    assert changed.json()["errors"][0]["field"] == "headers.idempotency-key"
    bob = await client.post(
        "/evaluate",
        json=body | {"participant": "bob-bot"},
        headers=auth(BOB) | {"Idempotency-Key": "9b2f7d0e-retry-1"},
    )
    assert bob.json()["run_id"] != first.json()["run_id"]
    bad = await client.post("/evaluate", json=body, headers=auth(ALICE) | {"Idempotency-Key": ""})
    assert bad.status_code == 422


async def test_the_document_names_the_new_routes_and_the_key(client: httpx.AsyncClient) -> None:
    doc = (await client.get("/openapi.json")).json()
    assert "post" in doc["paths"]["/runs/{run_id}/signoff"]
    assert "post" in doc["paths"]["/runs/{run_id}/publish"]
    params = doc["paths"]["/evaluate"]["post"]["parameters"]
    assert [p["name"] for p in params if p["in"] == "header"] == ["Idempotency-Key"]
    board = doc["components"]["schemas"]["Leaderboard"]["properties"]
    assert {"rows", "self_reported", "config"} <= set(board)


async def test_the_leaderboard_page_shows_names_scores_errors_and_tasks(server) -> None:
    client, _ = server
    items = await salted_items(client)
    stored = await store_run(client, items, BOB, "bob-bot")
    assert (await sign_off(client, stored.json()["run_id"])).status_code == 200
    page = await client.get("/leaderboard.html?suite=dipg", headers=auth(ALICE))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    official = page.text.split("<h2>Official</h2>")[1].split("<h2>Self-reported</h2>")[0]
    assert "bob-bot" in official and "100.0%" in official  # name and score
    assert f'<td class="num">{N}</td>' in official  # task count
    assert "0.0%" in official  # error rate
    assert page.headers["x-content-type-options"] == "nosniff"
