"""Assembling the green agent: store, persistent A2A task store, executor, card, app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from a2a.helpers import new_text_message
from a2a.server.context import ServerCallContext
from a2a.types import AgentCard, AgentSkill, TaskState, TaskStatus
from starlette.applications import Starlette

from medsafe_agents import __version__
from medsafe_agents.a2a_app import agent_card, build_a2a_app
from medsafe_agents.green.chat import AdkChat, build_chat
from medsafe_agents.green.executor import OWNER, GreenExecutor
from medsafe_agents.green.persistence import GatedTaskStore
from medsafe_agents.green.request import PARTICIPANT_ROLE
from medsafe_agents.settings import AgentSettings
from medsafe_core.store import Store

_TERMINAL = {
    TaskState.TASK_STATE_COMPLETED,
    TaskState.TASK_STATE_FAILED,
    TaskState.TASK_STATE_CANCELED,
    TaskState.TASK_STATE_REJECTED,
}
EVAL_EXAMPLE = (
    '{"participants": {"agent": "http://127.0.0.1:9010/"}, "config": {"suite": "dipg", '
    '"num_tasks": 50, "seed": 1, "format": "json", "concurrency": 8, "timeout_s": 60}}'
)


def green_card(url: str, *, token_required: bool) -> AgentCard:
    """The green agent's card: assessment and chat skills."""
    return agent_card(
        name="medsafe-green",
        description=(
            "medsafe evaluator (green agent): assesses a participant agent's medical "
            f"safety over A2A. Participant role: '{PARTICIPANT_ROLE}'."
        ),
        url=url,
        version=__version__,
        bearer_token_required=token_required,
        skills=[
            AgentSkill(
                id="assess_participant",
                name="Assess a participant on a medsafe suite",
                description=(
                    "Send an AgentBeats EvalRequest as the message text. Streams progress "
                    "and ends with a summary and a JSON result artifact."
                ),
                tags=["evaluation", "medical-safety", "agentbeats", "benchmark"],
                examples=[EVAL_EXAMPLE],
            ),
            AgentSkill(
                id="chat_about_evaluations",
                name="Answer questions about evaluations",
                description="Chat about suites, tasks and results (needs a configured model).",
                tags=["chat", "evaluation"],
                examples=["Which suites can you run?"],
            ),
        ],
    )


async def recover_interrupted(store: Store, task_store: GatedTaskStore) -> list[str]:
    """At start: runs left running by a crash become interrupted, and their A2A tasks
    wait for input (any message to such a task resumes it)."""
    run_ids = await store.mark_running_interrupted(owner=OWNER)
    ctx = ServerCallContext()
    for run_id in run_ids:
        task = await task_store.get(run_id, ctx)
        if task is None or task.status.state in _TERMINAL:
            continue
        status = TaskStatus(
            state=TaskState.TASK_STATE_INPUT_REQUIRED,
            message=new_text_message(
                "interrupted by a restart of the green agent; finished samples are kept. "
                "Send any message to this task to resume.",
                context_id=task.context_id,
                task_id=task.id,
            ),
        )
        status.timestamp.FromDatetime(datetime.now(UTC))
        task.status.CopyFrom(status)
        await task_store.save(task, ctx)
    return run_ids


@dataclass
class GreenServer:
    """A running green agent's parts."""

    app: Starlette
    executor: GreenExecutor
    store: Store
    task_store: GatedTaskStore
    recovered: list[str]


async def create_green(
    settings: AgentSettings,
    *,
    card_url: str,
    store: Store | None = None,
    chat_model: Any = None,
    participant_transport: httpx.AsyncBaseTransport | None = None,
) -> GreenServer:
    """Connect the store, recover interrupted runs and build the app. The app's
    lifespan closes what this opened (the store only when it opened it)."""
    own_store = store is None
    if store is None:
        store = await Store.connect(settings.resolved_database_url())
    chat = build_chat(settings, chat_model)
    executor = GreenExecutor(settings, store, chat, participant_transport=participant_transport)
    # A2A tasks live on the same database, behind the executor's write gate.
    task_store = GatedTaskStore(store.engine, executor.gate)
    await task_store.initialize()
    recovered = await recover_interrupted(store, task_store)
    token = settings.green_token.get_secret_value() if settings.green_token else None
    card = green_card(card_url, token_required=bool(token))
    opened = store

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await executor.aclose()
            if isinstance(chat, AdkChat):
                await chat.close()
            if own_store:
                await opened.close()

    app = build_a2a_app(card, executor, task_store, token=token, lifespan=lifespan)
    return GreenServer(app, executor, store, task_store, recovered)
