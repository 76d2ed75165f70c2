"""Green replicas sharing one database: heartbeats and takeover of abandoned runs.

Each replica renews the leases of the runs it works on every third of the lease's
life. Every half life it looks for runs of the green agent whose lease expired (their
replica crashed or was killed) and resumes each one it claims by sending a resume
message for that A2A task to its own request handler: the run continues from the
samples already stored, and its A2A task (in the shared task store) ends completed
as if nothing had happened. A run whose lease is live is never touched.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import uuid
from collections.abc import Callable

from a2a.server.context import ServerCallContext
from a2a.server.request_handlers import RequestHandler
from a2a.types import (
    Message,
    Part,
    Role,
    SendMessageConfiguration,
    SendMessageRequest,
    TaskState,
)

from medsafe_agents.green.persistence import TERMINAL_TASK_STATES, GatedTaskStore, RunWriter
from medsafe_core.models import RunState
from medsafe_core.store import LeaseLostError, RunStateError

logger = logging.getLogger(__name__)

TAKEOVER_KEY = "medsafe_takeover"
"""Message metadata key of a replica's own resume message (value: lease generation)."""


def default_replica_id() -> str:
    """Host name, process id and a random suffix: unique per process start."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class ReplicaCoordinator:
    """The heartbeat and takeover loops of one green replica."""

    def __init__(
        self,
        writer: RunWriter,
        task_store: GatedTaskStore,
        *,
        owner: str,
        claimed: dict[str, int],
    ) -> None:
        self.writer = writer
        self.task_store = task_store
        self.owner = owner
        self.claimed = claimed
        """Runs claimed by the takeover loop and not yet picked up by the executor."""
        self.handler: RequestHandler | None = None
        self.on_canceled: Callable[[str], bool] | None = None
        """Stops a run working here whose task was canceled elsewhere."""
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def ttl_s(self) -> float:
        return self.writer.ttl_s

    def start(self, handler: RequestHandler) -> None:
        """Start both loops; `handler` receives the resume messages of takeovers."""
        self.handler = handler
        self._tasks = [
            asyncio.create_task(self._every(self.ttl_s / 3, self.heartbeat)),
            asyncio.create_task(self._every(self.ttl_s / 2, self.take_over_expired)),
        ]

    async def stop(self) -> None:
        """Stop the loops (leases of unfinished runs then expire, and another replica
        takes those runs over)."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def _every(self, period: float, step: object) -> None:
        assert callable(step)
        while True:
            try:
                await step()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("replica loop step failed; retrying")
            await asyncio.sleep(period)

    async def heartbeat(self) -> None:
        """Renew this replica's leases (runs whose lease was lost stop at their next
        write), and stop runs whose A2A task was canceled through another replica."""
        for run_id in await self.writer.heartbeat():
            logger.warning("lost the lease of run %s: another replica has taken it over", run_id)
        for run_id in list(self.writer.leases):
            task = await self.task_store.get(run_id, ServerCallContext())
            canceled = task is not None and task.status.state == TaskState.TASK_STATE_CANCELED
            if canceled and self.on_canceled is not None and self.on_canceled(run_id):
                logger.warning("run %s was canceled through another replica; stopped", run_id)

    async def take_over_expired(self) -> list[str]:
        """Claim runs whose lease expired and resume each through the request handler."""
        claimed = await self.writer.claim_expired(self.owner)
        resumed = []
        for run_id, generation in sorted(claimed.items()):
            if await self._resume(run_id, generation):
                resumed.append(run_id)
        return resumed

    async def _resume(self, run_id: str, generation: int) -> bool:
        task = await self.task_store.get(run_id, ServerCallContext())
        if task is None or task.status.state in TERMINAL_TASK_STATES:
            # No A2A task to report to, or it already ended (e.g. canceled): the run
            # stops here for good.
            state = "missing" if task is None else TaskState.Name(task.status.state)
            logger.warning("run %s has an A2A task that is %s; marking it failed", run_id, state)
            self.writer.adopt(run_id, generation)
            with contextlib.suppress(LeaseLostError, RunStateError):
                await self.writer.finish_run(run_id, RunState.FAILED)
            return False
        logger.warning(
            "taking over run %s (task %s, context %s) from an expired lease",
            run_id,
            task.id,
            task.context_id,
        )
        self.claimed[run_id] = generation
        message = Message(
            role=Role.ROLE_USER,
            message_id=str(uuid.uuid4()),
            task_id=task.id,
            context_id=task.context_id,
            parts=[Part(text=f"resume: run taken over by replica {self.writer.holder}")],
        )
        message.metadata.update({TAKEOVER_KEY: generation})
        request = SendMessageRequest(
            message=message, configuration=SendMessageConfiguration(return_immediately=True)
        )
        assert self.handler is not None
        try:
            await self.handler.on_message_send(request, ServerCallContext())
        except Exception:
            logger.exception("cannot resume run %s after a takeover", run_id)
            self.claimed.pop(run_id, None)
            return False
        return True
