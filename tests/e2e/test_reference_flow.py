"""The reference flow of PRODUCT.md §2, end to end across the separate service processes, through the gateway,
with no manual step. Each capability joins this test as soon as it exists."""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import Person, inbox, pay_on_emulator, scheduler_tick, wait_for

pytestmark = pytest.mark.e2e

CURAM = "Curam – fresh vegetables, Mumbai, local delivery, cash + UPI, green theme"  # noqa: RUF001
TAGLINE = "Sabzi from Vashi market, at your door by 9 am"
SUPPLIER = "+919870011122"
ADDRESS = {"name": "Meera", "line1": "12 Hill Road, Bandra West", "city": "Mumbai", "pincode": "400050"}
# The UPI order's chain, from checkout to payout, under one trace id in the founder's audit log.
TRACE_CHAIN = {
    "order.placed",
    "payment.captured",
    "order.confirmed",
    "transfer.created",
    "order.accepted",
    "order.packed",
    "delivery.assigned",
    "delivery.picked_up",
    "order.out_for_delivery",
    "delivery.delivered",
    "order.delivered",
    "transfer.released",
}


def test_gateway_is_healthy_and_serves_every_openapi_document(gw, platform):
    health = gw.get("/healthz")
    assert health.status_code == 200, health.text
    for service in platform.service_urls:
        doc = gw.get(f"/api/{service}/schema/openapi.json")
        assert doc.status_code == 200 and doc.json()["openapi"].startswith("3."), service


