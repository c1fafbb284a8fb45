"""Publish charges (sitegen → `POST /internal/publish-charges`): the pricing rule, one payment per publication,
and the automatic refund when the paid custom domain could not be bought (`domain.purchase_failed`)."""

from __future__ import annotations

import time

import pytest

from webdpro_core import ids
from webdpro_events import decode

pytestmark = pytest.mark.integration

FEE, REPUBLISH, SETUP = 49_900, 19_900, 29_900


def _body(tenant: str, kind: str = "PUBLISH", **kw) -> dict:
    return {
        "tenant_id": tenant,
        "store_id": kw.pop("store_id", "sto_curam"),
        "publication_id": kw.pop("publication_id", None) or ids.new_id("pub"),
        "kind": kind,
        "domain": kw.pop("domain", None),
        "domain_price_paise": kw.pop("domain_price_paise", None),
    }


async def _charge(world, body: dict, expect: int = 201) -> dict:
    r = await world.post("/internal/publish-charges", body, world.internal())
    assert r.status_code == expect, r.text
    return r.json()


async def _paid(world, rzp, merchant, answer: dict) -> str:
    pp = answer["platformPayment"]
    paid = rzp.pay(pp["razorpayOrderId"], method="card")
    v = await world.post("/verify", world.verify_body(pp["platformPaymentId"], paid), merchant)
    assert v.status_code == 200 and v.json()["status"] == "CAPTURED", v.text
    return paid["razorpay_payment_id"]


async def _subscribe(world, rzp, merchant) -> None:
    r = await world.post("/platform-payments", {"purpose": "SUBSCRIPTION", "storeId": "sto_curam"}, merchant)
    assert r.status_code == 201, r.text
    rzp.authenticate(r.json()["subscriptionId"])

    async def subscribed():
        return (await world.get("/balance", merchant)).json()["plan"] == "SUBSCRIBED"

    await world.until(subscribed, timeout=20, what="the subscription to be active")


async def test_a_first_publish_pays_the_publish_fee_once_per_publication(world, rzp, events):
    tenant, merchant = world.merchant()
    body = _body(tenant)
    first = await _charge(world, body)
    assert (first["covered"], first["coveredBy"], first["amountPaise"]) == (False, None, FEE)
    assert first["breakdown"] == [{"item": "publish_fee", "amountPaise": FEE}]
    pp = first["platformPayment"]
    assert pp["purpose"] == "STORE_PUBLISH" and pp["amountPaise"] == FEE and pp["storeId"] == "sto_curam"
    assert pp["razorpayOrderId"].startswith("order_") and pp["keyId"]
    again = await _charge(world, body, expect=200)
    assert again == first  # the same payment, the same Razorpay order
    other_kind = await world.post(
        "/internal/publish-charges", {**body, "kind": "REPUBLISH"}, world.internal()
    )
    assert other_kind.status_code == 409 and other_kind.json()["code"] == "PUBLICATION_ID_REUSED"
    # The merchant pays it like any platform fee; the event tells sitegen which publication was paid.
    await _paid(world, rzp, merchant, first)
    e = await events.wait("publish.paid", "platform_payment_id", pp["platformPaymentId"])
    assert e.data["publication_id"] == body["publication_id"] and e.data["kind"] == "PUBLISH"
    assert e.data["purpose"] == "STORE_PUBLISH" and e.data["amount_paise"] == FEE and e.tenant_id == tenant
    # A republish (another publication) is the republish fee.
    rep = await _charge(world, _body(tenant, "REPUBLISH"))
    assert rep["amountPaise"] == REPUBLISH and rep["platformPayment"]["purpose"] == "REPUBLISH"
    assert rep["breakdown"] == [{"item": "republish_fee", "amountPaise": REPUBLISH}]


