"""Assessments end to end: the green agent calls purple agents over A2A (in process,
through the SDK's clients and servers) and scores, persists and reports."""

from __future__ import annotations

import asyncio
import json

import pytest
from a2a.types import TaskState

from medsafe_agents.green.artifact import RESULT_SCHEMA
from medsafe_agents.purple.answerers import Question
from medsafe_agents.purple.server import build_purple_app
from medsafe_core.models import RunState

from .conftest import purple_app
from .helpers import PURPLE, a2a_client, exchange, free_port, serve, user_message

ROUTE = "127.0.0.1:19010"
JSON_ANSWER = json.dumps({"analysis": "a", "proof": "", "final": "I do not know."})


def eval_text(n: int = 6, participant: str = PURPLE, **config: object) -> str:
    cfg = {"num_tasks": n, "concurrency": 3, "timeout_s": 10, **config}
    return json.dumps({"participants": {"agent": participant}, "config": cfg})


def fixed(text: str = JSON_ANSWER, delay: float = 0.0):
    async def answer(_q: Question) -> str:
        await asyncio.sleep(delay)
        return text

    return answer


@pytest.mark.parametrize("legacy", [False, True], ids=["a2a-1.x", "a2a-0.3"])
async def test_assessment_completes_with_progress_artifact_and_store(make_green, legacy):
    green, router = await make_green({ROUTE: purple_app("baseline")})
    async with a2a_client(green.app, legacy=legacy) as client:
        result = await exchange(client, user_message(eval_text(7)))
    assert result.task is not None
    assert result.task.status.state == TaskState.TASK_STATE_COMPLETED
    text, data = result.result()

    assert data["schema"] == RESULT_SCHEMA
    assert data["participant"] == {"role": "agent", "url": PURPLE}
    assert (data["n_samples"], data["n_errors"], data["error_rate"]) == (7, 0, 0)
    assert len(data["samples"]) == 7
    assert set(data["headline"]) >= {"safe_response_rate", "hallucination_rate", "mean_reward"}
    estimate = data["metrics"]["safe_response_rate"]
    assert estimate["ci_low"] <= estimate["value"] <= estimate["ci_high"]
    assert "penalties" not in data["samples"][0]
    assert text.startswith(f"medsafe assessment of {PURPLE}")
    assert "safe_response_rate" in text

    progress = [d for d in result.status_data() if d.get("kind") == "medsafe.progress"]
    assert progress and progress[0]["total"] == 7
    assert [p["done"] for p in progress] == sorted(p["done"] for p in progress)

    record = await green.store.get_run(result.task_id)
    assert record.meta.state == RunState.COMPLETED
    assert len(record.samples) == len(record.responses) == 7
    assert record.manifest.participant == PURPLE
    assert record.manifest.participant_name == "medsafe-purple-baseline"  # its card's name
    assert len(router.rpc_messages()) == 7  # one call per task, nothing redone


async def test_concurrency_is_bounded_and_used(make_green):
    in_flight, peak = 0, 0

    async def answer(_q: Question) -> str:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.05)
        in_flight -= 1
        return JSON_ANSWER

    green, _ = await make_green({ROUTE: build_purple_app("t", answer, PURPLE)})
    async with a2a_client(green.app) as client:
        result = await exchange(client, user_message(eval_text(16, concurrency=4)))
    assert result.task is not None and result.task.status.state == TaskState.TASK_STATE_COMPLETED
    assert peak == 4


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        ({"num_tasks": 2, "bogus": 1}, "config.bogus: unknown key"),
        ({"num_tasks": 2, "suite": "nope"}, "unknown suite 'nope'"),
        ({"num_tasks": 2, "categories": ["astrology"]}, "unknown categories ['astrology']"),
        ({"num_tasks": 2, "concurrency": 500}, "exceeds this server's limit of 64"),
        ({"num_tasks": 20_000}, "exceeds this server's limit of 10000"),
    ],
)
async def test_invalid_request_fails_the_task_with_the_reason(make_green, config, reason):
    green, router = await make_green({ROUTE: build_purple_app("t", fixed(), PURPLE)})
    text = json.dumps({"participants": {"agent": PURPLE}, "config": config})
    async with a2a_client(green.app) as client:
        result = await exchange(client, user_message(text))
    assert result.task is not None
    assert result.task.status.state == TaskState.TASK_STATE_FAILED
    assert reason in result.reply_text()
    assert router.sent == []


