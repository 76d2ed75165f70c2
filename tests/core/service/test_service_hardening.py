"""Bearer token, CORS off by default, no secrets in logs, problem bodies for 404/405."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest
from service_helpers import make_settings
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from medsafe_core.service import ServiceOptions, create_app
from medsafe_core.store import Store

TOKEN = "tok-9f1c2b7e"


@pytest.fixture
async def secured(tmp_path: Path):
    store = await Store.connect(f"sqlite+aiosqlite:///{tmp_path / 'auth.db'}")
    app = create_app(make_settings(tmp_path, api_token=TOKEN, seed_salt="pepper-77"), store)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://m") as c:
        yield c
    await store.close()


async def test_token_guards_every_route_but_health(secured: httpx.AsyncClient) -> None:
    assert (await secured.get("/health")).status_code == 200
    for method, path in [
        ("GET", "/eval/tasks"),
        ("POST", "/evaluate"),
        ("GET", "/runs"),
        ("GET", "/runs/x"),
        ("GET", "/runs/x/report"),
        ("GET", "/leaderboard"),
        ("POST", "/reset"),
        ("POST", "/step"),
        ("GET", "/state"),
        ("GET", "/schema"),
        ("GET", "/openapi.json"),
        ("GET", "/nowhere"),
    ]:
        resp = await secured.request(method, path)
        assert resp.status_code == 401, path
        assert resp.headers["www-authenticate"].startswith("Bearer")
        assert resp.json()["status"] == 401
        wrong = await secured.request(method, path, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401, path
    ok = await secured.get(
        "/eval/tasks?max_samples=1", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert ok.status_code == 200
    doc = (await secured.get("/openapi.json", headers={"Authorization": f"Bearer {TOKEN}"})).json()
    assert "bearer" in doc["components"]["securitySchemes"]
    assert doc["paths"]["/health"]["get"]["security"] == []


async def test_ws_requires_the_token(live_factory) -> None:
    live = live_factory(api_token=TOKEN)
    ws_url = live.url.replace("http", "ws") + "/ws"
    with pytest.raises(InvalidStatus):
        async with connect(ws_url) as ws:
            await ws.recv()
    async with connect(ws_url, additional_headers={"Authorization": f"Bearer {TOKEN}"}) as ws:
        await ws.send('{"type": "state"}')
        assert '"state"' in await ws.recv()


async def test_no_secrets_in_logs(secured: httpx.AsyncClient, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    await secured.get("/eval/tasks?max_samples=2", headers=headers)
    await secured.post(
        "/evaluate",
        json={"evaluations": [{"id": "dipg/1/1/000001~zz", "response": "x"}]},
        headers=headers,
    )
    await secured.get("/runs/nope", headers=headers)
    text = caplog.text
    assert TOKEN not in text
    assert "pepper-77" not in text


async def test_cors_off_by_default_and_on_when_configured(client: httpx.AsyncClient, tmp_path):
    resp = await client.get("/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in resp.headers
    store = await Store.connect(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    app = create_app(
        make_settings(tmp_path), store, options=ServiceOptions(cors_origins=["https://ui.example"])
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://m") as c:
        resp = await c.get("/health", headers={"Origin": "https://ui.example"})
        assert resp.headers["access-control-allow-origin"] == "https://ui.example"
    await store.close()


async def test_unknown_routes_and_methods_are_problems(client: httpx.AsyncClient) -> None:
    resp = await client.get("/nowhere")
    assert resp.status_code == 404
    assert resp.headers["content-type"].startswith("application/problem+json")
    resp = await client.delete("/evaluate")
    assert resp.status_code == 405
    assert resp.json()["status"] == 405
