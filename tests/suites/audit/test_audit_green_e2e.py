"""An AgentBeats EvalRequest with `suite=audit` to the real green agent, which plays each
task as an episode with a real purple participant over A2A (all in process)."""

from __future__ import annotations

import json
from pathlib import Path

from a2a.types import TaskState
from audit_helpers import audit
from tests.agents.helpers import PURPLE, Router, a2a_client, exchange, user_message

from medsafe_agents.green.app import create_green
from medsafe_agents.purple.__main__ import build_from_args, parse_args
from medsafe_agents.settings import AgentSettings
from medsafe_core.suites.play import play_episode


async def test_green_assesses_an_auditor_episode_by_episode(tmp_path: Path) -> None:
    settings = AgentSettings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'medsafe.db'}",
        data_dir=tmp_path,
        progress_interval_s=0.0,
        green_token=None,
        seed_salt=None,
        allowed_participants="",
        chat_model=None,
        mcp_url=None,
    )
    purple = build_from_args(parse_args(["--kind", "heuristic-auditor", "--port", "19010"]))
    router = Router({"127.0.0.1:19010": purple})
    green = await create_green(
        settings, card_url="http://green.test/", participant_transport=router
    )
    try:
        request = {
            "participants": {"agent": PURPLE},
            "config": {
                "suite": "audit",
                "num_tasks": 3,
                "seed": 4,
                "concurrency": 3,
                "timeout_s": 20,
            },
        }
        async with a2a_client(green.app) as client:
            result = await exchange(client, user_message(json.dumps(request)))
        assert result.task is not None
        assert result.task.status.state == TaskState.TASK_STATE_COMPLETED
        _, data = result.result()
        assert (data["n_samples"], data["n_errors"]) == (3, 0)
        assert data["metrics"]["fbeta"]["value"] == 1.0
        record = await green.store.get_run(result.task_id)
        suite = audit()
        for response in record.responses:
            task = suite.resolve(response.id)
            transcript, _ = play_episode(
                suite, task, suite.reference_participants()["heuristic-auditor"]()
            )
            assert json.loads(response.response or "") == json.loads(transcript)
        steps = sum(len(json.loads(r.response or "[]")) for r in record.responses)
        assert len(router.rpc_messages()) == steps  # one A2A call per turn
        sent = json.dumps(router.rpc_messages())
        assert all(r.id not in sent for r in record.responses)  # ids never reach the purple
    finally:
        await green.executor.aclose()
        await green.store.close()
