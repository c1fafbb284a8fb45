"""The Razorpay client never does a money-moving thing twice: a create that failed (5xx after doing the work,
a timeout) is looked up before it is retried; refunds and direct transfers carry a stable idempotency key; 4xx is
not retried. Against httpx's MockTransport (no network)."""

from __future__ import annotations

import json

import httpx
import pytest

from payments.adapters.razorpay import RazorpayClient, RazorpayError, RazorpayRefused, idempotency_header
from payments.domain import signatures


def client(handler) -> tuple[RazorpayClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request, len(seen))

    http = httpx.AsyncClient(base_url="http://rzp.test", transport=httpx.MockTransport(record))
    return RazorpayClient("http://rzp.test", "k", "s", retries=3, backoff=0.001, http=http), seen


async def test_a_create_whose_answer_was_lost_is_found_by_receipt_not_made_again():
    made: dict[str, dict] = {}

    def handler(request: httpx.Request, n: int) -> httpx.Response:
        if request.method == "GET":
            items = list(made.values())
            return httpx.Response(200, json={"entity": "collection", "count": len(items), "items": items})
        body = json.loads(request.content)
        made[body["receipt"]] = {"id": "order_1", "amount": body["amount"], "receipt": body["receipt"]}
        return httpx.Response(503, json={"error": {"code": "SERVER_ERROR", "description": "boom"}})

    rzp, seen = client(handler)
    order = await rzp.create_order(amount=500, receipt="ord_1", notes={})
    assert order["id"] == "order_1"
    assert [r.method for r in seen] == ["GET", "POST", "GET"]  # looked up, created (lost), found: no 2nd POST


async def test_timeouts_are_retried_then_reported_and_4xx_is_not_retried():
    def slow(request: httpx.Request, n: int) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    rzp, seen = client(slow)
    with pytest.raises(RazorpayError):
        await rzp.payment("pay_1")
    assert len(seen) == 4  # 1 + 3 retries

    def bad(request: httpx.Request, n: int) -> httpx.Response:
        return httpx.Response(
            400, json={"error": {"code": "BAD_REQUEST_ERROR", "description": "no such id", "field": "id"}}
        )

    rzp, seen = client(bad)
    with pytest.raises(RazorpayRefused) as err:
        await rzp.payment("pay_1")
    assert (err.value.code, err.value.field, len(seen)) == ("BAD_REQUEST_ERROR", "id", 1)


async def test_refund_retries_carry_the_same_idempotency_key():
    def handler(request: httpx.Request, n: int) -> httpx.Response:
        if n < 3:
            return httpx.Response(502, json={"error": {"code": "GATEWAY_ERROR", "description": "x"}})
        return httpx.Response(200, json={"id": "rfnd_1", "status": "processed", "amount": 100})

    rzp, seen = client(handler)
    rf = await rzp.refund("pay_1", amount=100, key="cancel-ord_1", notes={})
    assert rf["id"] == "rfnd_1"
    keys = {r.headers["x-refund-idempotency"] for r in seen}
    assert keys == {idempotency_header("cancel-ord_1")} and len(seen) == 3
    key = idempotency_header("stl_tnt_01abcdefghijklmnopqrstuvwx_20261126")
    assert 10 <= len(key) <= 36 and key.isalnum()


def test_signatures_are_razorpays():
    sig = signatures.sign("secret", "order_1|pay_1")
    assert signatures.checkout_ok("secret", "order_1", "pay_1", sig)
    assert signatures.checkout_ok("secret", "order_1", "pay_1", sig.upper())  # hex case does not matter
    assert not signatures.checkout_ok("secret", "order_1", "pay_2", sig)
    assert not signatures.checkout_ok("other", "order_1", "pay_1", sig)
    assert not signatures.checkout_ok("secret", "order_1", "pay_1", None)
    body = b'{"event":"payment.captured"}'
    assert signatures.webhook_ok("wh", body, signatures.sign("wh", body))
    assert not signatures.webhook_ok("wh", body + b" ", signatures.sign("wh", body))
