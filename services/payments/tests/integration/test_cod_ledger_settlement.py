"""COD in the ledger (cash in the agent's hand, delivery cut, platform cut, the merchant's balance; mismatches
flagged), the agent's hand-over, the ledger / balance / CSV statement, the daily settlement and platform fees."""

from __future__ import annotations

import asyncio
import csv
import io

import pytest

from webdpro_core import ids

pytestmark = pytest.mark.integration


async def test_cod_collection_handover_and_a_flagged_mismatch(world, events):
    tenant, merchant = world.merchant()
    ok = await world.cod(tenant, 10_000)
    short = await world.cod(tenant, 4_500, due=5_000)
    await world.publish(  # a redelivery of the first changes nothing
        "delivery",
        "cod.collected",
        {
            "order_id": ok,
            "tenant_id": tenant,
            "agent_id": "agt_ravi",
            "amount_paise": 10_000,
            "due_paise": 10_000,
        },
        tenant,
    )
    flagged = await events.wait("cod.mismatch_flagged", "order_id", short)
    assert flagged.data["difference_paise"] == -500
    await world.entries(merchant, 2)
    await events.settle(1)
    b = (await world.get("/balance", merchant)).json()
    # due 15,000: platform 5% = 750, delivery 2% = 300; the agent holds 14,500 (₹5 short on one order)
    assert b["agentCashPaise"] == 14_500
    assert b["deliveryCutOwedPaise"] == 300
    assert b["merchantBalancePaise"] == -750 and b["owedByMerchantPaise"] == 750
    assert b["codCashToReceivePaise"] == 15_000 - 300
    assert (
        b["codDifferencePaise"] == -500
    )  # negative: collected less than due (an over-collection is positive)
    assert [f["orderId"] for f in b["flags"]] == [short]
    assert b["flags"][0]["differencePaise"] == -500

    agent = (await world.get("/agents/agt_ravi/cash", merchant)).json()
    assert agent == {
        "agentId": "agt_ravi",
        "cashInHandPaise": 14_500,
        "deliveryCutOwedPaise": 300,
        "expectedHandoverPaise": 14_200,
    }
    too_much = await world.post("/agents/agt_ravi/cash-handover", {"amountPaise": 14_600}, merchant)
    assert too_much.status_code == 409 and too_much.json()["code"] == "HANDOVER_EXCEEDS_CASH"
    body = {"amountPaise": 14_200, "keptDeliveryCutPaise": 300, "note": "evening hand-over"}
    headers = {**merchant, "idempotency-key": "ravi-day-1"}
    answers = await asyncio.gather(
        *(world.post("/agents/agt_ravi/cash-handover", body, headers) for _ in range(3))
    )
    assert {r.status_code for r in answers} == {201}, [r.text for r in answers]
    assert sum(1 for r in answers if not r.json()["replayed"]) == 1
    assert answers[0].json()["cashInHandPaise"] == 0
    _, other = world.merchant()
    assert (await world.get("/agents/agt_ravi/cash", other)).json()["cashInHandPaise"] == 0  # their own agent
    b = (await world.get("/balance", merchant)).json()
    assert (b["agentCashPaise"], b["deliveryCutOwedPaise"], b["codCashToReceivePaise"]) == (0, 0, 500)
    ledger = (await world.get("/ledger", merchant)).json()["items"]
    assert [e["kind"] for e in ledger] == ["COD_COLLECTED", "COD_COLLECTED", "CASH_HANDOVER"]


async def test_ledger_range_csv_and_bad_input(world, rzp):
    tenant, merchant = world.merchant()
    await world.cod(tenant, 20_000)
    await world.entries(merchant, 1)
    r = await world.http.get(f"{world.base}/api/payments/ledger/statement.csv", headers=merchant)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert {row["account"] for row in rows} >= {"AGENT_CASH:agt_ravi", "PLATFORM_REVENUE", "MERCHANT_PAYABLE"}
    assert sum(int(x["debit_paise"]) for x in rows) == sum(int(x["credit_paise"]) for x in rows) == 21_000
    empty = (await world.get("/ledger?from=2020-01-01&to=2020-01-31", merchant)).json()
    assert empty["items"] == []
    for query, code in (
        ("from=yesterday", "INVALID_DATE"),
        ("from=2026-02-01&to=2026-01-01", "INVALID_RANGE"),
        ("from=2020-01-01&to=2026-01-01", "RANGE_TOO_LONG"),
    ):
        bad = await world.get(f"/ledger?{query}", merchant)
        assert bad.status_code == 422 and bad.json()["code"] == code, bad.text
    page = (await world.get("/ledger?limit=1", merchant)).json()
    assert len(page["items"]) == 1


