"""The OpenAPI 3.1 document, generated from the request and response models."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from medsafe_core.records import RunSummary
from medsafe_core.service import env_schemas as env
from medsafe_core.service import schemas as api
from medsafe_core.service.errors import PROBLEM_TYPE, Problem
from medsafe_core.service.state import version
from medsafe_core.suites import SuiteInfo

_REF = "#/components/schemas/{model}"
IDEMPOTENCY_PARAMETER: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "With `store: true`: a retry with the same key and body stores no second "
    "run and answers with the first run's id; the same key with another body is a 422.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]+$"},
}


@dataclass(frozen=True)
class Operation:
    path: str
    method: Literal["get", "post"]
    summary: str
    tag: str
    response: type[BaseModel] | Literal["html"] | None
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    body_required: bool = True
    errors: tuple[int, ...] = (422,)
    open: bool = False
    list_of: bool = False
    idempotent: bool = False


OPERATIONS = (
    Operation(
        "/health",
        "get",
        "Liveness and database reachability",
        "Health",
        api.HealthResponse,
        errors=(503,),
        open=True,
    ),
    Operation(
        "/metadata",
        "get",
        "Environment metadata (OpenEnv)",
        "Environment",
        env.EnvMetadata,
        errors=(),
    ),
    Operation(
        "/schema",
        "get",
        "JSON schemas of action, observation, state (OpenEnv)",
        "Environment",
        env.SchemaResponse,
        errors=(),
    ),
    Operation(
        "/reset",
        "post",
        "Start an episode (self-contained)",
        "Environment",
        env.EnvResponse,
        body=env.ResetRequest,
        body_required=False,
        errors=(413, 422),
    ),
    Operation(
        "/step",
        "post",
        "Score an action against the task it names (self-contained)",
        "Environment",
        env.EnvResponse,
        body=env.StepRequest,
        errors=(413, 422),
    ),
    Operation(
        "/state",
        "get",
        "Episode state (HTTP has no session: sessions live on /ws)",
        "Environment",
        env.EnvState,
        errors=(),
    ),
    Operation(
        "/eval/tasks",
        "get",
        "Tasks without ground truth",
        "Evaluation",
        api.EvalTasksResponse,
        query=api.EvalTasksQuery,
    ),
    Operation(
        "/evaluate",
        "post",
        "Score a batch of responses",
        "Evaluation",
        api.EvaluateResponse,
        body=api.EvaluateRequest,
        errors=(403, 413, 422, 503),
        idempotent=True,
    ),
    Operation(
        "/runs",
        "get",
        "Stored runs, newest first",
        "Runs",
        api.RunsResponse,
        query=api.RunsQuery,
        errors=(422, 503),
    ),
    Operation(
        "/runs/{run_id}",
        "get",
        "One stored run (ground truth withheld)",
        "Runs",
        api.PublicRunRecord,
        errors=(404, 503),
    ),
    Operation(
        "/runs/{run_id}/report", "get", "HTML report of a run", "Runs", "html", errors=(404, 503)
    ),
    Operation(
        "/runs/{run_id}/signoff",
        "post",
        "Sign a completed run off as official (admin credential)",
        "Runs",
        RunSummary,
        errors=(403, 404, 409, 503),
    ),
    Operation(
        "/runs/{run_id}/publish",
        "post",
        "Make a run readable by every caller (its submitter or an admin)",
        "Runs",
        RunSummary,
        errors=(403, 404, 503),
    ),
    Operation(
        "/leaderboard",
        "get",
        "Official board of a suite, self-reported runs apart",
        "Runs",
        api.LeaderboardResponse,
        query=api.LeaderboardQuery,
        errors=(422, 503),
    ),
    Operation(
        "/suites", "get", "Registered suites", "Evaluation", SuiteInfo, errors=(), list_of=True
    ),
)


def _content(schema: dict[str, Any], media: str = "application/json") -> dict[str, Any]:
    return {media: {"schema": schema}}


def _query_params(model: type[BaseModel], schema: dict[str, Any]) -> list[dict[str, Any]]:
    props: dict[str, Any] = schema.get("properties", {})
    return [
        {
            "name": name,
            "in": "query",
            "required": field.is_required(),
            "description": field.description or "",
            "schema": props[name],
        }
        for name, field in model.model_fields.items()
    ]


def build_openapi(*, auth: bool) -> dict[str, Any]:
    """The document; `auth` adds the bearer scheme to every operation but /health."""
    wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = [(Problem, "serialization")]
    for op in OPERATIONS:
        if isinstance(op.response, type):
            wanted.append((op.response, "serialization"))
        for model in (op.query, op.body):
            if model is not None:
                wanted.append((model, "validation"))
    refs, top = models_json_schema(wanted, ref_template=_REF)
    components: dict[str, Any] = dict(top.get("$defs", {}))
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        responses: dict[str, Any] = {}
        if op.response == "html":
            responses["200"] = {
                "description": "HTML page",
                "content": _content({"type": "string"}, "text/html"),
            }
        elif op.response is not None:
            ok = refs[(op.response, "serialization")]
            schema = {"type": "array", "items": ok} if op.list_of else ok
            responses["200"] = {"description": op.summary, "content": _content(schema)}
        problem_ref = refs[(Problem, "serialization")]
        codes = set(op.errors) | ({401} if auth and not op.open else set())
        for code in sorted(codes):
            responses[str(code)] = {
                "description": "Problem",
                "content": _content(problem_ref, PROBLEM_TYPE),
            }
        operation: dict[str, Any] = {
            "summary": op.summary,
            "tags": [op.tag],
            "operationId": f"{op.method}_{op.path.strip('/').replace('/', '_') or 'root'}".replace(
                "{", ""
            ).replace("}", ""),
            "responses": responses,
        }
        params: list[dict[str, Any]] = []
        if "{run_id}" in op.path:
            params.append(
                {
                    "name": "run_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "minLength": 1, "maxLength": 64},
                }
            )
        if op.query is not None:
            resolved = components.get(op.query.__name__, {})
            params += _query_params(op.query, resolved)
        if op.idempotent:
            params.append(IDEMPOTENCY_PARAMETER)
        if params:
            operation["parameters"] = params
        if op.body is not None:
            operation["requestBody"] = {
                "required": op.body_required,
                "content": _content(refs[(op.body, "validation")]),
            }
        if auth:
            operation["security"] = [] if op.open else [{"bearer": []}]
        paths.setdefault(op.path, {})[op.method] = operation
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "medsafe core service",
            "version": version(),
            "description": "Evaluation of the safety of medical AI agents. OpenEnv-compatible "
            "environment (`/reset`, `/step`, `/state`, `/schema`, `/health`; persistent "
            "sessions on the `/ws` WebSocket), stateless evaluation, runs, reports and "
            "leaderboards. Errors are RFC 9457 problem bodies.",
        },
        "paths": paths,
        "components": {"schemas": components},
    }
    if auth:
        doc["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    return doc
