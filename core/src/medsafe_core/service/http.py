"""Reading requests into models and writing models as responses."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response

from medsafe_core.service.errors import ApiError, validation_problem

M = TypeVar("M", bound=BaseModel)


async def read_body(request: Request, model: type[M]) -> M:
    """The JSON body as `model`, or a 422 naming the invalid fields."""
    body = await request.body()
    if not body.strip():
        raise ApiError.invalid("body", "a JSON body is required", "missing")
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        raise validation_problem(exc) from None


def read_query(request: Request, model: type[M]) -> M:
    """The query parameters as `model`, or a 422 naming them (`query.<name>`)."""
    try:
        return model.model_validate(dict(request.query_params))
    except ValidationError as exc:
        raise validation_problem(exc, "query") from None


def json_response(model: BaseModel, status: int = 200) -> Response:
    """A model as JSON (pydantic's serializer: NaN and infinity become null)."""
    return Response(model.model_dump_json(), status_code=status, media_type="application/json")
