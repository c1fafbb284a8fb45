"""RFC 9457 problem details as exceptions.

Domain and service code raises these; the HTTP layer (webdpro_http) turns them into `application/problem+json`.
`code` is stable and machine-readable; `errors` lists field-level problems for validation; `extra` adds members
of the problem type (RFC 9457 extension members, e.g. `alternatives` of DOMAIN_UNAVAILABLE) without overriding the
standard ones.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    message: str


class Problem(Exception):
    status: int = 400
    code: str = "BAD_REQUEST"
    title: str = "Bad request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        status: int | None = None,
        title: str | None = None,
        field: str | None = None,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or (title or self.title)
        if code:
            self.code = code
        if status:
            self.status = status
        if title:
            self.title = title
        self.errors = list(errors or [])
        if field and not any(e.field == field for e in self.errors):
            self.errors.insert(0, FieldError(field, self.detail))
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})

    def to_dict(self, instance: str | None = None) -> dict:
        body: dict = {
            "type": f"https://docs.webdpro.in/problems/{self.code.lower().replace('_', '-')}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = [{"field": e.field, "message": e.message} for e in self.errors]
        for key, value in self.extra.items():
            body.setdefault(key, value)  # an extension member never replaces a standard one
        return body


class ValidationProblem(Problem):
    status = 422
    code = "VALIDATION_FAILED"
    title = "The request is not valid"


class Unauthorized(Problem):
    status = 401
    code = "UNAUTHENTICATED"
    title = "Authentication required"

    def __init__(self, detail: str | None = None, **kw) -> None:
        kw.setdefault("headers", {"WWW-Authenticate": 'Bearer realm="webdpro"'})
        super().__init__(detail, **kw)


class Forbidden(Problem):
    status = 403
    code = "FORBIDDEN"
    title = "Not allowed"


class NotFound(Problem):
    status = 404
    code = "NOT_FOUND"
    title = "Not found"


class Conflict(Problem):
    status = 409
    code = "CONFLICT"
    title = "Conflict"


class TooManyRequests(Problem):
    status = 429
    code = "RATE_LIMITED"
    title = "Too many requests"

    def __init__(self, detail: str | None = None, *, retry_after: int, **kw) -> None:
        headers = {"Retry-After": str(max(1, int(retry_after)))}
        headers.update(kw.pop("headers", {}) or {})
        super().__init__(detail, headers=headers, **kw)
        self.retry_after = retry_after


class Unavailable(Problem):
    status = 503
    code = "SERVICE_UNAVAILABLE"
    title = "A dependency is unavailable"

    def __init__(self, detail: str | None = None, **kw) -> None:
        kw.setdefault("headers", {"Retry-After": "5"})
        super().__init__(detail, **kw)
