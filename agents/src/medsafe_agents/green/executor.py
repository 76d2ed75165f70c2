"""The green agent's A2A executor: assessment, resume or chat, by message."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

import httpx
from a2a.helpers import get_message_text, new_data_part, new_text_part
from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.events import EventQueue
from a2a.server.tasks import TaskUpdater
from a2a.types import Message, Task, TaskState, TaskStatus
from google.protobuf.json_format import MessageToDict

from medsafe_agents.a2a_app import parts_data
from medsafe_agents.green.artifact import result_data, summary_text
from medsafe_agents.green.assessment import Progress, run_samples
from medsafe_agents.green.chat import ChatResponder
from medsafe_agents.green.limits import participant_http_client
from medsafe_agents.green.participant import ParticipantClient
from medsafe_agents.green.persistence import RunWriter
from medsafe_agents.green.plan import AssessmentPlan, plan_assessment
from medsafe_agents.green.request import (
    PARTICIPANT_ROLE,
    InvalidEvalRequestError,
    looks_like_eval_request,
    parse_eval_request,
    payload_from_text,
)
from medsafe_agents.green.security import ParticipantAllowlist, ParticipantNotAllowedError
from medsafe_agents.settings import AgentSettings
from medsafe_core.models import RunState
from medsafe_core.runs import new_run_meta
from medsafe_core.store import RunNotFoundError, Store

logger = logging.getLogger(__name__)

OWNER = "medsafe-green"
"""Owner recorded on the runs this agent writes (for `mark_running_interrupted`)."""
META_KEY = "medsafe"


def assessment_meta(task: Task | None) -> dict[str, Any] | None:
    """The medsafe metadata of an assessment's A2A task, if it is one."""
    if task is None or META_KEY not in task.metadata:
        return None
    meta = MessageToDict(task.metadata).get(META_KEY)
    return meta if isinstance(meta, dict) and meta.get("kind") == "assessment" else None


