"""One exception → problem+json map for every service. No stack trace ever reaches a client."""

from __future__ import annotations

import re
from typing import Any

from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    PermissionDeniedException,
    ValidationException,
)

from webdpro_core.errors import FieldError, Problem, ValidationProblem
from webdpro_observability import get_logger

log = get_logger(__name__)

PROBLEM_JSON = "application/problem+json"

_HTTP_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "RATE_LIMITED",
    503: "SERVICE_UNAVAILABLE",
}


def problem_response(problem: Problem, request: Request | None = None) -> Response[dict[str, Any]]:
    return Response(
        content=problem.to_dict(instance=request.url.path if request is not None else None),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=problem.headers or None,
    )


_MSGSPEC_FIELD = re.compile(r"(?:required|unknown) field `([^`]+)`")


def _field_of(entry: dict[str, Any]) -> str:
    """The offending field, from msgspec's message: "Expected `int`, got `str` - at `$.items[0].quantity`",
    "Object missing required field `channel`", "Object contains unknown field `extra`"."""
    message = str(entry.get("message", ""))
    path = message.rsplit("at `$.", 1)[1].rstrip("`") if "at `$." in message else ""
    named = _MSGSPEC_FIELD.search(message)
    if named:
        return f"{path}.{named.group(1)}" if path else named.group(1)
    if path:
        return path
    key = entry.get("key")
    return str(key) if key and key != "data" else "body"


def on_problem(request: Request, exc: Problem) -> Response:
    return problem_response(exc, request)


def on_validation(request: Request, exc: ValidationException) -> Response:
    extra = exc.extra if isinstance(exc.extra, list) else []
    errors = [
        FieldError(_field_of(e), str(e.get("message", "invalid"))) for e in extra if isinstance(e, dict)
    ]
    if not errors:
        errors = [FieldError("body", exc.detail or "invalid request")]
    detail = "; ".join(f"{e.field}: {e.message}" for e in errors)[:500]
    return problem_response(ValidationProblem(detail, errors=errors), request)


def on_http(request: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    if isinstance(exc, NotAuthorizedException):
        status = 401
    elif isinstance(exc, PermissionDeniedException):
        status = 403
    code = _HTTP_CODES.get(status, "BAD_REQUEST" if status < 500 else "INTERNAL_ERROR")
    detail = exc.detail if status < 500 else "The service could not complete the request"
    return problem_response(Problem(detail, status=status, code=code, title=detail), request)


def on_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("http.unhandled_error", path=request.url.path, error=repr(exc))
    return problem_response(
        Problem(
            "The service could not complete the request",
            status=500,
            code="INTERNAL_ERROR",
            title="Internal error",
        ),
        request,
    )


EXCEPTION_HANDLERS = {
    Problem: on_problem,
    ValidationException: on_validation,
    HTTPException: on_http,
    Exception: on_unexpected,
}
