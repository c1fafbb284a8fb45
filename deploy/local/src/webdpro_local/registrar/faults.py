"""The fault switch: make the next API requests fail, answer slowly, or do their work and lose the answer.

`POST /_emulator/faults` (each call adds a rule; `{"clear": true}` first empties the list; `DELETE` disarms all):

    {"next_n_requests": 2, "status": 503, "delay_ms": 0, "paths": "/api/domains/v1/portfolio",
     "methods": "POST", "process": false, "body": "json", "message": null, "skip": 0}

The next N API requests whose path starts with `paths` (a string or a list; default: every `/api/` path) and
whose method is in `methods` (default: any) — after letting `skip` of them through — are answered with `status`
and Hostinger's error body for it, after `delay_ms`. `"body": "html"` sends the HTML error page the CDN in front of the API answers a 502/503/504 with,
instead of JSON. With `"process": true` the request is carried out first and only its answer is replaced: the
registrar did the work (bought the domain) but the client saw an error. Without `status` the request is
carried out normally and its answer held back `delay_ms`: a slow answer whose work is already done when the
client gives up. Rules are checked in the order they were armed; each request consumes at most one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from webdpro_local.registrar.errors import invalid


@dataclass
class RequestFault:
    remaining: int
    skip: int = 0  # matching requests let through untouched before the rule starts failing them
    status: int | None = None
    delay_ms: int = 0
    paths: tuple[str, ...] | None = None
    methods: frozenset[str] | None = None
    process: bool = False
    html: bool = False
    message: str | None = None

    def matches(self, method: str, path: str) -> bool:
        if self.remaining <= 0:
            return False
        if self.methods is not None and method not in self.methods:
            return False
        if self.paths is not None:
            return path.startswith(self.paths)
        return path.startswith("/api/")

    def to_dict(self) -> dict[str, Any]:
        return {
            "next_n_requests": self.remaining,
            "skip": self.skip,
            "status": self.status,
            "delay_ms": self.delay_ms,
            "paths": list(self.paths) if self.paths else None,
            "methods": sorted(self.methods) if self.methods else None,
            "process": self.process,
            "body": "html" if self.html else "json",
            "message": self.message,
        }


def _words(raw: Any) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        return [w for w in raw.replace(",", " ").split() if w]
    if isinstance(raw, list) and all(isinstance(w, str) for w in raw):
        return [w for w in raw if w]
    raise invalid("paths", "must be a string or a list of strings")


class Faults:
    def __init__(self) -> None:
        self.requests: list[RequestFault] = []

    def clear(self) -> None:
        self.requests = []

    def take(self, method: str, path: str) -> RequestFault | None:
        for fault in self.requests:
            if fault.matches(method, path):
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                fault.remaining -= 1
                self.requests = [f for f in self.requests if f.remaining > 0]
                return fault
        return None

    def arm(self, body: dict[str, Any]) -> None:
        if body.get("clear"):
            self.clear()
        if "next_n_requests" not in body:
            return
        n = body["next_n_requests"]
        status = body.get("status")
        delay = body.get("delay_ms", 0) or 0
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise invalid("next_n_requests", "must be a positive integer")
        if status is not None and (not isinstance(status, int) or not 400 <= status <= 599):
            raise invalid("status", "must be an HTTP error status (400-599)")
        if not isinstance(delay, int | float) or delay < 0:
            raise invalid("delay_ms", "must be a non-negative number")
        skip = body.get("skip", 0) or 0
        if not isinstance(skip, int) or isinstance(skip, bool) or skip < 0:
            raise invalid("skip", "must be a non-negative integer")
        if body.get("body", "json") not in ("json", "html"):
            raise invalid("body", "must be json or html")
        paths = _words(body.get("paths"))
        methods = _words(body.get("methods"))
        self.requests.append(
            RequestFault(
                remaining=n,
                skip=skip,
                status=status,
                delay_ms=int(delay),
                paths=tuple(paths) or None,
                methods=frozenset(m.upper() for m in methods) or None,
                process=bool(body.get("process", False)),
                html=body.get("body") == "html",
                message=body.get("message"),
            )
        )

    def to_dict(self) -> dict[str, Any]:
        return {"requests": [f.to_dict() for f in self.requests]}
