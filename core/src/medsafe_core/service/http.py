"""Reading requests into models and writing models as responses."""

from __future__ import annotations

from typing import TypeVar

from anyio import to_thread
from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response

from medsafe_core.service.errors import ApiError, validation_problem
from medsafe_core.service.streaming import ItemCounter, TooManyItems

M = TypeVar("M", bound=BaseModel)


THREAD_PARSE_BYTES = 256 * 1024
"""Bodies larger than this are parsed in a worker thread, so /health never waits."""


async def read_body(request: Request, model: type[M]) -> M:
    """The JSON body as `model`, or a 422 naming the invalid fields."""
    return await _parse(await request.body(), model)


async def read_counted_body(
    request: Request, model: type[M], keys: frozenset[str], limit: int
) -> M:
    """Like `read_body`, but the elements of the top-level arrays named `keys` are
    counted while the body streams in: more than `limit` is a 422 before anything is
    parsed, and the rest of the body is not read."""
    counter = ItemCounter(keys, limit)
    chunks: list[bytes] = []
    try:
        async for chunk in request.stream():
            counter.feed(chunk)
            chunks.append(chunk)
    except TooManyItems as exc:
        raise ApiError.invalid(
            exc.key,
            f"{exc}; the limit is {exc.limit} per request "
            "(split the batch: medsafe_core.client chunks automatically)",
            "too_long",
        ) from None
    return await _parse(b"".join(chunks), model)


async def _parse(body: bytes, model: type[M]) -> M:
    if not body.strip():
        raise ApiError.invalid("body", "a JSON body is required", "missing")
    try:
        if len(body) > THREAD_PARSE_BYTES:
            return await to_thread.run_sync(model.model_validate_json, body)
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
