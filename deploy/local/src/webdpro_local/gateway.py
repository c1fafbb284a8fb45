"""The local API gateway: what API Gateway + CloudFront do in AWS, on one port.

Routes `/api/<service>/…` to that service's process (path, query, method, headers and body passed through; the
response streamed back, so server-sent events work), hides `/api/<service>/internal/…`, serves published stores
by host (a request for a host that is not the gateway's own — `curam.localhost:8080` — whose path is not /api/,
/healthz or /_dev/ goes to sitegen's edge as `/api/sitegen/edge<path>` with X-Forwarded-Host; its /api/ calls go
to the services as usual, so a live site calls the public APIs on its own origin), and adds the edge
concerns: request id, body size limit, per-client throttling, CORS, security headers, an aggregated /healthz,
and (local/test only) the dev inbox of SMS and emails sent through the emulator.

Raw ASGI rather than a framework: it sits in front of every benchmark, so the hot path is a dict lookup, a
token bucket and one request on a pooled keep-alive connection. The upstream client is aiohttp, not httpx:
measured on the 2-core laptop against the same upstream, httpx's pool managed ~540 proxied req/s and aiohttp
~5,600 (httpcore checks every idle connection on every request).

Entry: `python -m webdpro_local.gateway` (granian, 127.0.0.1:WEBDPRO_GATEWAY_PORT).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

import aiohttp
from yarl import URL

from webdpro_core import ids
from webdpro_core.errors import Problem
from webdpro_local import inbox
from webdpro_local.services import route_table
from webdpro_local.settings import LocalSettings, load_local

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

# Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are never forwarded. Content-Length is
# recomputed by the client from the buffered body.
_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
    }
)
_DROP_REQUEST = _HOP | {
    b"content-length",
    b"x-request-id",
    b"x-forwarded-for",
    b"x-forwarded-proto",
    b"x-forwarded-host",
}
_DROP_RESPONSE = _HOP | {b"x-request-id", b"server", b"date"}
_SKIP_AUTO = frozenset({"User-Agent", "Accept", "Accept-Encoding", "Content-Type"})

# Added to every response unless the upstream chose its own value (a site preview may need another CSP).
_SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"strict-transport-security", b"max-age=63072000; includeSubDomains"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
)
_SECURITY_NAMES = frozenset(k for k, _ in _SECURITY_HEADERS)

_CORS_METHODS = b"GET, POST, PUT, PATCH, DELETE, OPTIONS"
_CORS_DEFAULT_HEADERS = b"authorization, content-type, idempotency-key, x-request-id, traceparent"
_CORS_EXPOSE = b"x-request-id, retry-after, location, etag, content-disposition"

# Host names that are the gateway itself (plus WEBDPRO_GATEWAY_HOSTS); any other host is a published store.
_OWN_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_NOT_STORE_PAGES = ("/api/", "/healthz", "/_dev/")

# A caller's request id is kept only if it is safe to log and forward.
_REQUEST_ID_OK = re.compile(rb"^[A-Za-z0-9._:\-]{1,128}$")


class TokenBuckets:
    """One token bucket per client key: `rate` tokens/s refill, at most `burst` stored. O(1) per request."""

    def __init__(self, rate: float, burst: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = float(max(1, burst))
        self._clock = clock
        self._buckets: dict[str, list[float]] = {}

    def take(self, key: str) -> float:
        """0.0 when allowed, else the seconds until one token is available."""
        if self.rate <= 0:
            return 0.0
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) > 10_000:
                self._prune(now)
            bucket = self._buckets[key] = [self.burst, now]
        tokens = min(self.burst, bucket[0] + (now - bucket[1]) * self.rate)
        bucket[1] = now
        if tokens >= 1.0:
            bucket[0] = tokens - 1.0
            return 0.0
        bucket[0] = tokens
        return (1.0 - tokens) / self.rate

    def _prune(self, now: float) -> None:
        # Buckets that have refilled completely carry no information: forget them.
        full = [k for k, (t, last) in self._buckets.items() if t + (now - last) * self.rate >= self.burst]
        for k in full:
            del self._buckets[k]


def problem_body(status: int, code: str, title: str, detail: str, instance: str | None = None) -> bytes:
    return json.dumps(Problem(detail, code=code, status=status, title=title).to_dict(instance)).encode()


class Gateway:
    def __init__(
        self,
        settings: LocalSettings,
        routes: dict[str, str] | None = None,
    ) -> None:
        self.settings = settings
        self.routes = {
            k: v.rstrip("/") for k, v in (routes if routes is not None else route_table(settings)).items()
        }
        self.max_body = settings.gateway_max_body
        self.buckets = TokenBuckets(settings.gateway_rate_rps, settings.gateway_burst)
        origins = settings.cors_origin_list
        self.cors_any = "*" in origins
        self.cors_origins = frozenset(o.encode() for o in origins if o != "*")
        self.dev_routes = settings.is_local
        self.own_hosts = _OWN_HOSTS | frozenset(settings.gateway_host_list)
        self.emulator_url = settings.emulator_url.rstrip("/")
        self._client: aiohttp.ClientSession | None = None
        timeout = settings.gateway_upstream_timeout
        self._timeout = aiohttp.ClientTimeout(
            total=None, connect=timeout, sock_connect=2.0, sock_read=timeout
        )
        # Server-sent events may stay quiet for long stretches: no read timeout for them.
        self._stream_timeout = aiohttp.ClientTimeout(
            total=None, connect=timeout, sock_connect=2.0, sock_read=None
        )
        self._check_timeout = aiohttp.ClientTimeout(total=2.0)

    # Lifecycle -------------------------------------------------------------------------------------------

    @property
    def client(self) -> aiohttp.ClientSession:
        if self._client is None or self._client.closed:
            # One pooled session for every upstream (created lazily, inside the serving event loop):
            # keep-alive connections are what make the hop cheap.
            self._client = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=1000, limit_per_host=0, keepalive_timeout=30, ttl_dns_cache=None
                ),
                timeout=self._timeout,
                auto_decompress=False,  # bodies pass through byte for byte, Content-Encoding and all
                cookie_jar=aiohttp.DummyCookieJar(),  # never keep one client's cookies for another
                trust_env=False,
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    # ASGI entry ------------------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await self._lifespan(receive, send)
            return
        if kind != "http":
            return  # websockets are not routed (none of the services use them)

        headers: dict[bytes, bytes] = {}
        for k, v in scope["headers"]:
            headers[k] = v  # last value wins; only used for the few single-valued headers read here
        rid = headers.get(b"x-request-id")
        request_id = rid if rid is not None and _REQUEST_ID_OK.match(rid) else ids.new_id("req").encode()
        origin = headers.get(b"origin")
        allowed_origin = origin if origin is not None and self._origin_allowed(origin) else None
        edge = Edge(send, request_id, allowed_origin)

        method: str = scope["method"]
        path: str = scope["path"]
        if method == "OPTIONS" and origin is not None and b"access-control-request-method" in headers:
            await self._preflight(edge, headers, allowed_origin, path)
            return
        if path == "/healthz":
            await self._healthz(edge, method)
            return

        client = scope.get("client")
        wait = self.buckets.take(client[0] if client else "-")
        if wait > 0:
            retry = str(max(1, math.ceil(wait))).encode()
            await edge.problem(
                429,
                "THROTTLED",
                "Too many requests",
                "Slow down and retry later",
                path,
                [(b"retry-after", retry)],
            )
            return

        if not path.startswith(_NOT_STORE_PAGES) and not self._is_own_host(headers.get(b"host")):
            await self._proxy(scope, receive, edge, headers, path, store_page=True)
        elif path.startswith("/api/"):
            await self._proxy(scope, receive, edge, headers, path)
        elif path == "/_dev/inbox" and self.dev_routes:
            await self._inbox(scope, edge, method)
        else:
            await edge.problem(404, "NOT_FOUND", "Not found", f"No route for {path}", path)

    def _is_own_host(self, host: bytes | None) -> bool:
        if not host:
            return True  # no Host (HTTP/1.0): the gateway itself
        name = host.decode("latin-1").strip().lower()
        if name.startswith("["):  # [::1]:8080
            name = name[1 : name.find("]")] if "]" in name else name
        else:
            name = name.split(":", 1)[0]
        return name.rstrip(".") in self.own_hosts

    def _origin_allowed(self, origin: bytes) -> bool:
        return self.cors_any or origin in self.cors_origins

    async def _preflight(
        self, edge: Edge, headers: dict[bytes, bytes], allowed: bytes | None, path: str
    ) -> None:
        if allowed is None:
            await edge.problem(
                403, "CORS_ORIGIN_DENIED", "Origin not allowed", "This origin may not call the API", path
            )
            return
        requested = headers.get(b"access-control-request-headers")
        await edge.respond(
            204,
            b"",
            [
                (b"access-control-allow-methods", _CORS_METHODS),
                (b"access-control-allow-headers", requested or _CORS_DEFAULT_HEADERS),
                (b"access-control-max-age", b"600"),
                (b"vary", b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers"),
            ],
        )

    # Proxy -----------------------------------------------------------------------------------------------

    async def _proxy(
        self,
        scope: Scope,
        receive: Receive,
        edge: Edge,
        headers: dict[bytes, bytes],
        path: str,
        *,
        store_page: bool = False,
    ) -> None:
        """`/api/<service>/…` to that service; with `store_page`, a published store's page to sitegen's edge."""
        if store_page:
            service, prefix, parts = "sitegen", "/api/sitegen/edge", ["", "", "", *path.split("/")]
        else:
            parts = path.split("/")  # ["", "api", "<service>", ...]
            service, prefix = parts[2], ""
        base = self.routes.get(service)
        if base is None:
            await edge.problem(404, "UNKNOWN_SERVICE", "Not found", f"No service named {service!r}", path)
            return
        # Internal routes are for service-to-service calls only. Checked on the decoded path, segment by segment
        # (case-insensitive, ignoring ;params), so no spelling of the path reaches them from outside. A store page
        # may be called "internal" (it stays under /edge), but never climbs out of it with dot segments.
        for seg in parts[3:]:
            s = seg.split(";", 1)[0].lower()
            if (s == "internal" and not store_page) or s in {".", ".."}:
                await edge.problem(404, "NOT_FOUND", "Not found", f"No route for {path}", path)
                return

        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                if int(declared) > self.max_body:
                    await edge.problem(
                        413, "PAYLOAD_TOO_LARGE", "Request body too large", self._too_large, path
                    )
                    return
            except ValueError:
                await edge.problem(400, "BAD_REQUEST", "Bad request", "Invalid Content-Length", path)
                return
        body = await self._read_body(receive)
        if body is None:
            await edge.problem(413, "PAYLOAD_TOO_LARGE", "Request body too large", self._too_large, path)
            return

        out = [
            (k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"] if k not in _DROP_REQUEST
        ]
        client = scope.get("client")
        out.append(("x-request-id", edge.request_id.decode()))
        if client:
            prior = headers.get(b"x-forwarded-for")
            ip = client[0]
            out.append(("x-forwarded-for", f"{prior.decode('latin-1')}, {ip}" if prior else ip))
        out.append(("x-forwarded-proto", scope.get("scheme", "http")))
        if b"host" in headers:
            out.append(("x-forwarded-host", headers[b"host"].decode("latin-1")))

        raw_path = scope.get("raw_path") or path.encode()
        qs = scope.get("query_string") or b""
        # encoded=True: the path and query go upstream exactly as the client wrote them (no re-quoting).
        url = URL(
            base + prefix + raw_path.decode("latin-1") + ("?" + qs.decode("latin-1") if qs else ""),
            encoded=True,
        )
        streaming = b"text/event-stream" in headers.get(b"accept", b"")
        try:
            response = await self.client.request(
                scope["method"],
                url,
                headers=out,
                data=body if body else None,
                allow_redirects=False,
                # Send only what the client sent: no User-Agent, Accept or Accept-Encoding of our own.
                skip_auto_headers=_SKIP_AUTO,
                timeout=self._stream_timeout if streaming else self._timeout,
            )
        except aiohttp.ClientConnectorError:
            await edge.problem(
                503, "UPSTREAM_UNAVAILABLE", "Service unavailable", f"{service} is not reachable", path
            )
            return
        except TimeoutError:
            await edge.problem(
                504, "UPSTREAM_TIMEOUT", "Gateway timeout", f"{service} did not answer in time", path
            )
            return
        except aiohttp.ClientError:
            await edge.problem(502, "BAD_GATEWAY", "Bad gateway", f"{service} gave an invalid response", path)
            return
        try:
            await self._relay(response, receive, edge)
        finally:
            response.release()

    @property
    def _too_large(self) -> str:
        return f"The body must not exceed {self.max_body} bytes"

    async def _read_body(self, receive: Receive) -> bytes | None:
        """The whole request body, or None when it exceeds the limit (also for chunked uploads)."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return b"".join(chunks)
            chunk = message.get("body", b"")
            if chunk:
                size += len(chunk)
                if size > self.max_body:
                    return None
                chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    async def _relay(self, response: aiohttp.ClientResponse, receive: Receive, edge: Edge) -> None:
        headers = [(k, v) for k, v in response.raw_headers if k.lower() not in _DROP_RESPONSE]
        await edge.start(response.status, headers)
        is_stream = response.headers.get("content-type", "").startswith("text/event-stream")
        if not is_stream:
            try:
                async for chunk in response.content.iter_any():
                    await edge.send({"type": "http.response.body", "body": chunk, "more_body": True})
            except (aiohttp.ClientError, TimeoutError):
                pass  # upstream died mid-body: end what we have; the client sees a short body
            await edge.send({"type": "http.response.body", "body": b"", "more_body": False})
            return

        # An event stream can last forever: stop pumping as soon as the client goes away.
        async def pump() -> None:
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async for chunk in response.content.iter_any():
                    await edge.send({"type": "http.response.body", "body": chunk, "more_body": True})

        async def until_disconnect() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass

        pumping = asyncio.ensure_future(pump())
        watching = asyncio.ensure_future(until_disconnect())
        try:
            await asyncio.wait({pumping, watching}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (pumping, watching):
                task.cancel()
            await asyncio.gather(pumping, watching, return_exceptions=True)
        with contextlib.suppress(Exception):
            await edge.send({"type": "http.response.body", "body": b"", "more_body": False})

    # Health ----------------------------------------------------------------------------------------------

    async def _check(self, url: str, accept: Callable[[int], bool]) -> str:
        try:
            async with self.client.get(url, timeout=self._check_timeout) as r:
                status = r.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            return f"down: {type(exc).__name__}"
        return "ok" if accept(status) else f"down: HTTP {status}"

    async def health(self) -> tuple[bool, dict[str, str]]:
        names = sorted(self.routes)
        checks = [self._check(f"{self.routes[n]}/api/{n}/healthz", lambda s: s == 200) for n in names]
        # Any HTTP answer below 500 means the emulator is serving (moto's config page; LocalStack answers too).
        checks.append(self._check(f"{self.emulator_url}/moto-api/config", lambda s: s < 500))
        results = await asyncio.gather(*checks)
        report = dict(zip([*names, "aws"], results, strict=True))
        return all(v == "ok" for v in results), report

    async def _healthz(self, edge: Edge, method: str) -> None:
        if method not in {"GET", "HEAD"}:
            await edge.problem(405, "METHOD_NOT_ALLOWED", "Method not allowed", "Use GET", "/healthz")
            return
        ok, report = await self.health()
        body = {"status": "ok" if ok else "unavailable", "checks": report}
        if not ok:
            body["failing"] = sorted(k for k, v in report.items() if v != "ok")
        await edge.json(200 if ok else 503, body, [(b"cache-control", b"no-store")])

    # Dev inbox -------------------------------------------------------------------------------------------

    async def _inbox(self, scope: Scope, edge: Edge, method: str) -> None:
        if method != "GET":
            await edge.problem(405, "METHOD_NOT_ALLOWED", "Method not allowed", "Use GET", "/_dev/inbox")
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=False)
        to = (query.get("to") or [None])[0]
        try:
            data = await inbox.fetch_data(self.client, self.emulator_url)
        except (aiohttp.ClientError, TimeoutError) as exc:
            await edge.problem(
                503,
                "EMULATOR_UNAVAILABLE",
                "Service unavailable",
                f"AWS emulator: {type(exc).__name__}",
                "/_dev/inbox",
            )
            return
        await edge.json(200, inbox.messages(data, to), [(b"cache-control", b"no-store")])