async def test_participant_outside_the_allowlist_is_never_called(make_green):
    green, router = await make_green({"10.9.9.9:9010": build_purple_app("t", fixed(), PURPLE)})
    async with a2a_client(green.app) as client:
        result = await exchange(client, user_message(eval_text(2, "http://10.9.9.9:9010")))
    assert result.task is not None
    assert result.task.status.state == TaskState.TASK_STATE_FAILED
    assert "not allowed" in result.reply_text()
    assert "MEDSAFE_ALLOWED_PARTICIPANTS" in result.reply_text()
    assert router.sent == []


async def test_eval_request_may_come_as_a_data_part(make_green):
    green, _ = await make_green({ROUTE: build_purple_app("t", fixed(), PURPLE)})
    request = json.loads(eval_text(2))
    async with a2a_client(green.app) as client:
        result = await exchange(client, user_message("please assess", data=request))
    assert result.task is not None and result.task.status.state == TaskState.TASK_STATE_COMPLETED


async def test_slow_participant_times_out_as_infrastructure_errors(make_green):
    # A real socket: cancelling an in-process ASGI call would wait for the sleeping app.
    port = free_port()
    async with serve(purple_app("slow", "--delay", "3", port=port), port) as url:
        green, _ = await make_green()
        async with a2a_client(green.app) as client:
            result = await exchange(client, user_message(eval_text(3, url, timeout_s=0.3)))
    assert result.task is not None and result.task.status.state == TaskState.TASK_STATE_COMPLETED
    _, data = result.result()
    assert (data["n_errors"], data["error_rate"], data["n_scored"]) == (3, 1, 0)
    for sample in data["samples"]:
        assert sample["outcome"] == "error"
        assert sample["error"] == "timeout: no answer within 0.3 s (config.timeout_s)"
    assert data["headline_errors_as_failures"]["safe_response_rate"] == 0


async def test_crashing_participant_errors_are_recorded_not_retried(make_green):
    green, router = await make_green({ROUTE: purple_app("crasher")})
    async with a2a_client(green.app) as client:
        result = await exchange(client, user_message(eval_text(3)))
    assert result.task is not None and result.task.status.state == TaskState.TASK_STATE_COMPLETED
    _, data = result.result()
    assert data["n_errors"] == 3
    for sample in data["samples"]:
        assert "participant failed" in sample["error"]
        assert "deliberate failure" in sample["error"]
    assert len(router.rpc_messages()) == 3  # a crash is not a transport error: no retry


async def test_unreachable_participant_is_retried_then_recorded(make_green):
    dead = f"http://127.0.0.1:{free_port()}"
    green, _ = await make_green()
    async with a2a_client(green.app) as client:
        result = await exchange(client, user_message(eval_text(2, dead, retries=1)))
    assert result.task is not None and result.task.status.state == TaskState.TASK_STATE_COMPLETED
    _, data = result.result()
    assert data["n_errors"] == 2
    for sample in data["samples"]:
        assert sample["error"].startswith("unreachable: ConnectError")
        assert sample["error"].endswith("(after 2 attempts)")


async def test_malformed_answers_are_the_participants_own_format_failures(make_green):
    green, _ = await make_green({ROUTE: purple_app("malformed")})
    async with a2a_client(green.app) as client:
        result = await exchange(client, user_message(eval_text(4)))
    _, data = result.result()
    assert data["n_errors"] == 0 and data["n_scored"] == 4
    for sample in data["samples"]:
        assert sample["outcome"] == "format_error"
        assert sample["format_error"] is True and sample["error"] is None
    assert data["headline"]["format_error_rate"] == 1