class GreenExecutor(AgentExecutor):
    """Runs assessments (new or resumed) and hands everything else to chat."""

    def __init__(
        self,
        settings: AgentSettings,
        store: Store,
        chat: ChatResponder,
        *,
        participant_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.gate = asyncio.Lock()
        self.writes = RunWriter(store, self.gate)
        self.chat = chat
        self.allowlist = ParticipantAllowlist(
            settings.allowed_participants, allow_loopback=settings.allow_loopback_participants
        )
        self.http = participant_http_client(
            settings.max_response_bytes,
            max_connections=settings.max_concurrency,
            transport=participant_transport,
        )
        self._cancelled: set[str] = set()

    async def aclose(self) -> None:
        """Close the participant HTTP client."""
        await self.http.aclose()

    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        """Dispatch one incoming message."""
        if assessment_meta(context.current_task) is not None:
            await self._resume(context, event_queue)
            return
        message = context.message
        payload: Any = None
        if message is not None:
            data = [d for d in parts_data(message.parts) if looks_like_eval_request(d)]
            payload = data[0] if data else payload_from_text(get_message_text(message))
        if not looks_like_eval_request(payload):
            await self.chat.handle(context, event_queue)
            return
        await self._start(context, event_queue, payload)

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        """Stop an assessment; its finished samples stay in the store."""
        if context.task_id:
            self._cancelled.add(context.task_id)
        updater = TaskUpdater(event_queue, context.task_id or "", context.context_id or "")
        await updater.cancel(updater.new_agent_message([new_text_part("assessment canceled")]))

    # ---- new assessments -------------------------------------------------------
    async def _open_task(
        self, context: RequestContext, queue: EventQueue, meta: dict[str, Any] | None
    ) -> TaskUpdater:
        task = Task(
            id=context.task_id,
            context_id=context.context_id,
            status=TaskStatus(state=TaskState.TASK_STATE_SUBMITTED),
            history=[context.message] if context.message else [],
        )
        if meta is not None:
            task.metadata.update({META_KEY: meta})
        await queue.enqueue_event(task)
        return TaskUpdater(queue, context.task_id or "", context.context_id or "")

    async def _start(self, context: RequestContext, queue: EventQueue, payload: Any) -> None:
        try:
            request = parse_eval_request(payload)
            self.allowlist.check(request.participant_url)
            plan = await asyncio.to_thread(plan_assessment, request, self.settings)
        except (InvalidEvalRequestError, ParticipantNotAllowedError) as exc:
            updater = await self._open_task(context, queue, None)
            await updater.failed(
                _message(updater, str(exc), {"kind": "medsafe.error", "error": str(exc)})
            )
            return
        run_id = context.task_id or ""
        meta = {"kind": "assessment", "run_id": run_id, "request_json": request.model_dump_json()}
        updater = await self._open_task(context, queue, meta)
        await self.writes.create_run(new_run_meta(run_id), plan.manifest, owner=OWNER)
        await self._run(plan, run_id, updater, done=set(), progress=Progress(run_id, plan.total))

    # ---- resume ------------------------------------------------------------------
    async def _resume(self, context: RequestContext, queue: EventQueue) -> None:
        current = context.current_task
        assert current is not None
        meta = assessment_meta(current) or {}
        run_id = str(meta.get("run_id", current.id))
        # The task's own context: a resume message may come without a context id.
        updater = TaskUpdater(queue, current.id, current.context_id)
        try:
            record = await self.store.get_run(run_id)
            request = parse_eval_request(json.loads(meta["request_json"]))
            plan = await asyncio.to_thread(plan_assessment, request, self.settings)
        except (RunNotFoundError, InvalidEvalRequestError, KeyError, ValueError) as exc:
            await updater.failed(_message(updater, f"cannot resume run {run_id}: {exc}"))
            return
        if plan.manifest.dataset_hash != record.manifest.dataset_hash:
            await updater.failed(
                _message(
                    updater,
                    f"cannot resume run {run_id}: its tasks cannot be regenerated here "
                    "(the server's seed salt or the suite version changed)",
                )
            )
            return
        if record.meta.state != RunState.RUNNING:
            await self.writes.set_state(run_id, RunState.RUNNING)
        done = await self.store.completed_keys(run_id)
        progress = Progress(run_id, plan.total)
        for sample in record.samples:
            progress.add(sample)
        await self._run(plan, run_id, updater, done=done, progress=progress)

    # ---- the run -------------------------------------------------------------------
    async def _run(
        self,
        plan: AssessmentPlan,
        run_id: str,
        updater: TaskUpdater,
        *,
        done: set[tuple[str, int]],
        progress: Progress,
    ) -> None:
        cfg = plan.request.config
        started = time.monotonic()
        await updater.start_work(
            _message(
                updater,
                f"assessing {plan.request.participant_url}: {plan.total} samples of "
                f"{plan.suite.name}, {len(done)} already done, concurrency {cfg.concurrency}",
                progress.as_data(),
            )
        )
        client = ParticipantClient(
            plan.request.participant_url,
            http=self.http,
            allowlist=self.allowlist,
            timeout_s=cfg.timeout_s,
            retries=cfg.retries,
        )

        async def report(p: Progress) -> None:
            await updater.update_status(
                TaskState.TASK_STATE_WORKING, _message(updater, p.text(), p.as_data())
            )

        try:
            await run_samples(
                plan,
                run_id,
                client,
                self.writes,
                done=done,
                progress=progress,
                on_progress=report,
                progress_interval_s=self.settings.progress_interval_s,
            )
        except asyncio.CancelledError:
            if run_id in self._cancelled:
                self._cancelled.discard(run_id)
                with contextlib.suppress(Exception):
                    await asyncio.shield(self.writes.set_state(run_id, RunState.INTERRUPTED))
            raise
        except Exception as exc:
            logger.exception("assessment %s stopped", run_id)
            with contextlib.suppress(Exception):
                await self.writes.set_state(run_id, RunState.INTERRUPTED)
            await updater.requires_input(
                _message(
                    updater,
                    f"assessment interrupted after {progress.done}/{progress.total} samples: "
                    f"{type(exc).__name__}: {exc}. Finished samples are kept; send any "
                    "message to this task to resume.",
                    progress.as_data(),
                )
            )
            return
        await self._finish(plan, run_id, updater, progress, time.monotonic() - started)

    async def _finish(
        self,
        plan: AssessmentPlan,
        run_id: str,
        updater: TaskUpdater,
        progress: Progress,
        elapsed: float,
    ) -> None:
        samples = progress.samples
        metrics = await asyncio.to_thread(plan.suite.summarize, samples)
        await self.writes.finish_run(run_id, RunState.COMPLETED, metrics)
        data = result_data(
            run_id=run_id,
            role=PARTICIPANT_ROLE,
            manifest=plan.manifest,
            metrics=metrics,
            samples=samples,
            official=plan.salted,
            time_used_s=elapsed,
        )
        text = summary_text(data, metrics)
        await updater.add_artifact(
            [new_text_part(text), new_data_part(data)], name="medsafe-assessment-result"
        )
        await updater.complete(_message(updater, text.splitlines()[0]))


def _message(updater: TaskUpdater, text: str, data: dict[str, Any] | None = None) -> Message:
    parts = [new_text_part(text)]
    if data is not None:
        parts.append(new_data_part(data))
    return updater.new_agent_message(parts)
