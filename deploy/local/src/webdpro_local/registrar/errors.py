"""Hostinger's error body: `{"message": "...", "correlation_id": "<uuid>"}`, plus `"errors": {field: [..]}` on a
422 (Laravel's validation answer: the message is the first error and "(and N more errors)")."""

from __future__ import annotations

import uuid
from typing import Any

UNAUTHENTICATED = "Unauthenticated"  # the example in Hostinger's OpenAPI document
TOO_MANY = "Too Many Attempts."
_STATUS_MESSAGES = {
    400: "Bad request",
    403: "This action is unauthorized.",
    404: "Not found",
    409: "Conflict",
    422: "The given data was invalid.",
    429: TOO_MANY,
    500: "Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def correlation_id() -> str:
    return str(uuid.uuid4())


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        errors: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        message = message or _STATUS_MESSAGES.get(status, "Error")
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or {}

    def body(self, corr: str) -> dict[str, Any]:
        out: dict[str, Any] = {"message": self.message}
        if self.errors is not None:
            out["errors"] = self.errors
        out["correlation_id"] = corr
        return out


def validation(errors: dict[str, list[str]]) -> ApiError:
    """422 with Laravel's summary message: the first error, then "(and N more error(s))"."""
    flat = [m for msgs in errors.values() for m in msgs]
    message = flat[0] if flat else "The given data was invalid."
    more = len(flat) - 1
    if more > 0:
        message += f" (and {more} more error{'s' if more > 1 else ''})"
    return ApiError(422, message, errors=errors)


def invalid(field: str, message: str) -> ApiError:
    return validation({field: [message]})


def not_found(message: str = "Not found") -> ApiError:
    return ApiError(404, message)


def for_status(status: int, message: str | None = None) -> ApiError:
    if status == 422:
        return validation({"request": [message or "The given data was invalid."]})
    return ApiError(status, message)