async def test_a_custom_domain_adds_its_price_and_the_setup_fee(world, rzp, events):
    tenant, merchant = world.merchant()
    body = _body(tenant, domain="curam.in", domain_price_paise=70_000)
    out = await _charge(world, body)
    assert out["amountPaise"] == FEE + 70_000 + SETUP and out["covered"] is False
    assert out["breakdown"] == [
        {"item": "publish_fee", "amountPaise": FEE},
        {"item": "domain", "amountPaise": 70_000},
        {"item": "domain_setup", "amountPaise": SETUP},
    ]
    pp = out["platformPayment"]
    assert pp["purpose"] == "STORE_PUBLISH" and pp["amountPaise"] == FEE + 70_000 + SETUP
    await _paid(world, rzp, merchant, out)
    e = await events.wait("publish.paid", "platform_payment_id", pp["platformPaymentId"])
    assert (e.data["domain"], e.data["domain_price_paise"]) == ("curam.in", 70_000)
    assert e.data["publication_id"] == body["publication_id"]
    # The merchant's own route still prices a plain STORE_PUBLISH as before.
    r = await world.post("/platform-payments", {"purpose": "STORE_PUBLISH", "storeId": "sto_x"}, merchant)
    assert r.status_code == 201 and r.json()["amountPaise"] == FEE


async def test_an_active_subscription_covers_the_fees_but_not_a_domain(world, rzp, events):
    tenant, merchant = world.merchant()
    await _subscribe(world, rzp, merchant)
    body = _body(tenant)
    out = await _charge(world, body)
    assert out == {
        "covered": True,
        "coveredBy": "SUBSCRIPTION",
        "amountPaise": 0,
        "breakdown": [],
        "platformPayment": None,
    }
    assert await _charge(world, body, expect=200) == out
    rep = await _charge(world, _body(tenant, "REPUBLISH"))
    assert rep["covered"] is True and rep["platformPayment"] is None
    dom = await _charge(world, _body(tenant, domain="curam.store", domain_price_paise=50_000))
    assert (dom["covered"], dom["coveredBy"], dom["amountPaise"]) == (False, "SUBSCRIPTION", 50_000 + SETUP)
    assert [i["item"] for i in dom["breakdown"]] == ["domain", "domain_setup"]
    pp = dom["platformPayment"]
    assert pp["purpose"] == "DOMAIN" and pp["amountPaise"] == 50_000 + SETUP
    await _paid(world, rzp, merchant, dom)
    e = await events.wait("domain.paid", "platform_payment_id", pp["platformPaymentId"])
    assert e.data["domain"] == "curam.store" and e.data["publication_id"]


async def test_bad_bodies_and_tokens_are_refused(world):
    tenant, merchant = world.merchant()
    body = _body(tenant)
    assert (await world.post("/internal/publish-charges", body, merchant)).status_code in (401, 403)
    for bad in (
        {**body, "kind": "FREE"},
        {**body, "domain": "not a domain"},
        {**body, "domain_price_paise": -1},
        {**body, "extra": 1},
    ):
        r = await world.post("/internal/publish-charges", bad, world.internal())
        assert r.status_code in (400, 422), (bad, r.text)


async def _purchase_failed(world, tenant: str, publication_id: str, ppid: str, *, as_tenant=None) -> None:
    data = {
        "tenant_id": as_tenant or tenant,
        "store_id": "sto_curam",
        "publication_id": publication_id,
        "platform_payment_id": ppid,
        "domain": "curam.in",
        "reason": "REGISTRAR_REFUSED",
    }
    await world.publish("sitegen", "domain.purchase_failed", data, as_tenant or tenant)


def _rzp_refunds(rzp, payment_id: str) -> list[dict]:
    return rzp.api("GET", f"/v1/payments/{payment_id}/refunds").json()["items"]


