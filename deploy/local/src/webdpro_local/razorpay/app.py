"""The emulator's ASGI app: Razorpay's REST API under `/v1` and `/v2` (HTTP Basic auth), the hosted checkout
(`/v1/checkout.js`, `/checkout/…`, `/subscriptions/…`, CORS open) and the control API under `/_emulator`.

Raw ASGI rather than a framework so that every answer — including an unknown URL, a wrong method or a body
that is not JSON — is Razorpay's own error body and status.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hmac
import json
import re
import sys
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from webdpro_local.procs import set_pdeathsig
from webdpro_local.razorpay.checkout import PAGE_JS, checkout_js, hosted_page
from webdpro_local.razorpay.config import Config
from webdpro_local.razorpay.errors import SERVER, URL_NOT_FOUND, ApiError, for_status, invalid, na
from webdpro_local.razorpay.faults import Faults
from webdpro_local.razorpay.state import State, render
from webdpro_local.razorpay.webhooks import Dispatcher, WebhookFaults

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
JSON = "application/json; charset=utf-8"
TICK_SECONDS = 0.25

_CORS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
    (b"access-control-allow-headers", b"content-type, authorization"),
    (b"access-control-max-age", b"600"),
]


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    raw: bytes

    def body(self) -> dict[str, Any]:
        if not self.raw.strip():
            return {}
        if "application/x-www-form-urlencoded" in self.headers.get("content-type", ""):
            return parse_form(self.raw.decode("utf-8", "replace"))
        try:
            data = json.loads(self.raw)
        except ValueError:
            raise na("The request body is not a valid JSON.") from None
        if not isinstance(data, dict):
            raise na("The request body must be a JSON object.")
        return data


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = JSON
    cors: bool = False

    @classmethod
    def json(cls, status: int, data: Any, *, cors: bool = False) -> Response:
        return cls(status, json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode(), JSON, cors)

    @classmethod
    def error(cls, err: ApiError, *, cors: bool = False) -> Response:
        return cls.json(err.status, err.body(), cors=cors)


def parse_form(text: str) -> dict[str, Any]:
    """`a=1&notes[k]=v&transfers[0][amount]=100` → nested dicts and lists, as PHP (and Razorpay) read forms."""
    out: dict[str, Any] = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key) or [key]
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                break
        else:
            node[parts[-1]] = value

    def lists(node: Any) -> Any:
        if isinstance(node, dict):
            node = {k: lists(v) for k, v in node.items()}
            if node and all(k.isdigit() for k in node):
                return [node[k] for k in sorted(node, key=int)]
        return node

    return lists(out)


class App:
    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config.from_env()
        self.faults = Faults()
        self.webhooks = Dispatcher(self.config)
        self.state = State(self.config, self.webhooks.emit, self.faults)
        self._ticker: asyncio.Task[None] | None = None
        s = self.state
        r = self._route
        self.api_routes: list[tuple[str, re.Pattern[str], Callable[..., Any]]] = [
            r("POST", "/v1/orders", lambda q, b, h: s.create_order(b)),
            r("GET", "/v1/orders", lambda q, b, h: s.list_orders(q)),
            r("GET", "/v1/orders/{id}", lambda q, b, h, id: render(s.order(id))),
            r("GET", "/v1/orders/{id}/payments", lambda q, b, h, id: s.order_payments(id)),
            r("GET", "/v1/payments", lambda q, b, h: s.list_payments(q)),
            r("GET", "/v1/payments/{id}", lambda q, b, h, id: render(s.payment(id))),
            r("POST", "/v1/payments/{id}/capture", lambda q, b, h, id: s.capture(id, b)),
            r(
                "POST",
                "/v1/payments/{id}/refund",
                lambda q, b, h, id: s.create_refund(id, b, h.get("x-refund-idempotency")),
            ),
            r("GET", "/v1/payments/{id}/refunds", lambda q, b, h, id: s.payment_refunds(id, q)),
            r("GET", "/v1/payments/{id}/refunds/{rid}", lambda q, b, h, id, rid: s.payment_refund(id, rid)),
            r("POST", "/v1/payments/{id}/transfers", lambda q, b, h, id: s.payment_transfer(id, b)),
            r("GET", "/v1/payments/{id}/transfers", lambda q, b, h, id: s.payment_transfers(id)),
            r("GET", "/v1/refunds", lambda q, b, h: s.list_refunds(q)),
            r("GET", "/v1/refunds/{id}", lambda q, b, h, id: render(s.refund(id))),
            r("POST", "/v1/transfers", lambda q, b, h: s.direct_transfer(b, h.get("x-transfer-idempotency"))),
            r("GET", "/v1/transfers", lambda q, b, h: s.list_transfers(q)),
            r("GET", "/v1/transfers/{id}", lambda q, b, h, id: render(s.transfer(id))),
            r("PATCH", "/v1/transfers/{id}", lambda q, b, h, id: s.edit_transfer(id, b)),
            r("POST", "/v1/transfers/{id}/reversals", lambda q, b, h, id: s.reverse_transfer(id, b)),
            r("GET", "/v1/transfers/{id}/reversals", lambda q, b, h, id: s.transfer_reversals(id)),
            r("POST", "/v2/accounts", lambda q, b, h: s.create_account(b)),
            r("GET", "/v2/accounts/{id}", lambda q, b, h, id: render(s.account(id))),
            r("GET", "/v1/settlements", lambda q, b, h: s.list_settlements(q, h.get("x-razorpay-account"))),
            r("GET", "/v1/settlements/{id}", lambda q, b, h, id: render(s.settlement(id))),
            r("POST", "/v1/plans", lambda q, b, h: s.create_plan(b)),
            r("GET", "/v1/plans", lambda q, b, h: s.list_plans(q)),
            r("GET", "/v1/plans/{id}", lambda q, b, h, id: render(s.plan(id))),
            r("POST", "/v1/subscriptions", lambda q, b, h: s.create_subscription(b)),
            r("GET", "/v1/subscriptions", lambda q, b, h: s.list_subscriptions(q)),
            r("GET", "/v1/subscriptions/{id}", lambda q, b, h, id: render(s.subscription(id))),
            r("POST", "/v1/subscriptions/{id}/cancel", lambda q, b, h, id: s.cancel_subscription(id, b)),
        ]

    @staticmethod
    def _route(
        method: str, template: str, fn: Callable[..., Any]
    ) -> tuple[str, re.Pattern[str], Callable[..., Any]]:
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
        return method, re.compile(f"^{pattern}$"), fn

    # ---- ASGI ---------------------------------------------------------------------------------------------

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                msg = await receive()
                if msg["type"] == "lifespan.startup":
                    self._start_background()
                    await send({"type": "lifespan.startup.complete"})
                elif msg["type"] == "lifespan.shutdown":
                    await self.close()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        self._start_background()
        raw = bytearray()
        while True:
            msg = await receive()
            raw += msg.get("body", b"")
            if not msg.get("more_body"):
                break
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
        req = Request(scope["method"].upper(), scope["path"], query, headers, bytes(raw))
        response = await self.respond(req)
        extra = list(_CORS) if response.cors else []
        with contextlib.suppress(Exception):  # the client may have given up on a slow answer
            await send(
                {
                    "type": "http.response.start",
                    "status": response.status,
                    "headers": [
                        (b"content-type", response.content_type.encode()),
                        (b"content-length", str(len(response.body)).encode()),
                        (b"cache-control", b"no-store"),
                        *extra,
                    ],
                }
            )
            await send({"type": "http.response.body", "body": response.body})

    async def respond(self, req: Request) -> Response:
        fault = None if req.method == "OPTIONS" else self.faults.take(req.method, req.path)
        if fault is not None and fault.status is not None:
            if fault.process:
                self._handle(req)
            if fault.delay_ms:
                await asyncio.sleep(fault.delay_ms / 1000)
            return Response.error(
                for_status(fault.status, fault.description, fault.code), cors=_is_public(req.path)
            )
        response = self._handle(req)
        if fault is not None and fault.delay_ms:
            await asyncio.sleep(fault.delay_ms / 1000)
        return response

    def _handle(self, req: Request) -> Response:
        public = _is_public(req.path)
        try:
            if req.path.startswith("/_emulator"):
                return self._control(req)
            if public:
                return self._public(req)
            return self._api(req)
        except ApiError as err:
            return Response.error(err, cors=public)
        except Exception:
            traceback.print_exc(file=sys.stderr)
            return Response.error(
                na(
                    "We are facing some trouble completing your request at the moment. Please try again shortly.",
                    500,
                    SERVER,
                ),
                cors=public,
            )

    # ---- the REST API -------------------------------------------------------------------------------------

    def _authenticate(self, req: Request) -> None:
        header = req.headers.get("authorization")
        if not header:
            raise na("Please provide your api key for authentication purposes.", 401)
        if not header.startswith("Basic "):
            raise na("Authentication failed", 401)
        try:
            key_id, _, secret = base64.b64decode(header[6:].strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise na("Authentication failed", 401) from None
        if not hmac.compare_digest(key_id.encode(), self.config.key_id.encode()):
            raise na("The api key provided is invalid", 401)
        if not hmac.compare_digest(secret.encode(), self.config.key_secret.encode()):
            raise na("Authentication failed", 401)

    def _api(self, req: Request) -> Response:
        matched = None
        for method, pattern, fn in self.api_routes:
            m = pattern.match(req.path.rstrip("/") or "/")
            if m and method == req.method:
                matched = (fn, m.groupdict())
                break
        if matched is None:
            raise na(URL_NOT_FOUND)
        self._authenticate(req)
        fn, params = matched
        body = req.body() if req.method in {"POST", "PATCH", "PUT"} else {}
        return Response.json(200, fn(req.query, body, req.headers, **params))

    # ---- the browser side ---------------------------------------------------------------------------------

    def _origin(self, req: Request) -> str:
        if self.config.explicit_public_url or "host" not in req.headers:
            return self.config.public_url
        return f"http://{req.headers['host']}"

    def _public(self, req: Request) -> Response:
        path = req.path
        if req.method == "OPTIONS":
            return Response(204, b"", "text/plain", cors=True)
        if req.method == "GET" and path == "/v1/checkout.js":
            return Response(
                200, checkout_js(self._origin(req)).encode(), "application/javascript; charset=utf-8", True
            )
        if req.method == "GET" and path == "/checkout/page.js":
            return Response(200, PAGE_JS.encode(), "application/javascript; charset=utf-8", True)
        m = re.fullmatch(r"/checkout/subscriptions/([^/]+)/pay", path)
        if m and req.method == "POST":
            body = req.body()
            self._check_public_key(body)
            status, out = self.state.authenticate_subscription(m.group(1), body)
            return Response.json(status, out, cors=True)
        m = re.fullmatch(r"/checkout/([^/]+)/pay", path)
        if m and req.method == "POST":
            body = req.body()
            self._check_public_key(body)
            status, out = self.state.pay_order(m.group(1), body)
            return Response.json(status, out, cors=True)
        m = re.fullmatch(r"/checkout/([^/]+)", path)
        if m and req.method == "GET":
            order = self.state.order(m.group(1))
            page = hosted_page(
                key=req.query.get("key") or self.config.key_id,
                amount=order["amount_due"],
                order_id=order["id"],
                name=req.query.get("name", ""),
                callback_url=req.query.get("callback_url", ""),
            )
            return Response(200, page.encode(), "text/html; charset=utf-8", True)
        m = re.fullmatch(r"/subscriptions/([^/]+)", path)
        if m and req.method == "GET":
            sub = self.state.subscription(m.group(1))
            plan = self.state.plans[sub["plan_id"]]
            page = hosted_page(
                key=self.config.key_id,
                amount=plan["item"]["amount"] * sub["quantity"],
                subscription_id=sub["id"],
                name=plan["item"]["name"],
                callback_url=req.query.get("callback_url", ""),
            )
            return Response(200, page.encode(), "text/html; charset=utf-8", True)
        raise na(URL_NOT_FOUND)

    def _check_public_key(self, body: dict[str, Any]) -> None:
        key = body.pop("key", None)
        if key is not None and key != self.config.key_id:
            raise na("The api key provided is invalid", 401)

    # ---- the control API ----------------------------------------------------------------------------------

    def _control(self, req: Request) -> Response:
        path, method = req.path.rstrip("/"), req.method
        s = self.state
        if path == "/_emulator/health":
            return Response.json(
                200,
                {
                    "ok": True,
                    "key_id": self.config.key_id,
                    "account_id": self.config.account_id,
                    "now": s.now(),
                },
            )
        if path == "/_emulator/reset" and method == "POST":
            self.faults.clear()
            self.webhooks.reset()
            s.reset()
            return Response.json(200, {"ok": True})
        if path == "/_emulator/faults":
            if method == "POST":
                body = req.body()
                if body.get("clear"):
                    self.webhooks.faults = WebhookFaults()
                self.faults.arm(body)
                hooks = body.get("webhooks")
                if isinstance(hooks, dict):
                    f = self.webhooks.faults
                    f.duplicate = bool(hooks.get("duplicate", f.duplicate))
                    f.reorder = bool(hooks.get("reorder", f.reorder))
                    f.drop = int(hooks.get("drop", f.drop) or 0)
            elif method == "DELETE":
                self.faults.clear()
                self.webhooks.faults = WebhookFaults()
            return Response.json(200, {**self.faults.to_dict(), "webhooks": self.webhooks.faults.to_dict()})
        if path == "/_emulator/webhooks":
            if method == "POST":
                body = req.body()
                if "url" in body:
                    self.webhooks.set_target(
                        body.get("url") or None, body.get("secret"), add=bool(body.get("add"))
                    )
                if "retry_delays" in body:
                    self.webhooks.retry_delays = tuple(float(x) for x in body["retry_delays"])
                if "timeout" in body:
                    self.webhooks.timeout = float(body["timeout"])
            elif method == "DELETE":
                self.webhooks.set_target(None, None)
            return Response.json(200, self.webhooks.describe())
        if path == "/_emulator/webhooks/log" and method == "GET":
            items = [d.to_dict() for d in self.webhooks.log]
            if req.query.get("event"):
                items = [d for d in items if d["event"] == req.query["event"]]
            return Response.json(200, {"items": items, "idle": self.webhooks.idle()})
        if path == "/_emulator/settlements/run" and method == "POST":
            return Response.json(200, {"items": s.run_settlements()})
        m = re.fullmatch(r"/_emulator/subscriptions/([^/]+)/authenticate", path)
        if m and method == "POST":
            status, out = s.authenticate_subscription(m.group(1), req.body())
            return Response.json(status, out)
        if path == "/_emulator/clock/advance" and method == "POST":
            seconds = req.body().get("seconds")
            if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
                raise invalid("seconds must be a non-negative number", "seconds")
            return Response.json(200, {"now": s.advance(seconds), "offset": s.clock_offset})
        if path == "/_emulator/clock":
            return Response.json(200, {"now": s.now(), "offset": s.clock_offset})
        if path == "/_emulator/state" and method == "GET":
            tables = (
                "orders",
                "payments",
                "refunds",
                "accounts",
                "transfers",
                "reversals",
                "settlements",
                "plans",
                "subscriptions",
            )
            return Response.json(200, {t: [render(e) for e in getattr(s, t).values()] for t in tables})
        raise na(URL_NOT_FOUND)

    # ---- background ---------------------------------------------------------------------------------------

    def _start_background(self) -> None:
        if self._ticker is None or self._ticker.done():
            self._ticker = asyncio.get_running_loop().create_task(self._tick())

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(TICK_SECONDS)
            try:
                self.state.run_due()
            except Exception:
                traceback.print_exc(file=sys.stderr)

    async def close(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
        await self.webhooks.close()


def create_app() -> App:
    """Factory run inside the granian worker (which must die with its master)."""
    set_pdeathsig()
    return App(Config.from_env())


def _is_public(path: str) -> bool:
    return path == "/v1/checkout.js" or path.startswith(("/checkout/", "/subscriptions/"))
