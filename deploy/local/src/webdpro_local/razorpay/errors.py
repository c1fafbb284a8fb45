"""Razorpay's error body: `{"error": {code, description, source, step, reason, metadata, field?}}`.

Input errors carry `source: business`, `step: payment_initiation`, `reason: input_validation_failed` and the
offending `field`, as Razorpay's own samples do; errors that are not about a request field (authentication, an
unknown URL, idempotency, server faults) carry `"NA"` there and no `field`.
"""

from __future__ import annotations

from typing import Any

BAD_REQUEST = "BAD_REQUEST_ERROR"
GATEWAY = "GATEWAY_ERROR"
SERVER = "SERVER_ERROR"

# Razorpay's wording, where its documentation gives it.
ID_NOT_FOUND = "The id provided does not exist"
URL_NOT_FOUND = "The requested URL was not found on the server."
NOT_CAPTURED = "The payment status should be captured for action to be taken"
SERVER_FAULT = "The server encountered an error. The incident has been reported to admins."


class ApiError(Exception):
    def __init__(
        self,
        description: str,
        *,
        status: int = 400,
        code: str = BAD_REQUEST,
        field: str | None = None,
        source: str = "business",
        step: str = "payment_initiation",
        reason: str = "input_validation_failed",
        metadata: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(description)
        self.description = description
        self.status = status
        self.code = code
        self.field = field
        self.source = source
        self.step = step
        self.reason = reason
        self.metadata = metadata or {}

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "code": self.code,
            "description": self.description,
            "source": self.source,
            "step": self.step,
            "reason": self.reason,
            "metadata": self.metadata,
        }
        if self.field is not None:
            error["field"] = self.field
        return {"error": error}


def invalid(description: str, field: str | None = None) -> ApiError:
    """A request field failed validation (400)."""
    return ApiError(description, field=field)


def not_found() -> ApiError:
    return ApiError(ID_NOT_FOUND)


def na(description: str, status: int = 400, code: str = BAD_REQUEST) -> ApiError:
    """An error that is not about one field: source/step/reason "NA"."""
    return ApiError(description, status=status, code=code, source="NA", step="NA", reason="NA")


def for_status(status: int, description: str | None = None, code: str | None = None) -> ApiError:
    """The body Razorpay sends with an injected status: 5xx → SERVER_ERROR (502/504 → GATEWAY_ERROR)."""
    if code is None:
        code = GATEWAY if status in {502, 504} else SERVER if status >= 500 else BAD_REQUEST
    if description is None:
        description = {
            429: "Too many requests",
            401: "Authentication failed",
            502: "Gateway error. Please try again.",
            504: "Gateway timed out. Please try again.",
        }.get(status, SERVER_FAULT if status >= 500 else "Bad request")
    return na(description, status=status, code=code)
