"""The OpenAPI document is generated from the models, and the server keeps its promises:
schemathesis fuzzes every operation (bounded examples) and finds no server error and
no response that contradicts the document."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from service_helpers import LiveServer

from medsafe_core.service.openapi import build_openapi

schema = schemathesis.openapi.from_dict(build_openapi(auth=False))


@pytest.fixture
def fuzz_server(live_factory: Callable[..., LiveServer]) -> LiveServer:
    return live_factory(max_batch_items=20)


async def test_openapi_document_is_served_and_complete(client: httpx.AsyncClient) -> None:
    doc = (await client.get("/openapi.json")).json()
    assert doc["openapi"].startswith("3.1")
    for path in (
        "/reset",
        "/step",
        "/state",
        "/health",
        "/schema",
        "/eval/tasks",
        "/evaluate",
        "/runs",
        "/runs/{run_id}",
        "/runs/{run_id}/report",
        "/leaderboard",
    ):
        assert path in doc["paths"], path
    evaluate = doc["components"]["schemas"]["EvaluateRequest"]
    assert evaluate["properties"]["evaluations"]["description"]  # field docstrings
    assert "422" in doc["paths"]["/evaluate"]["post"]["responses"]
    assert "securitySchemes" not in doc["components"]  # no token configured


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_errors_and_responses_match_the_document(case, fuzz_server) -> None:
    # Every check but positive_data_acceptance: a schema-valid body may still name a task,
    # category or suite the server does not have, and that is a 422, not a broken promise.
    case.call_and_validate(
        base_url=fuzz_server.url,
        timeout=30,
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
