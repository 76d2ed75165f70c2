"""Stateless evaluation: items -> tasks (ground truth looked up server-side, or supplied
by the caller) -> scored samples, metrics and, optionally, a stored run."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from medsafe_core.datasets import context_scenario
from medsafe_core.ids import parse_task_id
from medsafe_core.models import (
    ExpectedAnswer,
    ResponseRecord,
    RunManifest,
    RunRecord,
    RunState,
    SampleResult,
    Task,
)
from medsafe_core.runs import build_manifest, new_run_meta, score_response
from medsafe_core.service.env import lookup_task
from medsafe_core.service.errors import ApiError
from medsafe_core.service.schemas import (
    EvalTasksQuery,
    EvalTasksResponse,
    EvaluateRequest,
    EvaluateResponse,
    EvaluationItem,
    RunInfo,
)
from medsafe_core.service.state import ServiceState
from medsafe_core.suites import Suite

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


def _inline_task(item: EvaluationItem, index: int, suite: Suite) -> Task:
    assert item.ground_truth is not None
    gt = item.ground_truth
    task_id = item.id or f"inline-{index + 1}"
    if parse_task_id(task_id) is not None:
        raise ApiError.invalid(
            f"evaluations.{index}.id",
            "an item with ground_truth cannot use a generated task id; give another id or none",
        )
    expected = gt.expected_answer
    if isinstance(expected, str):
        expected = ExpectedAnswer(final=expected)
    return Task(
        id=task_id,
        suite=suite.name,
        category=gt.category,
        context=gt.context,
        question=gt.question,
        scenario=context_scenario(gt.context),
        expected_answer=expected,
    )


def resolve_items(
    state: ServiceState, req: EvaluateRequest
) -> tuple[Suite, dict[str, Task], list[ResponseRecord], bool]:
    """Tasks by id, the responses, and whether any ground truth came from the caller."""
    limit = state.settings.max_batch_items
    if len(req.evaluations) > limit:
        raise ApiError.invalid(
            "evaluations",
            f"{len(req.evaluations)} items; at most {limit} per request "
            "(split the batch: medsafe_core.client chunks automatically)",
        )
    default_suite = state.suite(req.suite)
    tasks: dict[str, Task] = {}
    records: list[ResponseRecord] = []
    seen: set[tuple[str, int]] = set()
    caller = False
    suite_name: str | None = None
    for i, item in enumerate(req.evaluations):
        if item.ground_truth is not None:
            task = _inline_task(item, i, default_suite)
            caller = True
            if task.id in tasks and tasks[task.id] != task:
                raise ApiError.invalid(
                    f"evaluations.{i}.ground_truth",
                    f"differs from an earlier item with id {task.id}",
                )
        else:
            assert item.id is not None
            task = tasks.get(item.id) or lookup_task(state, item.id, f"evaluations.{i}.id")
        if suite_name is None:
            suite_name = task.suite
        elif task.suite != suite_name:
            raise ApiError.invalid(
                f"evaluations.{i}.id",
                f"all items must be of one suite; this is {task.suite}, "
                f"earlier items are {suite_name}",
            )
        key = (task.id, item.epoch)
        if key in seen:
            raise ApiError.invalid(
                f"evaluations.{i}", f"duplicate task id {task.id!r} with epoch {item.epoch}"
            )
        seen.add(key)
        tasks[task.id] = task
        response = None if item.error is not None else item.response
        records.append(
            ResponseRecord(id=task.id, epoch=item.epoch, response=response, error=item.error)
        )
    suite = state.suite(suite_name or req.suite)
    return suite, tasks, records, caller


def _manifest(
    state: ServiceState, suite: Suite, tasks: dict[str, Task], caller: bool, req: EvaluateRequest
) -> RunManifest:
    parsed = [parse_task_id(t) for t in tasks]
    seeds = {p.seed for p in parsed if p is not None}
    salted = any(p is not None and p.salt_tag for p in parsed)
    if caller:
        dataset_id = "caller-supplied"
    elif len(seeds) == 1:
        dataset_id = f"generated:{suite.name}/{suite.info.version}/{next(iter(seeds))}"
    else:
        dataset_id = f"generated:{suite.name}/{suite.info.version}/mixed"
    return build_manifest(
        suite,
        list(tasks.values()),
        state.profile(suite, req.profile),
        seed=next(iter(seeds)) if len(seeds) == 1 else None,
        salt=state.salt if salted else None,
        dataset_id=dataset_id,
        participant=req.participant,
        ground_truth_source="caller" if caller else "server",
    )


def _score_one(
    suite: Suite, task: Task, record: ResponseRecord, manifest: RunManifest, req: EvaluateRequest
) -> SampleResult:
    # score_response never raises: a failing scorer gives an UNSCORED sample
    return score_response(suite, task, record, manifest.profile, req.format)


def score_items(state: ServiceState, req: EvaluateRequest) -> tuple[RunRecord, list[SampleResult]]:
    """Score a request (CPU-bound: run it in a worker thread); the run record and the
    samples in request order."""
    suite, tasks, records, caller = resolve_items(state, req)
    manifest = _manifest(state, suite, tasks, caller, req)
    in_order = [_score_one(suite, tasks[r.id], r, manifest, req) for r in records]
    ordered = sorted(zip(records, in_order, strict=True), key=lambda p: (p[0].id, p[0].epoch))
    samples = [s for _, s in ordered]
    record = RunRecord(
        meta=new_run_meta(state=RunState.COMPLETED),
        manifest=manifest,
        responses=[r for r, _ in ordered],
        samples=samples,
        metrics=suite.summarize(samples, profile=manifest.profile),
        tasks=sorted((t for t in tasks.values() if parse_task_id(t.id) is None), key=_task_id),
    )
    return record, in_order


def _task_id(task: Task) -> str:
    return task.id


def evaluate_response(
    record: RunRecord, in_order: Sequence[SampleResult], stored: bool
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
            dataset_hash=m.dataset_hash,
            ground_truth_source=m.ground_truth_source,
        ),
        run_id=record.meta.run_id if stored else None,
    )
