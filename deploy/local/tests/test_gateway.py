"""The gateway in front of a real upstream process: routing and passthrough, request ids, limits, throttling,
CORS, security headers, hidden /internal/ routes, health, streaming, and the dev inbox."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from webdpro_local.gateway import Gateway, TokenBuckets
from webdpro_local.procs import Child, free_port, stop_all
from webdpro_local.settings import load_local

from .conftest import _base_env, wait_http

ORIGIN = "https://dash.example.in"


def make_gateway(aws_port: int, routes: dict[str, str], **env: str) -> Gateway:
    environ = {
        "WEBDPRO_AWS_PORT": str(aws_port),
        "WEBDPRO_ENV": "test",
        "WEBDPRO_CORS_ORIGINS": ORIGIN,
        "WEBDPRO_GATEWAY_MAX_BODY": "1024",
        "WEBDPRO_GATEWAY_HOSTS": "gw",  # the test clients' base URL is http://gw: the gateway itself, not a store
        **env,
    }
    return Gateway(load_local(environ), routes)


@pytest.fixture
async def gw(aws_port, upstream_url) -> AsyncIterator[httpx.AsyncClient]:
    gateway = make_gateway(aws_port, {"svc": upstream_url})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=gateway), base_url="http://gw") as client:
        yield client
    await gateway.aclose()


def assert_problem(r: httpx.Response, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert {"type", "title", "status", "detail", "code"} <= body.keys()
    assert body["status"] == status and body["code"] == code
    return body


async def test_routes_method_path_query_headers_and_body_unchanged(gw):
    r = await gw.post(
        "/api/svc/echo/a%20b/c?x=1&y=%2F",
        content=b'{"k":"v"}',
        headers={"content-type": "application/json", "authorization": "Bearer t", "idempotency-key": "k1"},
    )
    assert r.status_code == 201 and r.headers["x-upstream"] == "yes"
    echo = r.json()
    assert echo["method"] == "POST"
    assert echo["raw_path"] == "/api/svc/echo/a%20b/c"
    assert echo["query"] == "x=1&y=%2F"
    assert echo["body"] == '{"k":"v"}'
    sent = dict(echo["headers"])
    assert sent["authorization"] == "Bearer t" and sent["idempotency-key"] == "k1"
    assert sent["x-request-id"] == r.headers["x-request-id"]
    assert sent["x-forwarded-for"] == "127.0.0.1"


async def test_request_id_is_generated_kept_and_sanitised(gw):
    generated = await gw.get("/api/svc/echo")
    assert generated.headers["x-request-id"].startswith("req_")
    kept = await gw.get("/api/svc/echo", headers={"x-request-id": "abc-123"})
    assert kept.headers["x-request-id"] == "abc-123"
    assert dict(kept.json()["headers"])["x-request-id"] == "abc-123"
    forged = await gw.get("/api/svc/echo", headers={"x-request-id": "a b\tc" * 50})
    assert forged.headers["x-request-id"].startswith("req_")
    missing = await gw.get("/nowhere")
    assert missing.headers["x-request-id"].startswith("req_")  # errors from the gateway carry one too


async def test_security_headers_on_proxied_and_gateway_responses(gw):
    for r in (await gw.get("/api/svc/echo"), await gw.get("/nowhere")):
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert "max-age=" in r.headers["strict-transport-security"]
        assert "default-src 'none'" in r.headers["content-security-policy"]
    page = await gw.get("/api/svc/page")
    assert page.headers["content-security-policy"] == "default-src 'self'"  # the upstream's own policy wins


async def test_body_over_the_limit_is_413(gw):
    r = await gw.post("/api/svc/echo", content=b"x" * 1025)
    assert_problem(r, 413, "PAYLOAD_TOO_LARGE")

    async def chunks():  # no Content-Length: counted while reading
        for _ in range(3):
            yield b"y" * 500

    r = await gw.post("/api/svc/echo", content=chunks())
    assert_problem(r, 413, "PAYLOAD_TOO_LARGE")
    ok = await gw.post("/api/svc/echo", content=b"x" * 1024)
    assert ok.status_code == 201


async def test_internal_routes_and_unknown_services_are_404(gw):
    for path in (
        "/api/svc/internal/secret",
        "/api/svc/internal",
        "/api/svc/INTERNAL/secret",
        "/api/svc/%69nternal/secret",
        "/api/svc/internal;x=1/secret",
        "/api/svc/echo/../internal/secret",
    ):
        r = await gw.get(path)
        assert "secret" not in assert_problem(r, 404, "NOT_FOUND")
    assert_problem(await gw.get("/api/nope/x"), 404, "UNKNOWN_SERVICE")
    # httpx normalises dot segments, so send one as a raw ASGI request.
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/api/svc/echo/../internal/secret",
        "raw_path": b"/api/svc/echo/../internal/secret",
        "query_string": b"",
        "headers": [],
        "client": ("127.0.0.1", 1),
    }
    await gw._transport.app(scope, receive, send)
    assert sent[0]["status"] == 404
    assert_problem(await gw.get("/other"), 404, "NOT_FOUND")


async def test_cors_preflight_and_actual_request(gw):
    pre = await gw.options(
        "/api/svc/echo",
        headers={
            "origin": ORIGIN,
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization, content-type",
        },
    )
    assert pre.status_code == 204
    assert pre.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in pre.headers["access-control-allow-methods"]
    assert pre.headers["access-control-allow-headers"] == "authorization, content-type"
    assert pre.headers["access-control-allow-credentials"] == "true"

    r = await gw.get("/api/svc/echo", headers={"origin": ORIGIN})
    assert r.headers["access-control-allow-origin"] == ORIGIN
    assert "x-request-id" in r.headers["access-control-expose-headers"]

    evil = "https://evil.example"
    denied = await gw.options(
        "/api/svc/echo", headers={"origin": evil, "access-control-request-method": "GET"}
    )
    assert_problem(denied, 403, "CORS_ORIGIN_DENIED")
    assert "access-control-allow-origin" not in denied.headers
    r = await gw.get("/api/svc/echo", headers={"origin": evil})
    assert "access-control-allow-origin" not in r.headers


async def test_throttling_answers_429_with_retry_after(aws_port, upstream_url):
    gateway = make_gateway(
        aws_port, {"svc": upstream_url}, WEBDPRO_GATEWAY_RATE_RPS="0.5", WEBDPRO_GATEWAY_BURST="3"
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=gateway), base_url="http://gw") as client:
        statuses = [(await client.get("/api/svc/healthz")).status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
        r = await client.get("/api/svc/healthz")
        assert_problem(r, 429, "THROTTLED")
        assert int(r.headers["retry-after"]) >= 1
        assert (await client.get("/healthz")).status_code == 200  # health checks are never throttled
    await gateway.aclose()


def test_token_bucket_refills_at_the_configured_rate():
    now = [0.0]
    buckets = TokenBuckets(rate=2.0, burst=2, clock=lambda: now[0])
    assert buckets.take("a") == 0 and buckets.take("a") == 0
    assert buckets.take("a") == pytest.approx(0.5)
    assert buckets.take("b") == 0  # per client
    now[0] = 0.5
    assert buckets.take("a") == 0
    assert TokenBuckets(rate=0, burst=1).take("x") == 0  # rate 0 disables throttling


async def test_upstream_down_is_503_problem(aws_port, upstream_url):
    dead = f"http://127.0.0.1:{free_port()}"
    gateway = make_gateway(aws_port, {"svc": upstream_url, "gone": dead})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=gateway), base_url="http://gw") as client:
        assert_problem(await client.get("/api/gone/x"), 503, "UPSTREAM_UNAVAILABLE")
        health = await client.get("/healthz")
        assert health.status_code == 503
        assert health.json()["checks"]["gone"].startswith("down")
        assert health.json()["checks"]["svc"] == "ok" and health.json()["failing"] == ["gone"]
    await gateway.aclose()


async def test_healthz_is_200_when_every_service_and_the_emulator_answer(gw):
    r = await gw.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "checks": {"svc": "ok", "aws": "ok"}}


async def test_healthz_is_503_when_the_emulator_is_down(upstream_url):
    gateway = make_gateway(free_port(), {"svc": upstream_url})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=gateway), base_url="http://gw") as client:
        r = await client.get("/healthz")
        assert r.status_code == 503 and r.json()["failing"] == ["aws"]
    await gateway.aclose()


# A real gateway process: streaming must reach the client event by event, not at the end ------------------


@pytest.fixture(scope="module")
def gateway_process(aws_port, upstream_url) -> Iterator[str]:
    port = free_port()
    env = {
        **_base_env(),
        "WEBDPRO_GATEWAY_PORT": str(port),
        "WEBDPRO_AWS_PORT": str(aws_port),
        "WEBDPRO_SERVICE_URLS": f"svc={upstream_url}",
        "WEBDPRO_ENV": "test",
    }
    child = Child("gateway", [sys.executable, "-m", "webdpro_local.gateway"], env, quiet=True)
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz", child)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_all([child], grace=3)


async def test_server_sent_events_stream_through(gateway_process):
    started = time.monotonic()
    arrivals = []
    async with httpx.AsyncClient(base_url=gateway_process) as client:
        async with client.stream("GET", "/api/svc/sse", headers={"accept": "text/event-stream"}) as r:
            assert r.status_code == 200 and r.headers["content-type"] == "text/event-stream"
            assert r.headers["x-request-id"].startswith("req_")
            async for line in r.aiter_lines():
                if line.startswith("data:"):
                    arrivals.append((line, time.monotonic() - started))
    assert [a for a, _ in arrivals] == ["data: tick 0", "data: tick 1", "data: tick 2"]
    assert arrivals[0][1] < arrivals[2][1] - 0.5  # the first event arrived well before the stream ended


async def test_real_process_routes_and_answers_health(gateway_process):
    async with httpx.AsyncClient(base_url=gateway_process) as client:
        r = await client.put("/api/svc/echo?q=1", content=b"body")
        assert r.status_code == 201 and r.json()["method"] == "PUT" and r.json()["body"] == "body"
        assert (await client.get("/healthz")).json()["status"] == "ok"


# Dev inbox -----------------------------------------------------------------------------------------------


async def test_dev_inbox_lists_sms_and_email_sent_through_the_emulator(gw, clients):
    sns, ses = await clients.get("sns"), await clients.get("ses")
    await ses.verify_domain_identity(Domain="webdpro.in")
    phone = "+919812345678"
    await sns.publish(PhoneNumber=phone, Message="111111 is your code")
    await sns.publish(PhoneNumber=phone, Message="222222 is your code")
    await sns.publish(PhoneNumber="+919800000000", Message="someone else")
    await ses.send_email(
        Source="no-reply@webdpro.in",
        Destination={"ToAddresses": ["Merchant.Raj@Example.com"]},
        Message={"Subject": {"Data": "Your code"}, "Body": {"Text": {"Data": "333333 is your code"}}},
    )

    sms = (await gw.get("/_dev/inbox", params={"to": phone})).json()
    assert [m["body"] for m in sms] == ["222222 is your code", "111111 is your code"]  # newest first
    assert all(m["channel"] == "sms" and m["to"] == phone and m["sentAt"].endswith("Z") for m in sms)
    # The same number written differently (and with the + lost to form decoding) finds the same messages.
    assert (await gw.get("/_dev/inbox?to=+91 98123 45678")).json() == sms
    assert (await gw.get("/_dev/inbox", params={"to": "9812345678"})).json() == sms

    mail = (await gw.get("/_dev/inbox", params={"to": "merchant.raj@example.com"})).json()
    assert len(mail) == 1
    assert mail[0]["channel"] == "email" and mail[0]["body"] == "333333 is your code"
    assert mail[0]["to"] == "merchant.raj@example.com" and mail[0]["sentAt"].endswith("Z")
    assert (await gw.get("/_dev/inbox", params={"to": "raj@example.com"})).json() == []  # exact match only


async def test_dev_inbox_does_not_exist_in_prod(aws_port, upstream_url):
    gateway = make_gateway(aws_port, {"svc": upstream_url}, WEBDPRO_ENV="prod")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=gateway), base_url="http://gw") as client:
        assert_problem(await client.get("/_dev/inbox", params={"to": "+919812345678"}), 404, "NOT_FOUND")
    await gateway.aclose()


def test_problem_bodies_are_json():
    from webdpro_local.gateway import problem_body

    assert json.loads(problem_body(404, "NOT_FOUND", "Not found", "x"))["type"].startswith("https://")


# Host routing: a published store's pages go to sitegen's edge ----------------------------------------------


@pytest.fixture
async def store_gw(aws_port, upstream_url) -> AsyncIterator[httpx.AsyncClient]:
    gateway = make_gateway(
        aws_port,
        {"svc": upstream_url, "sitegen": upstream_url},
        WEBDPRO_GATEWAY_HOSTS="gw.example.in, API.local",
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=gateway), base_url="http://gw") as client:
        yield client
    await gateway.aclose()


async def test_a_store_host_page_goes_to_the_sitegen_edge_with_its_host(store_gw):
    for path, upstream in (
        ("/", "/api/sitegen/edge/"),
        ("/about", "/api/sitegen/edge/about"),
        ("/assets/styles.3f2a9c1b.css?v=1", "/api/sitegen/edge/assets/styles.3f2a9c1b.css"),
        ("/internal", "/api/sitegen/edge/internal"),  # a page may be called that: it stays under /edge
    ):
        r = await store_gw.get(path, headers={"host": "curam.localhost:8080"})
        assert r.status_code == 201, (path, r.text)
        echo = r.json()
        assert echo["raw_path"] == upstream and echo["method"] == "GET"
        sent = dict(echo["headers"])
        assert sent["x-forwarded-host"] == "curam.localhost:8080"
        assert sent["x-request-id"] == r.headers["x-request-id"]
    assert (await store_gw.get("/assets/a.css?v=1", headers={"host": "curam.localhost"})).json()[
        "query"
    ] == "v=1"
    # A custom domain is a store host too; the client cannot choose the forwarded host.
    r = await store_gw.get("/", headers={"host": "www.curamfresh.in", "x-forwarded-host": "other.localhost"})
    assert dict(r.json()["headers"])["x-forwarded-host"] == "www.curamfresh.in"


async def test_api_calls_on_a_store_host_go_to_the_services_as_usual(store_gw):
    r = await store_gw.post("/api/svc/echo/x", content=b"{}", headers={"host": "curam.localhost:8080"})
    assert r.status_code == 201 and r.json()["raw_path"] == "/api/svc/echo/x"
    assert_problem(
        await store_gw.get("/api/svc/internal/secret", headers={"host": "curam.localhost"}), 404, "NOT_FOUND"
    )
    health = await store_gw.get("/healthz", headers={"host": "curam.localhost"})
    assert set(health.json()["checks"]) == {"svc", "sitegen", "aws"}  # the gateway's own health, not a page


async def test_the_gateways_own_names_are_not_stores(store_gw):
    for host in (
        "127.0.0.1:8080",
        "localhost",
        "LOCALHOST:8080",
        "[::1]:8080",
        "gw.example.in",
        "api.local:80",
    ):
        assert_problem(await store_gw.get("/about", headers={"host": host}), 404, "NOT_FOUND")


async def test_store_pages_never_climb_out_of_the_edge(store_gw):
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    for raw in (b"/../stores", b"/a/%2e%2e/internal/x"):
        sent.clear()
        scope = {
            "type": "http",
            "method": "GET",
            "path": raw.decode().replace("%2e", "."),
            "raw_path": raw,
            "query_string": b"",
            "headers": [(b"host", b"curam.localhost:8080")],
            "client": ("127.0.0.1", 1),
        }
        await store_gw._transport.app(scope, receive, send)
        assert sent[0]["status"] == 404, raw
