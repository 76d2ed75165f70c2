"""Stateless evaluation: items -> tasks (ground truth looked up server-side, or supplied
by the caller) -> scored samples, metrics and, optionally, a stored run. Large batches
are scored in the process's pool of scoring processes (`scoring_pool`)."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext

from medsafe_core.evaluation import (
    POOL_THRESHOLD,
    Batch,
    BatchError,
    BatchItem,
    Evaluation,
    assemble_record,
    batch_manifest,
    build_batch,
    evaluate,
    inline_task,
    score_batch,
)
from medsafe_core.models import (
    RewardProfile,
    RunRecord,
    SampleResult,
)
from medsafe_core.parsing.types import ResponseFormat
from medsafe_core.service.errors import ApiError
from medsafe_core.service.schemas import (
    EvalTasksQuery,
    EvalTasksResponse,
    EvaluateRequest,
    EvaluateResponse,
    RunInfo,
)
from medsafe_core.service.state import ServiceState
from medsafe_core.suites import Suite, prepare_suites

logger = logging.getLogger("medsafe.service")


def eval_tasks(state: ServiceState, query: EvalTasksQuery) -> EvalTasksResponse:
    """`GET /eval/tasks`: tasks without ground truth (salted ids when the server has a
    seed salt, so their answers cannot be regenerated from the public generator)."""
    suite = state.suite(query.suite, "query.suite")
    limit = state.settings.max_batch_items
    if query.max_samples > limit:
        raise ApiError.invalid("query.max_samples", f"at most {limit} tasks per request")
    categories = None
    if query.category:
        categories = [c.strip() for c in query.category.split(",") if c.strip()]
        unknown = sorted(set(categories) - set(suite.info.categories))
        if unknown:
            raise ApiError.invalid(
                "query.category", f"unknown categories {unknown}; known: {suite.info.categories}"
            )
    tasks = []
    for position, task in enumerate(suite.iter_tasks(query.seed, categories, state.salt)):
        if position >= query.offset + query.max_samples:
            break
        if position >= query.offset:
            tasks.append(task.view())
    return EvalTasksResponse(
        tasks=tasks,
        suite=suite.name,
        suite_version=suite.info.version,
        seed=query.seed,
        count=len(tasks),
        instructions=suite.instructions(query.format),
    )


def batch_items(req: EvaluateRequest, suite: Suite) -> list[BatchItem]:
    """The request's items in the engine's shape; 422 naming the item when a
    caller-supplied task does not fit the suite."""
    items: list[BatchItem] = []
    for i, item in enumerate(req.evaluations):
        task = None
        if item.ground_truth is not None:
            try:
                task = inline_task(
                    suite, item.ground_truth.model_dump(), item.id or f"inline-{i + 1}"
                )
            except ValueError as exc:
                raise ApiError.invalid(f"evaluations.{i}.ground_truth", str(exc)) from None
        items.append(
            BatchItem(
                task_id=None if task is not None else item.id,
                task=task,
                epoch=item.epoch,
                response=item.response,
                error=item.error,
            )
        )
    return items


def score_items(state: ServiceState, req: EvaluateRequest) -> Evaluation:
    """Score a request through the one evaluation path (CPU-bound: run it in a worker
    thread)."""
    settings = state.settings
    try:
        batch = build_batch(
            batch_items(req, state.suite(req.suite)),
            max_items=settings.max_batch_items,
            max_response_bytes=settings.max_response_bytes,
            salt=state.salt,
        )
    except BatchError as exc:
        raise ApiError.invalid(_field(exc), exc.message) from None
    profile = state.profile(batch.suite, req.profile)
    judge = state.judge() if req.judge == "model" else None
    workers = settings.score_workers
    if workers > 1 and judge is None and len(batch.records) >= POOL_THRESHOLD:
        try:
            samples = score_in_pool(batch, profile, req.format, workers)
        except BrokenProcessPool:
            logger.exception("a scoring process died; this batch is scored in process")
            close_scoring_pools(workers)
        else:  # what `evaluate` does, with the pool's samples
            manifest = batch_manifest(batch, profile, participant=req.participant, salt=state.salt)
            record = assemble_record(batch, samples, manifest)
            return Evaluation(record, samples, batch.task_digests)
    return evaluate(
        batch, profile, participant=req.participant, salt=state.salt, fmt=req.format, judge=judge
    )


_POOLS: dict[int, tuple[ProcessPoolExecutor, Connection]] = {}
"""Pools by worker count, each with the writing end of its workers' lifeline."""
_POOLS_LOCK = threading.Lock()


