"""One writer at a time per process on the shared database.

The run store and the A2A task store share one database. On SQLite two connections
of the same process that write at once make one of them sleep in SQLite's busy
handler (milliseconds to tens of milliseconds per collision), which dominated the
wall time of concurrent assessments. Every write of the green agent therefore goes
through one asyncio lock; other processes still queue on SQLite's busy timeout.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from a2a.server.context import ServerCallContext
from a2a.server.tasks import DatabaseTaskStore
from a2a.types import ListTasksRequest, ListTasksResponse, Task
from sqlalchemy.ext.asyncio import AsyncEngine

from medsafe_core.models import (
    ResponseRecord,
    RunManifest,
    RunMeta,
    RunState,
    SampleResult,
    SuiteMetrics,
)
from medsafe_core.store import Store
from medsafe_core.store.engine import WRITE_OPTION


class GatedTaskStore(DatabaseTaskStore):
    """The SDK's database task store, its transactions behind the process's gate and
    started as write transactions (BEGIN IMMEDIATE on SQLite)."""

    def __init__(self, engine: AsyncEngine, gate: asyncio.Lock) -> None:
        super().__init__(engine.execution_options(**{WRITE_OPTION: True}))
        self._gate = gate

    async def save(self, task: Task, context: ServerCallContext) -> None:
        async with self._gate:
            await super().save(task, context)

    async def get(self, task_id: str, context: ServerCallContext) -> Task | None:
        async with self._gate:
            return await super().get(task_id, context)

    async def list(self, params: ListTasksRequest, context: ServerCallContext) -> ListTasksResponse:
        async with self._gate:
            return await super().list(params, context)

    async def delete(self, task_id: str, context: ServerCallContext) -> None:
        async with self._gate:
            await super().delete(task_id, context)


class RunWriter:
    """The store's write operations the green agent uses, behind the same gate."""

    def __init__(self, store: Store, gate: asyncio.Lock) -> None:
        self.store = store
        self._gate = gate

    async def create_run(self, meta: RunMeta, manifest: RunManifest, *, owner: str) -> None:
        async with self._gate:
            await self.store.create_run(meta, manifest, owner=owner)

    async def append_samples(
        self, run_id: str, items: Sequence[tuple[ResponseRecord, SampleResult]]
    ) -> None:
        async with self._gate:
            await self.store.append_samples(run_id, items)

    async def set_state(self, run_id: str, state: RunState) -> None:
        async with self._gate:
            await self.store.set_state(run_id, state)

    async def finish_run(self, run_id: str, state: RunState, metrics: SuiteMetrics) -> None:
        async with self._gate:
            await self.store.finish_run(run_id, state, metrics)
