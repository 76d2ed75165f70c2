"""Clients of the core service (httpx, sync and async) and an environment client over /ws.

    with MedsafeClient("http://127.0.0.1:8000") as client:
        tasks = client.get_tasks(max_samples=100, seed=7)
        result = client.evaluate([{"id": t.id, "response": answer(t)} for t in tasks])
        print(result.metrics.metrics["safe_response_rate"])

Errors::

    MedsafeClientError            base
    ├── ServiceError              the service answered with a problem (4xx/5xx)
    └── EnvError                  the environment answered a /ws message with an error

Connection failures, read failures and 502/503/504 answers are retried (a stored run is
sent with an `Idempotency-Key`, so a retry stores no second run) and then raised as
httpx's own exceptions.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Generator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import httpx
from pydantic import BaseModel
from rich.progress import Progress
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect

from medsafe_core.models import RewardProfile, TaskView
from medsafe_core.runs import combine_digests
from medsafe_core.service.env_schemas import EnvResponse, EnvState
from medsafe_core.service.schemas import EvaluateResponse, EvaluationItem
from medsafe_core.suites import get_suite

__all__ = [
    "AsyncMedsafeClient",
    "EnvClient",
    "EnvError",
    "MedsafeClient",
    "MedsafeClientError",
    "ServiceError",
]

_RETRY_ALWAYS = (httpx.ConnectError, httpx.ConnectTimeout)
_RETRY_IDEMPOTENT = (*_RETRY_ALWAYS, httpx.ReadError, httpx.RemoteProtocolError, httpx.ReadTimeout)
_RETRY_STATUS = frozenset({502, 503, 504})
Item = EvaluationItem | Mapping[str, Any]


class MedsafeClientError(Exception):
    """Base of the client's errors."""


class ServiceError(MedsafeClientError):
    """The service refused the request; `problem` is its RFC 9457 body."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        self.status = status
        self.problem = problem
        super().__init__(f"HTTP {status}: {problem.get('detail', problem)}")


class EnvError(MedsafeClientError):
    """The environment answered a /ws message with an error (`code`, `message`)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.code = str(data.get("code", "UNKNOWN"))
        super().__init__(f"{data.get('message', 'error')} ({self.code})")


