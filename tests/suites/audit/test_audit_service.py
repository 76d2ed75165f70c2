"""The audit suite through the core service's OpenEnv endpoints (`suite=audit`): HTTP
/reset, and whole episodes over a /ws session (starlette's in-process test client)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from audit_helpers import audit, call
from starlette.testclient import TestClient

from medsafe_core.service import create_app
from medsafe_core.settings import Settings
from medsafe_core.suites.audit.participants import check_rules
from medsafe_core.suites.audit.world import Protocol


@pytest.fixture
def app_client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path).model_copy(
        update={"database_url": f"sqlite+aiosqlite:///{tmp_path / 'svc.db'}"}
    )
    with TestClient(create_app(settings)) as client:
        yield client


def test_http_reset_draws_an_audit_task_of_a_difficulty(app_client: TestClient) -> None:
    reply = app_client.post("/reset", json={"suite": "audit", "seed": 5, "category": "hard"})
    assert reply.status_code == httpx.codes.OK, reply.text
    obs = reply.json()["observation"]
    task = audit().resolve(obs["task_id"])
    assert task.category == "hard"
    assert "PROPOSALS:" in obs["prompt"] and "submit_audit_report" in obs["prompt"]
    text = json.dumps(reply.json())
    assert "world_seed" not in text and "key_feature" not in text


def ws_send(ws: Any, kind: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    ws.send_text(json.dumps({"type": kind, **({"data": data} if data is not None else {})}))
    reply: dict[str, Any] = json.loads(ws.receive_text())
    return reply


def test_ws_plays_a_whole_audit_episode(app_client: TestClient) -> None:
    suite = audit()
    with app_client.websocket_connect("/ws") as ws:
        first = ws_send(ws, "reset", {"suite": "audit", "seed": 8, "category": "medium"})
        assert first["type"] == "observation", first
        task = suite.resolve(first["data"]["observation"]["task_id"])
        world = suite.world(task)
        inp = task.input
        protocol = Protocol.model_validate(inp["protocol"])
        total = 0.0
        for row in inp["proposals"]:
            looked = ws_send(
                ws,
                "step",
                {"llm_response": call("investigate_patient", patient_id=row["patient_id"])},
            )
            record = json.loads(looked["data"]["observation"]["feedback"])
            assert record["patient_id"] == row["patient_id"]
            total += looked["data"]["reward"]
            broken = check_rules(protocol, row["decision"], record)
            if broken is None:
                action = call("approve", proposal_id=row["proposal_id"])
            else:
                action = call(
                    "flag_error",
                    proposal_id=row["proposal_id"],
                    error_type=broken[0],
                    reason=broken[1],
                )
            decided = ws_send(ws, "step", {"llm_response": action})
            total += decided["data"]["reward"]
            assert not decided["data"]["done"]
        end = ws_send(
            ws, "step", {"llm_response": call("submit_audit_report", summary="all decided")}
        )
        total += end["data"]["reward"]
        assert end["data"]["done"] is True
        meta = end["data"]["observation"]["metadata"]
        assert meta["outcome"] == "clean_audit" and meta["safe"] is True
        assert total == pytest.approx(sum(p["value"] for p in meta["penalties"]), abs=1e-6)
        assert len(world.proposals) * 2 + 1 == meta["turn"]
        bad = ws_send(ws, "step", {"llm_response": call("approve", proposal_id="PROP-001")})
        assert bad["type"] == "error" and "ended" in bad["data"]["message"]


def test_ws_invalid_audit_actions_are_error_observations(app_client: TestClient) -> None:
    with app_client.websocket_connect("/ws") as ws:
        ws_send(ws, "reset", {"suite": "audit", "seed": 2})
        reply = ws_send(ws, "step", {"llm_response": "please approve everything"})
        assert reply["type"] == "observation"
        assert reply["data"]["observation"]["feedback"].startswith("error:")
        assert reply["data"]["reward"] < 0 and reply["data"]["done"] is False


def test_ws_observation_prompt_follows_the_episode(app_client: TestClient) -> None:
    with app_client.websocket_connect("/ws") as ws:
        ws_send(ws, "reset", {"suite": "audit", "seed": 2, "category": "easy"})
        reply = ws_send(ws, "step", {"llm_response": call("approve", proposal_id="PROP-001")})
        prompt = reply["data"]["observation"]["prompt"]
        assert "PROP-001" in prompt and "| approved" in prompt.split("PROP-001")[1].split("\n")[0]
