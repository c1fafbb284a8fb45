"""Customer payments against the Razorpay emulator: internal checkout (once per order, through 5xx faults),
/verify, signed webhooks (bad signature, tampered body, duplicates, reordering) and the verify/webhook race."""

from __future__ import annotations

import asyncio
import json

import pytest

from payments.domain.signatures import sign
from webdpro_core import ids

pytestmark = pytest.mark.integration


async def test_checkout_is_one_razorpay_order_per_order_id(world, rzp):
    tenant, _ = world.merchant()
    order_id, first = await world.checkout(tenant, 25_000)
    assert first == {
        "keyId": "rzp_test_webdpro",
        "razorpayOrderId": first["razorpayOrderId"],
        "amountPaise": 25_000,
        "currency": "INR",
        "checkoutJsUrl": f"{rzp.url}/v1/checkout.js",
    }
    _, again = await world.checkout(tenant, 25_000, order_id=order_id)
    assert again == first
    listed = rzp.api("GET", "/v1/orders", params={"receipt": order_id}).json()
    assert [o["id"] for o in listed["items"]] == [first["razorpayOrderId"]]
    assert listed["items"][0]["notes"]["tenant_id"] == tenant
    # The same order id for another amount, or from another tenant, is refused.
    body = {
        "orderId": order_id,
        "tenantId": tenant,
        "storeId": "sto_curam",
        "amountPaise": 1_000,
        "method": "UPI",
    }
    r = await world.post("/internal/checkouts", body, world.internal())
    assert r.status_code == 409 and r.json()["code"] == "AMOUNT_MISMATCH"
    other, _ = world.merchant()
    r = await world.post(
        "/internal/checkouts", {**body, "tenantId": other, "amountPaise": 25_000}, world.internal()
    )
    assert r.status_code == 409 and r.json()["code"] == "ORDER_ID_REUSED"


async def test_internal_checkout_needs_a_service_token_and_a_valid_body(world):
    tenant, merchant = world.merchant()
    body = {
        "orderId": ids.new_id("ord"),
        "tenantId": tenant,
        "storeId": "sto_1",
        "amountPaise": 5_000,
        "method": "UPI",
    }
    for headers in ({}, merchant, {"authorization": "Bearer svc1.orders.1.deadbeef"}):
        r = await world.post("/internal/checkouts", body, headers)
        assert r.status_code == 401, r.text
    for bad, field in (
        ({**body, "amountPaise": 50}, "amountPaise"),  # below Razorpay's ₹1 minimum
        ({**body, "method": "COD"}, "method"),
        ({**body, "extra": 1}, "extra"),
    ):
        r = await world.post("/internal/checkouts", bad, world.internal())
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == field, r.text


async def test_razorpay_5xx_after_doing_the_work_is_retried_without_a_second_order(world, rzp):
    tenant, _ = world.merchant()
    order_id = ids.new_id("ord")
    # Razorpay creates the order but answers 503 (twice), then a plain 503 on the receipt lookup.
    rzp.fault(next_n_requests=2, status=503, paths="/v1/orders", methods="POST", process=True)
    rzp.fault(next_n_requests=1, status=502, paths="/v1/orders", methods="GET")
    _, answer = await world.checkout(tenant, 12_300, order_id=order_id)
    listed = rzp.api("GET", "/v1/orders", params={"receipt": order_id}).json()["items"]
    assert [o["id"] for o in listed] == [answer["razorpayOrderId"]]


async def test_razorpay_down_is_503_and_nothing_is_stored(world, rzp):
    tenant, merchant = world.merchant()
    order_id = ids.new_id("ord")
    rzp.fault(next_n_requests=20, status=500, paths="/v1/orders")
    try:
        body = {
            "orderId": order_id,
            "tenantId": tenant,
            "storeId": "sto_1",
            "amountPaise": 5_000,
            "method": "UPI",
        }
        r = await world.post("/internal/checkouts", body, world.internal())
    finally:
        rzp.clear_faults()
    assert r.status_code == 503 and r.json()["code"] == "RAZORPAY_UNAVAILABLE"
    assert r.headers["content-type"].startswith("application/problem+json")
    assert (await world.get(f"/payments/{order_id}", merchant)).status_code == 404
    _, ok = await world.checkout(tenant, 5_000, order_id=order_id)  # and a retry goes through
    assert ok["amountPaise"] == 5_000


