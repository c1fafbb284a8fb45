"""The apps `make bench` compares the auth service with, each served exactly like a service (webdpro_http.serve:
granian, ASGI, one worker, same options).

- `hello`: the baseline, a bare Litestar hello-world (no middleware, no guards, no DI) at GET /hello.
- with `--breakdown` only, the same hello route with the platform's pieces added one at a time, to put a
  price on each:
  - `mw`: + webdpro_http's RequestContextMiddleware (request id, server span, structlog context);
  - `platform`: webdpro_http.create_app (middleware, problem handlers, the caller dependency, OpenAPI config)
    at GET /api/bench/hello;
  - `guarded`: webdpro_http.create_app with a /me twin (guard `requires()`, the `caller` dependency, a
    TokenVerifier fed from auth's JWKS) at GET /api/bench/me — /me without the auth service around it.

Run: `PYTHONPATH=tests/bench WEBDPRO_BENCH_APP=hello WEBDPRO_PORT=… python tests/bench/bench_apps.py`
(`guarded` also needs WEBDPRO_JWKS_URL and, unless the default, WEBDPRO_TOKEN_ISSUER).
"""

from __future__ import annotations

import os

import msgspec
from litestar import Litestar, get

from webdpro_tenancy import Caller

# name → (factory, path to load)
VARIANTS = {
    "hello": ("create_hello", "/hello"),
    "mw": ("create_mw", "/hello"),
    "platform": ("create_platform", "/api/bench/hello"),
    "guarded": ("create_guarded", "/api/bench/me"),
}


@get("/hello")
async def hello() -> dict[str, str]:
    return {"hello": "world"}


def create_hello() -> Litestar:
    return Litestar(route_handlers=[hello], debug=False)


def _observability() -> None:
    # As auth's bootstrap does: structlog configured, a tracer provider set (no exporter unless asked).
    from webdpro_observability import configure_logging, configure_tracing

    configure_logging("bench", os.environ.get("WEBDPRO_LOG_LEVEL", "WARNING"), True)
    configure_tracing("bench")


def create_mw() -> Litestar:
    from webdpro_http.context import RequestContextMiddleware

    _observability()
    return Litestar(route_handlers=[hello], middleware=[RequestContextMiddleware], debug=False)


def create_platform() -> Litestar:
    from webdpro_http import create_app

    _observability()
    return create_app(service="bench", route_handlers=[hello])


class Me(msgspec.Struct, rename="camel"):  # the shape of auth's /me answer
    user_id: str
    role: str
    groups: list[str]
    tenant_id: str | None
    phone_number: str | None
    email: str | None


def create_guarded() -> Litestar:
    from webdpro_core.settings import BaseSettings, load
    from webdpro_http import create_app, requires
    from webdpro_tenancy import TokenVerifier

    @get("/me", guards=[requires()])
    async def me(caller: Caller) -> Me:
        return Me(
            user_id=caller.sub,
            role=caller.role,
            groups=list(caller.groups),
            tenant_id=caller.tenant_id,
            phone_number=caller.phone_number,
            email=caller.email,
        )

    _observability()
    settings = load(BaseSettings)
    verifier = TokenVerifier(issuer=settings.token_issuer, jwks_url=settings.jwks_url)
    return create_app(service="bench", route_handlers=[me], state={"verifier": verifier})


def micro(n: int = 20_000) -> dict[str, float]:
    """In-process cost in us per request of RequestContextMiddleware around a no-op ASGI app, and of its parts."""
    import asyncio
    import time

    import structlog
    from opentelemetry.trace import SpanKind

    from webdpro_core import ids
    from webdpro_http.context import RequestContextMiddleware
    from webdpro_observability import tracer

    _observability()
    token = b"Bearer " + b"x" * 900  # about the size of an access token
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/api/auth/me",
        "headers": [(b"host", b"127.0.0.1:8101"), (b"authorization", token), (b"accept", b"*/*")],
    }

    async def app(scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    async def send(message) -> None:
        return None

    async def receive() -> dict:
        return {}

    def per_call(fn) -> float:
        started = time.perf_counter()
        for _ in range(n):
            fn()
        return (time.perf_counter() - started) / n * 1e6

    async def loop_cost(asgi) -> float:
        started = time.perf_counter()
        for _ in range(n):
            await asgi(scope, receive, send)
        return (time.perf_counter() - started) / n * 1e6

    middleware = RequestContextMiddleware(app)
    base = asyncio.run(loop_cost(app))
    total = asyncio.run(loop_cost(middleware))
    t = tracer("bench")

    def span() -> None:
        with t.start_as_current_span("GET /api/auth/me", kind=SpanKind.SERVER) as sp:
            sp.set_attribute("http.status_code", 200)

    def log_context() -> None:
        with structlog.contextvars.bound_contextvars(request_id="req_x"):
            pass

    return {
        "RequestContextMiddleware": total - base,
        "otel span": per_call(span),
        "request id (ULID)": per_call(lambda: ids.new_id("req")),
        "structlog contextvars": per_call(log_context),
        "header dict": per_call(
            lambda: {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        ),
    }


def main() -> None:
    import sys

    if "--micro" in sys.argv:
        import json

        print(json.dumps(micro()))
        return
    from webdpro_http.serve import serve

    factory, _ = VARIANTS[os.environ.get("WEBDPRO_BENCH_APP", "hello")]
    serve(f"bench_apps:{factory}", default_port=8199)


if __name__ == "__main__":
    main()
