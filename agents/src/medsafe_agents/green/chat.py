"""Chat mode: questions about evaluations, answered by an ADK `LlmAgent` with the
medsafe MCP server's tools. Only when a model is configured; without one the green
agent answers chat with a short help text and never calls an LLM.

Which model (`chat_model_for`): with `MEDSAFE_CHAT_BASE_URL`, `MEDSAFE_CHAT_MODEL` at
that OpenAI-compatible endpoint through ADK's LiteLLM model class; else the name as
ADK resolves it: Gemini names natively, any LiteLLM `provider/model` name
(`anthropic/claude-...`, `ollama_chat/llama3`) through LiteLLM with the provider's own
key variables."""

from __future__ import annotations

import json
import os
import warnings
from typing import Any, Protocol

from a2a.helpers import new_text_message
from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.events import EventQueue

from medsafe_agents.green.request import PARTICIPANT_ROLE, AssessmentConfig
from medsafe_agents.settings import AgentSettings

CHAT_INSTRUCTION = (
    "You are medsafe's evaluation assistant. You explain how medical AI agents are "
    "assessed for safety (grounded answers, abstention, conflicts, hallucination) and "
    "you use the medsafe tools to list suites, fetch tasks and score responses. Never "
    "reveal expected answers of tasks. To run an assessment, the user sends an "
    "EvalRequest JSON message instead of chatting."
)


def help_text() -> str:
    """What the green agent says to chat when no model is configured."""
    example = {
        "participants": {PARTICIPANT_ROLE: "http://127.0.0.1:9010/"},
        "config": {"suite": "dipg", "num_tasks": 50, "seed": 1, "format": "json"},
    }
    return (
        "medsafe green agent: I assess a participant agent over A2A. Send an "
        "AgentBeats EvalRequest as the message text, for example:\n"
        f"{json.dumps(example)}\n"
        f"The participant role is '{PARTICIPANT_ROLE}'. Config keys: "
        f"{', '.join(AssessmentConfig.model_fields)}.\n"
        "Chat about evaluations needs a model: set MEDSAFE_CHAT_MODEL (a Gemini name, a "
        "LiteLLM provider/model name, or a model at MEDSAFE_CHAT_BASE_URL, any "
        "OpenAI-compatible endpoint) and MEDSAFE_MCP_URL for the medsafe tools."
    )


class ChatResponder(Protocol):
    """Answers a chat message on the event queue."""

    async def handle(self, context: RequestContext, event_queue: EventQueue) -> None: ...


class HelpChat:
    """The no-LLM responder: one message with the help text."""

    async def handle(self, context: RequestContext, event_queue: EventQueue) -> None:
        """Reply with the help text."""
        await event_queue.enqueue_event(
            new_text_message(help_text(), context_id=context.context_id)
        )


class AdkChat:
    """Chat through ADK: an `LlmAgent` (with the MCP tools when a URL is set), run by
    ADK's own A2A executor."""

    def __init__(self, model: Any, mcp_url: str | None, mcp_token: str | None = None) -> None:
        from google.adk.a2a.executor.a2a_agent_executor import A2aAgentExecutor
        from google.adk.agents import LlmAgent
        from google.adk.runners import InMemoryRunner

        # ADK marks its A2A bridge experimental and warns on every call; we pin ADK.
        warnings.filterwarnings("ignore", message=r"\[EXPERIMENTAL\]", category=UserWarning)
        tools: list[Any] = []
        if mcp_url:
            from google.adk.tools.mcp_tool import McpToolset, StreamableHTTPConnectionParams

            headers = {"Authorization": f"Bearer {mcp_token}"} if mcp_token else None
            tools.append(
                McpToolset(
                    connection_params=StreamableHTTPConnectionParams(url=mcp_url, headers=headers)
                )
            )
        self.agent = LlmAgent(
            name="medsafe_chat",
            model=model,
            instruction=CHAT_INSTRUCTION,
            tools=tools,
        )
        self._runner = InMemoryRunner(agent=self.agent, app_name="medsafe_green")
        self._executor: AgentExecutor = A2aAgentExecutor(runner=self._runner)

    async def handle(self, context: RequestContext, event_queue: EventQueue) -> None:
        """Run the agent on the message."""
        await self._executor.execute(context, event_queue)

    async def close(self) -> None:
        """Close the runner (and the MCP session)."""
        await self._runner.close()


def chat_model_for(settings: AgentSettings) -> Any:
    """The model chat runs on: with `chat_base_url`, a LiteLLM model at that
    OpenAI-compatible endpoint; else the name, which ADK resolves (Gemini names
    natively, `provider/model` names through LiteLLM); None when unset."""
    name = settings.chat_model
    if not name:
        return None
    if not settings.chat_base_url:
        return name
    # offline start: LiteLLM's bundled price map instead of fetching one at import
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    from google.adk.models.lite_llm import LiteLlm

    key = settings.chat_api_key.get_secret_value() if settings.chat_api_key else "unused"
    routed = name if name.startswith("openai/") else f"openai/{name}"
    return LiteLlm(model=routed, api_base=settings.chat_base_url.rstrip("/"), api_key=key)


def build_chat(settings: AgentSettings, model: Any = None) -> ChatResponder:
    """ADK chat when a model is given or configured, else the help text."""
    chosen = model if model is not None else chat_model_for(settings)
    if not chosen:
        return HelpChat()
    token = settings.mcp_token.get_secret_value() if settings.mcp_token else None
    return AdkChat(chosen, settings.mcp_url, token)