async def test_a_failed_domain_purchase_refunds_the_payment_once(world, rzp, events):
    tenant, merchant = world.merchant()
    body = _body(tenant, domain="curam.in", domain_price_paise=70_000)
    out = await _charge(world, body)
    ppid = out["platformPayment"]["platformPaymentId"]
    payment_id = await _paid(world, rzp, merchant, out)
    await events.wait("publish.paid", "platform_payment_id", ppid)
    total = FEE + 70_000 + SETUP
    await _purchase_failed(world, tenant, body["publication_id"], ppid)
    e = await events.wait("platform_payment.refunded", "platform_payment_id", ppid, timeout=20)
    assert e.tenant_id == tenant and e.data["amount_paise"] == total
    assert e.data["publication_id"] == body["publication_id"] and e.data["reason"] == "REGISTRAR_REFUSED"
    assert e.data["refund_id"].startswith("rfnd_")
    theirs = _rzp_refunds(rzp, payment_id)
    assert [r["amount"] for r in theirs] == [total]
    b = (await world.get("/balance", merchant)).json()
    assert b["platformFeesPaise"] == 0  # the fee entry and its refund entry cancel out
    entries = (await world.get("/ledger", merchant)).json()["items"]
    refund = [x for x in entries if x["kind"] == "REFUND"]
    assert len(refund) == 1
    view = (await world.get(f"/platform-payments/{ppid}", merchant)).json()
    assert view["refundedPaise"] == total
    # The failure is reported again (a new event for the same payment): nothing more is refunded.
    await _purchase_failed(world, tenant, body["publication_id"], ppid)
    await events.settle(2.5)
    assert len(events.of("platform_payment_id", ppid, "platform_payment.refunded")) == 1
    assert len(_rzp_refunds(rzp, payment_id)) == 1
    assert (
        len([x for x in (await world.get("/ledger", merchant)).json()["items"] if x["kind"] == "REFUND"]) == 1
    )


async def test_a_paid_publish_that_never_went_live_is_refunded(world, rzp, events):
    tenant, merchant = world.merchant()
    body = _body(tenant)  # the free subdomain: only the publish fee
    out = await _charge(world, body)
    ppid = out["platformPayment"]["platformPaymentId"]
    payment_id = await _paid(world, rzp, merchant, out)
    await events.wait("publish.paid", "platform_payment_id", ppid)
    data = {
        "tenant_id": tenant,
        "store_id": "sto_curam",
        "publication_id": body["publication_id"],
        "platform_payment_id": ppid,
        "reason": "the release could not be built",
    }
    await world.publish("sitegen", "publication.refund_due", data, tenant)
    e = await events.wait("platform_payment.refunded", "platform_payment_id", ppid, timeout=20)
    assert e.data["amount_paise"] == FEE and e.data["reason"] == "the release could not be built"
    await world.publish("sitegen", "publication.refund_due", data, tenant)
    await events.settle(2.5)
    assert [r["amount"] for r in _rzp_refunds(rzp, payment_id)] == [FEE]


async def _dead_letters(world, ppid: str, timeout: float = 20) -> list:
    sqs = await world.aws.get("sqs")
    url = (await sqs.get_queue_url(QueueName=world.names.dlq("payments")))["QueueUrl"]
    deadline = time.monotonic() + timeout
    while True:
        resp = await sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        mine = [
            m for m in resp.get("Messages", []) if decode(m["Body"]).data.get("platform_payment_id") == ppid
        ]
        for m in mine:
            await sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        if mine:
            return mine
        if time.monotonic() > deadline:
            raise AssertionError(f"no dead letter for {ppid}")


async def test_an_unknown_payment_goes_to_the_dlq(world):
    tenant, _ = world.merchant()
    ppid = f"ppy_{ids.new_id('x')[-20:]}"
    await _purchase_failed(world, tenant, ids.new_id("pub"), ppid)
    assert len(await _dead_letters(world, ppid)) == 1


async def test_another_tenants_payment_is_not_refunded(world, rzp, events):
    tenant, merchant = world.merchant()
    out = await _charge(world, _body(tenant, domain="curam.co.in", domain_price_paise=40_000))
    ppid = out["platformPayment"]["platformPaymentId"]
    payment_id = await _paid(world, rzp, merchant, out)
    await events.wait("publish.paid", "platform_payment_id", ppid)
    intruder, _ = world.merchant()
    await _purchase_failed(world, tenant, "pub_x", ppid, as_tenant=intruder)
    assert len(await _dead_letters(world, ppid)) == 1
    assert _rzp_refunds(rzp, payment_id) == []
    assert events.of("platform_payment_id", ppid, "platform_payment.refunded") == []
    assert "refundedPaise" not in (await world.get(f"/platform-payments/{ppid}", merchant)).json()
