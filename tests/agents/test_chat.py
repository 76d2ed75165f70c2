"""Chat mode through ADK: an LlmAgent (here with a scripted model, no network)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

from google.adk.models.base_llm import BaseLlm
from google.adk.models.llm_request import LlmRequest
from google.adk.models.llm_response import LlmResponse
from google.genai import types
from pydantic import Field

from medsafe_agents.green.chat import CHAT_INSTRUCTION

from .helpers import a2a_client, exchange, user_message


class ScriptedLlm(BaseLlm):
    """Answers every turn with the same text and remembers the requests."""

    model: str = "scripted"
    requests: list[LlmRequest] = Field(default_factory=list)

    async def generate_content_async(
        self, llm_request: LlmRequest, stream: bool = False
    ) -> AsyncGenerator[LlmResponse, None]:
        self.requests.append(llm_request)
        yield LlmResponse(
            content=types.Content(role="model", parts=[types.Part(text="The dipg suite.")])
        )


async def test_chat_goes_to_the_llm_agent_when_a_model_is_set(make_green):
    llm = ScriptedLlm()
    green, router = await make_green(chat_model=llm)
    async with a2a_client(green.app) as client:
        result = await exchange(client, user_message("Which suites can you run?"))
    texts = [result.reply_text()]
    if result.task is not None:
        texts += [p.text for a in result.task.artifacts for p in a.parts]
    assert any("The dipg suite." in t for t in texts)
    (request,) = llm.requests
    assert CHAT_INSTRUCTION[:40] in str(request.config.system_instruction)
    assert "Which suites can you run?" in str(request.contents)
    assert router.sent == []  # chat never calls a participant


class ToolUsingLlm(BaseLlm):
    """First turn: call the MCP tool `list_suites`; second turn: report its result."""

    model: str = "scripted-tools"
    requests: list[LlmRequest] = Field(default_factory=list)

    async def generate_content_async(
        self, llm_request: LlmRequest, stream: bool = False
    ) -> AsyncGenerator[LlmResponse, None]:
        self.requests.append(llm_request)
        last = llm_request.contents[-1].parts or []
        results = [p.function_response for p in last if p.function_response]
        if results:
            text = f"Tool said: {results[0].response}"
            part = types.Part(text=text)
        else:
            part = types.Part(function_call=types.FunctionCall(name="list_suites", args={}))
        yield LlmResponse(content=types.Content(role="model", parts=[part]))


async def test_chat_uses_the_mcp_servers_tools(make_green, tmp_path):
    from medsafe_mcp.server import create_server

    from .conftest import make_settings
    from .helpers import serve

    mcp_app = create_server(make_settings(tmp_path)).http_app()
    async with serve(mcp_app) as base:
        settings = make_settings(tmp_path, mcp_url=f"{base}/mcp")
        llm = ToolUsingLlm()
        green, _ = await make_green(settings_=settings, chat_model=llm)
        async with a2a_client(green.app) as client:
            result = await exchange(client, user_message("Which suites can you run?"))
    first, _second = llm.requests
    assert "list_suites" in (first.tools_dict or {})
    texts = [result.reply_text()]
    if result.task is not None:
        texts += [p.text for a in result.task.artifacts for p in a.parts]
    assert any("Tool said:" in t and "dipg" in t for t in texts)
