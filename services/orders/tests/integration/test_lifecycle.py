import asyncio

import pytest

from .conftest import bearer as auth
from .conftest import checkout_body, idem

pytestmark = pytest.mark.integration

API = "/api/orders"


async def _place(http, base, world, method="COD"):
    tenant, merchant = world.merchant()
    store = await world.store(tenant)
    _, customer = world.customer()
    r = await http.post(
        f"{base}{API}/stores/{store}/checkout",
        json=checkout_body(method=method),
        headers={**auth(customer), **idem()},
    )
    assert r.status_code == 201, r.text
    return tenant, merchant, store, customer, r.json()["orderId"]


async def _status(http, base, merchant, order_id, want, timeout=10.0):
    for _ in range(int(timeout / 0.1)):
        got = (await http.get(f"{base}{API}/orders/{order_id}", headers=auth(merchant))).json()["status"]
        if got == want:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{order_id} is {got}, not {want}")


async def test_merchant_accepts_and_packs_then_delivery_moves_it(instances, http, world, events):
    a = instances["a"]
    tenant, merchant, _, customer, order_id = await _place(http, a, world)
    pack_first = await http.post(f"{a}{API}/orders/{order_id}/pack", headers=auth(merchant))
    assert pack_first.status_code == 409 and pack_first.json()["code"] == "INVALID_TRANSITION"
    accepted = await http.post(f"{a}{API}/orders/{order_id}/accept", headers=auth(merchant))
    assert accepted.status_code == 200 and accepted.json()["status"] == "ACCEPTED"
    twice = await http.post(f"{a}{API}/orders/{order_id}/accept", headers=auth(merchant))
    assert twice.status_code == 409 and twice.json()["code"] == "INVALID_TRANSITION"
    packed = await http.post(f"{a}{API}/orders/{order_id}/pack", headers=auth(merchant))
    assert packed.status_code == 200 and packed.json()["status"] == "PACKED"
    for t in ("order.accepted", "order.packed"):
        e = await events.wait(t, order_id)
        assert e.data["tenant_id"] == tenant and e.data["timeline_entry"]["by"] == "merchant"

    # Delivery's events, delivered first (SNS/SQS keep no order): it waits for picked_up, then applies.
    data = {"order_id": order_id, "tenant_id": tenant}
    await world.publish("delivery", "delivery.delivered", data, tenant)
    await asyncio.sleep(0.3)
    await world.publish("delivery", "delivery.picked_up", data, tenant)
    await events.wait("order.out_for_delivery", order_id)
    await events.wait("order.delivered", order_id, timeout=20)
    await _status(http, a, merchant, order_id, "DELIVERED")
    timeline = (await http.get(f"{a}{API}/me/orders/{order_id}", headers=auth(customer))).json()["timeline"]
    assert [t["status"] for t in timeline] == [
        "CONFIRMED",
        "ACCEPTED",
        "PACKED",
        "OUT_FOR_DELIVERY",
        "DELIVERED",
    ]
    late = await http.post(f"{a}{API}/orders/{order_id}/cancel", headers=auth(merchant))
    assert late.status_code == 409 and late.json()["code"] == "INVALID_TRANSITION"


async def test_delivery_failure_and_merchant_cancel(instances, http, world, events):
    a = instances["a"]
    tenant, merchant, _, _, order_id = await _place(http, a, world)
    for action in ("accept", "pack"):
        assert (
            await http.post(f"{a}{API}/orders/{order_id}/{action}", headers=auth(merchant))
        ).status_code == 200
    data = {"order_id": order_id, "tenant_id": tenant}
    await world.publish("delivery", "delivery.picked_up", data, tenant)
    await events.wait("order.out_for_delivery", order_id)
    await world.publish("delivery", "delivery.failed", {**data, "reason": "customer not home"}, tenant)
    failed = await events.wait("order.delivery_failed", order_id)
    assert failed.data["timeline_entry"]["note"] == "customer not home"
    await _status(http, a, merchant, order_id, "DELIVERY_FAILED")
    r = await http.post(
        f"{a}{API}/orders/{order_id}/cancel", json={"reason": "returned"}, headers=auth(merchant)
    )
    assert r.status_code == 200 and r.json()["status"] == "CANCELLED"
    cancelled = await events.wait("order.cancelled", order_id)
    assert cancelled.data["reason"] == "MERCHANT_CANCELLED" and cancelled.data["store_id"]