def scoring_pool(workers: int) -> ProcessPoolExecutor:
    """This process's pool of `workers` scoring processes, made on first use and kept
    until `close_scoring_pools` (or exit), so a request does not pay for starting them.

    Its processes come from a forkserver, not from forking this process as
    `evaluation.score_batch` does for the CLI: the service runs an event loop, anyio's
    worker threads and the database driver's threads, and a child forked from it keeps
    only the forking thread, so any lock another thread held at that instant stays held
    in the child for good (and the child would also inherit the listening socket and
    the database connections). The forkserver is a separate single-threaded process,
    started by fork+exec, that has imported the engine once; each worker is forked
    from it (spawn where there is no forkserver). Jobs carry their suite, tasks and
    profile (pickled, as with fork), so workers score exactly what this process would.

    Each worker ends itself when this process is gone, however it ended: uvicorn ends
    the process by re-raising SIGTERM after its graceful shutdown, which skips the
    executor's own clean-up, and a worker waits for jobs on a pipe whose writing end it
    holds too, so it would wait forever. Its lifeline is the reading end of a pipe whose
    only writing end is this process's: the end of this process closes it."""
    with _POOLS_LOCK:
        if workers not in _POOLS:
            context: BaseContext = multiprocessing.get_context("spawn")
            if "forkserver" in multiprocessing.get_all_start_methods():  # not on Windows
                forkserver = multiprocessing.get_context("forkserver")
                forkserver.set_forkserver_preload([__name__])
                context = forkserver
            lifeline, keep = context.Pipe(duplex=False)
            pool = ProcessPoolExecutor(
                workers, mp_context=context, initializer=_end_with, initargs=(lifeline,)
            )
            _POOLS[workers] = (pool, keep)
        return _POOLS[workers][0]


def _end_with(lifeline: Connection) -> None:
    """Worker initializer: a daemon thread that ends this worker once the service
    process has closed (or lost) the writing end of `lifeline`; then the suites are
    prepared, so that the worker's first part is scored at full speed."""

    def watch() -> None:
        with contextlib.suppress(EOFError, OSError):
            lifeline.recv_bytes()
        os._exit(0)

    threading.Thread(target=watch, name="medsafe-service-lifeline", daemon=True).start()
    prepare_suites()


def close_scoring_pools(workers: int | None = None) -> None:
    """Shut the pool of `workers` processes (all pools when None) down; the next large
    batch makes a new one."""
    with _POOLS_LOCK:
        keys = list(_POOLS) if workers is None else [workers]
        pools = [_POOLS.pop(k) for k in keys if k in _POOLS]
    for pool, keep in pools:
        pool.shutdown(wait=True, cancel_futures=True)
        keep.close()


def score_in_pool(
    batch: Batch, profile: RewardProfile, fmt: ResponseFormat, workers: int
) -> list[SampleResult]:
    """`score_batch` over the pool: contiguous parts of the batch (four per worker, so
    that a slow part does not leave a worker idle) scored in the workers and joined in
    order, giving the samples one process gives. Blocks the calling thread (the
    request's worker thread), never the event loop."""
    records = batch.records
    size = -(-len(records) // (workers * 4))
    parts = [
        Batch(
            suite=batch.suite,
            tasks={r.id: batch.tasks[r.id] for r in records[i : i + size]},
            records=records[i : i + size],
        )
        for i in range(0, len(records), size)
    ]
    job = partial(score_batch, profile=profile, fmt=fmt)
    return [sample for part in scoring_pool(workers).map(job, parts) for sample in part]


def _field(exc: BatchError) -> str:
    """`evaluations.3.id`-style location of a batch error."""
    if exc.index is None:
        return "evaluations" if exc.field == "items" else exc.field
    name = {"task_id": "id", "task.id": "id", "task": "ground_truth"}.get(exc.field, exc.field)
    return f"evaluations.{exc.index}" + (f".{name}" if name else "")


def evaluate_response(
    record: RunRecord, in_order: Sequence[SampleResult], stored: bool, digests: Sequence[str] = ()
) -> EvaluateResponse:
    """The HTTP answer for a scored request."""
    rewards = [s.reward for s in in_order if s.reward is not None]
    m = record.manifest
    return EvaluateResponse(
        results=list(in_order),
        metrics=record.metrics,
        mean_reward=sum(rewards) / len(rewards) if rewards else None,
        total_responses=len(in_order),
        run=RunInfo(
            suite=m.suite,
            suite_version=m.suite_version,
            scorer_version=m.scorer_version,
            profile=m.profile.name,
            profile_hash=m.profile_hash,
            profile_values=m.profile.values,
            dataset_hash=m.dataset_hash,
            task_digests=list(digests),
            ground_truth_source=m.ground_truth_source,
        ),
        run_id=record.meta.run_id if stored else None,
    )
