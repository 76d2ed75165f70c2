"""Errors as RFC 9457 problem bodies (`application/problem+json`), never tracebacks.

Every handler raises `ApiError` (or lets a pydantic `ValidationError` through `parse`);
the app turns them into a JSON problem naming the offending field.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import Response

logger = logging.getLogger("medsafe.service")

PROBLEM_TYPE = "application/problem+json"


class FieldError(BaseModel):
    """One invalid field of a request."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    field: str
    """Dotted path of the field (`evaluations.3.response`, `query.max_samples`)."""
    message: str
    """What is wrong with it and, where possible, what to send instead."""
    type: str = "invalid"
    """Machine-readable kind (pydantic's error type, e.g. `missing`)."""


class Problem(BaseModel):
    """An error response (RFC 9457)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    type: str = "about:blank"
    """URI naming the kind of problem."""
    title: str
    """Short summary of the kind of problem."""
    status: int
    """HTTP status code."""
    detail: str
    """What went wrong in this request, naming the field where one is at fault."""
    errors: list[FieldError] = Field(default_factory=list)
    """The invalid fields, for validation problems."""


_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request too large",
    422: "Invalid request",
    500: "Internal server error",
    503: "Service unavailable",
}


class ApiError(Exception):
    """An error to answer with a problem body."""

    def __init__(
        self,
        status: int,
        detail: str,
        errors: Sequence[FieldError] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = list(errors)
        self.headers = dict(headers or {})

    @classmethod
    def invalid(cls, field: str, message: str, kind: str = "invalid") -> ApiError:
        """A 422 about one field."""
        return cls(
            422, f"{field}: {message}", [FieldError(field=field, message=message, type=kind)]
        )


def problem(
    status: int,
    detail: str,
    errors: Sequence[FieldError] = (),
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A problem response."""
    body = Problem(
        title=_TITLES.get(status, "Error"), status=status, detail=detail, errors=list(errors)
    )
    return Response(
        body.model_dump_json(), status_code=status, media_type=PROBLEM_TYPE, headers=headers
    )


def field_errors(
    exc: ValidationError, prefix: str = "", limit: int | None = None
) -> list[FieldError]:
    """pydantic errors as field errors with dotted paths (the input is not echoed)."""
    out: list[FieldError] = []
    for err in exc.errors(include_input=False, include_url=False)[:limit]:
        loc = ".".join(str(p) for p in err["loc"] if p != "__root__")
        field = ".".join(p for p in (prefix, loc) if p) or prefix or "body"
        out.append(FieldError(field=field, message=err["msg"], type=err["type"]))
    return out


MAX_FIELD_ERRORS = 50
"""Most field errors listed in one problem body (the count of the rest is given)."""


def validation_problem(exc: ValidationError, prefix: str = "") -> ApiError:
    """A 422 naming the invalid fields (the first `MAX_FIELD_ERRORS`: a huge invalid
    batch gets a short answer)."""
    total = exc.error_count()
    errors = field_errors(exc, prefix, MAX_FIELD_ERRORS)
    shown = "; ".join(f"{e.field}: {e.message}" for e in errors[:5])
    more = f" (and {total - 5} more)" if total > 5 else ""
    return ApiError(422, shown + more, errors)


async def api_error_handler(_request: Request, exc: Exception) -> Response:
    """ApiError -> its problem response."""
    assert isinstance(exc, ApiError)
    return problem(exc.status, exc.detail, exc.errors, exc.headers)


async def http_exception_handler(_request: Request, exc: Exception) -> Response:
    """Starlette's 404/405 -> problem bodies."""
    status = int(getattr(exc, "status_code", 500))
    detail = str(getattr(exc, "detail", "") or _TITLES.get(status, "Error"))
    headers: dict[str, Any] = dict(getattr(exc, "headers", None) or {})
    return problem(status, detail, headers=headers)


async def unhandled_error_handler(request: Request, exc: Exception) -> Response:
    """Anything else: logged with its type (no request body, no headers), answered 500."""
    logger.error(
        "unhandled %s on %s %s",
        type(exc).__name__,
        request.method,
        request.url.path,
        exc_info=exc,
    )
    return problem(500, "internal error; the server log has the details")
