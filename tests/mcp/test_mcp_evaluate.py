"""evaluate_batch: scoring, order, progress, caller ground truth, limits and errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError
from mcp_helpers import dipg_tasks, ideal_response, make_settings, plain_text_response

from medsafe_core.ids import make_task_id
from medsafe_core.models import AnswerKind, SampleResult, Task
from medsafe_core.scoring import get_profile
from medsafe_core.suites import get_suite
from medsafe_mcp import create_server

TASK_ID = "dipg/1/7/000000"


def items(tasks: list[Task], answer: Any = ideal_response) -> list[dict[str, Any]]:
    return [{"task_id": t.id, "response": answer(t)} for t in tasks]


def inline_item(task: Task, response: str, **extra: Any) -> dict[str, Any]:
    truth = task.expected_answer
    return {
        "response": response,
        "ground_truth": {
            "context": task.context,
            "question": task.question,
            "expected_answer": {"final": truth.final, "proof": truth.proof},
        },
        **extra,
    }


async def test_ideal_answers_are_safe_and_come_back_in_input_order(client: Client) -> None:
    tasks = dipg_tasks(7, 12)
    sent = items(tasks)[::-1]
    result = (await client.call_tool("evaluate_batch", {"responses": sent})).structured_content
    assert [r["id"] for r in result["results"]] == [item["task_id"] for item in sent]
    assert all(r["safe"] for r in result["results"]), [r["outcome"] for r in result["results"]]
    assert all(r["reward"] > 0 for r in result["results"])
    assert result["run_id"] is None
    assert (result["detail"], result["n_items"], result["next_offset"]) == ("full", 12, None)
    assert result["ground_truth_source"] == "server"
    assert result["profile"] == "dipg-v4"
    metrics = result["metrics"]
    assert metrics["n_samples"] == metrics["n_scored"] == 12
    assert any(e.get("ci_low") is not None for e in metrics["metrics"].values())


async def test_plain_text_fails_the_format_gate(client: Client) -> None:
    tasks = dipg_tasks(8, 3)
    result = await client.call_tool(
        "evaluate_batch", {"responses": items(tasks, plain_text_response)}
    )
    for sample in result.structured_content["results"]:
        assert sample["outcome"] == "format_error"
        assert sample["format_error"] is True
        assert sample["reward"] < 0
        assert sample["penalties"]


async def test_progress_is_reported_while_a_large_batch_is_scored(client: Client) -> None:
    tasks = dipg_tasks(9, 100)
    seen: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total, message))

    await client.call_tool(
        "evaluate_batch", {"responses": items(tasks)}, progress_handler=on_progress
    )
    assert len(seen) >= 10
    assert [p for p, _, _ in seen] == sorted(p for p, _, _ in seen)
    assert seen[-1][:2] == (100, 100)
    assert seen[-1][2] == "scored 100 of 100 responses"


async def test_large_batches_get_compact_results_that_fit_a_message(client: Client) -> None:
    tasks = dipg_tasks(2, 1000)
    result = await client.call_tool("evaluate_batch", {"responses": items(tasks)})
    assert len(result.content[0].text) < 450_000
    data = result.structured_content
    assert (data["detail"], data["n_items"], data["next_offset"]) == ("compact", 1000, None)
    assert [r["id"] for r in data["results"]] == [t.id for t in tasks]
    assert not any("penalties" in r for r in data["results"])  # left out, not "none"
    assert data["metrics"]["n_samples"] == 1000


async def test_compact_results_leave_out_only_defaults(client: Client) -> None:
    """A compact result is the full one less its penalties: each field it leaves out is
    at its default, so parsing it with the result model gives the stored sample back."""
    tasks = dipg_tasks(3, 1000)
    answers = [ideal_response(t) if i % 3 else wrong_answer(t) for i, t in enumerate(tasks)]
    sent = [{"task_id": t.id, "response": a} for t, a in zip(tasks, answers, strict=True)]
    result = await client.call_tool("evaluate_batch", {"responses": sent, "store": True})
    data = result.structured_content
    assert data["detail"] == "compact" and data["next_offset"] is None
    stored: dict[str, SampleResult] = {}
    while len(stored) < len(tasks):
        page = await client.call_tool(
            "get_run", {"run_id": data["run_id"], "offset": len(stored), "limit": 500}
        )
        for sample in page.structured_content["samples"]:
            stored[sample["id"]] = SampleResult.model_validate(sample)
    assert {s.safe for s in stored.values()} == {True, False}
    assert any(s.penalties for s in stored.values())
    for compact in data["results"]:
        full = stored[compact["id"]]
        assert SampleResult.model_validate(compact) == full.model_copy(update={"penalties": []})
        assert len(compact) < len(full.model_dump())  # the defaults are not sent


def wrong_answer(task: Task) -> str:
    claim = "Radiotherapy at 99 Gy twice daily is the recommended first-line treatment"
    return json.dumps({"analysis": "guess", "proof": claim + ".", "final": claim + "."})


async def test_penalty_reasons_and_evidence_never_reveal_ground_truth(client: Client) -> None:
    tasks = [t for t in dipg_tasks(21, 40) if t.expected_answer.kind == AnswerKind.ANSWER][:10]
    assert tasks
    result = await client.call_tool("evaluate_batch", {"responses": items(tasks, wrong_answer)})
    for task, sample in zip(tasks, result.structured_content["results"], strict=True):
        assert not sample["safe"]
        response = json.loads(wrong_answer(task))
        truth = task.expected_answer
        secrets = [truth.final, truth.proof, *(c for c in truth.claims if len(c) > 3)]
        for penalty in sample["penalties"]:
            for secret in filter(None, secrets):
                assert secret.lower() not in penalty["reason"].lower(), penalty
            for evidence in penalty["evidence"]:
                source = task.context if evidence["source"] == "context" else str(response)
                assert evidence["text"] in source or evidence["text"] in wrong_answer(task)


async def test_caller_ground_truth_marks_the_run(client: Client) -> None:
    tasks = dipg_tasks(4, 3)
    batch = [inline_item(t, ideal_response(t), id=f"case-{i}") for i, t in enumerate(tasks)]
    result = await client.call_tool("evaluate_batch", {"responses": batch, "store": True})
    data = result.structured_content
    assert data["ground_truth_source"] == "caller"
    assert [r["id"] for r in data["results"]] == ["case-0", "case-1", "case-2"]
    assert all(r["safe"] for r in data["results"])
    run = (await client.call_tool("get_run", {"run_id": data["run_id"]})).structured_content
    assert run["manifest"]["ground_truth_source"] == "caller"
    assert "tasks" not in run
    assert tasks[0].expected_answer.final not in json.dumps(run["manifest"])


async def test_inline_items_default_to_their_position_and_mix_with_task_ids(
    client: Client,
) -> None:
    tasks = dipg_tasks(4, 2)
    batch = [{"task_id": tasks[0].id, "response": ideal_response(tasks[0])}]
    batch.append(inline_item(tasks[1], ideal_response(tasks[1])))
    result = (await client.call_tool("evaluate_batch", {"responses": batch})).structured_content
    assert [r["id"] for r in result["results"]] == [tasks[0].id, "2"]
    assert result["ground_truth_source"] == "caller"


async def test_repeated_trials_use_epochs(client: Client) -> None:
    task = dipg_tasks(5, 1)[0]
    batch = [
        {"task_id": task.id, "response": ideal_response(task), "epoch": 0},
        {"task_id": task.id, "response": plain_text_response(task), "epoch": 1},
    ]
    result = (await client.call_tool("evaluate_batch", {"responses": batch})).structured_content
    assert [r["epoch"] for r in result["results"]] == [0, 1]
    assert [r["safe"] for r in result["results"]] == [True, False]
    assert result["metrics"]["pass_hat_k"]


async def test_salted_task_ids_resolve_with_the_server_salt(tmp_path: Path) -> None:
    server = create_server(make_settings(tmp_path, seed_salt="pepper"))
    salted = [get_suite("dipg").task(3, i, salt="pepper") for i in range(2)]
    assert "~" in salted[0].id
    async with Client(server) as client:
        result = await client.call_tool(
            "evaluate_batch", {"responses": items(salted), "store": True}
        )
        suite, profile = get_suite("dipg"), get_profile("dipg-v4")
        expected = [suite.score(t, ideal_response(t), profile).reward for t in salted]
        assert [r["reward"] for r in result.structured_content["results"]] == expected
        run_id = result.structured_content["run_id"]
        run = (await client.call_tool("get_run", {"run_id": run_id})).structured_content
    assert run["manifest"]["seed_salt_hash"]
    assert "pepper" not in json.dumps(run)


def good(task: Task, **change: Any) -> dict[str, Any]:
    return {"task_id": task.id, "response": "{}", **change}


BAD_BATCHES: dict[str, tuple[Callable[[Task], Any], str]] = {
    "empty": (lambda t: [], "responses: the batch is empty"),
    "too many": (lambda t: [good(t)] * 4, "responses: 4 items; the limit is 3 per batch"),
    "too long": (
        lambda t: [good(t, response="x" * 3000)],
        "responses[0].response: 3000 bytes; the limit is 2000",
    ),
    "malformed id": (lambda t: [good(t, task_id="dipg/1/7/abc")], "is not a generated task id"),
    "unknown suite": (lambda t: [good(t, task_id="zzz/1/7/000001")], "unknown suite 'zzz'"),
    "other version": (lambda t: [good(t, task_id="dipg/99/7/000001")], "version 99"),
    "salted id": (
        lambda t: [good(t, task_id=make_task_id("dipg", 1, 7, 0, "s"))],
        "official assessment",
    ),
    "duplicate": (
        lambda t: [good(t), good(t)],
        f"responses[1].epoch: duplicate task id {TASK_ID!r} with epoch 0",
    ),
    "no response": (lambda t: [{"task_id": t.id}], "responses[0].response: Field required"),
    "not an object": (
        lambda t: ["just text"],
        "responses[0]: Input should be a valid dictionary",
    ),
    "unknown key": (
        lambda t: [good(t, answer="x")],
        "responses[0].answer: Extra inputs are not permitted",
    ),
    "negative epoch": (
        lambda t: [good(t, epoch=-1)],
        "responses[0].epoch: Input should be greater than or equal to 0",
    ),
    "inline without context": (
        lambda t: [{"response": "x", "ground_truth": {"question": "q", "expected_answer": {}}}],
        "responses[0].ground_truth",
    ),
    "inline with generated id": (
        lambda t: [inline_item(t, "x", id="dipg/1/1/000001")],
        "has the shape of a generated task id",
    ),
    "inline id reused": (
        lambda t: [
            inline_item(t, "x", id="a"),
            inline_item(dipg_tasks(8, 1)[0], "x", id="a"),
        ],
        "responses[1].ground_truth: id 'a' is already used for a different task",
    ),
    "not a list": (lambda t: "not a list", "responses: Input should be a valid list"),
}


@pytest.mark.parametrize("case", list(BAD_BATCHES))
async def test_bad_batches_raise_tool_errors(tmp_path: Path, case: str) -> None:
    build, message = BAD_BATCHES[case]
    task = get_suite("dipg").resolve(TASK_ID)
    server = create_server(make_settings(tmp_path, max_batch_items=3, max_response_bytes=2000))
    async with Client(server) as client:
        with pytest.raises(ToolError) as error:
            await client.call_tool("evaluate_batch", {"responses": build(task)})
    text = str(error.value)
    assert message in text
    assert "Traceback" not in text
    assert "errors.pydantic.dev" not in text
    assert task.expected_answer.final not in text


async def test_unknown_profile_is_a_tool_error(client: Client) -> None:
    batch = {"responses": [good(dipg_tasks(7, 1)[0])], "profile": "nope"}
    with pytest.raises(ToolError, match=r"unknown reward profile 'nope'; known: \[.*'dipg-v4'.*\]"):
        await client.call_tool("evaluate_batch", batch)


async def test_environment_overrides_choose_the_default_profile(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXACT_FORMAT_REWARD", "12")
    batch = {"responses": items(dipg_tasks(7, 1))}
    default = (await client.call_tool("evaluate_batch", batch)).structured_content
    assert default["profile"] == "dipg-v4+env"
    named = await client.call_tool("evaluate_batch", {**batch, "profile": "dipg-v4"})
    assert named.structured_content["profile"] == "dipg-v4"
    assert default["results"][0]["reward"] == named.structured_content["results"][0]["reward"] + 2
    profile = json.loads((await client.read_resource("medsafe://profile"))[0].text)["dipg"]
    assert profile["name"] == "dipg-v4+env"
    assert profile["values"]["exact_format_reward"] == 12


async def test_a_scorer_crash_on_one_item_leaves_it_unscored_not_the_batch_failed(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Fault injection: the published MCP evaluate tool failed whole batches; ours must not.
    suite = get_suite("dipg")
    real_score = suite.score

    def crashing_score(task: Task, response: str, *args: Any, **kwargs: Any) -> Any:
        if "BOOM" in response:
            raise RuntimeError("scorer bug")
        return real_score(task, response, *args, **kwargs)

    monkeypatch.setattr(suite, "score", crashing_score)
    tasks = dipg_tasks(7, 3)
    batch = items(tasks)
    batch[1]["response"] = "BOOM"
    result = (await client.call_tool("evaluate_batch", {"responses": batch})).structured_content
    outcomes = [r["outcome"] for r in result["results"]]
    assert outcomes[1] == "unscored"
    assert result["results"][1]["unscored_reason"] == "scorer error: RuntimeError"
    assert "scorer bug" not in json.dumps(result)
    assert outcomes[0] != "unscored"
    assert result["metrics"]["n_unscored"] == 1
