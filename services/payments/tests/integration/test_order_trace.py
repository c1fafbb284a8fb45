"""One trace id from checkout to payout: the payment keeps the trace of orders' /internal/checkouts call, and
every later action on it — the customer's /verify, Razorpay's webhook, the transfer, its release on delivery —
emits its events in that trace, whatever trace (or none) the request or event that started it had."""

from __future__ import annotations

import secrets

import pytest

from webdpro_core import ids

pytestmark = pytest.mark.integration


def _traceparent() -> tuple[str, str]:
    trace_id = secrets.token_hex(16)
    return trace_id, f"00-{trace_id}-{secrets.token_hex(8)}-01"


def _trace_id(event) -> str | None:
    return event.trace.split("-")[1] if event.trace else None


async def _checkout(world, tenant: str, amount: int, phone: str | None = None) -> tuple[str, dict, str]:
    """orders' internal checkout call, made (as orders makes it) inside the order's trace."""
    trace_id, traceparent = _traceparent()
    order_id = ids.new_id("ord")
    body = {"orderId": order_id, "tenantId": tenant, "storeId": "sto_curam", "amountPaise": amount}
    body |= {"method": "UPI", **({"customerPhone": phone} if phone else {})}
    r = await world.post("/internal/checkouts", body, {**world.internal(), "traceparent": traceparent})
    assert r.status_code == 201, r.text
    return order_id, r.json(), trace_id


async def test_verify_in_a_new_request_captures_in_the_orders_trace_and_the_payout_follows(
    world, rzp, events
):
    tenant, merchant = world.merchant()
    await world.onboard(merchant)
    phone, customer = world.customer()
    order_id, answer, order_trace = await _checkout(world, tenant, 50_000, phone)
    paid = rzp.pay(answer["razorpayOrderId"], method="upi")
    verify_trace, verify_traceparent = _traceparent()  # the customer's request: a trace of its own
    r = await world.post(
        "/verify", world.verify_body(order_id, paid), {**customer, "traceparent": verify_traceparent}
    )
    assert r.status_code == 200, r.text

    captured = await events.wait("payment.captured", "order_id", order_id)
    assert _trace_id(captured) == order_trace != verify_trace
    created = await events.wait("transfer.created", "order_id", order_id)
    assert _trace_id(created) == order_trace
    # orders' order.delivered published here with no trace at all: the release still continues the order's.
    await world.publish("orders", "order.delivered", {"order_id": order_id, "tenant_id": tenant}, tenant)
    released = await events.wait("transfer.released", "order_id", order_id)
    assert released.trace is not None and _trace_id(released) == order_trace


async def test_the_webhook_alone_captures_in_the_orders_trace(world, rzp, events):
    tenant, _ = world.merchant()
    order_id, answer, order_trace = await _checkout(world, tenant, 41_000)
    rzp.pay(answer["razorpayOrderId"], method="card")  # no /verify: Razorpay's webhook captures
    captured = await events.wait("payment.captured", "order_id", order_id)
    assert captured.data["payment_id"] and _trace_id(captured) == order_trace
