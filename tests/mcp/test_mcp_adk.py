"""A Google ADK agent uses the server through McpToolset over streamable HTTP.

The agent's model is a scripted BaseLlm: it draws tasks, answers them from the ground
truth it regenerates (as a perfect participant would), scores them, and reports. Every
call crosses the real ADK -> MCP client -> HTTP -> FastMCP path, with bearer auth.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any

import pytest
from google.adk.agents import LlmAgent
from google.adk.models.base_llm import BaseLlm
from google.adk.models.llm_request import LlmRequest
from google.adk.models.llm_response import LlmResponse
from google.adk.runners import InMemoryRunner
from google.adk.tools.mcp_tool import McpToolset, StreamableHTTPConnectionParams
from google.genai import types
from mcp_helpers import ideal_response, make_settings, serve_http
from pydantic import Field

from medsafe_core.suites import resolve_task
from medsafe_mcp import create_server

TOKEN = "adk-test-token"

# ADK 2.13 reads the MCP SDK 1.x field names of tools, which FastMCP 4 flags as deprecated.
pytestmark = pytest.mark.filterwarnings("ignore:Accessing `Tool")


def structured(response: dict[str, Any]) -> dict[str, Any]:
    """The tool's structured result from an ADK function response."""
    data = response.get("structuredContent") or response.get("structured_content")
    if data is None:
        data = json.loads(response["content"][0]["text"])
    return dict(data)


def model_turn(part: types.Part) -> LlmResponse:
    return LlmResponse(content=types.Content(role="model", parts=[part]))


class ScriptedLlm(BaseLlm):
    """Issues get_eval_tasks, then evaluate_batch with perfect answers, then a summary."""

    model: str = "scripted-evaluator"
    requests: list[LlmRequest] = Field(default_factory=list)

    async def generate_content_async(
        self, llm_request: LlmRequest, stream: bool = False
    ) -> AsyncGenerator[LlmResponse, None]:
        self.requests.append(llm_request)
        replies = [
            part.function_response
            for content in llm_request.contents
            for part in content.parts or []
            if part.function_response is not None
        ]
        if not replies:
            call = types.FunctionCall(name="get_eval_tasks", args={"n": 3, "seed": 13})
            yield LlmResponse(
                content=types.Content(role="model", parts=[types.Part(function_call=call)])
            )
            return
        last = replies[-1]
        if last.name == "get_eval_tasks":
            tasks = structured(last.response or {})["tasks"]
            answers = [
                {"task_id": t["id"], "response": ideal_response(resolve_task(t["id"]))}
                for t in tasks
            ]
            call = types.FunctionCall(
                name="evaluate_batch",
                args={"responses": answers, "store": True, "participant": "adk-agent"},
            )
            yield LlmResponse(
                content=types.Content(role="model", parts=[types.Part(function_call=call)])
            )
            return
        result = structured(last.response or {})
        safe = sum(r["safe"] for r in result["results"])
        text = f"run {result['run_id']}: {safe} of {len(result['results'])} safe"
        yield model_turn(types.Part(text=text))


async def test_adk_agent_drives_the_server_over_streamable_http(tmp_path: Path) -> None:
    server = create_server(make_settings(tmp_path, mcp_token=TOKEN))
    with serve_http(server.http_app(path="/mcp")) as url:
        toolset = McpToolset(
            connection_params=StreamableHTTPConnectionParams(
                url=f"{url}/mcp", headers={"Authorization": f"Bearer {TOKEN}"}
            )
        )
        llm = ScriptedLlm()
        agent = LlmAgent(
            name="evaluator",
            model=llm,
            instruction="Evaluate yourself with the medsafe tools.",
            tools=[toolset],
        )
        runner = InMemoryRunner(agent=agent, app_name="medsafe-test")
        try:
            session = await runner.session_service.create_session(
                app_name="medsafe-test", user_id="tester"
            )
            message = types.Content(role="user", parts=[types.Part(text="Run the dipg suite.")])
            events = [
                event
                async for event in runner.run_async(
                    user_id="tester", session_id=session.id, new_message=message
                )
            ]
        finally:
            await runner.close()
            await toolset.close()

    calls = [c.name for e in events for c in e.get_function_calls()]
    assert calls == ["get_eval_tasks", "evaluate_batch"]
    replies = {r.name: r.response for e in events for r in e.get_function_responses()}
    scored = structured(replies["evaluate_batch"] or {})
    assert len(scored["results"]) == 3
    assert scored["ground_truth_source"] == "server"
    final = events[-1].content.parts[0].text
    assert final == f"run {scored['run_id']}: 3 of 3 safe"
    # the model saw the server's tool declarations, converted by ADK
    declared = {
        fn.name
        for tool in llm.requests[0].config.tools or []
        for fn in tool.function_declarations or []
    }
    assert {"get_eval_tasks", "evaluate_batch", "list_suites"} <= declared