class Edge:
    """Sends a response with the edge headers (request id, security, CORS) added exactly once."""

    __slots__ = ("_send", "allowed_origin", "request_id", "started")

    def __init__(self, send: Send, request_id: bytes, allowed_origin: bytes | None) -> None:
        self._send = send
        self.request_id = request_id
        self.allowed_origin = allowed_origin
        self.started = False

    def _edge_headers(self, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        present = {k.lower() for k, _ in headers}
        out = list(headers)
        out.append((b"x-request-id", self.request_id))
        out.extend(h for h in _SECURITY_HEADERS if h[0] not in present)
        if self.allowed_origin is not None:
            out.append((b"access-control-allow-origin", self.allowed_origin))
            out.append((b"access-control-allow-credentials", b"true"))
            out.append((b"access-control-expose-headers", _CORS_EXPOSE))
            if b"vary" not in present:
                out.append((b"vary", b"Origin"))
        return out

    async def start(self, status: int, headers: list[tuple[bytes, bytes]]) -> None:
        self.started = True
        await self._send(
            {"type": "http.response.start", "status": status, "headers": self._edge_headers(headers)}
        )

    async def send(self, message: dict[str, Any]) -> None:
        await self._send(message)

    async def respond(self, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
        headers = [*headers, (b"content-length", str(len(body)).encode())]
        await self.start(status, headers)
        await self._send({"type": "http.response.body", "body": body, "more_body": False})

    async def json(self, status: int, payload: Any, headers: list[tuple[bytes, bytes]] = ()) -> None:  # type: ignore[assignment]
        body = json.dumps(payload).encode()
        await self.respond(status, body, [(b"content-type", b"application/json"), *headers])

    async def problem(
        self,
        status: int,
        code: str,
        title: str,
        detail: str,
        instance: str | None = None,
        headers: list[tuple[bytes, bytes]] = (),  # type: ignore[assignment]
    ) -> None:
        body = problem_body(status, code, title, detail, instance)
        await self.respond(status, body, [(b"content-type", b"application/problem+json"), *headers])


def create_app(settings: LocalSettings | None = None, routes: dict[str, str] | None = None) -> Gateway:
    return Gateway(settings or load_local(), routes)


def granian_app() -> Gateway:
    """Factory for granian's worker process: dies with the gateway's master even if that one is SIGKILLed."""
    from webdpro_local.procs import set_pdeathsig

    set_pdeathsig()
    return create_app()


def main() -> None:
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    settings = load_local()
    Granian(
        "webdpro_local.gateway:granian_app",
        factory=True,
        address="127.0.0.1",
        port=settings.gateway_port,
        interface=Interfaces.ASGI,
        workers=1,  # the token buckets live in process memory: one worker keeps the limits exact
        backlog=2048,
        log_access=False,
        log_level=LogLevels.warning,
    ).serve()


if __name__ == "__main__":
    main()
