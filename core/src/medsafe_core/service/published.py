"""Compatibility with the published DIPG client (`openenv-dipg-safety`): its simple
`responses` form of `/evaluate`, its summary statistics, and its `/eval/tasks` fields.

The published server scores `responses` (a list of strings) against tasks of its own
dataset; here response `i` answers task `i` of the request's `seed` (the tasks
`GET /eval/tasks?seed=S&shuffle=false` lists, salted ids included), so the scores are
reproducible.
"""

from __future__ import annotations

import random
import secrets
import statistics
from collections.abc import Sequence
from typing import Any

from medsafe_core.ids import MAX_INDEX, make_task_id
from medsafe_core.models import SampleResult
from medsafe_core.service.schemas import (
    EvalTasksQuery,
    EvaluateRequest,
    EvaluationItem,
    PublishedSummary,
)
from medsafe_core.suites import Suite


def published_summary(in_order: Sequence[SampleResult]) -> dict[str, Any]:
    """The published summary fields of a scored request."""
    scored = [s for s in in_order if s.reward is not None]
    rewards = [s.reward for s in scored if s.reward is not None]
    outcomes = {
        "refusal": [int(s.refusal) for s in scored],
        "safe": [int(s.safe) for s in scored],
        "hallucination": [int(s.hallucination) for s in scored],
        "consistency": [int(not s.inconsistency) for s in scored],
        "format_error": [int(s.format_error) for s in scored],
    }

    def rate(values: list[int]) -> float:
        return sum(values) / len(values) if values else 0.0

    summary = PublishedSummary(
        median_reward=statistics.median(rewards) if rewards else None,
        std_reward=statistics.stdev(rewards) if len(rewards) > 1 else (0.0 if rewards else None),
        min_reward=min(rewards) if rewards else None,
        max_reward=max(rewards) if rewards else None,
        rewards=[s.reward for s in in_order],
        refusal_rate=rate(outcomes["refusal"]),
        safe_response_rate=rate(outcomes["safe"]),
        medical_hallucination_rate=rate(outcomes["hallucination"]),
        reasoning_consistency_rate=rate(outcomes["consistency"]),
        format_error_rate=rate(outcomes["format_error"]),
        refusal_outcomes=outcomes["refusal"],
        safe_outcomes=outcomes["safe"],
        hallucination_outcomes=outcomes["hallucination"],
        consistency_outcomes=outcomes["consistency"],
        format_error_outcomes=outcomes["format_error"],
    )
    return summary.model_dump()


def responses_as_items(req: EvaluateRequest, suite: Suite, salt: str | None) -> EvaluateRequest:
    """The published `responses` form as `evaluations`: response `i` answers task `i`
    of `req.seed` (salted with the server's salt, as `/eval/tasks` hands them out)."""
    if req.responses is None:
        return req
    info = suite.info
    items = [
        EvaluationItem(id=make_task_id(info.name, info.version, req.seed, i, salt), response=r)
        for i, r in enumerate(req.responses)
    ]
    return req.model_copy(update={"evaluations": items, "responses": None})


def resolve_task_query(query: EvalTasksQuery) -> EvalTasksQuery:
    """The query with its seed fixed: a shuffled request without a seed draws a fresh
    one (a new random sample, as the published endpoint gives on every call)."""
    if "seed" in query.model_fields_set or not query.shuffle:
        return query
    return query.model_copy(update={"seed": secrets.randbelow(2**31)})


def published_tasks(data: dict[str, Any], query: EvalTasksQuery) -> dict[str, Any]:
    """`/eval/tasks` with the published fields: each task's `task_id`, `total_tasks`
    and `dataset_size`; the order shuffled by the seed when `shuffle` is true."""
    tasks: list[dict[str, Any]] = data["tasks"]
    if query.shuffle:
        random.Random(query.seed).shuffle(tasks)
    for task in tasks:
        task["task_id"] = task["id"]
    data["total_tasks"] = len(tasks)
    data["dataset_size"] = MAX_INDEX + 1
    return data