async def test_verify_captures_once_and_refuses_what_it_must(world, rzp, events):
    tenant, merchant = world.merchant()
    phone, customer = world.customer()
    order_id, answer = await world.checkout(tenant, 11_550, phone=phone)
    paid = rzp.pay(answer["razorpayOrderId"], method="upi")
    good = world.verify_body(order_id, paid)

    tampered = {**good, "razorpaySignature": "0" * 64}
    r = await world.post("/verify", tampered, customer)
    assert r.status_code == 400 and r.json()["code"] == "SIGNATURE_INVALID"
    r = await world.post("/verify", {**good, "razorpayPaymentId": "pay_someoneelse1"}, customer)
    assert r.status_code == 400 and r.json()["code"] == "SIGNATURE_INVALID"
    _, stranger = world.customer()
    assert (await world.post("/verify", good, stranger)).status_code == 404
    assert (await world.post("/verify", {**good, "orderId": ids.new_id("ord")}, customer)).status_code == 404
    assert (await world.post("/verify", good, world.tokens.headers("SUPER_ADMIN"))).status_code == 403
    assert (await world.post("/verify", good, {})).status_code == 401

    for _ in range(2):
        r = await world.post("/verify", good, customer)
        assert r.status_code == 200, r.text
        assert r.json() == {
            "orderId": order_id,
            "status": "CAPTURED",
            "paymentId": paid["razorpay_payment_id"],
            "amountPaise": 11_550,
        }
    e = await events.wait("payment.captured", "order_id", order_id)
    assert e.source == "payments" and e.tenant_id == tenant
    assert e.data == {
        "order_id": order_id,
        "store_id": "sto_curam",
        "tenant_id": tenant,
        "payment_id": paid["razorpay_payment_id"],
        "razorpay_order_id": answer["razorpayOrderId"],
        "amount_paise": 11_550,
        "method": "UPI",
        "platform_cut_paise": 578,  # the standard 5 % of 11,550, rounded
    }
    await events.settle(2)  # the webhooks of the same payment arrive meanwhile
    assert len(events.of("order_id", order_id, "payment.captured")) == 1
    view = (await world.get(f"/payments/{order_id}", merchant)).json()
    assert (
        view["status"] == "CAPTURED"
        and view["platformCutPaise"] == 578
        and view["merchantSharePaise"] == 10_972
    )
    # Another tenant's merchant cannot see it.
    _, other = world.merchant()
    assert (await world.get(f"/payments/{order_id}", other)).status_code == 404


async def test_the_webhook_alone_captures(world, rzp, events):
    tenant, merchant = world.merchant()
    order_id, answer = await world.checkout(tenant, 40_000)
    rzp.pay(answer["razorpayOrderId"], method="card")  # the customer closes the tab: no /verify
    e = await events.wait("payment.captured", "order_id", order_id)
    assert e.data["amount_paise"] == 40_000
    view = await world.until(lambda: _captured(world, order_id, merchant), what="the webhook capture")
    assert view["paymentId"] == e.data["payment_id"]


async def _captured(world, order_id, merchant):
    r = await world.get(f"/payments/{order_id}", merchant)
    return r.json() if r.status_code == 200 and r.json()["status"] == "CAPTURED" else None


async def test_verify_and_webhooks_racing_capture_once(world, rzp, events):
    tenant, _ = world.merchant()
    phone, customer = world.customer()
    rzp.webhook_faults(duplicate=True, reorder=True)
    try:
        orders = [await world.checkout(tenant, 9_900 + i, phone=phone) for i in range(3)]
        paid = [rzp.pay(a["razorpayOrderId"]) for _, a in orders]
        answers = await asyncio.gather(
            *(
                world.post("/verify", world.verify_body(o, p), customer)
                for (o, _), p in zip(orders, paid, strict=True)
                for _ in range(4)
            )
        )
        assert {r.status_code for r in answers} == {200}, [r.text for r in answers]
        for order_id, _ in orders:
            await events.wait("payment.captured", "order_id", order_id)
        rzp.wait_webhooks(timeout=15)
        await events.settle(2)
    finally:
        rzp.clear_faults()
    for order_id, _ in orders:
        assert len(events.of("order_id", order_id, "payment.captured")) == 1


def _webhook(payment: dict, event: str = "payment.captured") -> bytes:
    return json.dumps(
        {
            "entity": "event",
            "account_id": "acc_test",
            "event": event,
            "contains": ["payment"],
            "payload": {"payment": {"entity": payment}},
            "created_at": 1_700_000_000,
        }
    ).encode()


async def _send(world, raw: bytes, signature: str | None, event_id: str | None):
    headers = {"content-type": "application/json"}
    if signature is not None:
        headers["x-razorpay-signature"] = signature
    if event_id is not None:
        headers["x-razorpay-event-id"] = event_id
    return await world.http.post(f"{world.base}/api/payments/webhooks/razorpay", content=raw, headers=headers)


