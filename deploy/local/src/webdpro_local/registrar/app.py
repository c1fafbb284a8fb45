"""The emulator's ASGI app: Hostinger's API under `/api/` (Bearer token) and the control API under `/_emulator`.

Raw ASGI rather than a framework so that every answer — an unknown route, a wrong method, a body that is not
JSON — is Hostinger's own status and body (`{"message", "correlation_id", "errors"?}`).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import re
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, unquote

from webdpro_local.procs import set_pdeathsig
from webdpro_local.registrar.config import Config
from webdpro_local.registrar.errors import UNAUTHENTICATED, ApiError, correlation_id, for_status, invalid
from webdpro_local.registrar.faults import Faults, RequestFault
from webdpro_local.registrar.state import State

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
Handler = Callable[..., Any]
JSON = "application/json"
LOG_LIMIT = 5000

_HTML_ERROR = """<!DOCTYPE html>
<html lang="en"><head><title>{status} {reason}</title></head>
<body><h1>Error {status}</h1><p>{reason}. The web server reported an error.</p>
<p>Ray ID: {ray}</p></body></html>
"""
_REASONS = {
    500: "Internal Server Error",
    502: "Bad gateway",
    503: "Service Unavailable",
    504: "Gateway time-out",
}


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    raw: bytes

    def json(self) -> dict[str, Any]:
        """The JSON object sent; anything else reads as an empty input (Laravel then answers 422 per field)."""
        if not self.raw.strip():
            return {}
        try:
            data = json.loads(self.raw)
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = JSON

    @classmethod
    def json(cls, status: int, data: Any, headers: dict[str, str] | None = None) -> Response:
        return cls(
            status, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(), headers or {}
        )

    @classmethod
    def error(cls, err: ApiError, corr: str) -> Response:
        return cls.json(err.status, err.body(corr), err.headers)


@dataclass
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    bucket: str | None = None  # a rate-limit bucket of its own (availability)


def _compile(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "$")


class App:
    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config.from_env()
        self.state = State(self.config)
        self.faults = Faults()
        self.log: list[dict[str, Any]] = []
        self._seq = 0
        s = self.state
        self.routes: list[Route] = [
            self._r("POST", "/api/domains/v1/availability", lambda q, b: s.availability(b), "availability"),
            self._r("GET", "/api/billing/v1/catalog", lambda q, b: s.catalog(q)),
            self._r("GET", "/api/billing/v1/payment-methods", lambda q, b: s.payment_methods()),
            self._r("GET", "/api/domains/v1/whois", lambda q, b: s.whois_list(q)),
            self._r("POST", "/api/domains/v1/whois", lambda q, b: s.whois_create(b)),
            self._r("GET", "/api/domains/v1/whois/{whois_id}", lambda q, b, whois_id: s.whois_get(whois_id)),
            self._r(
                "DELETE", "/api/domains/v1/whois/{whois_id}", lambda q, b, whois_id: s.whois_delete(whois_id)
            ),
            self._r(
                "GET",
                "/api/domains/v1/whois/{whois_id}/usage",
                lambda q, b, whois_id: s.whois_usage(whois_id),
            ),
            self._r("GET", "/api/domains/v1/portfolio", lambda q, b: s.portfolio_list()),
            self._r("POST", "/api/domains/v1/portfolio", lambda q, b: s.purchase(b)),
            self._r(
                "GET", "/api/domains/v1/portfolio/{domain}", lambda q, b, domain: s.portfolio_get(domain)
            ),
            self._r(
                "PUT",
                "/api/domains/v1/portfolio/{domain}/nameservers",
                lambda q, b, domain: s.set_nameservers(domain, b),
            ),
            self._r("GET", "/api/dns/v1/zones/{domain}", lambda q, b, domain: s.zone_get(domain)),
            self._r("PUT", "/api/dns/v1/zones/{domain}", lambda q, b, domain: s.zone_put(domain, b)),
            self._r("DELETE", "/api/dns/v1/zones/{domain}", lambda q, b, domain: s.zone_delete(domain, b)),
            self._r(
                "POST", "/api/dns/v1/zones/{domain}/validate", lambda q, b, domain: s.zone_validate(domain, b)
            ),
        ]

    @staticmethod
    def _r(method: str, template: str, handler: Handler, bucket: str | None = None) -> Route:
        return Route(method, _compile(template), handler, bucket)

    # ---- ASGI ---------------------------------------------------------------------------------------------

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                msg = await receive()
                if msg["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif msg["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        raw = await _read_body(receive)
        path = unquote(scope["path"]).rstrip("/") or "/"
        req = Request(
            method=scope["method"].upper(),
            path=path,
            query=dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)),
            headers={k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])},
            raw=raw,
        )
        if path.startswith("/_emulator"):
            response = await self._control(req)
        else:
            response = await self._api(req)
        await _send(send, response)

    # ---- the API ------------------------------------------------------------------------------------------

    def _match(self, req: Request) -> tuple[Route | None, dict[str, str], list[str]]:
        allowed: list[str] = []
        for route in self.routes:
            m = route.pattern.match(req.path)
            if m:
                allowed.append(route.method)
                if route.method == req.method:
                    return route, m.groupdict(), allowed
        return None, {}, allowed

    async def _api(self, req: Request) -> Response:
        started = time.monotonic()
        corr = correlation_id()
        route, params, allowed = self._match(req)
        fault = self.faults.take(req.method, req.path) if req.path.startswith("/api/") else None
        entry: dict[str, Any] = {
            "method": req.method,
            "path": req.path,
            "query": req.query,
            "correlation_id": corr,
            "fault": fault.to_dict() if fault else None,
            "body": _loggable(req.raw),
        }
        processed = False
        if fault is not None and fault.status is not None and not fault.process:
            response = _fault_response(fault, corr)
        else:
            response, processed = self._handle(req, route, params, allowed, corr)
            if fault is not None and fault.status is not None:  # "process": the work is done, the answer lost
                response = _fault_response(fault, corr)
        # Logged when the answer is decided (before a fault's delay), so a test sees the work as soon as it is done.
        entry.update(
            status=response.status,
            processed=processed,
            elapsed_ms=round((time.monotonic() - started) * 1000),
            delay_ms=fault.delay_ms if fault else 0,
        )
        self._record(entry)
        if fault is not None and fault.delay_ms:
            await asyncio.sleep(fault.delay_ms / 1000)
        return response

    def _handle(
        self, req: Request, route: Route | None, params: dict[str, str], allowed: list[str], corr: str
    ) -> tuple[Response, bool]:
        if route is None:
            if allowed:
                return Response.error(
                    ApiError(
                        405,
                        f"The {req.method} method is not supported for route {req.path.lstrip('/')}. "
                        f"Supported methods: {', '.join(sorted(set(allowed)))}.",
                    ),
                    corr,
                ), False
            return Response.error(
                ApiError(404, f"The route {req.path.lstrip('/')} could not be found."), corr
            ), False
        auth = req.headers.get("authorization", "")
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip(), self.config.token):
            return Response.error(ApiError(401, UNAUTHENTICATED), corr), False
        rate_headers: dict[str, str] = {}
        for bucket, limit in (
            (route.bucket, self.config.availability_rate_per_minute if route.bucket else 0),
            ("api", self.config.rate_per_minute),
        ):
            if not bucket or limit <= 0:
                continue
            ok, remaining, reset_in = self.state.limiter.hit(f"{bucket}:{token}", limit)
            if not ok:
                return Response.error(
                    ApiError(
                        429,
                        headers={
                            "Retry-After": str(reset_in),
                            "X-RateLimit-Limit": str(limit),
                            "X-RateLimit-Remaining": "0",
                            "X-RateLimit-Reset": str(int(time.time()) + reset_in),
                        },
                    ),
                    corr,
                ), False
            if not rate_headers:  # the endpoint's own limit is the one its headers describe
                rate_headers = {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(remaining)}
        try:
            body = route.handler(req.query, req.json(), **params)
        except ApiError as err:
            err.headers = {**rate_headers, **err.headers}
            return Response.error(err, corr), False
        except Exception:
            traceback.print_exc()
            return Response.error(ApiError(500), corr), False
        return Response.json(200, body, rate_headers), True

    def _record(self, entry: dict[str, Any]) -> None:
        self._seq += 1
        entry = {"seq": self._seq, "at": datetime.now(UTC).isoformat(timespec="milliseconds"), **entry}
        self.log.append(entry)
        if len(self.log) > LOG_LIMIT:
            del self.log[: len(self.log) - LOG_LIMIT]

    # ---- control ------------------------------------------------------------------------------------------

    async def _control(self, req: Request) -> Response:
        corr = correlation_id()
        try:
            return self._control_route(req)
        except ApiError as err:
            return Response.error(err, corr)

    def _control_route(self, req: Request) -> Response:
        m, p = req.method, req.path
        c = self.config
        if p == "/_emulator/health" and m == "GET":
            return Response.json(200, {"ok": True, "api": "hostinger", **self._config_dict()})
        if p == "/_emulator/reset" and m == "POST":
            self.state.reset()
            self.faults.clear()
            self.log.clear()
            return Response.json(200, {"ok": True})
        if p == "/_emulator/faults":
            if m == "POST":
                self.faults.arm(_control_body(req))
            elif m == "DELETE":
                self.faults.clear()
            elif m != "GET":
                raise ApiError(405)
            return Response.json(200, self.faults.to_dict())
        if p == "/_emulator/log" and m == "GET":
            items = [
                e
                for e in self.log
                if (not req.query.get("path") or e["path"].startswith(req.query["path"]))
                and (not req.query.get("method") or e["method"] == req.query["method"].upper())
            ]
            return Response.json(200, {"items": items})
        if p == "/_emulator/state" and m == "GET":
            return Response.json(200, self.state.dump())
        if p == "/_emulator/config":
            if m == "POST":
                body = _control_body(req)
                for key in ("availability_rate_per_minute", "rate_per_minute"):
                    if key in body:
                        value = body[key]
                        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                            raise invalid(key, "must be a non-negative integer")
                        setattr(c, key, value)
                        self.state.limiter.clear()
                if "token" in body:
                    if not isinstance(body["token"], str) or not body["token"]:
                        raise invalid("token", "must be a non-empty string")
                    c.token = body["token"]
            elif m != "GET":
                raise ApiError(405)
            return Response.json(200, self._config_dict())
        if p == "/_emulator/taken":
            if m == "POST":
                names = _control_body(req).get("domains")
                if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
                    raise invalid("domains", "must be a list of names or domains")
                self.state.taken.update(n.strip().lower().rstrip(".") for n in names)
            elif m == "DELETE":
                self.state.taken = set(c.taken)
            elif m != "GET":
                raise ApiError(405)
            return Response.json(200, {"taken": sorted(self.state.taken)})
        raise ApiError(404, f"No control route {m} {p}")

    def _config_dict(self) -> dict[str, Any]:
        return {
            "availability_rate_per_minute": self.config.availability_rate_per_minute,
            "rate_per_minute": self.config.rate_per_minute,
        }


# ---- helpers -------------------------------------------------------------------------------------------------


def _control_body(req: Request) -> dict[str, Any]:
    if not req.raw.strip():
        return {}
    try:
        data = json.loads(req.raw)
    except ValueError:
        raise invalid("body", "must be a JSON object") from None
    if not isinstance(data, dict):
        raise invalid("body", "must be a JSON object")
    return data


def _loggable(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw[:500].decode("utf-8", "replace")


def _fault_response(fault: RequestFault, corr: str) -> Response:
    status = fault.status or 500
    if fault.html and status >= 500:
        reason = _REASONS.get(status, "Server Error")
        page = _HTML_ERROR.format(status=status, reason=reason, ray=corr.replace("-", "")[:16])
        return Response(status, page.encode(), content_type="text/html; charset=UTF-8")
    err = for_status(status, fault.message)
    if status == 429:
        err.headers = {"Retry-After": "60", "X-RateLimit-Remaining": "0"}
    return Response.error(err, corr)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        msg = await receive()
        if msg["type"] == "http.disconnect":
            break
        chunks.append(msg.get("body", b""))
        if not msg.get("more_body"):
            break
    return b"".join(chunks)


async def _send(send: Send, response: Response) -> None:
    headers = [
        (b"content-type", response.content_type.encode()),
        (b"content-length", str(len(response.body)).encode()),
        (b"cache-control", b"no-cache, private"),
        *((k.lower().encode(), v.encode()) for k, v in response.headers.items()),
    ]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


def create_app() -> App:
    """Factory run inside the granian worker (which must die with its master)."""
    set_pdeathsig()
    return App(Config.from_env())
