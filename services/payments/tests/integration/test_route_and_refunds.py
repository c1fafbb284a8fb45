"""Route splits held until delivery, release on order.delivered, refund + reversal on order.cancelled, partial
refunds by the merchant, and the ledger that follows every step."""

from __future__ import annotations

import pytest

from webdpro_core import ids

pytestmark = pytest.mark.integration


async def _balance(world, merchant):
    return (await world.get("/balance", merchant)).json()


async def test_a_linked_merchant_gets_a_held_transfer_released_on_delivery(world, rzp, events):
    tenant, merchant = world.merchant()
    account = await world.onboard(merchant)
    order_id, payment_id = await world.paid_order(rzp, tenant, 100_000)
    created = await events.wait("transfer.created", "order_id", order_id)
    assert created.data["amount_paise"] == 95_000 and created.data["on_hold"] is True  # 5% platform cut
    transfer = rzp.api("GET", f"/v1/transfers/{created.data['transfer_id']}").json()
    assert (
        transfer["recipient"] == account and transfer["source"] == payment_id and transfer["on_hold"] is True
    )
    b = await _balance(world, merchant)
    assert (b["pendingDeliveryPaise"], b["onHoldPaise"], b["merchantBalancePaise"]) == (95_000, 95_000, 0)

    for _ in range(2):  # a redelivered order.delivered changes nothing
        await world.publish("orders", "order.delivered", {"order_id": order_id, "tenant_id": tenant}, tenant)
    released = await events.wait("transfer.released", "order_id", order_id)
    assert released.data["amount_paise"] == 95_000
    assert rzp.api("GET", f"/v1/transfers/{created.data['transfer_id']}").json()["on_hold"] is False
    b = await _balance(world, merchant)
    assert (b["pendingDeliveryPaise"], b["onHoldPaise"], b["platformCutPaise"]) == (0, 0, 5_000)
    assert b["accounts"] == [
        {"account": "MERCHANT_PENDING", "balancePaise": 0},
        {"account": "PLATFORM_REVENUE", "balancePaise": 5_000},
        {"account": "RAZORPAY_CLEARING", "balancePaise": 5_000},
        {"account": "ROUTE_ON_HOLD", "balancePaise": 0},
    ]
    await events.settle(1)
    assert len(events.of("order_id", order_id, "transfer.released")) == 1
    ledger = (await world.get("/ledger", merchant)).json()
    kinds = [e["kind"] for e in ledger["items"]]
    assert kinds == ["PAYMENT_CAPTURED", "TRANSFER_CREATED", "TRANSFER_RELEASED"]
    for e in ledger["items"]:
        assert sum(p["debitPaise"] for p in e["postings"]) == sum(p["creditPaise"] for p in e["postings"])


async def test_cancelling_a_paid_order_reverses_the_transfer_and_refunds_in_full(world, rzp, events):
    tenant, merchant = world.merchant()
    await world.onboard(merchant)
    order_id, payment_id = await world.paid_order(rzp, tenant, 20_000)
    created = await events.wait("transfer.created", "order_id", order_id)
    rzp.fault(next_n_requests=1, status=503, paths=f"/v1/payments/{payment_id}/refund", process=True)
    for _ in range(2):
        await world.publish(
            "orders",
            "order.cancelled",
            {"order_id": order_id, "tenant_id": tenant, "reason": "MERCHANT_CANCELLED"},
            tenant,
        )
    reversed_ = await events.wait("transfer.reversed", "order_id", order_id)
    assert reversed_.data["amount_paise"] == 19_000
    refunded = await world.until(
        lambda: _refunds(world, merchant, order_id), what="the refund to be recorded"
    )
    assert [r["amountPaise"] for r in refunded] == [20_000]
    # Razorpay did the refund once although its first answer was a 503.
    theirs = rzp.api("GET", f"/v1/payments/{payment_id}/refunds").json()["items"]
    assert [r["amount"] for r in theirs] == [20_000]
    assert rzp.api("GET", f"/v1/transfers/{created.data['transfer_id']}").json()["amount_reversed"] == 19_000
    processed = await events.wait("refund.processed", "order_id", order_id, timeout=20)
    assert processed.data["amount_paise"] == 20_000 and processed.data["full"] is True
    b = await _balance(world, merchant)
    assert all(a["balancePaise"] == 0 for a in b["accounts"]), b["accounts"]
    await events.settle(1)
    assert len(events.of("order_id", order_id, "refund.processed")) == 1


async def _refunds(world, merchant, order_id):
    view = (await world.get(f"/payments/{order_id}", merchant)).json()
    return view["refunds"] or None


