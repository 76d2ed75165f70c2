"""REST routes: tasks, stateless evaluation, runs, reports, leaderboard, suites."""

from __future__ import annotations

from anyio import to_thread
from pydantic import TypeAdapter
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from medsafe_core.models import TaskView
from medsafe_core.service.access import access_of, caller, submission_for, viewer
from medsafe_core.service.errors import ApiError
from medsafe_core.service.evaluation import eval_tasks, evaluate_response, score_items
from medsafe_core.service.http import json_response, read_counted_body, read_query
from medsafe_core.service.integrity import (
    BATCH_KEYS,
    idempotency_key,
    official_config,
    request_digest,
    scoped_key,
)
from medsafe_core.service.leaderboard_page import render_leaderboard
from medsafe_core.service.published import (
    published_summary,
    published_tasks,
    resolve_task_query,
    responses_as_items,
)
from medsafe_core.service.report import render_report
from medsafe_core.service.schemas import (
    EvalTasksQuery,
    EvaluateRequest,
    LeaderboardQuery,
    PublicRunRecord,
    RunsQuery,
    RunsResponse,
)
from medsafe_core.service.state import service_state
from medsafe_core.store import IdempotencyConflictError, RunNotFoundError, RunStateError
from medsafe_core.suites import SuiteInfo, list_suites

_SUITES = TypeAdapter(list[SuiteInfo])
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


async def get_eval_tasks(request: Request) -> Response:
    """Tasks to answer, without ground truth (with the published client's fields)."""
    state = service_state(request)
    query = resolve_task_query(read_query(request, EvalTasksQuery))
    page = await to_thread.run_sync(eval_tasks, state, query)
    return JSONResponse(published_tasks(page.model_dump(mode="json"), query))


async def post_evaluate(request: Request) -> Response:
    """Score a batch of responses; optionally store it as a run (once per idempotency
    key). Over-limit batches are refused while the body streams in."""
    state = service_state(request)
    limit = state.settings.max_batch_items
    body = await read_counted_body(request, EvaluateRequest, BATCH_KEYS, limit)
    key = idempotency_key(request)
    if body.responses is not None:
        body = responses_as_items(body, state.suite(body.suite), state.salt)
    store = state.require_store() if body.store else None
    submission = None
    if store is not None:
        submission = await submission_for(
            request,
            store,
            body.participant,
            idempotency_key=scoped_key(caller(request), key) if key else None,
            request_hash=request_digest(body) if key else None,
        )
    scored = await to_thread.run_sync(score_items, state, body)
    record, in_order = scored.record, scored.in_order
    run_id = None
    if store is not None:
        try:
            run_id = await store.save_run_record(record, submission=submission)
        except IdempotencyConflictError as exc:
            raise ApiError.invalid("headers.idempotency-key", str(exc), "conflict") from None
    answer = evaluate_response(
        record, in_order, stored=store is not None, digests=scored.task_digests
    )
    update = published_summary(in_order) | {"run_id": run_id}
    return json_response(answer.model_copy(update=update))


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
        viewer=viewer(request),
    )
    return json_response(RunsResponse(runs=runs, limit=query.limit, offset=query.offset))


async def _load_run(request: Request) -> PublicRunRecord:
    run_id = request.path_params["run_id"]
    store = service_state(request).require_store()
    try:
        record = await store.get_run(run_id, viewer=viewer(request))
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
    """The suite's official board (runs that meet its official configuration, made by
    the green agent or signed off) and, apart, the self-reported runs that meet it."""
    query = read_query(request, LeaderboardQuery)
    state = service_state(request)
    suite = state.suite(query.suite, "query.suite")
    config = official_config(suite, state.settings, state.salt)
    board = await state.require_store().leaderboard(query.suite, metric=query.metric, config=config)
    return json_response(board)


async def get_leaderboard_page(request: Request) -> Response:
    """The leaderboard as an HTML page."""
    query = read_query(request, LeaderboardQuery)
    state = service_state(request)
    suite = state.suite(query.suite, "query.suite")
    config = official_config(suite, state.settings, state.salt)
    board = await state.require_store().leaderboard(query.suite, metric=query.metric, config=config)
    return HTMLResponse(render_leaderboard(board), headers={"Content-Security-Policy": REPORT_CSP})


async def post_signoff(request: Request) -> Response:
    """An admin marks a completed run official (it may then be ranked on the board)."""
    identity = caller(request)
    if not identity.admin or identity.name is None:
        raise ApiError(403, "signing off a run needs an admin credential")
    run_id = request.path_params["run_id"]
    store = service_state(request).require_store()
    try:
        await store.sign_off(run_id, by=identity.name)
        return json_response(await store.get_summary(run_id))
    except RunNotFoundError as exc:
        raise ApiError(404, str(exc)) from None
    except RunStateError as exc:
        raise ApiError(409, str(exc)) from None


async def post_publish(request: Request) -> Response:
    """Make a run readable by every caller: its submitter or an admin."""
    identity = caller(request)
    run_id = request.path_params["run_id"]
    store = service_state(request).require_store()
    try:
        summary = await store.get_summary(run_id, viewer=viewer(request))
    except RunNotFoundError as exc:
        raise ApiError(404, str(exc)) from None
    if access_of(request).scoped and not identity.admin and summary.submitter != identity.name:
        raise ApiError(403, "only the run's submitter or an admin may publish it")
    await store.set_published(run_id)
    return json_response(await store.get_summary(run_id))


async def get_suites(_request: Request) -> Response:
    """The registered suites."""
    return Response(_SUITES.dump_json(list_suites()), media_type="application/json")


routes = [
    Route("/eval/tasks", get_eval_tasks, methods=["GET"]),
    Route("/evaluate", post_evaluate, methods=["POST"]),
    Route("/runs", get_runs, methods=["GET"]),
    Route("/runs/{run_id}", get_run, methods=["GET"]),
    Route("/runs/{run_id}/report", get_report, methods=["GET"]),
    Route("/runs/{run_id}/signoff", post_signoff, methods=["POST"]),
    Route("/runs/{run_id}/publish", post_publish, methods=["POST"]),
    Route("/leaderboard", get_leaderboard, methods=["GET"]),
    Route("/leaderboard.html", get_leaderboard_page, methods=["GET"]),
    Route("/suites", get_suites, methods=["GET"]),
]