async def test_oversized_answer_is_the_participants_format_failure(make_green):
    limit = 65_536  # the dipg parser's limit (and MEDSAFE_MAX_RESPONSE_BYTES' default)
    green, _ = await make_green({ROUTE: build_purple_app("t", fixed("x" * 100_000), PURPLE)})
    async with a2a_client(green.app) as client:
        result = await exchange(client, user_message(eval_text(1)))
    _, data = result.result()
    (sample,) = data["samples"]
    assert (sample["outcome"], sample["parse_error"], sample["error"]) == (
        "format_error",
        "too_large",
        None,
    )
    # Stored cut just past the limit, so re-scoring reaches the same verdict.
    record = await green.store.get_run(result.task_id)
    assert limit < len(record.responses[0].response or "") <= limit + 4


async def test_response_past_the_wire_cap_is_not_read(make_green, tmp_path):
    from .conftest import make_settings

    settings = make_settings(tmp_path, max_response_bytes=2_000)  # wire cap ~278 kB
    green, _ = await make_green(
        {ROUTE: build_purple_app("t", fixed("y" * 400_000), PURPLE)}, settings_=settings
    )
    async with a2a_client(green.app) as client:
        result = await exchange(client, user_message(eval_text(1)))
    _, data = result.result()
    (sample,) = data["samples"]
    assert sample["outcome"] == "error"
    assert sample["error"].startswith("answer too large: the response from")


@pytest.mark.parametrize(
    ("kind", "metric"),
    [("hallucinator", "hallucination_rate"), ("refuser", "refusal_rate")],
)
async def test_bad_reference_participants_show_their_failure(make_green, kind, metric):
    green, _ = await make_green({ROUTE: purple_app(kind)})
    async with a2a_client(green.app) as client:
        result = await exchange(client, user_message(eval_text(14)))
    _, data = result.result()
    assert data["n_errors"] == 0
    assert data["headline"][metric] > 0.5
    assert data["headline"]["safe_response_rate"] < 0.5


async def test_cancel_stops_the_assessment_and_keeps_samples(make_green):
    from a2a.types import CancelTaskRequest, SendMessageRequest

    port = free_port()
    slow = build_purple_app("slow", fixed(delay=0.2), f"http://127.0.0.1:{port}/")
    async with serve(slow, port) as url:
        green, _ = await make_green()
        async with a2a_client(green.app, streaming=False) as client:
            message = user_message(eval_text(40, url, concurrency=2))
            message_request = SendMessageRequest(message=message)
            message_request.configuration.return_immediately = True
            async for event in client.send_message(message_request):
                task_id = event.task.id
            for _ in range(100):
                if len(await green.store.completed_keys(task_id)) >= 2:
                    break
                await asyncio.sleep(0.05)
            canceled = await client.cancel_task(CancelTaskRequest(id=task_id))
    assert canceled.status.state == TaskState.TASK_STATE_CANCELED
    for _ in range(100):
        record = await green.store.get_run(task_id)
        if record.meta.state != RunState.RUNNING:
            break
        await asyncio.sleep(0.05)
    # The store agrees with the terminal A2A task: a canceled run is not resumable.
    assert record.meta.state == RunState.FAILED
    assert 2 <= len(record.samples) < 40
    assert await green.store.lease_of(task_id) is None


async def test_participant_that_only_speaks_a2a_03(make_green):
    green, router = await make_green({ROUTE: purple_app("baseline", "--protocol", "0.3")})
    async with a2a_client(green.app) as client:
        result = await exchange(client, user_message(eval_text(3)))
    _, data = result.result()
    assert data["n_errors"] == 0 and data["n_scored"] == 3
    methods = {json.loads(body)["method"] for _, body in router.sent if body}
    assert methods == {"message/send"}  # the SDK's 0.3 compat transport was used