async def test_daily_settlement_pays_out_nets_and_is_idempotent(world, rzp, events):
    tenant, merchant = world.merchant()
    # An online order delivered before onboarding (its share accrues: 9,500), and a COD order (platform cut 250
    # owed by the merchant) → net 9,250 paid out once onboarded.
    order_id, _ = await world.paid_order(rzp, tenant, 10_000)
    await world.publish("orders", "order.delivered", {"order_id": order_id, "tenant_id": tenant}, tenant)
    await world.cod(tenant, 5_000, agent="agt_meera")
    await world.entries(merchant, 3)
    account = await world.onboard(merchant)
    for _ in range(2):
        await world.publish(
            "scheduler", "schedule.daily_settlement", {"scheduledFor": "2026-11-26T18:00:00.000Z"}, None
        )
    done = await events.wait("settlement.completed", "tenant_id", tenant, timeout=20)
    assert done.data["date"] == "2026-11-26" and done.data["payout_paise"] == 9_250
    assert done.data["account_id"] == account
    transfer = rzp.api("GET", f"/v1/transfers/{done.data['transfer_id']}").json()
    assert transfer["recipient"] == account and transfer["amount"] == 9_250
    await events.settle(2)
    assert len(events.of("tenant_id", tenant, "settlement.completed")) == 1
    listed = (await world.get("/settlements", merchant)).json()["items"]
    assert [(s["date"], s["payoutPaise"], s["duePaise"]) for s in listed] == [("2026-11-26", 9_250, 0)]
    b = (await world.get("/balance", merchant)).json()
    assert b["merchantBalancePaise"] == 0


async def test_a_merchant_who_owes_the_platform_is_recorded_as_due(world, events):
    tenant, merchant = world.merchant()
    await world.cod(tenant, 8_000)
    await world.entries(merchant, 1)
    await world.publish(
        "scheduler", "schedule.daily_settlement", {"scheduledFor": "2026-11-27T18:00:00.000Z"}, None
    )
    done = await events.wait("settlement.completed", "tenant_id", tenant, timeout=20)
    assert (done.data["payout_paise"], done.data["due_paise"]) == (0, 400)


async def test_platform_fees_publish_and_domain(world, rzp, events):
    tenant, merchant = world.merchant()
    body = {"purpose": "STORE_PUBLISH", "storeId": "sto_curam"}
    r = await world.post("/platform-payments", body, {**merchant, "idempotency-key": "publish-curam-1"})
    assert r.status_code == 201, r.text
    fee = r.json()
    assert fee["amountPaise"] == 49_900 and fee["razorpayOrderId"].startswith("order_")
    again = await world.post("/platform-payments", body, {**merchant, "idempotency-key": "publish-curam-1"})
    assert again.status_code == 200 and again.json()["razorpayOrderId"] == fee["razorpayOrderId"]
    paid = rzp.pay(fee["razorpayOrderId"], method="card")
    v = await world.post("/verify", world.verify_body(fee["platformPaymentId"], paid), merchant)
    assert v.status_code == 200 and v.json()["status"] == "CAPTURED"
    _, other = world.merchant()
    assert (
        await world.post("/verify", world.verify_body(fee["platformPaymentId"], paid), other)
    ).status_code == 404
    e = await events.wait("publish.paid", "platform_payment_id", fee["platformPaymentId"])
    assert e.data["store_id"] == "sto_curam" and e.data["amount_paise"] == 49_900 and e.tenant_id == tenant
    dom = await world.post(
        "/platform-payments",
        {"purpose": "DOMAIN", "storeId": "sto_curam", "domain": "curam.in", "domainPricePaise": 70_000},
        merchant,
    )
    assert dom.status_code == 201 and dom.json()["amountPaise"] == 70_000 + 29_900
    no_domain = await world.post(
        "/platform-payments", {"purpose": "DOMAIN", "storeId": "sto_curam"}, merchant
    )
    assert no_domain.status_code == 422 and no_domain.json()["code"] == "DOMAIN_REQUIRED"
    paid = rzp.pay(dom.json()["razorpayOrderId"])  # the webhook alone completes it
    d = await events.wait("domain.paid", "platform_payment_id", dom.json()["platformPaymentId"])
    assert d.data["domain"] == "curam.in"
    b = (await world.get("/balance", merchant)).json()
    assert b["platformFeesPaise"] == 49_900 + 99_900
    assert events.of("order_id", fee["platformPaymentId"], "payment.captured") == []


