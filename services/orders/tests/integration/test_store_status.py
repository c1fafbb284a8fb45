"""The founder's store actions (admin's store.suspended / store.unsuspended / store.deleted): a suspended or
deleted store takes no new cart changes or checkouts (409 STORE_UNAVAILABLE); its existing orders carry on."""

import asyncio
import time

import pytest

from webdpro_events import decode

from .conftest import bearer as auth
from .conftest import checkout_body, idem

pytestmark = pytest.mark.integration

API = "/api/orders"
CART = {"items": [{"productId": "prd_tomato", "quantity": 1}]}


async def _action(world, event_type: str, tenant: str, store: str, reason: str = "counterfeit goods") -> None:
    data = {"tenant_id": tenant, "store_id": store, "reason": reason}
    await world.publish("admin", event_type, data, tenant)


async def _cart_status(http, base, store, customer, want: int, timeout: float = 75) -> dict:
    """PUT the cart (harmless to repeat) on an instance until it answers `want`. Patient: an instance stopped by an
    earlier module may have taken the event in its last long poll, and SQS shows it again only after the
    queue's 30-second visibility timeout."""
    deadline = time.monotonic() + timeout
    while True:
        r = await http.put(f"{base}{API}/stores/{store}/cart", json=CART, headers=auth(customer))
        if r.status_code == want:
            return r.json()
        assert time.monotonic() < deadline, f"the cart still answers {r.status_code}: {r.text}"
        await asyncio.sleep(0.2)


async def _checkout(http, base, store, customer, key=None):
    return await http.post(
        f"{base}{API}/stores/{store}/checkout",
        json=checkout_body(),
        headers={**auth(customer), **idem(key)},
    )


async def test_suspend_refuses_checkout_keeps_existing_orders_and_unsuspend_restores(
    instances, http, world, events
):
    a, b = instances["a"], instances["b"]
    tenant, merchant = world.merchant()
    store = await world.store(tenant)
    _, customer = world.customer()
    before = await _checkout(http, a, store, customer)
    assert before.status_code == 201, before.text
    order_id = before.json()["orderId"]

    await _action(world, "store.suspended", tenant, store)
    for base in (a, b):  # both instances, whichever consumed the event
        problem = await _cart_status(http, base, store, customer, 409)
        assert problem["code"] == "STORE_UNAVAILABLE" and problem["errors"][0]["field"] == "storeId"
    key = "suspended-try-1"
    refused = await _checkout(http, a, store, customer, key)
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert (refused.json()["code"], refused.json()["errors"][0]["field"]) == ("STORE_UNAVAILABLE", "storeId")
    assert (await _checkout(http, b, store, customer)).status_code == 409

    # The order placed before the suspension carries on: the merchant, delivery and the customer's tracking.
    assert (await http.post(f"{a}{API}/orders/{order_id}/accept", headers=auth(merchant))).status_code == 200
    assert (await http.post(f"{a}{API}/orders/{order_id}/pack", headers=auth(merchant))).status_code == 200
    data = {"order_id": order_id, "tenant_id": tenant}
    await world.publish("delivery", "delivery.picked_up", data, tenant)
    await events.wait("order.out_for_delivery", order_id, timeout=75)
    await world.publish("delivery", "delivery.delivered", data, tenant)
    await events.wait("order.delivered", order_id, timeout=75)
    mine = await http.get(f"{a}{API}/me/orders/{order_id}", headers=auth(customer))
    assert mine.status_code == 200 and mine.json()["status"] == "DELIVERED"
    assert (await http.get(f"{a}{API}/stores/{store}/cart", headers=auth(customer))).status_code == 200

    await _action(world, "store.unsuspended", tenant, store)
    for base in (a, b):
        await _cart_status(http, base, store, customer, 200)
    # The key refused while suspended was not spent: the same checkout now goes through.
    again = await _checkout(http, a, store, customer, key)
    assert again.status_code == 201, again.text
    assert again.json()["status"] == "CONFIRMED"


async def test_a_deleted_store_stays_closed_and_a_regeneration_keeps_the_status(instances, http, world):
    a = instances["a"]
    tenant, _ = world.merchant()
    store = await world.store(tenant)
    _, customer = world.customer()
    await _action(world, "store.deleted", tenant, store, reason="fraud")
    await _cart_status(http, a, store, customer, 409)
    await _action(world, "store.unsuspended", tenant, store)
    # store.generated again (sitegen regenerating) must not reopen it either.
    await world.publish(
        "sitegen", "store.generated", {"store_id": store, "tenant_id": tenant, "name": "Curam 2"}, tenant
    )
    await asyncio.sleep(3)
    r = await _checkout(http, a, store, customer)
    assert r.status_code == 409 and r.json()["code"] == "STORE_UNAVAILABLE"


async def _dead_letter(world, store: str, timeout: float = 75):
    sqs = await world.aws.get("sqs")
    url = (await sqs.get_queue_url(QueueName=world.names.dlq("orders")))["QueueUrl"]
    deadline = time.monotonic() + timeout
    while True:
        resp = await sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        mine = [m for m in resp.get("Messages", []) if decode(m["Body"]).data.get("store_id") == store]
        for m in mine:
            await sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        if mine:
            return mine
        assert time.monotonic() < deadline, f"no dead letter for {store}"


async def test_another_tenants_suspension_is_refused(instances, http, world):
    a = instances["a"]
    tenant, _ = world.merchant()
    store = await world.store(tenant)
    intruder, _ = world.merchant()
    _, customer = world.customer()
    await _action(world, "store.suspended", intruder, store)
    assert len(await _dead_letter(world, store)) == 1
    r = await _checkout(http, a, store, customer)
    assert r.status_code == 201, r.text
