"""The green agent as an A2A server: card, both protocol versions, token, chat."""

from __future__ import annotations

import json

import httpx
import pytest
from a2a.client import A2AClientError

from medsafe_agents.green.chat import help_text

from .conftest import make_settings
from .helpers import a2a_client, exchange, user_message


async def test_card_serves_1x_and_03_fields(make_green):
    green, _ = await make_green()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=green.app)) as http:
        card = (await http.get("http://green.test/.well-known/agent-card.json")).json()
        legacy = (await http.get("http://green.test/.well-known/agent.json")).json()
    assert card == legacy
    versions = {i["protocolVersion"] for i in card["supportedInterfaces"]}
    assert versions == {"1.0", "0.3"}
    # A2A 0.3 clients read these top-level fields.
    assert card["url"] == "http://green.test/"
    assert card["protocolVersion"].startswith("0.3")
    assert card["preferredTransport"] == "JSONRPC"
    assert card["capabilities"]["streaming"] is True
    assert {s["id"] for s in card["skills"]} == {"assess_participant", "chat_about_evaluations"}
    example = json.loads(card["skills"][0]["examples"][0])
    assert set(example) == {"participants", "config"}
    assert "securitySchemes" not in card


@pytest.mark.parametrize("legacy", [False, True], ids=["a2a-1.x", "a2a-0.3"])
async def test_chat_without_model_answers_with_help(make_green, legacy):
    green, _ = await make_green()
    async with a2a_client(green.app, legacy=legacy) as client:
        result = await exchange(client, user_message("hello, what can you do?"))
    assert result.reply_text() == help_text()
    assert "participant role is 'agent'" in result.reply_text()


async def test_token_is_required_when_configured(make_green, tmp_path):
    settings = make_settings(tmp_path, green_token="s3cret")
    green, _ = await make_green(settings_=settings)

    # The card stays public (health checks fetch it) and advertises the bearer scheme.
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=green.app)) as http:
        card = (await http.get("http://green.test/.well-known/agent-card.json")).json()
        bare = await http.post("http://green.test/", json={"jsonrpc": "2.0", "id": 1})
        wrong = await http.post(
            "http://green.test/", json={}, headers={"Authorization": "Bearer nope"}
        )
    assert "bearer" in card["securitySchemes"]
    assert bare.status_code == 401 and wrong.status_code == 401
    assert bare.headers["www-authenticate"] == "Bearer"

    async with a2a_client(green.app) as client:
        with pytest.raises(A2AClientError, match="401"):
            await exchange(client, user_message("hello"))

    async with a2a_client(green.app, headers={"Authorization": "Bearer s3cret"}) as client:
        result = await exchange(client, user_message("hello"))
    assert result.reply_text() == help_text()