async def test_subscription_activates_and_lowers_the_platform_cut(world, rzp, events):
    tenant, merchant = world.merchant()
    r = await world.post("/platform-payments", {"purpose": "SUBSCRIPTION", "storeId": "sto_curam"}, merchant)
    assert r.status_code == 201, r.text
    sub = r.json()
    assert sub["subscriptionId"].startswith("sub_") and sub["amountPaise"] == 99_900
    rzp.authenticate(sub["subscriptionId"])
    e = await events.wait("subscription.activated", "subscription_id", sub["subscriptionId"], timeout=20)
    assert e.tenant_id == tenant
    b = await world.until(lambda: _plan(world, merchant, "SUBSCRIBED"), what="the plan")
    assert b["platformFeesPaise"] == 99_900
    order_id, _ = await world.paid_order(rzp, tenant, 10_000)
    view = (await world.get(f"/payments/{order_id}", merchant)).json()
    assert view["platformCutPaise"] == 250  # 2.5% for subscribers


async def _plan(world, merchant, plan):
    b = (await world.get("/balance", merchant)).json()
    return b if b["plan"] == plan and b["platformFeesPaise"] else None


async def test_the_founder_is_refused_everywhere_and_tenants_see_only_their_own(world):
    tenant, _ = world.merchant()
    admin = world.tokens.headers("SUPER_ADMIN", tenant=tenant)
    agent = world.tokens.headers("DELIVERY_AGENT", tenant=tenant)
    _, customer = world.customer()
    gets = [
        "/balance",
        "/ledger",
        "/ledger/statement.csv",
        "/settlements",
        "/payments",
        "/payments/ord_x",
        "/linked-account",
        "/agents/agt_1/cash",
        "/platform-payments/ppy_x",
    ]
    posts = [
        ("/agents/agt_1/cash-handover", {"amountPaise": 1}),
        ("/payments/ord_x/refunds", {"amountPaise": 1}),
        ("/platform-payments", {"purpose": "STORE_PUBLISH", "storeId": "s"}),
        (
            "/linked-account",
            {"legalBusinessName": "Abcd", "contactName": "A", "email": "a@b.co", "phone": "9812345678"},
        ),
    ]
    for who in (admin, agent, customer):
        for path in gets:
            assert (await world.get(path, who)).status_code == 403, path
        for path, body in posts:
            assert (await world.post(path, body, who)).status_code == 403, path
    assert (
        await world.post(
            "/verify",
            {
                "orderId": "o",
                "razorpayPaymentId": "pay_1",
                "razorpayOrderId": "order_1",
                "razorpaySignature": "x",
            },
            admin,
        )
    ).status_code == 403
    assert (await world.post("/internal/checkouts", {}, admin)).status_code == 401


async def test_the_stores_agent_cut_from_delivery_is_used_and_never_eats_the_platform_cut(world):
    tenant, merchant = world.merchant()
    for order_id, cut in ((ids.new_id("ord"), 1_000), (ids.new_id("ord"), 99_999)):
        data = {
            "order_id": order_id,
            "store_id": "sto_curam",
            "tenant_id": tenant,
            "agent_id": "agt_sam",
            "amount_paise": 10_000,
            "due_paise": 10_000,
            "delivery_cut_paise": cut,
        }
        await world.publish("delivery", "cod.collected", data, tenant)
    await world.entries(merchant, 2)
    b = (await world.get("/balance", merchant)).json()
    # 1,000 as asked; the second clamped to 10,000 - 500 (the platform's 5% stays whole)
    assert b["deliveryCutOwedPaise"] == 1_000 + 9_500
    assert b["platformCutPaise"] == 1_000 and b["merchantBalancePaise"] == -1_000