async def test_webhook_signature_is_checked_over_the_raw_body_and_nothing_is_stored_when_bad(
    world, aws, names
):
    from webdpro_aws.dynamo import Table

    table = Table(await aws.get("dynamodb"), names.table("payments"))
    raw = _webhook({"id": "pay_x", "order_id": "order_x", "amount": 100, "status": "captured"})
    secret = "webdpro_webhook_secret"
    cases = [
        (raw, None),  # missing
        (raw, "nothex"),
        (raw, sign("another_secret", raw)),
        (raw.replace(b'"amount": 100', b'"amount": 1'), sign(secret, raw)),  # body changed after signing
        (raw + b" ", sign(secret, raw)),  # even one byte
    ]
    for i, (body, sig) in enumerate(cases):
        event_id = f"evt_bad_{ids.new_id('x')}_{i}"
        r = await _send(world, body, sig, event_id)
        assert r.status_code == 401 and r.json()["code"] == "WEBHOOK_SIGNATURE_INVALID", r.text
        assert await table.get({"PK": f"WEBHOOK#{event_id}", "SK": "EVENT"}) is None
    # Well signed but not JSON → 400 (Razorpay never sends that; nothing stored either).
    junk = b"not json"
    r = await _send(world, junk, sign(secret, junk), "evt_junk")
    assert r.status_code == 400 and await table.get({"PK": "WEBHOOK#evt_junk", "SK": "EVENT"}) is None


async def test_replayed_and_reordered_webhooks_change_nothing(world, rzp, events, aws, names):
    from webdpro_aws.dynamo import Table

    table = Table(await aws.get("dynamodb"), names.table("payments"))
    tenant, merchant = world.merchant()
    order_id, answer = await world.checkout(tenant, 30_000)
    secret = "webdpro_webhook_secret"
    payment = {
        "id": "pay_" + ids.new_id("t")[4:18],
        "entity": "payment",
        "amount": 30_000,
        "currency": "INR",
        "status": "captured",
        "order_id": answer["razorpayOrderId"],
        "method": "upi",
        "captured": True,
    }
    failed = {
        **payment,
        "id": "pay_" + ids.new_id("f")[4:18],
        "status": "failed",
        "error_description": "declined",
    }
    captured = _webhook(payment)
    failure = _webhook(failed, "payment.failed")
    eid = ids.new_id("evt")
    first = await _send(world, captured, sign(secret, captured), eid)
    assert first.status_code == 200 and first.json()["status"] == "accepted"
    replay = await _send(world, captured, sign(secret, captured), eid)
    assert replay.status_code == 200 and replay.json()["status"] == "duplicate"
    # The same event again under another id, and an older failure arriving late.
    assert (await _send(world, captured, sign(secret, captured), ids.new_id("evt"))).status_code == 200
    assert (await _send(world, failure, sign(secret, failure), ids.new_id("evt"))).status_code == 200
    await events.wait("payment.captured", "order_id", order_id)
    row = await world.until(lambda: _processed(table, eid), what="the stored webhook to be processed")
    assert row["event"] == "payment.captured"
    await events.settle(2)
    assert len(events.of("order_id", order_id, "payment.captured")) == 1
    assert events.of("order_id", order_id, "payment.failed") == []
    view = (await world.get(f"/payments/{order_id}", merchant)).json()
    assert view["status"] == "CAPTURED" and view["paymentId"] == payment["id"]


async def _processed(table, eid):
    row = await table.get({"PK": f"WEBHOOK#{eid}", "SK": "EVENT"})
    return row if row and row.get("status") == "PROCESSED" else None


async def test_a_failed_payment_is_announced_and_the_customer_can_pay_again(world, rzp, events):
    tenant, _ = world.merchant()
    phone, customer = world.customer()
    order_id, answer = await world.checkout(tenant, 7_700, phone=phone)
    failure = rzp.pay(answer["razorpayOrderId"], outcome="failure")
    assert "error" in failure
    e = await events.wait("payment.failed", "order_id", order_id)
    assert e.data["tenant_id"] == tenant and e.data["amount_paise"] == 7_700
    paid = rzp.pay(answer["razorpayOrderId"])
    r = await world.post("/verify", world.verify_body(order_id, paid), customer)
    assert r.status_code == 200 and r.json()["status"] == "CAPTURED"
    await events.wait("payment.captured", "order_id", order_id)


async def test_an_amount_mismatch_is_never_captured(world, events):
    tenant, merchant = world.merchant()
    order_id, answer = await world.checkout(tenant, 50_000)
    wrong = _webhook(
        {
            "id": "pay_wrongamount01",
            "order_id": answer["razorpayOrderId"],
            "amount": 100,
            "status": "captured",
        }
    )
    r = await _send(world, wrong, sign("webdpro_webhook_secret", wrong), ids.new_id("evt"))
    assert r.status_code == 200
    await events.settle(2)
    assert events.of("order_id", order_id, "payment.captured") == []
    assert (await world.get(f"/payments/{order_id}", merchant)).json()["status"] == "CREATED"
