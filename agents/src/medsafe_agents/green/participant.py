"""Calling the participant over A2A: one question in, one answer text out.

Every failure that is not the participant's answer (a timeout, an unreachable agent,
a crash, a task that ends failed) becomes an `Answer` with `error` set and a reason
that names the cause; transport errors are retried a bounded number of times. The
participant's own text, however malformed, is returned for scoring.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx
from a2a.client import A2ACardResolver, A2AClientError, Client, ClientConfig, ClientFactory
from a2a.client.errors import A2AClientTimeoutError, AgentCardResolutionError
from a2a.types import (
    AgentCard,
    GetTaskRequest,
    Message,
    Part,
    Role,
    SendMessageRequest,
    Task,
    TaskState,
)
from a2a.utils.errors import A2AError

from medsafe_agents.a2a_app import parts_text
from medsafe_agents.green.limits import ResponseTooLargeError
from medsafe_agents.green.rpc import JsonRpcSender
from medsafe_agents.green.security import ParticipantAllowlist

_DONE = {TaskState.TASK_STATE_COMPLETED}
_FAILED = {
    TaskState.TASK_STATE_FAILED,
    TaskState.TASK_STATE_CANCELED,
    TaskState.TASK_STATE_REJECTED,
}
_NEEDS_INPUT = {TaskState.TASK_STATE_INPUT_REQUIRED, TaskState.TASK_STATE_AUTH_REQUIRED}
_RETRY_STATUS = {502, 503, 504}


@dataclass(frozen=True)
class Answer:
    """The outcome of one participant call."""

    response: str | None
    """The participant's answer text; None when `error` is set."""
    error: str | None = None
    """Infrastructure error with its reason."""
    latency_ms: float = 0.0
    """Wall time of the call, retries included."""
    attempts: int = 1
    """Calls made (1 + retries)."""


