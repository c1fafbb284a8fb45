"""One trace id follows the order: the checkout's trace is kept on the order (and sent to payments with the
payment call); the merchant's later requests and payments' / delivery's events move the order in that trace."""

import secrets

import pytest

from .conftest import bearer as auth
from .conftest import checkout_body, idem

pytestmark = pytest.mark.integration

API = "/api/orders"


def _traceparent() -> tuple[str, str]:
    trace_id = secrets.token_hex(16)
    return trace_id, f"00-{trace_id}-{secrets.token_hex(8)}-01"


def _trace_id(traceparent: str | None) -> str | None:
    return traceparent.split("-")[1] if traceparent else None


async def _checkout(http, base, world, method):
    tenant, merchant = world.merchant()
    store = await world.store(tenant)
    _, customer = world.customer()
    checkout_trace, traceparent = _traceparent()
    r = await http.post(
        f"{base}{API}/stores/{store}/checkout",
        json=checkout_body(method=method),
        headers={**auth(customer), **idem(), "traceparent": traceparent},
    )
    assert r.status_code == 201, r.text
    return tenant, merchant, r.json()["orderId"], checkout_trace


async def test_merchant_actions_in_new_requests_carry_the_checkout_trace(instances, http, world, events):
    a, b = instances["a"], instances["b"]
    _, merchant, order_id, checkout_trace = await _checkout(http, a, world, "COD")
    placed = await events.wait("order.placed", order_id)
    assert _trace_id(placed.trace) == checkout_trace
    for base, action in ((b, "accept"), (a, "pack")):  # each its own request (and instance), own trace
        _, own = _traceparent()
        r = await http.post(
            f"{base}{API}/orders/{order_id}/{action}", headers={**auth(merchant), "traceparent": own}
        )
        assert r.status_code == 200, r.text
    for event_type in ("order.confirmed", "order.accepted", "order.packed"):
        assert _trace_id((await events.wait(event_type, order_id)).trace) == checkout_trace, event_type


async def test_the_payment_call_and_the_events_of_other_services_continue_the_order_trace(
    instances, http, world, catalog, events
):
    a = instances["a"]
    tenant, merchant, order_id, checkout_trace = await _checkout(http, a, world, "UPI")
    assert _trace_id(catalog.payment_traces[order_id]) == checkout_trace  # payments keeps it on the payment
    # payments' and delivery's events, published here with no trace: the order's moves still carry its own.
    data = {"order_id": order_id, "tenant_id": tenant}
    await world.publish("payments", "payment.captured", {**data, "payment_id": "pay_x"}, tenant)
    assert _trace_id((await events.wait("order.confirmed", order_id)).trace) == checkout_trace
    _, own = _traceparent()
    r = await http.post(f"{a}{API}/orders/{order_id}/cancel", headers={**auth(merchant), "traceparent": own})
    assert r.status_code == 200, r.text
    assert _trace_id((await events.wait("order.cancelled", order_id)).trace) == checkout_trace