async def test_partial_refunds_by_the_merchant_and_their_limits(world, rzp, events):
    tenant, merchant = world.merchant()
    order_id, _ = await world.paid_order(rzp, tenant, 10_000)  # not on Route: the share accrues
    r = await world.post(
        f"/payments/{order_id}/refunds",
        {"amountPaise": 3_000, "reason": "one item short"},
        {**merchant, "idempotency-key": "short-1"},
    )
    assert r.status_code == 201, r.text
    first = r.json()
    assert (first["amountPaise"], first["platformPaise"], first["merchantPaise"]) == (3_000, 150, 2_850)
    same = await world.post(
        f"/payments/{order_id}/refunds", {"amountPaise": 3_000}, {**merchant, "idempotency-key": "short-1"}
    )
    assert same.status_code == 201 and same.json()["refundId"] == first["refundId"]
    too_much = await world.post(f"/payments/{order_id}/refunds", {"amountPaise": 7_001}, merchant)
    assert too_much.status_code == 409 and too_much.json()["code"] == "REFUND_TOO_LARGE"
    _, other = world.merchant()
    assert (await world.post(f"/payments/{order_id}/refunds", {"amountPaise": 1}, other)).status_code == 404
    admin = world.tokens.headers("SUPER_ADMIN")
    assert (await world.post(f"/payments/{order_id}/refunds", {"amountPaise": 1}, admin)).status_code == 403
    rest = await world.post(f"/payments/{order_id}/refunds", {"amountPaise": 7_000}, merchant)
    assert rest.status_code == 201 and rest.json()["platformPaise"] == 350  # exactly the rest of the 500 cut
    b = await _balance(world, merchant)
    assert all(a["balancePaise"] == 0 for a in b["accounts"]), b["accounts"]


async def test_delivery_of_an_unlinked_merchants_order_accrues_the_share(world, rzp, events):
    tenant, merchant = world.merchant()
    order_id, _ = await world.paid_order(rzp, tenant, 10_000)
    await world.publish("orders", "order.delivered", {"order_id": order_id, "tenant_id": tenant}, tenant)
    b = await world.until(lambda: _accrued(world, merchant), what="the share to accrue")
    assert b["merchantBalancePaise"] == 9_500 and b["pendingDeliveryPaise"] == 0
    # A COD order's delivered / cancelled events (no payment here) are acknowledged and change nothing.
    await world.publish(
        "orders", "order.delivered", {"order_id": ids.new_id("ord"), "tenant_id": tenant}, tenant
    )


async def _accrued(world, merchant):
    b = await _balance(world, merchant)
    return b if b["merchantBalancePaise"] else None


async def test_a_payment_after_the_order_was_cancelled_is_refunded_at_once(world, rzp, events):
    tenant, merchant = world.merchant()
    phone, customer = world.customer()
    order_id, answer = await world.checkout(tenant, 15_000, phone=phone)
    await world.publish(
        "orders",
        "order.cancelled",
        {"order_id": order_id, "tenant_id": tenant, "reason": "PAYMENT_TIMEOUT"},
        tenant,
    )

    async def marked():
        view = (await world.get(f"/payments/{order_id}", merchant)).json()
        return view if view["orderStatus"] == "CANCELLED" else None

    await world.until(marked, what="the unpaid order to be marked cancelled")
    paid = rzp.pay(answer["razorpayOrderId"])  # the customer pays in the last second, too late
    r = await world.post("/verify", world.verify_body(order_id, paid), customer)
    assert r.status_code == 200, r.text
    refunds = await world.until(lambda: _refunds(world, merchant, order_id), what="the automatic refund")
    assert [x["amountPaise"] for x in refunds] == [15_000]
    theirs = rzp.api("GET", f"/v1/payments/{paid['razorpay_payment_id']}/refunds").json()["items"]
    assert [x["amount"] for x in theirs] == [15_000]
    b = await _balance(world, merchant)
    assert all(a["balancePaise"] == 0 for a in b["accounts"]), b["accounts"]


async def test_a_refund_after_delivery_takes_the_share_back_from_the_released_transfer(world, rzp, events):
    tenant, merchant = world.merchant()
    await world.onboard(merchant)
    order_id, _ = await world.paid_order(rzp, tenant, 10_000)
    created = await events.wait("transfer.created", "order_id", order_id)
    await world.publish("orders", "order.delivered", {"order_id": order_id, "tenant_id": tenant}, tenant)
    await events.wait("transfer.released", "order_id", order_id)
    r = await world.post(
        f"/payments/{order_id}/refunds", {"amountPaise": 4_000, "reason": "bruised"}, merchant
    )
    assert r.status_code == 201, r.text
    assert (r.json()["platformPaise"], r.json()["merchantPaise"], r.json()["reversedPaise"]) == (
        200,
        3_800,
        3_800,
    )
    assert rzp.api("GET", f"/v1/transfers/{created.data['transfer_id']}").json()["amount_reversed"] == 3_800
    b = await _balance(world, merchant)
    # Razorpay holds the platform's remaining cut (300) for this merchant; the merchant owes nothing.
    assert (b["merchantBalancePaise"], b["platformCutPaise"]) == (0, 300)
    assert {a["account"]: a["balancePaise"] for a in b["accounts"]}["RAZORPAY_CLEARING"] == 300
