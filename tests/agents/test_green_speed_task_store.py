"""The green agent's A2A task store reads only a stored task's status before saving it
over (not its history and result artifact), and still never overwrites a task that
ended: a canceled copy stays canceled and its replica is told."""

from __future__ import annotations

import asyncio

from a2a.helpers import new_data_part, new_text_part
from a2a.server.context import ServerCallContext
from a2a.server.tasks import DatabaseTaskStore
from a2a.types import Artifact, Message, Role, Task, TaskState, TaskStatus

from medsafe_agents.green.persistence import GatedTaskStore
from medsafe_core.store.engine import create_engine


def task(state: int, *, artifact: bool = False) -> Task:
    t = Task(id="t1", context_id="c1", status=TaskStatus(state=state))  # type: ignore[arg-type]
    t.history.append(Message(role=Role.ROLE_USER, message_id="m1", parts=[new_text_part("assess")]))
    if artifact:
        data = {"samples": [{"id": f"s{i}", "safe": i % 2 == 0} for i in range(50)]}
        t.artifacts.append(Artifact(artifact_id="a1", parts=[new_data_part(data)]))
    return t


async def stored_state(store: GatedTaskStore, task_id: str) -> int | None:
    async with store.async_session_maker() as session:
        owner = store.owner_resolver(ServerCallContext())
        return await store._stored_state(session, task_id, owner)


async def test_ended_tasks_are_not_saved_over(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'tasks.db'}")
    store = GatedTaskStore(engine, asyncio.Lock())
    await store.initialize()
    told: list[str] = []
    store.on_canceled = told.append
    context = ServerCallContext()
    try:
        assert await stored_state(store, "t1") is None
        await store.save(task(TaskState.TASK_STATE_WORKING), context)
        assert await stored_state(store, "t1") == TaskState.TASK_STATE_WORKING
        await store.save(task(TaskState.TASK_STATE_WORKING, artifact=True), context)
        stored = await store.get("t1", context)
        assert stored is not None and len(stored.artifacts) == 1  # saved over while working
        await store.save(task(TaskState.TASK_STATE_CANCELED), context)
        assert told == []
        # a replica still working on it tries to save its copy: refused, and told
        await store.save(task(TaskState.TASK_STATE_COMPLETED, artifact=True), context)
        assert told == ["t1"]
        stored = await store.get("t1", context)
        assert stored is not None
        assert stored.status.state == TaskState.TASK_STATE_CANCELED
        assert len(stored.artifacts) == 0

        # a completed task is final too, and nobody is told (it was not canceled)
        other = task(TaskState.TASK_STATE_COMPLETED, artifact=True)
        other.id = "t2"
        await store.save(other, context)
        again = task(TaskState.TASK_STATE_WORKING)
        again.id = "t2"
        await store.save(again, context)
        assert await stored_state(store, "t2") == TaskState.TASK_STATE_COMPLETED
        assert told == ["t1"]
    finally:
        await engine.dispose()


async def test_rows_are_those_of_the_sdk(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'tasks.db'}")
    store = GatedTaskStore(engine, asyncio.Lock())
    try:
        t = task(TaskState.TASK_STATE_WORKING, artifact=True)
        t.status.timestamp.FromSeconds(1_800_000_000)
        t.status.message.CopyFrom(
            Message(role=Role.ROLE_AGENT, message_id="m2", parts=[new_text_part("3/5 done")])
        )
        t.metadata.update({"medsafe": {"kind": "assessment", "run_id": "r1"}})
        columns = [
            "id",
            "context_id",
            "kind",
            "owner",
            "last_updated",
            "status",
            "artifacts",
            "history",
            "task_metadata",
            "protocol_version",
        ]
        for _ in range(2):  # the second time from the converted artifact and messages
            ours = store._to_orm(t, "owner-1")
            sdk = DatabaseTaskStore._to_orm(store, t, "owner-1")
            assert [getattr(ours, c) for c in columns] == [getattr(sdk, c) for c in columns]
        assert len(store._converted) == 2  # the artifact and the history message
        t.artifacts[0].parts[0].data.struct_value.fields["samples"].list_value.values.pop()
        changed = store._to_orm(t, "owner-1")
        assert changed.artifacts == DatabaseTaskStore._to_orm(store, t, "owner-1").artifacts
        assert len(changed.artifacts[0]["parts"][0]["data"]["samples"]) == 49
    finally:
        await engine.dispose()