async def test_tenant_and_customer_isolation(instances, http, world):
    a = instances["a"]
    _, merchant, store, customer, order_id = await _place(http, a, world)
    _, other_merchant = world.merchant()
    _, other_customer = world.customer()
    for method, path in (
        ("GET", f"/orders/{order_id}"),
        ("POST", f"/orders/{order_id}/accept"),
        ("POST", f"/orders/{order_id}/pack"),
        ("POST", f"/orders/{order_id}/cancel"),
        ("GET", f"/stores/{store}/orders"),
        ("GET", f"/stores/{store}/orders/stream"),
    ):
        r = await http.request(method, f"{a}{API}{path}", headers=auth(other_merchant))
        assert r.status_code == 404, (path, r.text)
        assert r.json()["code"] in ("ORDER_NOT_FOUND", "STORE_NOT_FOUND")
        r = await http.request(method, f"{a}{API}{path}", headers=auth(customer))
        assert r.status_code == 403 and r.json()["code"] == "ROLE_FORBIDDEN", path
    assert (await http.get(f"{a}{API}/summary", headers=auth(customer))).status_code == 403
    r = await http.get(f"{a}{API}/me/orders/{order_id}", headers=auth(other_customer))
    assert r.status_code == 404 and r.json()["code"] == "ORDER_NOT_FOUND"
    assert (await http.get(f"{a}{API}/me/orders", headers=auth(other_customer))).json()["items"] == []
    for path in (f"/me/orders/{order_id}", "/me/orders", f"/stores/{store}/cart"):
        assert (await http.get(f"{a}{API}{path}", headers=auth(merchant))).status_code == 403
    r = await http.post(
        f"{a}{API}/stores/{store}/checkout", json=checkout_body(), headers={**auth(merchant), **idem()}
    )
    assert r.status_code == 403
    assert (await http.get(f"{a}{API}/me/orders")).status_code == 401
    agent = world.tokens.sign("DELIVERY_AGENT", tenant="tnt_x", phone=world.phone())
    assert (await http.get(f"{a}{API}/orders/{order_id}", headers=auth(agent))).status_code == 403


async def test_lists_filters_and_summary(instances, http, world):
    a = instances["a"]
    tenant, merchant = world.merchant()
    store = await world.store(tenant)
    _, customer = world.customer()
    placed = []
    for method in ("COD", "COD", "UPI"):
        r = await http.post(
            f"{a}{API}/stores/{store}/checkout",
            json=checkout_body(method=method),
            headers={**auth(customer), **idem()},
        )
        placed.append(r.json()["orderId"])
    await http.post(f"{a}{API}/orders/{placed[0]}/accept", headers=auth(merchant))
    base = f"{a}{API}/stores/{store}/orders"
    listed = (await http.get(base, headers=auth(merchant))).json()
    assert [o["orderId"] for o in listed["items"]] == placed[::-1]  # newest first
    page = (await http.get(base, params={"limit": 2}, headers=auth(merchant))).json()
    rest = (
        await http.get(base, params={"limit": 2, "cursor": page["nextCursor"]}, headers=auth(merchant))
    ).json()
    assert [o["orderId"] for o in page["items"] + rest["items"]] == placed[::-1]
    confirmed = (await http.get(base, params={"status": "CONFIRMED"}, headers=auth(merchant))).json()
    assert [o["orderId"] for o in confirmed["items"]] == [placed[1]]
    bad = await http.get(base, params={"status": "LOST"}, headers=auth(merchant))
    assert bad.status_code in (400, 422)
    summary = (await http.get(f"{a}{API}/summary", headers=auth(merchant))).json()
    assert summary["stores"] == [
        {
            "storeId": store,
            "name": "Curam",
            "ordersToday": 2,  # the unpaid UPI order is not a sale yet
            "revenueTodayPaise": 2 * 8_000,
            "ordersWaiting": 2,
        }
    ]
    # The customer sees their orders across stores.
    other_tenant, _ = world.merchant()
    other_store = await world.store(other_tenant)
    r = await http.post(
        f"{a}{API}/stores/{other_store}/checkout", json=checkout_body(), headers={**auth(customer), **idem()}
    )
    mine = (await http.get(f"{a}{API}/me/orders", headers=auth(customer))).json()["items"]
    assert [o["orderId"] for o in mine] == [r.json()["orderId"], *placed[::-1]]
    assert {o["storeId"] for o in mine} == {store, other_store}
