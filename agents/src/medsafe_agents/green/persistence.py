"""One writer at a time per process on the shared database.

The run store and the A2A task store share one database. On SQLite two connections
of the same process that write at once make one of them sleep in SQLite's busy
handler (milliseconds to tens of milliseconds per collision), which dominated the
wall time of concurrent assessments. Every write of the green agent therefore goes
through one asyncio lock; other processes still queue on SQLite's busy timeout.

Every write to a run goes through the run's lease (see `medsafe_core.store._leases`):
a replica that lost a run to another replica gets `LeaseLostError` and writes nothing.
A2A task histories are kept short (the first message and the latest ones).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

from a2a.server.context import ServerCallContext
from a2a.server.tasks import DatabaseTaskStore
from a2a.types import ListTasksRequest, ListTasksResponse, Task, TaskState
from google.protobuf.json_format import MessageToDict
from google.protobuf.message import Message as ProtoMessage
from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from medsafe_core.leaderboard import Provenance
from medsafe_core.models import (
    ResponseRecord,
    RunManifest,
    RunMeta,
    RunState,
    SampleResult,
    SuiteMetrics,
)
from medsafe_core.store import LeaseLostError, Store, Submission
from medsafe_core.store.engine import WRITE_OPTION

_CONVERTED_MAX = 256
"""Converted artifacts and messages kept (the oldest is dropped past it)."""

TERMINAL_TASK_STATES = frozenset(
    {
        TaskState.TASK_STATE_COMPLETED,
        TaskState.TASK_STATE_FAILED,
        TaskState.TASK_STATE_CANCELED,
        TaskState.TASK_STATE_REJECTED,
    }
)


class GatedTaskStore(DatabaseTaskStore):
    """The SDK's database task store, its transactions behind the process's gate and
    started as write transactions (BEGIN IMMEDIATE on SQLite)."""

    def __init__(self, engine: AsyncEngine, gate: asyncio.Lock, *, max_history: int = 20) -> None:
        super().__init__(engine.execution_options(**{WRITE_OPTION: True}))
        self._gate = gate
        self._max_history = max(2, max_history)
        self.on_canceled: Callable[[str], object] | None = None
        """Told the id of a task whose stored copy was canceled meanwhile."""
        self._converted: dict[tuple[str, bytes], dict[str, Any]] = {}
        """Artifacts and messages as JSON dicts, by their serialised form."""

    async def initialize(self) -> None:
        """Create the SDK's tables if needed. Replicas starting together on a fresh
        database race to create them; the loser sees them on a second try."""
        for attempt in range(3):
            try:
                await super().initialize()
                return
            except Exception:
                if attempt == 2:
                    raise
                await asyncio.sleep(0.2 * (attempt + 1))

    async def save(self, task: Task, context: ServerCallContext) -> None:
        """Save the task, unless the stored copy already ended: a terminal state is
        final, so a replica still working on a task canceled through another replica
        cannot overwrite the cancel (it is told through `on_canceled` instead). The
        check and the write are one write transaction (BEGIN IMMEDIATE on SQLite, the
        row locked on PostgreSQL), so a cancel cannot land between them."""
        trim_history(task, self._max_history)
        await self._ensure_initialized()
        owner = self.owner_resolver(context)
        async with self._gate, self.async_session_maker.begin() as session:
            state = await self._stored_state(session, task.id, owner)
            if state not in TERMINAL_TASK_STATES:
                await session.merge(self._to_orm(task, owner))
                return
        if state == TaskState.TASK_STATE_CANCELED and self.on_canceled:
            self.on_canceled(task.id)

    def _to_orm(self, task: Task, owner: str) -> Any:
        """The SDK's row of a task (`DatabaseTaskStore._to_orm`), with each artifact and
        history message converted once: every save of a task converts all of them
        again, and the result artifact (every sample's verdict) is saved twice."""
        if self.core_to_model_conversion:
            return super()._to_orm(task, owner)
        return self.task_model(
            id=task.id,
            context_id=task.context_id,
            kind="task",
            owner=owner,
            last_updated=(
                task.status.timestamp.ToDatetime() if task.status.HasField("timestamp") else None
            ),
            status=MessageToDict(task.status),
            artifacts=[self._as_dict(a) for a in task.artifacts],
            history=[self._as_dict(m) for m in task.history],
            task_metadata=(MessageToDict(task.metadata) if task.metadata.fields else None),
            protocol_version="1.0",
        )

    def _as_dict(self, message: ProtoMessage) -> dict[str, Any]:
        key = (type(message).__name__, message.SerializeToString(deterministic=True))
        converted = self._converted.get(key)
        if converted is None:
            converted = MessageToDict(message)
            if len(self._converted) >= _CONVERTED_MAX:
                self._converted.pop(next(iter(self._converted)))
            self._converted[key] = converted
        return converted  # only serialised into the row: never changed in place

    async def _stored_state(self, session: Any, task_id: str, owner: str) -> int | None:
        """The state of the stored copy of a task (None when there is none), read from
        its status column alone: the whole task (its history and result artifact,
        parsed back from JSON) is read only for rows of another protocol version."""
        model = self.task_model
        where = and_(model.id == task_id, model.owner == owner)
        query = select(model.status, model.protocol_version).where(where).with_for_update()
        row = (await session.execute(query)).first()
        if row is None:
            return None
        status = row.status
        if row.protocol_version == "1.0" and isinstance(status, dict):
            name = status.get("state", "TASK_STATE_UNSPECIFIED")
            value = TaskState.DESCRIPTOR.values_by_name.get(name) if isinstance(name, str) else None
            if value is not None:
                return int(value.number)
        stored = (await session.execute(select(model).where(where))).scalar_one()
        return int(self._from_orm(stored).status.state)

    async def get(self, task_id: str, context: ServerCallContext) -> Task | None:
        async with self._gate:
            return await super().get(task_id, context)

    async def list(self, params: ListTasksRequest, context: ServerCallContext) -> ListTasksResponse:
        async with self._gate:
            return await super().list(params, context)

    async def delete(self, task_id: str, context: ServerCallContext) -> None:
        async with self._gate:
            await super().delete(task_id, context)


def trim_history(task: Task, keep: int) -> None:
    """Keep the first message of the task's history and the latest `keep - 1`."""
    extra = len(task.history) - keep
    if extra > 0:
        del task.history[1 : 1 + extra]


class RunWriter:
    """The store's write operations the green agent uses, behind the same gate and
    through the run leases this replica (`holder`) holds."""

    def __init__(self, store: Store, gate: asyncio.Lock, holder: str, ttl_s: float) -> None:
        self.store = store
        self._gate = gate
        self.holder = holder
        self.ttl_s = ttl_s
        self.leases: dict[str, int] = {}
        """Run id -> lease generation, for every run this replica works on."""

    async def create_run(self, meta: RunMeta, manifest: RunManifest, *, owner: str) -> None:
        """Record a new run and take its lease."""
        async with self._gate:
            # the green agent's own assessments are the official runs of a leaderboard
            official = Submission(provenance=Provenance.ASSESSMENT, submitter=owner)
            await self.store.create_run(meta, manifest, owner=owner, submission=official)
            generation = await self.store.acquire_run_lease(meta.run_id, self.holder, self.ttl_s)
        if generation is None:  # nobody else can know a run id created just now
            raise LeaseLostError(f"run {meta.run_id}: its lease was taken at creation")
        self.leases[meta.run_id] = generation

    async def acquire(self, run_id: str) -> str | None:
        """Take the lease of an existing run (to resume it). None when taken; else the
        holder of the live lease that keeps this replica out."""
        async with self._gate:
            generation = await self.store.acquire_run_lease(run_id, self.holder, self.ttl_s)
        if generation is None:
            lease = await self.store.lease_of(run_id)
            return lease[0] if lease else "another replica"
        self.leases[run_id] = generation
        return None

    async def claim_expired(self, owner: str) -> dict[str, int]:
        """Take the leases of `owner`'s running runs whose lease expired."""
        async with self._gate:
            return await self.store.claim_expired_runs(self.holder, self.ttl_s, owner=owner)

    def adopt(self, run_id: str, generation: int) -> None:
        """Work on a run whose lease this replica claimed (a takeover)."""
        self.leases[run_id] = generation

    def _generation(self, run_id: str) -> int:
        try:
            return self.leases[run_id]
        except KeyError:
            raise LeaseLostError(f"run {run_id}: this replica holds no lease") from None

    async def append_samples(
        self, run_id: str, items: Sequence[tuple[ResponseRecord, SampleResult]]
    ) -> None:
        generation = self._generation(run_id)
        async with self._gate:
            await self.store.append_samples_leased(
                run_id, items, holder=self.holder, generation=generation
            )

    async def set_state(self, run_id: str, state: RunState) -> None:
        generation = self._generation(run_id)
        async with self._gate:
            await self.store.set_state_leased(
                run_id, state, holder=self.holder, generation=generation
            )

    async def finish_run(
        self, run_id: str, state: RunState, metrics: SuiteMetrics | None = None
    ) -> None:
        """End the run and give its lease up (LeaseLostError if it is not ours)."""
        generation = self._generation(run_id)
        try:
            async with self._gate:
                await self.store.finish_run_leased(
                    run_id, state, metrics, holder=self.holder, generation=generation
                )
        finally:
            self.leases.pop(run_id, None)

    async def release(self, run_id: str) -> None:
        """Give the lease up without ending the run (it stays resumable elsewhere)."""
        if self.leases.pop(run_id, None) is not None:
            async with self._gate:
                await self.store.release_run_lease(run_id, self.holder)

    async def heartbeat(self) -> set[str]:
        """Renew every held lease; forget and return the ones that were lost."""
        held = dict(self.leases)
        if not held:
            return set()
        async with self._gate:
            kept = await self.store.renew_run_leases(self.holder, held, self.ttl_s)
        lost = set(held) - kept
        for run_id in lost:
            if self.leases.get(run_id) == held[run_id]:
                del self.leases[run_id]
        return lost
