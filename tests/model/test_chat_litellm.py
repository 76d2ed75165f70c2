"""The green agent's chat with any model: an OpenAI-compatible endpoint (the fake
server, with scripted tool calls) through ADK's LiteLLM model class, over a real A2A
client, with the MCP server's tools."""

from __future__ import annotations

import json

from medsafe_agents.green.chat import HelpChat, build_chat, chat_model_for
from tests.agents.conftest import make_green, make_settings, settings  # noqa: F401
from tests.agents.helpers import a2a_client, exchange, serve, user_message
from tests.fakes.openai_server import FakeOpenAI, Reply, ToolCalls


def _texts(result) -> list[str]:
    texts = [result.reply_text()]
    if result.task is not None:
        texts += [p.text for a in result.task.artifacts for p in a.parts]
    return texts


def test_model_choice_follows_the_settings(tmp_path):
    from google.adk.models.lite_llm import LiteLlm

    assert chat_model_for(make_settings(tmp_path)) is None
    assert isinstance(build_chat(make_settings(tmp_path)), HelpChat)
    assert chat_model_for(make_settings(tmp_path, chat_model="gemini-2.5-flash")) == (
        "gemini-2.5-flash"
    )
    from google.adk.models.registry import LLMRegistry

    other = chat_model_for(make_settings(tmp_path, chat_model="anthropic/claude-sonnet-4-5"))
    assert LLMRegistry.resolve(other) is LiteLlm  # provider/model names go through LiteLLM
    local = chat_model_for(
        make_settings(tmp_path, chat_model="qwen3", chat_base_url="http://127.0.0.1:1/v1")
    )
    assert isinstance(local, LiteLlm) and local.model == "openai/qwen3"


async def test_without_a_model_chat_answers_with_usage(make_green):  # noqa: F811
    with FakeOpenAI() as fake:
        green, _ = await make_green()
        async with a2a_client(green.app) as client:
            result = await exchange(client, user_message("hello, what can you do?"))
        assert fake.requests == []
    text = result.reply_text()
    assert "EvalRequest" in text and "MEDSAFE_CHAT_MODEL" in text


async def test_chat_calls_mcp_tools_through_an_openai_compatible_endpoint(
    make_green,  # noqa: F811
    tmp_path,
):
    from medsafe_mcp.server import create_server

    mcp_app = create_server(make_settings(tmp_path)).http_app()
    with FakeOpenAI() as fake:
        fake.script(ToolCalls([("list_suites", {})]), Reply("medsafe runs the dipg suite."))
        async with serve(mcp_app) as base:
            chat_settings = make_settings(
                tmp_path,
                chat_model="local-model",
                chat_base_url=fake.base_url,
                chat_api_key="sk-chat",
                mcp_url=f"{base}/mcp",
            )
            green, router = await make_green(settings_=chat_settings)
            async with a2a_client(green.app) as client:
                result = await exchange(client, user_message("Which suites can you run?"))
        first, second = fake.requests
    assert any("medsafe runs the dipg suite." in t for t in _texts(result))
    assert router.sent == []
    # the first call offers the MCP tools and carries the question
    assert first.body["model"] == "local-model"
    assert first.headers["authorization"] == "Bearer sk-chat"
    tools = [t["function"]["name"] for t in first.body.get("tools", [])]
    assert "list_suites" in tools
    assert "Which suites can you run?" in json.dumps(first.body["messages"])
    # the second call carries the tool's real result from the MCP server
    tool_msgs = [m for m in second.body["messages"] if m.get("role") == "tool"]
    assert tool_msgs and "dipg" in json.dumps(tool_msgs)