class ParticipantError(Exception):
    """A failure that is not the participant's answer."""

    def __init__(self, reason: str, *, retryable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


def _cause_chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and len(chain) < 8:
        chain.append(cur)
        cur = cur.__cause__ or cur.__context__
    return chain


def _classify(exc: BaseException, url: str) -> ParticipantError:
    chain = _cause_chain(exc)
    for e in chain:
        if isinstance(e, ResponseTooLargeError):
            return ParticipantError(f"answer too large: {e}")
        if isinstance(e, A2AClientTimeoutError | httpx.TimeoutException):
            return ParticipantError(f"timeout: the HTTP request to {url} timed out")
        if isinstance(e, httpx.HTTPStatusError):
            status = e.response.status_code
            return ParticipantError(
                f"participant answered HTTP {status} at {e.request.url}",
                retryable=status in _RETRY_STATUS,
            )
        if isinstance(e, httpx.TransportError):
            return ParticipantError(
                f"unreachable: {type(e).__name__} talking to {url}: {e}", retryable=True
            )
    if isinstance(exc, AgentCardResolutionError):
        return ParticipantError(f"bad agent card at {url}: {exc.message}")
    if isinstance(exc, A2AClientError):
        return ParticipantError(f"participant error: {exc}")
    if isinstance(exc, A2AError):
        return ParticipantError(
            f"participant failed with an A2A error ({type(exc).__name__}): {exc.message}"
        )
    return ParticipantError(f"participant error: {type(exc).__name__}: {exc}")


class ParticipantClient:
    """An A2A client for one participant, shared by every task of an assessment."""

    def __init__(
        self,
        url: str,
        *,
        http: httpx.AsyncClient,
        allowlist: ParticipantAllowlist,
        timeout_s: float,
        retries: int,
        backoff_s: float = 0.2,
        poll_interval_s: float = 0.25,
        lean_calls: bool = True,
    ) -> None:
        """`lean_calls=False` sends every call through the SDK's client (see
        `JsonRpcSender` for what the default does instead, where it sends the same)."""
        self.url = allowlist.check(url)
        self._http = http
        self._allowlist = allowlist
        self.timeout_s = timeout_s
        self.retries = retries
        self._backoff_s = backoff_s
        self._poll_s = poll_interval_s
        self._client: Client | None = None
        self._sender: JsonRpcSender | None = None
        """The client's calls without its per-call layers, where that sends the same."""
        self._card_name: str | None = None
        self._lock = asyncio.Lock()
        self._lean = lean_calls

    def _pin_to_origin(self, card: AgentCard) -> AgentCard:
        """Keep every interface on the participant URL's origin: a card may name
        another host (0.0.0.0, an internal name) and must not redirect our calls."""
        base = urlsplit(self.url)
        for iface in card.supported_interfaces:
            if not self._allowlist.same_origin(self.url, iface.url):
                path = urlsplit(iface.url).path or base.path
                iface.url = urlunsplit((base.scheme, base.netloc, path, "", ""))
            self._allowlist.check(iface.url)
        return card

    async def card_name(self) -> str | None:
        """The name the participant's agent card gives (its display name on boards);
        None when the card cannot be read now (the run then records errors as usual)."""
        try:
            await self._resolve()
        except Exception:  # an unreachable participant is reported by its samples
            return None
        return self._card_name

    async def _resolve(self) -> Client:
        async with self._lock:
            if self._client is None:
                card = await A2ACardResolver(self._http, self.url).get_agent_card()
                self._card_name = card.name[:200] or None
                card = self._pin_to_origin(card)
                factory = ClientFactory(ClientConfig(httpx_client=self._http, streaming=False))
                self._client = factory.create(card)
                if self._lean:
                    self._sender = JsonRpcSender.for_client(self._http, self._client)
            return self._client

    async def _final_task(self, client: Client, task: Task) -> Task:
        while task.status.state not in _DONE | _FAILED | _NEEDS_INPUT:
            await asyncio.sleep(self._poll_s)
            task = await client.get_task(GetTaskRequest(id=task.id))
        return task

    async def _ask_once(self, parts: list[Part]) -> str:
        client = await self._resolve()
        if self._sender is not None:
            response = await self._sender.send(parts)
            if isinstance(response, str):
                return response
            if response.HasField("task"):
                return await self._task_text(client, response.task)
            if response.HasField("message"):
                return parts_text(response.message.parts)
            raise ValueError("Response has neither task nor message")  # as the SDK's client
        request = SendMessageRequest(
            message=Message(role=Role.ROLE_USER, message_id=uuid.uuid4().hex, parts=parts)
        )
        chunks: list[str] = []
        async for event in client.send_message(request):
            kind = event.WhichOneof("payload")
            if kind == "message":
                return parts_text(event.message.parts)
            if kind == "task":
                return await self._task_text(client, event.task)
            if kind == "artifact_update":
                chunks.append(parts_text(event.artifact_update.artifact.parts))
        return "\n".join(chunks)

    async def _task_text(self, client: Client, task: Task) -> str:
        task = await self._final_task(client, task)
        state = TaskState.Name(task.status.state)
        status_text = parts_text(task.status.message.parts)
        if task.status.state in _FAILED:
            raise ParticipantError(
                f"participant task ended {state}: {status_text or '(no reason)'}"
            )
        if task.status.state in _NEEDS_INPUT:
            raise ParticipantError(
                f"participant asked for more input ({state}); single-turn tasks take one answer"
            )
        texts = [parts_text(a.parts) for a in task.artifacts]
        return "\n".join(t for t in texts if t) or status_text

    async def _attempts(self, parts: list[Part], tries: list[int]) -> str:
        for attempt in range(self.retries + 1):
            tries[0] = attempt + 1
            try:
                return await self._ask_once(parts)
            except ParticipantError as exc:
                error = exc
            except (TimeoutError, asyncio.CancelledError):
                raise
            except Exception as exc:
                error = _classify(exc, self.url)
            if not error.retryable or attempt == self.retries:
                break
            await asyncio.sleep(self._backoff_s * 2**attempt)
        if error.retryable:
            raise ParticipantError(f"{error.reason} (after {tries[0]} attempts)")
        raise error

    async def ask(self, parts: list[Part]) -> Answer:
        """Send one task and wait for its answer, within `timeout_s`."""
        start = time.perf_counter()
        tries = [1]
        try:
            async with asyncio.timeout(self.timeout_s):
                text = await self._attempts(parts, tries)
        except TimeoutError:
            error = f"timeout: no answer within {self.timeout_s:g} s (config.timeout_s)"
            return Answer(None, error, (time.perf_counter() - start) * 1000, tries[0])
        except ParticipantError as exc:
            return Answer(None, exc.reason, (time.perf_counter() - start) * 1000, tries[0])
        return Answer(text, None, (time.perf_counter() - start) * 1000, tries[0])