def _headers(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def _check(resp: httpx.Response) -> httpx.Response:
    if resp.status_code >= 400:
        try:
            problem = resp.json()
        except ValueError:
            problem = {"detail": resp.text[:500]}
        raise ServiceError(resp.status_code, problem if isinstance(problem, dict) else {})
    return resp


def _item_dict(item: Item) -> dict[str, Any]:
    if isinstance(item, BaseModel):
        return item.model_dump(exclude_none=True)
    return dict(item)


def _chunks(items: Sequence[Item], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(items), size):
        yield [_item_dict(i) for i in items[start : start + size]]


def merge(parts: Sequence[EvaluateResponse]) -> EvaluateResponse:
    """One response for a batch sent in chunks, equal to the response for the batch
    sent whole: results in request order, metrics recomputed under the run's own profile
    over the samples in (id, epoch) order, the dataset hash over every chunk's tasks."""
    if len(parts) == 1:
        return parts[0]
    results = [r for p in parts for r in p.results]
    run = parts[0].run
    profile = RewardProfile(name=run.profile, suite=run.suite, values=run.profile_values)
    ordered = sorted(results, key=lambda r: (r.id, r.epoch))
    metrics = get_suite(run.suite).summarize(ordered, profile=profile)
    digests = sorted({d for p in parts for d in p.run.task_digests})
    rewards = [r.reward for r in results if r.reward is not None]
    return EvaluateResponse(
        results=results,
        metrics=metrics,
        mean_reward=sum(rewards) / len(rewards) if rewards else None,
        total_responses=len(results),
        run=run.model_copy(
            update={
                "dataset_hash": combine_digests(digests),
                "task_digests": digests,
                "ground_truth_source": "caller"
                if any(p.run.ground_truth_source == "caller" for p in parts)
                else "server",
            }
        ),
    )


def model_items(
    responses: Sequence[str] | Mapping[str, str], task_ids: Sequence[str]
) -> list[dict[str, Any]]:
    """Items for `evaluate_model`: a mapping of task id to response, or responses in
    the order of `task_ids`."""
    if isinstance(responses, Mapping):
        return [{"id": k, "response": v} for k, v in responses.items()]
    if len(responses) > len(task_ids):
        raise ValueError(f"{len(responses)} responses but only {len(task_ids)} tasks")
    return [{"id": i, "response": r} for i, r in zip(task_ids, responses, strict=False)]


def _save(result: EvaluateResponse, save_path: str | Path | None) -> dict[str, Any]:
    out = result.model_dump(mode="json")
    if save_path is not None:
        Path(save_path).write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    return out


@contextmanager
def _progress(enabled: bool, total: int) -> Iterator[Any]:
    if not enabled:
        yield lambda _n: None
        return
    with Progress(transient=False) as bar:
        task = bar.add_task("scoring", total=total)
        yield lambda n: bar.advance(task, n)


Call = tuple[str, str, bool, dict[str, Any]]  # method, path, idempotent, httpx kwargs
Flow = Generator[Call, Any, Any]


class _Base:
    """The request flows, written once (sans I/O) and driven by the sync and async
    clients: each flow yields requests and receives their JSON answers."""

    def __init__(self, base_url: str, token: str | None, retries: int, backoff: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.retries = retries
        self.backoff = backoff

    def _retryable(self, exc: Exception, idempotent: bool, attempt: int) -> bool:
        kinds = _RETRY_IDEMPOTENT if idempotent else _RETRY_ALWAYS
        return attempt < self.retries and isinstance(exc, kinds)

    def _health_flow(self) -> Flow:
        return (yield ("GET", "/health", True, {}))

    def _tasks_flow(
        self, suite: str, max_samples: int, seed: int, category: str | None, offset: int
    ) -> Flow:
        params: dict[str, Any] = {
            "suite": suite,
            "max_samples": max_samples,
            "seed": seed,
            "offset": offset,
        }
        if category:
            params["category"] = category
        body = yield ("GET", "/eval/tasks", True, {"params": params})
        return [TaskView.model_validate(t) for t in body["tasks"]]

    def _evaluate_flow(
        self,
        evaluations: Sequence[Item],
        fmt: str,
        suite: str,
        profile: str | None,
        store: bool,
        participant: str | None,
        chunk_size: int,
        progress: bool,
    ) -> Flow:
        size = max(1, len(evaluations) if store else chunk_size)
        opts = {
            "format": fmt,
            "suite": suite,
            "profile": profile,
            "store": store,
            "participant": participant,
        }
        opts = {k: v for k, v in opts.items() if v is not None}
        parts = []
        with _progress(progress, len(evaluations)) as advance:
            for chunk in _chunks(evaluations, size):
                body = {"evaluations": chunk, **opts}
                # a stored run carries an idempotency key: its retries store no second run
                key = {"headers": {"Idempotency-Key": uuid.uuid4().hex}} if store else {}
                data = yield ("POST", "/evaluate", True, {"json": body, **key})
                parts.append(EvaluateResponse.model_validate(data))
                advance(len(chunk))
        return merge(parts)

    def _model_flow(
        self,
        responses: Sequence[str] | Mapping[str, str],
        response_format: str,
        save_path: str | Path | None,
        suite: str,
        seed: int,
        task_ids: Sequence[str] | None,
        kwargs: dict[str, Any],
    ) -> Flow:
        if task_ids is None and not isinstance(responses, Mapping):
            n = max(1, len(responses))
            task_ids = [t.id for t in (yield from self._tasks_flow(suite, n, seed, None, 0))]
        items = model_items(responses, task_ids or [])
        opts = {
            "profile": None,
            "store": False,
            "participant": None,
            "chunk_size": 1000,
            "progress": False,
            **kwargs,
        }
        result = yield from self._evaluate_flow(items, response_format, suite, **opts)
        return _save(result, save_path)


class MedsafeClient(_Base):
    """Synchronous client of the core service."""

    def __init__(
        self,
        base_url: str = "http://127.0.0.1:8000",
        *,
        token: str | None = None,
        timeout: float = 300.0,
        retries: int = 3,
        backoff: float = 0.5,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(base_url, token, retries, backoff)
        self._http = httpx.Client(
            base_url=self.base_url, headers=_headers(token), timeout=timeout, transport=transport
        )

    def _call(self, method: str, path: str, idempotent: bool, kw: dict[str, Any]) -> Any:
        attempt = 0
        while True:
            try:
                resp = self._http.request(method, path, **kw)
                if resp.status_code in _RETRY_STATUS and idempotent and attempt < self.retries:
                    raise httpx.RemoteProtocolError(f"HTTP {resp.status_code}")
                return _check(resp).json()
            except httpx.TransportError as exc:
                if not self._retryable(exc, idempotent, attempt):
                    raise
                attempt += 1
                time.sleep(self.backoff * 2 ** (attempt - 1))

    def _drive(self, flow: Flow) -> Any:
        try:
            call = next(flow)
            while True:
                call = flow.send(self._call(*call))
        except StopIteration as done:
            return done.value

    def health(self) -> dict[str, Any]:
        """`GET /health`."""
        return cast(dict[str, Any], self._drive(self._health_flow()))

    def get_tasks(
        self,
        suite: str = "dipg",
        max_samples: int = 100,
        seed: int = 0,
        category: str | None = None,
        offset: int = 0,
    ) -> list[TaskView]:
        """Tasks to answer, without ground truth (`GET /eval/tasks`)."""
        return cast(
            list[TaskView],
            self._drive(self._tasks_flow(suite, max_samples, seed, category, offset)),
        )

    def evaluate(
        self,
        evaluations: Sequence[Item],
        *,
        format: str = "auto",
        suite: str = "dipg",
        profile: str | None = None,
        store: bool = False,
        participant: str | None = None,
        chunk_size: int = 1000,
        progress: bool = False,
    ) -> EvaluateResponse:
        """Score responses (items: `{"id", "response"}`, or with `ground_truth`). Batches go
        `chunk_size` items at a time, merged (metrics recomputed over all); a stored run
        goes in one request, so that it is one run."""
        return cast(
            EvaluateResponse,
            self._drive(
                self._evaluate_flow(
                    evaluations, format, suite, profile, store, participant, chunk_size, progress
                )
            ),
        )

    def evaluate_model(
        self,
        responses: Sequence[str] | Mapping[str, str],
        response_format: str = "auto",
        save_path: str | Path | None = None,
        *,
        suite: str = "dipg",
        seed: int = 0,
        task_ids: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """The published helper: score a model's responses, in the order of the first
        tasks of `seed` (or of `task_ids`), or keyed by task id. A dict with `mean_reward`,
        `total_responses`, `results` and `metrics`, saved as JSON to `save_path` if given."""
        return cast(
            dict[str, Any],
            self._drive(
                self._model_flow(
                    responses, response_format, save_path, suite, seed, task_ids, kwargs
                )
            ),
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> MedsafeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncMedsafeClient(_Base):
    """Asynchronous client of the core service (the methods of `MedsafeClient`)."""

    def __init__(
        self,
        base_url: str = "http://127.0.0.1:8000",
        *,
        token: str | None = None,
        timeout: float = 300.0,
        retries: int = 3,
        backoff: float = 0.5,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(base_url, token, retries, backoff)
        self._http = httpx.AsyncClient(
            base_url=self.base_url, headers=_headers(token), timeout=timeout, transport=transport
        )

    async def _call(self, method: str, path: str, idempotent: bool, kw: dict[str, Any]) -> Any:
        attempt = 0
        while True:
            try:
                resp = await self._http.request(method, path, **kw)
                if resp.status_code in _RETRY_STATUS and idempotent and attempt < self.retries:
                    raise httpx.RemoteProtocolError(f"HTTP {resp.status_code}")
                return _check(resp).json()
            except httpx.TransportError as exc:
                if not self._retryable(exc, idempotent, attempt):
                    raise
                attempt += 1
                await asyncio.sleep(self.backoff * 2 ** (attempt - 1))

    async def _drive(self, flow: Flow) -> Any:
        try:
            call = next(flow)
            while True:
                call = flow.send(await self._call(*call))
        except StopIteration as done:
            return done.value

    async def health(self) -> dict[str, Any]:
        """`GET /health`."""
        return cast(dict[str, Any], await self._drive(self._health_flow()))

    async def get_tasks(
        self,
        suite: str = "dipg",
        max_samples: int = 100,
        seed: int = 0,
        category: str | None = None,
        offset: int = 0,
    ) -> list[TaskView]:
        """Tasks to answer, without ground truth (`GET /eval/tasks`)."""
        return cast(
            list[TaskView],
            await self._drive(self._tasks_flow(suite, max_samples, seed, category, offset)),
        )

    async def evaluate(
        self,
        evaluations: Sequence[Item],
        *,
        format: str = "auto",
        suite: str = "dipg",
        profile: str | None = None,
        store: bool = False,
        participant: str | None = None,
        chunk_size: int = 1000,
        progress: bool = False,
    ) -> EvaluateResponse:
        """Score responses (items: `{"id", "response"}`, or with `ground_truth`). Batches go
        `chunk_size` items at a time, merged (metrics recomputed over all); a stored run
        goes in one request, so that it is one run."""
        return cast(
            EvaluateResponse,
            await self._drive(
                self._evaluate_flow(
                    evaluations, format, suite, profile, store, participant, chunk_size, progress
                )
            ),
        )

    async def evaluate_model(
        self,
        responses: Sequence[str] | Mapping[str, str],
        response_format: str = "auto",
        save_path: str | Path | None = None,
        *,
        suite: str = "dipg",
        seed: int = 0,
        task_ids: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """The published helper: score a model's responses, in the order of the first
        tasks of `seed` (or of `task_ids`), or keyed by task id. A dict with `mean_reward`,
        `total_responses`, `results` and `metrics`, saved as JSON to `save_path` if given."""
        return cast(
            dict[str, Any],
            await self._drive(
                self._model_flow(
                    responses, response_format, save_path, suite, seed, task_ids, kwargs
                )
            ),
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def __aenter__(self) -> AsyncMedsafeClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class EnvClient:
    """An environment session over `/ws` (one episode at a time), OpenEnv's protocol.

    async with EnvClient("http://127.0.0.1:8000") as env:
        first = await env.reset(seed=7)
        result = await env.step(my_model(first.observation.prompt))
    """

    def __init__(
        self,
        base_url: str = "http://127.0.0.1:8000",
        *,
        token: str | None = None,
        timeout: float = 60.0,
        max_message_bytes: int = 32 * 1024 * 1024,
    ) -> None:
        self.url = base_url.rstrip("/").replace("http", "ws", 1) + "/ws"
        self.token = token
        self.timeout = timeout
        self.max_message_bytes = max_message_bytes
        self._ws: ClientConnection | None = None

    async def connect(self) -> EnvClient:
        """Open the session."""
        if self._ws is None:
            self._ws = await ws_connect(
                self.url,
                additional_headers=_headers(self.token),
                max_size=self.max_message_bytes,
                open_timeout=self.timeout,
            )
        return self

    async def _send(self, message: dict[str, Any]) -> dict[str, Any]:
        await self.connect()
        assert self._ws is not None
        await self._ws.send(json.dumps(message))
        reply: dict[str, Any] = json.loads(await asyncio.wait_for(self._ws.recv(), self.timeout))
        if reply.get("type") == "error":
            raise EnvError(reply.get("data", {}))
        data: dict[str, Any] = reply.get("data", {})
        return data

    async def reset(self, **params: Any) -> EnvResponse:
        """Start an episode (`seed`, `suite`, `task_id`, `index`, `category`, `format`)."""
        return EnvResponse.model_validate(await self._send({"type": "reset", "data": params}))

    async def step(self, llm_response: str) -> EnvResponse:
        """Answer the current task."""
        data = {"llm_response": llm_response}
        return EnvResponse.model_validate(await self._send({"type": "step", "data": data}))

    async def state(self) -> EnvState:
        """The episode's state."""
        return EnvState.model_validate(await self._send({"type": "state"}))

    async def close(self) -> None:
        """End the session."""
        if self._ws is not None:
            try:
                await self._ws.send(json.dumps({"type": "close"}))
            finally:
                await self._ws.close()
                self._ws = None

    async def __aenter__(self) -> EnvClient:
        return await self.connect()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
