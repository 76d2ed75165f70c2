"""REST routes: tasks, stateless evaluation, runs, reports, leaderboard, suites."""

from __future__ import annotations

from anyio import to_thread
from pydantic import TypeAdapter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from medsafe_core.models import TaskView
from medsafe_core.service.errors import ApiError
from medsafe_core.service.evaluation import eval_tasks, evaluate_response, score_items
from medsafe_core.service.http import json_response, read_body, read_query
from medsafe_core.service.report import render_report
from medsafe_core.service.schemas import (
    EvalTasksQuery,
    EvaluateRequest,
    LeaderboardQuery,
    LeaderboardResponse,
    PublicRunRecord,
    RunsQuery,
    RunsResponse,
)
from medsafe_core.service.state import service_state
from medsafe_core.store import RunNotFoundError
from medsafe_core.suites import SuiteInfo, list_suites

_SUITES = TypeAdapter(list[SuiteInfo])
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


async def get_eval_tasks(request: Request) -> Response:
    """Tasks to answer, without ground truth."""
    state = service_state(request)
    query = read_query(request, EvalTasksQuery)
    return json_response(await to_thread.run_sync(eval_tasks, state, query))


async def post_evaluate(request: Request) -> Response:
    """Score a batch of responses; optionally store it as a run."""
    state = service_state(request)
    body = await read_body(request, EvaluateRequest)
    store = state.require_store() if body.store else None
    scored = await to_thread.run_sync(score_items, state, body)
    record, in_order = scored.record, scored.in_order
    if store is not None:
        await store.save_run_record(record)
    return json_response(evaluate_response(record, in_order, stored=store is not None))


async def get_runs(request: Request) -> Response:
    """Stored runs, newest first."""
    query = read_query(request, RunsQuery)
    store = service_state(request).require_store()
    runs = await store.list_runs(
        suite=query.suite,
        participant=query.participant,
        state=query.state,
        limit=query.limit,
        offset=query.offset,
    )
    return json_response(RunsResponse(runs=runs, limit=query.limit, offset=query.offset))


async def _load_run(request: Request) -> PublicRunRecord:
    run_id = request.path_params["run_id"]
    store = service_state(request).require_store()
    try:
        record = await store.get_run(run_id)
    except RunNotFoundError as exc:
        raise ApiError(404, str(exc)) from None
    data = record.model_dump()
    data["tasks"] = [TaskView.model_validate(t.view().model_dump()) for t in record.tasks]
    return PublicRunRecord.model_validate(data)


async def get_run(request: Request) -> Response:
    """One stored run: manifest, responses, samples, metrics (ground truth withheld)."""
    return json_response(await _load_run(request))


async def get_report(request: Request) -> Response:
    """An HTML report of a stored run."""
    state = service_state(request)
    record = await _load_run(request)
    html = await to_thread.run_sync(render_report, record, state.salt)
    return HTMLResponse(html, headers={"Content-Security-Policy": REPORT_CSP})


async def get_leaderboard(request: Request) -> Response:
    """Each participant's latest comparable, ranked run, with CIs."""
    query = read_query(request, LeaderboardQuery)
    state = service_state(request)
    state.suite(query.suite, "query.suite")
    rows = await state.require_store().leaderboard(query.suite, metric=query.metric)
    return json_response(
        LeaderboardResponse(suite=query.suite, ranking_metric=query.metric, rows=rows)
    )


async def get_suites(_request: Request) -> Response:
    """The registered suites."""
    return Response(_SUITES.dump_json(list_suites()), media_type="application/json")


routes = [
    Route("/eval/tasks", get_eval_tasks, methods=["GET"]),
    Route("/evaluate", post_evaluate, methods=["POST"]),
    Route("/runs", get_runs, methods=["GET"]),
    Route("/runs/{run_id}", get_run, methods=["GET"]),
    Route("/runs/{run_id}/report", get_report, methods=["GET"]),
    Route("/leaderboard", get_leaderboard, methods=["GET"]),
    Route("/suites", get_suites, methods=["GET"]),
]
