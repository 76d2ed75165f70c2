"""Assembling the green agent: store, persistent A2A task store, executor, card, app."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from a2a.types import AgentCard, AgentSkill
from starlette.applications import Starlette

from medsafe_agents import __version__
from medsafe_agents.a2a_app import agent_card, build_a2a_app
from medsafe_agents.green.chat import AdkChat, build_chat
from medsafe_agents.green.executor import OWNER, GreenExecutor
from medsafe_agents.green.persistence import GatedTaskStore
from medsafe_agents.green.replicas import ReplicaCoordinator
from medsafe_agents.green.request import PARTICIPANT_ROLE
from medsafe_agents.settings import AgentSettings
from medsafe_core.store import Store
from medsafe_core.suites import prepare_suites

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


@dataclass
class GreenServer:
    """A running green agent's parts."""

    app: Starlette
    executor: GreenExecutor
    store: Store
    task_store: GatedTaskStore
    replicas: ReplicaCoordinator


async def create_green(
    settings: AgentSettings,
    *,
    card_url: str,
    store: Store | None = None,
    chat_model: Any = None,
    participant_transport: httpx.AsyncBaseTransport | None = None,
) -> GreenServer:
    """Connect the store and build the app. The app's lifespan runs the replica loops
    (lease heartbeats; takeover of runs whose lease expired, e.g. left by a crash) and
    closes what this opened (the store only when it opened it)."""
    own_store = store is None
    if store is None:
        store = await Store.connect(settings.resolved_database_url())
    chat = build_chat(settings, chat_model)
    executor = GreenExecutor(settings, store, chat, participant_transport=participant_transport)
    # A2A tasks live on the same database, behind the executor's write gate.
    task_store = GatedTaskStore(
        store.engine, executor.gate, max_history=settings.max_history_messages
    )
    await task_store.initialize()
    replicas = ReplicaCoordinator(
        executor.writes, task_store, owner=OWNER, claimed=executor.claimed
    )
    replicas.on_canceled = executor.stop_canceled
    task_store.on_canceled = executor.stop_canceled
    token = settings.green_token.get_secret_value() if settings.green_token else None
    card = green_card(card_url, token_required=bool(token))
    opened = store

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await asyncio.to_thread(prepare_suites)  # the first assessment does not load the judge
        replicas.start(app.state.a2a_handler)
        try:
            yield
        finally:
            await replicas.stop()
            await executor.aclose()
            if isinstance(chat, AdkChat):
                await chat.close()
            if own_store:
                await opened.close()

    app = build_a2a_app(
        card,
        executor,
        task_store,
        token=token,
        lifespan=lifespan,
        max_request_bytes=settings.max_request_bytes,
        request_limit_setting="MEDSAFE_MAX_REQUEST_BYTES",
    )
    return GreenServer(app, executor, store, task_store, replicas)
