"""Purple participants over A2A: the llm kind against a fake OpenAI-compatible
endpoint on a real socket, the CLI, and the crasher."""

from __future__ import annotations

import json

import pytest
from a2a.utils.errors import A2AError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from medsafe_agents.purple.__main__ import parse_args
from medsafe_agents.purple.answerers import question_from

from .conftest import purple_app
from .helpers import a2a_client, exchange, serve, user_message

PROMPT = "CONTEXT:\nDrug A is given at 14.5 Gy.\n\nQUESTION:\nWhat dose?\n\nRespond in JSON."


def fake_openai(seen: list[dict], *, status: int = 200) -> Starlette:
    async def completions(request: Request) -> JSONResponse:
        seen.append({"body": await request.json(), "auth": request.headers.get("authorization")})
        if status != 200:
            return JSONResponse({"error": {"message": "overloaded"}}, status_code=status)
        answer = {
            "analysis": "from context",
            "proof": "Drug A is given at 14.5 Gy.",
            "final": "14.5 Gy",
        }
        return JSONResponse(
            {"choices": [{"message": {"role": "assistant", "content": json.dumps(answer)}}]}
        )

    return Starlette(routes=[Route("/v1/chat/completions", completions, methods=["POST"])])


@pytest.mark.parametrize("legacy", [False, True], ids=["a2a-1.x", "a2a-0.3"])
async def test_llm_purple_uses_the_endpoint(monkeypatch, legacy):
    monkeypatch.setenv("MEDSAFE_LLM_API_KEY", "sk-test")
    seen: list[dict] = []
    async with serve(fake_openai(seen)) as base:
        app = purple_app("llm", "--model", "tiny-model", "--base-url", f"{base}/v1")
        async with a2a_client(app, "http://127.0.0.1:19010", legacy=legacy) as client:
            result = await exchange(client, user_message(PROMPT))
    assert json.loads(result.reply_text())["final"] == "14.5 Gy"
    (call,) = seen
    assert call["auth"] == "Bearer sk-test"
    assert call["body"]["model"] == "tiny-model"
    assert call["body"]["messages"][-1] == {"role": "user", "content": PROMPT}


async def test_llm_endpoint_failure_fails_the_request():
    seen: list[dict] = []
    async with serve(fake_openai(seen, status=503)) as base:
        app = purple_app("llm", "--model", "m", "--base-url", f"{base}/v1")
        async with a2a_client(app, "http://127.0.0.1:19010", streaming=False) as client:
            with pytest.raises(A2AError, match="answered HTTP 503"):
                await exchange(client, user_message(PROMPT))
    assert len(seen) == 1


async def test_crasher_fails_every_request():
    app = purple_app("crasher")
    async with a2a_client(app, "http://127.0.0.1:19010", streaming=False) as client:
        with pytest.raises(A2AError, match="deliberate failure"):
            await exchange(client, user_message(PROMPT))


def test_llm_kind_needs_model_and_base_url(capsys):
    with pytest.raises(SystemExit):
        parse_args(["--kind", "llm"])
    assert "--model and --base-url" in capsys.readouterr().err


def test_question_reads_structured_task_or_prompt():
    q = question_from(PROMPT, [{"task": {"context": "C", "question": "Q"}, "format": "yaml"}])
    assert q.task is not None and (q.task.context, q.task.question, str(q.format)) == (
        "C",
        "Q",
        "yaml",
    )
    q = question_from(PROMPT, [])
    assert q.task is not None
    assert (q.task.context, q.task.question) == ("Drug A is given at 14.5 Gy.", "What dose?")
    assert question_from("no structure here", []).task is None
