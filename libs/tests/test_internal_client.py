"""The client of another service's /internal/ routes: token and trace on every call, 503 for what goes wrong."""

from __future__ import annotations

import httpx
import msgspec
import pytest

from webdpro_core.errors import Unavailable
from webdpro_observability import configure_tracing, continue_trace
from webdpro_tenancy import InternalClient, ServiceTokens

TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


class Answer(msgspec.Struct):
    ok: bool


def client(handler) -> InternalClient:
    return InternalClient(
        "http://payments.local/",
        "payments",
        ServiceTokens(b"k" * 32, "orders"),
        5.0,
        title="Payments are unavailable",
        http=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
    )


async def test_a_call_carries_the_service_token_and_the_trace():
    configure_tracing("test")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={"ok": True})

    api = client(handler)
    with continue_trace(TRACE, "test"):
        resp = await api.post("/checkouts", {"orderId": "ord_1"})
    assert api.decode(resp, msgspec.json.Decoder(Answer)) == Answer(ok=True)
    (request,) = seen
    assert str(request.url) == "http://payments.local/api/payments/internal/checkouts"
    assert request.headers["authorization"].startswith("Bearer ")
    assert request.headers["traceparent"].split("-")[1] == TRACE.split("-")[1]


async def test_unreachable_or_a_strange_answer_is_503_with_the_services_code():
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(Unavailable) as refused:
        await client(down).post("/checkouts")
    assert refused.value.code == "PAYMENTS_UNAVAILABLE" and refused.value.status == 503

    api = client(lambda request: httpx.Response(200, text="<html>"))
    with pytest.raises(Unavailable):
        api.decode(await api.post("/checkouts"), msgspec.json.Decoder(Answer))