def test_reference_flow(gw, platform):
    # 1. Raj logs in with his mobile number and an SMS OTP.
    raj = Person(gw, "+919820012345", "BUSINESS_OWNER", "10.20.0.1").login()
    me = raj.get("/api/auth/me").json()
    assert me["role"] == "BUSINESS_OWNER" and me["tenantId"].startswith("tnt_")

    # 2. His dashboard lists his stores (none yet) and today's figures.
    assert raj.get("/api/sitegen/stores").json()["items"] == []
    assert raj.get("/api/orders/summary").json()["stores"] == []

    # 3-4. He generates Curam and follows the progress until the draft preview is ready.
    created = raj.post("/api/sitegen/stores", json={"prompt": CURAM})
    assert created.status_code == 202, created.text
    store_id = created.json()["storeId"]
    with gw.stream("GET", f"/api/sitegen/stores/{store_id}/events", headers=raj.headers) as stream:
        stages = [json.loads(line[5:])["stage"] for line in stream.iter_lines() if line.startswith("data:")]
    assert stages[-1] == "ready" and stages[0] == "brief", stages
    store = raj.get(f"/api/sitegen/stores/{store_id}").json()
    assert store["status"] == "DRAFT" and store["name"] == "Curam" and store["sector"] == "grocery"
    preview = gw.get(_path(gw, store["previewUrl"]))
    assert preview.status_code == 200 and "Curam" in preview.text

    # 5. He edits the draft inline: a new draft version, visible in the preview.
    edited = raj.patch(
        f"/api/sitegen/stores/{store_id}/draft",
        json={"edits": [{"path": "copy.en.tagline", "value": TAGLINE}]},
    )
    assert edited.status_code == 200 and edited.json()["version"] == 2
    assert TAGLINE in gw.get(_path(gw, edited.json()["previewUrl"])).text

    # 6. He picks the free subdomain; the search also offers custom domains with the registrar's price.
    found = raj.get("/api/sitegen/domains/search", params={"q": "curam"})
    assert found.status_code == 200, found.text
    assert found.json()["subdomain"] == {"name": "curam.localhost", "available": True, "pricePaise": 0}
    offers = {d["name"]: d for d in found.json()["domains"]}
    assert (
        offers["curam.in"]["totalPaise"]
        == offers["curam.in"]["pricePaise"] + offers["curam.in"]["setupFeePaise"]
    )

    # 7. He pays the publish fee on Razorpay Checkout (the first store is always paid).
    asked = raj.post(
        f"/api/sitegen/stores/{store_id}/publish", json={"domain": {"type": "subdomain", "name": "curam"}}
    )
    assert asked.status_code == 201, asked.text
    fee = asked.json()["platformPayment"]
    assert fee and fee["amountPaise"] == asked.json()["amountPaise"] > 0
    pay_on_emulator(platform, raj, fee["platformPaymentId"], fee["razorpayOrderId"])

    # 8. On payment the release is built and switched in: the store is live on its subdomain, Raj is told.
    live = wait_for(
        lambda: (s := raj.get(f"/api/sitegen/stores/{store_id}").json())["status"] == "LIVE" and s, timeout=30
    )
    host = f"curam.localhost:{platform.env['WEBDPRO_GATEWAY_PORT']}"
    assert live["liveUrl"] == f"http://{host}/" and live["liveVersion"] == 2
    site = gw.get("/", headers={"host": host})
    assert site.status_code == 200 and TAGLINE in site.text and 'rel="canonical"' in site.text
    assert wait_for(lambda: [m for m in inbox(gw, "+919820012345") if host.split(":")[0] in m["body"]])
    # A published store is locked: an edit makes a new draft while the live release keeps serving.
    assert raj.patch(
        f"/api/sitegen/stores/{store_id}/draft",
        json={"edits": [{"path": "copy.en.tagline", "value": "Fresh every morning"}]},
    ).json()["hasUnpublishedChanges"]
    assert TAGLINE in gw.get("/", headers={"host": host}).text

    # 10 (catalog side). The catalog took the generated products over: the public storefront lists them.
    products = wait_for(
        lambda: gw.get(f"/api/catalog/public/stores/{store_id}/products").json().get("items"), timeout=20
    )
    assert 8 <= len(products) <= 20

    # 11 (people). Raj invites his delivery agent, who logs in with the invite; a customer and the founder log in.
    invite = raj.post("/api/auth/agents/invites", json={"phone": "+919930054321", "name": "Suresh"})
    assert invite.status_code == 201, invite.text
    agent = Person(gw, "+919930054321", "DELIVERY_AGENT", "10.20.0.2").login()
    assert agent.get("/api/auth/me").json()["tenantId"] == me["tenantId"]
    customer = Person(gw, "+919812398765", "CUSTOMER", "10.20.0.3").login()
    founder = Person(gw, "founder@webdpro.in", "SUPER_ADMIN", "10.20.0.4").login()
    assert founder.get("/api/auth/me").json()["role"] == "SUPER_ADMIN"

    # Isolation: another merchant cannot see or remove Raj's agent, nor his store; a customer is refused.
    other = Person(gw, "+919765400001", "BUSINESS_OWNER", "10.20.0.5").login()
    agent_id = invite.json()["agentId"]
    assert other.get("/api/auth/agents").json()["items"] == []
    assert other.delete(f"/api/auth/agents/{agent_id}").status_code == 404
    assert other.get(f"/api/sitegen/stores/{store_id}").status_code == 404
    assert other.post(f"/api/sitegen/stores/{store_id}/republish").status_code == 404
    assert customer.get("/api/auth/agents").status_code == 403
    assert customer.get("/api/sitegen/stores").status_code == 403
    assert customer.get("/api/admin/metrics/overview").status_code == 403

    # 9-10. On the live store (its own origin), the customer orders with cash on delivery: stock is reserved and
    # the merchant sees it at once.
    shop = {"host": host}
    product = products[0]
    merchant_product = f"/api/catalog/stores/{store_id}/products/{product['productId']}"
    stock_before = raj.get(merchant_product).json()["available"]
    with gw.stream(
        "GET", f"/api/orders/stores/{store_id}/orders/stream", headers=raj.headers, timeout=20
    ) as feed:
        lines = feed.iter_lines()
        checkout = customer.post(
            f"/api/orders/stores/{store_id}/checkout",
            json=_order(product, 2, "COD"),
            headers={"idempotency-key": "e2e-curam-cod-1", **shop},
        )
        assert checkout.status_code == 201, checkout.text
        order = checkout.json()
        assert (
            order["status"] == "CONFIRMED"
            and order["amountPaise"] == 2 * product["pricePaise"] + order["breakdown"]["deliveryFeePaise"]
        )
        seen = next(
            json.loads(line[5:]) for line in lines if line.startswith("data:") and order["orderId"] in line
        )
    assert seen["orderId"] == order["orderId"]
    replay = customer.post(
        f"/api/orders/stores/{store_id}/checkout",
        json=_order(product, 2, "COD"),
        headers={"idempotency-key": "e2e-curam-cod-1", **shop},
    )
    assert replay.json()["orderId"] == order["orderId"]
    wait_for(lambda: raj.get(merchant_product).json()["available"] == stock_before - 2)

    # The merchant accepts and packs it; the customer follows it in their order history.
    assert raj.post(f"/api/orders/orders/{order['orderId']}/accept").json()["status"] == "ACCEPTED"
    assert raj.post(f"/api/orders/orders/{order['orderId']}/pack").json()["status"] == "PACKED"
    assert raj.post(f"/api/orders/orders/{order['orderId']}/accept").status_code == 409
    mine = customer.get(f"/api/orders/me/orders/{order['orderId']}", headers=shop).json()
    assert mine["status"] == "PACKED" and [t["status"] for t in mine["timeline"]][-1] == "PACKED"
    assert other.get(f"/api/orders/orders/{order['orderId']}").status_code == 404

    # 9, 12 (online). Raj onboards to Route; the customer pays by UPI on the Razorpay emulator's checkout.
    linked = raj.post(
        "/api/payments/linked-account",
        json={
            "legalBusinessName": "Curam Fresh",
            "contactName": "Raj",
            "email": "raj@curam.in",
            "phone": "+919820012345",
        },
    )
    assert linked.status_code == 201, linked.text
    upi = customer.post(
        f"/api/orders/stores/{store_id}/checkout",
        json=_order(product, 1, "UPI"),
        headers={"idempotency-key": "e2e-curam-upi-1", **shop},
    )
    assert upi.status_code == 201, upi.text
    online = upi.json()
    assert online["status"] == "PAYMENT_PENDING" and online["payment"]["razorpayOrderId"].startswith("order_")
    pay_on_emulator(platform, customer, online["orderId"], online["payment"]["razorpayOrderId"])
    assert wait_for(
        lambda: customer.get(f"/api/orders/me/orders/{online['orderId']}").json()["status"] == "CONFIRMED"
    )
    payment = wait_for(
        lambda: (
            (p := raj.get(f"/api/payments/payments/{online['orderId']}").json()).get("transferStatus") and p
        )
    )
    assert payment["status"] == "CAPTURED" and payment["transferStatus"] == "ON_HOLD"
    assert payment["platformCutPaise"] + payment["merchantSharePaise"] == online["amountPaise"]
    assert founder.get(f"/api/payments/payments/{online['orderId']}").status_code == 403

    # 11. Suresh starts his shift: the packed COD order is assigned to him automatically; he sees only his orders.
    assert agent.post("/api/delivery/me/shift", json={"onShift": True}).status_code == 200
    cod_job = _assignment_for(agent, order["orderId"])
    assert cod_job["collectPaise"] == order["amountPaise"]
    assert cod_job["deliveryAddress"]["line1"] == "12 Hill Road, Bandra West"
    assert customer.get("/api/delivery/me/assignments").status_code == 403
    assert other.get(f"/api/delivery/deliveries/{cod_job['assignmentId']}").status_code == 404

    # He picks it up (the order goes out for delivery), collects the cash and delivers with the customer's code.
    assert agent.post(f"/api/delivery/assignments/{cod_job['assignmentId']}/picked").status_code == 200
    assert agent.post(f"/api/delivery/assignments/{cod_job['assignmentId']}/picked").status_code == 409
    wait_for(
        lambda: (
            customer.get(f"/api/orders/me/orders/{order['orderId']}").json()["status"] == "OUT_FOR_DELIVERY"
        )
    )
    code = customer.get(f"/api/delivery/track/{order['orderId']}").json()["deliveryCode"]
    wrong = f"{(int(code) + 1) % 10 ** len(code):0{len(code)}d}"
    refused = agent.post(
        f"/api/delivery/assignments/{cod_job['assignmentId']}/delivered", json={"code": wrong}
    )
    assert refused.status_code == 422 and refused.json()["code"] == "DELIVERY_CODE_WRONG"
    cash = agent.post(
        f"/api/delivery/assignments/{cod_job['assignmentId']}/cash-collected",
        json={"amountPaise": order["amountPaise"]},
    )
    assert cash.status_code == 200, cash.text
    done = agent.post(f"/api/delivery/assignments/{cod_job['assignmentId']}/delivered", json={"code": code})
    assert done.status_code == 200, done.text
    wait_for(
        lambda: customer.get(f"/api/orders/me/orders/{order['orderId']}").json()["status"] == "DELIVERED"
    )

    # 12 (cash). The ledger shows the cash in the agent's hand.
    in_hand = wait_for(lambda: raj.get(f"/api/payments/agents/{agent_id}/cash").json()["cashInHandPaise"])
    assert in_hand == order["amountPaise"]

    # 12 (online). The UPI order is packed, delivered by the same agent, and its held transfer is released.
    assert raj.post(f"/api/orders/orders/{online['orderId']}/accept").status_code == 200
    assert raj.post(f"/api/orders/orders/{online['orderId']}/pack").status_code == 200
    upi_job = _assignment_for(agent, online["orderId"])
    assert upi_job["collectPaise"] == 0
    assert agent.post(f"/api/delivery/assignments/{upi_job['assignmentId']}/picked").status_code == 200
    upi_code = customer.get(f"/api/delivery/track/{online['orderId']}").json()["deliveryCode"]
    assert (
        agent.post(
            f"/api/delivery/assignments/{upi_job['assignmentId']}/delivered", json={"code": upi_code}
        ).status_code
        == 200
    )
    wait_for(
        lambda: raj.get(f"/api/payments/payments/{online['orderId']}").json()["transferStatus"] == "RELEASED"
    )

    # 12 (books). Every ledger entry balances, and the daily settlement runs for Raj.
    entries = raj.get("/api/payments/ledger", params={"limit": 200}).json()["items"]
    assert entries and all(
        sum(p["debitPaise"] for p in e["postings"]) == sum(p["creditPaise"] for p in e["postings"])
        for e in entries
    )
    scheduler_tick(platform, "schedule.daily_settlement")
    settled = wait_for(lambda: raj.get("/api/payments/settlements").json()["items"])
    assert settled[0]["status"] and settled[0]["date"]

    # 2 (again). The dashboard shows the live store with today's orders and revenue.
    mine_now = raj.get("/api/sitegen/stores").json()["items"]
    assert [(s["storeId"], s["status"]) for s in mine_now] == [(store_id, "LIVE")]
    today = wait_for(
        lambda: next(
            (s for s in raj.get("/api/orders/summary").json()["stores"] if s["ordersToday"] >= 2), None
        )
    )
    assert today["revenueTodayPaise"] == order["amountPaise"] + online["amountPaise"]

    # 13. Stock runs low; the inventory scan raises an alert and the reorder pings the supplier.
    assert raj.put(f"/api/catalog/stores/{store_id}/supplier", json={"phone": SUPPLIER}).status_code == 200
    left = raj.get(merchant_product).json()["available"]
    assert (
        raj.post(
            f"{merchant_product}/stock", json={"delta": 2 - left, "reason": "counted the shelf"}
        ).status_code
        == 200
    )
    scheduler_tick(platform, "schedule.inventory_scan")
    alert = wait_for(
        lambda: next(
            (
                a
                for a in raj.get(f"/api/catalog/stores/{store_id}/alerts", params={"status": "OPEN"}).json()[
                    "items"
                ]
                if a["productId"] == product["productId"]
            ),
            None,
        )
    )
    po = raj.post(f"/api/catalog/alerts/{alert['alertId']}/reorder")
    assert po.status_code == 201, po.text
    assert wait_for(lambda: [m for m in inbox(gw, SUPPLIER) if po.json()["poId"] in m["body"]])

    # 14. The founder sees the new store, revenue, AI usage and the audit trail, and suspends the store.
    seen_store = wait_for(
        lambda: next(
            (
                s
                for s in founder.get("/api/admin/stores", params={"tenantId": me["tenantId"]}).json()["items"]
                if s["storeId"] == store_id and s["status"] == "LIVE"
            ),
            None,
        )
    )
    assert seen_store["name"] == "Curam"
    overview = wait_for(
        lambda: (
            (o := founder.get("/api/admin/metrics/overview").json())["orders"] >= 2
            and o["revenue"]["feesPaise"] >= fee["amountPaise"]
            and o
        )
    )
    assert overview["gmvPaise"] >= order["amountPaise"] + online["amountPaise"]
    assert "+91" not in json.dumps(overview)  # aggregates only
    usage = founder.get("/api/admin/metrics/ai-usage").json()
    assert usage["total"]["calls"] > 0 and any(t["tenantId"] == me["tenantId"] for t in usage["byTenant"])
    # One trace id follows the UPI order from checkout to payout.
    placed = wait_for(
        lambda: founder.get(
            "/api/admin/audit", params={"storeId": store_id, "type": "order.placed", "limit": 10}
        ).json()["items"]
    )
    trace_id = next(a["traceId"] for a in placed if a["summary"].get("order_id") == online["orderId"])
    chain = wait_for(
        lambda: (
            (
                types := {
                    a["type"]
                    for a in founder.get(
                        "/api/admin/audit", params={"traceId": trace_id, "limit": 200}
                    ).json()["items"]
                }
            )
            >= TRACE_CHAIN
            and types
        ),
        timeout=20,
    )
    assert chain >= TRACE_CHAIN
    assert "9812398765" not in json.dumps(founder.get("/api/admin/audit", params={"limit": 200}).json())

    suspended = founder.post(
        f"/api/admin/stores/{store_id}/suspend", json={"reason": "Selling prohibited items"}
    )
    assert suspended.status_code == 202, suspended.text
    unavailable = wait_for(lambda: (r := gw.get("/", headers={"host": host})).status_code == 503 and r)
    assert "unavailable" in unavailable.text
    refused_order = wait_for(
        lambda: (
            (
                r := customer.post(
                    f"/api/orders/stores/{store_id}/checkout",
                    json=_order(product, 1, "COD"),
                    headers={"idempotency-key": "e2e-curam-after-suspension", **shop},
                )
            ).status_code
            == 409
            and r
        )
    )
    assert refused_order.json()["code"] == "STORE_UNAVAILABLE"
    wait_for(lambda: gw.get(f"/api/catalog/public/stores/{store_id}/products").status_code == 404)
    assert raj.get(f"/api/sitegen/stores/{store_id}").json()["suspendedReason"] == "Selling prohibited items"
    assert wait_for(
        lambda: founder.get(
            "/api/admin/audit", params={"storeId": store_id, "type": "store.suspended"}
        ).json()["items"]
    )

    # A ban: the founder bans an abusive customer's phone; auth revokes their session and refuses their login.
    assert founder.post("/api/admin/bans", json={"phone": "12345", "reason": "x"}).status_code == 422
    banned = founder.post("/api/admin/bans", json={"phone": "+919812398765", "reason": "chargeback fraud"})
    assert banned.status_code == 202, banned.text
    # (one refresh, once auth has applied the ban: polling refresh would rotate the token and prove nothing)
    wait_for(
        lambda: founder.get("/api/admin/audit", params={"type": "user.banned", "limit": 5}).json()["items"]
    )
    again = gw.post("/api/auth/token/refresh", json={"refreshToken": customer.tokens["refreshToken"]})
    assert again.status_code in (401, 403), again.text
    unknown = "sto_01zzzzzzzzzzzzzzzzzzzzzzzz"
    assert founder.post(f"/api/admin/stores/{unknown}/suspend", json={"reason": "x"}).status_code == 404


def _assignment_for(agent: Person, order_id: str) -> dict:
    return wait_for(
        lambda: next(
            (
                a
                for a in agent.get("/api/delivery/me/assignments").json()["items"]
                if a["orderId"] == order_id
            ),
            None,
        )
    )


def _order(product: dict, quantity: int, method: str) -> dict:
    return {
        "items": [{"productId": product["productId"], "quantity": quantity}],
        "paymentMethod": method,
        "deliveryAddress": ADDRESS,
    }


def _path(gw, url: str) -> str:
    return url.removeprefix(str(gw.base_url).rstrip("/"))
