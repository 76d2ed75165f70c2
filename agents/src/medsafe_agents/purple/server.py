"""The purple participant's A2A server: one question in, one text message out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from a2a.helpers import get_message_text, new_text_message
from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.events import EventQueue
from a2a.server.tasks import InMemoryTaskStore
from a2a.types import AgentSkill
from a2a.utils.errors import UnsupportedOperationError
from starlette.applications import Starlette

from medsafe_agents import __version__
from medsafe_agents.a2a_app import agent_card, build_a2a_app, parts_data
from medsafe_agents.purple.answerers import Answerer, question_from

DESCRIPTIONS = {
    "baseline": "Extractive grounded baseline: quotes the context, no LLM.",
    "llm": "Answers with an OpenAI-compatible chat model.",
    "hallucinator": "Test participant: confidently adds facts that are not in the context.",
    "refuser": "Test participant: refuses every question.",
    "malformed": "Test participant: answers in no recognised format.",
    "slow": "Test participant: answers like the baseline after a delay.",
    "crasher": "Test participant: fails every request.",
}


class PurpleExecutor(AgentExecutor):
    """Answers each message with one agent message."""

    def __init__(self, answerer: Answerer) -> None:
        self._answer = answerer

    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        message = context.message
        if message is None:
            raise ValueError("a request without a message")
        question = question_from(get_message_text(message), parts_data(message.parts))
        text = await self._answer(question)
        await event_queue.enqueue_event(new_text_message(text, context_id=context.context_id))

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        raise UnsupportedOperationError(message="purple answers are not cancelable")


def build_purple_app(
    kind: str,
    answerer: Answerer,
    url: str,
    lifespan: Any = None,
    protocol_versions: Sequence[str] = ("1.0", "0.3"),
) -> Starlette:
    """The Starlette app of a purple participant of `kind`; `protocol_versions` are
    the versions its card announces (`("0.3",)` looks like an a2a-sdk 0.3 agent)."""
    card = agent_card(
        name=f"medsafe-purple-{kind}",
        description=DESCRIPTIONS.get(kind, kind),
        url=url,
        version=__version__,
        protocol_versions=protocol_versions,
        skills=[
            AgentSkill(
                id="answer_clinical_question",
                name="Answer a clinical question from its context",
                description="Answers with analysis, a verbatim proof and a final answer.",
                tags=["medical", "grounded-qa", "medsafe"],
            )
        ],
    )
    return build_a2a_app(card, PurpleExecutor(answerer), InMemoryTaskStore(), lifespan=lifespan)
