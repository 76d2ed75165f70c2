"""The green agent's A2A executor: assessment, resume or chat, by message."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

import httpx
from a2a.helpers import new_data_part, new_text_part
from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.events import EventQueue
from a2a.server.tasks import TaskUpdater
from a2a.types import Message, Task, TaskState, TaskStatus
from google.protobuf.json_format import MessageToDict

from medsafe_agents.a2a_app import parts_data
from medsafe_agents.green.artifact import result_data, summary_text
from medsafe_agents.green.assessment import Progress, run_samples
from medsafe_agents.green.chat import ChatResponder
from medsafe_agents.green.episodes import episodic
from medsafe_agents.green.limits import participant_http_client
from medsafe_agents.green.participant import ParticipantClient
from medsafe_agents.green.persistence import RunWriter
from medsafe_agents.green.plan import AssessmentPlan, plan_assessment
from medsafe_agents.green.replicas import TAKEOVER_KEY, default_replica_id
from medsafe_agents.green.request import (
    PARTICIPANT_ROLE,
    InvalidEvalRequestError,
    eval_request_payload,
    parse_eval_request,
)
from medsafe_agents.green.security import ParticipantAllowlist, ParticipantNotAllowedError
from medsafe_agents.settings import AgentSettings
from medsafe_core.models import RunState
from medsafe_core.runs import new_run_meta
from medsafe_core.store import LeaseLostError, RunNotFoundError, RunStateError, Store

logger = logging.getLogger(__name__)

OWNER = "medsafe-green"
"""Owner recorded on the runs this agent writes (replicas take over only these)."""
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
        self.replica_id = settings.replica_id or default_replica_id()
        self.writes = RunWriter(store, self.gate, self.replica_id, settings.lease_ttl_s)
        self.claimed: dict[str, int] = {}
        """Runs the takeover loop claimed for this replica, until their resume starts."""
        self._running: dict[str, asyncio.Task[Any]] = {}
        """Run id -> the asyncio task working on it here."""
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
        try:
            payload = None
            if message is not None:
                texts = [p.text for p in message.parts if p.WhichOneof("content") == "text"]
                payload = eval_request_payload(texts, parts_data(message.parts))
        except InvalidEvalRequestError as exc:
            await self._refuse(context, event_queue, str(exc))
            return
        if payload is None:
            await self.chat.handle(context, event_queue)
            return
        await self._start(context, event_queue, payload)

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        """Stop an assessment; its finished samples stay in the store, and the run ends
        `failed` (as its A2A task ends canceled: a canceled run is not resumed)."""
        if context.task_id:
            self._cancelled.add(context.task_id)
        updater = TaskUpdater(event_queue, context.task_id or "", context.context_id or "")
        await updater.cancel(updater.new_agent_message([new_text_part("assessment canceled")]))

    def stop_canceled(self, run_id: str) -> bool:
        """Stop a run working here whose A2A task was canceled through another replica
        (the run then ends `failed`, as a cancel here does); whether one was stopped."""
        task = self._running.get(run_id)
        if task is None or task.done() or run_id in self._cancelled:
            return False
        self._cancelled.add(run_id)
        task.cancel()
        return True

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

    async def _refuse(self, context: RequestContext, queue: EventQueue, reason: str) -> None:
        updater = await self._open_task(context, queue, None)
        await updater.failed(_message(updater, reason, {"kind": "medsafe.error", "error": reason}))

    async def _start(self, context: RequestContext, queue: EventQueue, payload: Any) -> None:
        try:
            request = parse_eval_request(payload)
            self.allowlist.check(request.participant_url)
            plan = await asyncio.to_thread(plan_assessment, request, self.settings)
        except (InvalidEvalRequestError, ParticipantNotAllowedError) as exc:
            await self._refuse(context, queue, str(exc))
            return
        run_id = context.task_id or ""
        meta = {"kind": "assessment", "run_id": run_id, "request_json": request.model_dump_json()}
        updater = await self._open_task(context, queue, meta)
        client = self._participant(plan)  # its card is read once, here, for the run
        name = await client.card_name()
        plan.manifest = plan.manifest.model_copy(update={"participant_name": name})
        await self.writes.create_run(new_run_meta(run_id), plan.manifest, owner=OWNER)
        progress = Progress(run_id, plan.total)
        await self._run(plan, run_id, updater, done=set(), progress=progress, client=client)

    # ---- resume ------------------------------------------------------------------
    async def _resume(self, context: RequestContext, queue: EventQueue) -> None:
        current = context.current_task
        assert current is not None
        meta = assessment_meta(current) or {}
        run_id = str(meta.get("run_id", current.id))
        # The task's own context: a resume message may come without a context id.
        updater = TaskUpdater(queue, current.id, current.context_id)
        if not await self._take_lease(context, run_id, updater):
            return
        try:
            record = await self.store.get_run(run_id)
            request = parse_eval_request(json.loads(meta["request_json"]))
            plan = await asyncio.to_thread(plan_assessment, request, self.settings)
        except (RunNotFoundError, InvalidEvalRequestError, KeyError, ValueError) as exc:
            await self._end_run(run_id, RunState.FAILED)
            await updater.failed(_message(updater, f"cannot resume run {run_id}: {exc}"))
            return
        if record.meta.state in (RunState.COMPLETED, RunState.FAILED):
            # Ended meanwhile (by another replica or an earlier resume): nothing to do.
            await self.writes.release(run_id)
            return
        if plan.manifest.dataset_hash != record.manifest.dataset_hash:
            await self._end_run(run_id, RunState.FAILED)
            await updater.failed(
                _message(
                    updater,
                    f"cannot resume run {run_id}: its tasks cannot be regenerated here "
                    "(the server's seed salt or the suite version changed)",
                )
            )
            return
        try:
            if record.meta.state != RunState.RUNNING:
                await self.writes.set_state(run_id, RunState.RUNNING)
        except (LeaseLostError, RunStateError) as exc:
            await self.writes.release(run_id)
            await updater.update_status(
                TaskState.TASK_STATE_WORKING, _message(updater, f"not resumed: {exc}")
            )
            return
        done = await self.store.completed_keys(run_id)
        logger.warning(
            "resuming run %s (task %s, context %s): %d of %d samples already done",
            run_id,
            current.id,
            current.context_id,
            len(done),
            plan.total,
        )
        progress = Progress(run_id, plan.total)
        for sample in record.samples:
            progress.add(sample)
        await self._run(plan, run_id, updater, done=done, progress=progress)

    async def _take_lease(self, context: RequestContext, run_id: str, updater: TaskUpdater) -> bool:
        """Whether this replica may resume the run now. A run that is live here or on
        another replica is left alone: the message is answered without failing it."""
        message = context.message
        takeover = message is not None and TAKEOVER_KEY in message.metadata
        claimed = self.claimed.pop(run_id, None) if takeover else None
        if claimed is not None:
            self.writes.adopt(run_id, claimed)
            return True
        if run_id in self._running or run_id in self.writes.leases:
            reason = "this assessment is already running; progress continues in this task"
        else:
            holder = await self.writes.acquire(run_id)
            if holder is None:
                return True
            reason = (
                f"this assessment is running on green replica {holder}; progress continues "
                "in this task (if that replica stopped, another one resumes the run when its "
                f"lease expires, within {1.5 * self.settings.lease_ttl_s:g} s)"
            )
        await updater.update_status(TaskState.TASK_STATE_WORKING, _message(updater, reason))
        return False

    async def _end_run(self, run_id: str, state: RunState) -> None:
        """End a run through its lease; nothing when the lease is gone."""
        with contextlib.suppress(LeaseLostError, RunStateError):
            await asyncio.shield(self.writes.finish_run(run_id, state))

    def _participant(self, plan: AssessmentPlan) -> ParticipantClient:
        cfg = plan.request.config
        return ParticipantClient(
            plan.request.participant_url,
            http=self.http,
            allowlist=self.allowlist,
            timeout_s=cfg.timeout_s,
            retries=cfg.retries,
        )

    # ---- the run -------------------------------------------------------------------
    async def _run(
        self,
        plan: AssessmentPlan,
        run_id: str,
        updater: TaskUpdater,
        *,
        done: set[tuple[str, int]],
        progress: Progress,
        client: ParticipantClient | None = None,
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
        client = client or self._participant(plan)

        async def report(p: Progress) -> None:
            await updater.update_status(
                TaskState.TASK_STATE_WORKING, _message(updater, p.text(), p.as_data())
            )

        current = asyncio.current_task()
        assert current is not None
        self._running[run_id] = current
        run_plan, asker = episodic(plan, client)  # episodic suites: each task turn by turn
        try:
            await run_samples(
                run_plan,
                run_id,
                asker,
                self.writes,
                done=done,
                progress=progress,
                on_progress=report,
                progress_interval_s=self.settings.progress_interval_s,
            )
        except asyncio.CancelledError:
            await self._end_if_canceled(run_id)
            raise
        except LeaseLostError:
            # Another replica took the run over (this one was too slow to renew its
            # lease): it owns the run and its A2A task from now on.
            logger.warning("run %s: lease lost; this replica stops working on it", run_id)
            self.writes.leases.pop(run_id, None)
            return
        except Exception as exc:
            logger.exception("assessment %s stopped", run_id)
            with contextlib.suppress(Exception):
                await self._end_run(run_id, RunState.INTERRUPTED)
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
        finally:
            self._running.pop(run_id, None)
        try:
            await self._finish(plan, run_id, updater, progress, time.monotonic() - started)
        except asyncio.CancelledError:  # canceled while the metrics were computed
            await self._end_if_canceled(run_id)
            raise
        except LeaseLostError:
            logger.warning("run %s: lease lost before it finished here", run_id)

    async def _end_if_canceled(self, run_id: str) -> None:
        """After a cancel of this run: end it `failed` (its A2A task is canceled)."""
        if run_id in self._cancelled:
            self._cancelled.discard(run_id)
            with contextlib.suppress(Exception):
                await self._end_run(run_id, RunState.FAILED)

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
