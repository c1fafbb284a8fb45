import asyncio
import time

import pytest

from .conftest import bearer as auth
from .conftest import checkout_body, idem
from .doubles import Product

pytestmark = pytest.mark.integration

API = "/api/orders"


async def _checkout(http, base, store, token, body, key=None):
    return await http.post(
        f"{base}{API}/stores/{store}/checkout", json=body, headers={**auth(token), **idem(key)}
    )


async def test_cod_checkout_is_confirmed_at_once_with_catalog_prices_and_events(
    instances, http, world, events
):
    a = instances["a"]
    tenant, merchant = world.merchant()
    store = await world.store(tenant)
    phone, customer = world.customer()
    items = [
        {"productId": "prd_tomato", "quantity": 2, "pricePaise": 1},  # a price in the request is ignored
        {"productId": "prd_onion", "quantity": 1, "price": 0},
    ]
    r = await _checkout(http, a, store, customer, checkout_body(items, "COD"))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "CONFIRMED" and body["payment"] is None
    assert body["breakdown"] == {"itemsPaise": 11_550, "deliveryFeePaise": 0, "totalPaise": 11_550}
    assert body["amountPaise"] == 11_550
    order_id = body["orderId"]
    assert order_id.startswith("ord_")
    assert world.catalog.holds[order_id]["status"] == "HELD"
    assert world.catalog.stock(store, "prd_tomato") == 98
    assert all(caller == "orders" for _, caller in world.catalog.calls)

    placed = await events.wait("order.placed", order_id)
    confirmed = await events.wait("order.confirmed", order_id)
    for e in (placed, confirmed):
        assert e.source == "orders" and e.tenant_id == tenant
        d = e.data
        assert (d["order_id"], d["store_id"], d["tenant_id"]) == (order_id, store, tenant)
        assert d["amount_paise"] == 11_550 and d["payment_method"] == "COD"
        assert len(d["customer_phone_hash"]) == 40 and phone not in str(d)
        assert d["items"][0]["unit_price_paise"] == 4_000 and d["timeline_entry"]["status"] == "CONFIRMED"

    mine = await http.get(f"{a}{API}/me/orders/{order_id}", headers=auth(customer))
    assert mine.status_code == 200
    detail = mine.json()
    assert detail["status"] == "CONFIRMED" and detail["storeName"] == "Curam"
    assert [t["status"] for t in detail["timeline"]] == ["CONFIRMED"]
    assert detail["deliveryAddress"]["pincode"] == "400050"
    seen = await http.get(f"{a}{API}/orders/{order_id}", headers=auth(merchant))
    assert seen.status_code == 200 and seen.json()["customerPhone"] == phone


async def test_unpaid_online_order_is_cancelled_after_the_window_and_its_stock_released(
    instances, http, world, events
):
    b = instances["b"]  # a 2-second payment window
    tenant, _ = world.merchant()
    store = await world.store(tenant)
    _, customer = world.customer()
    r = await _checkout(http, b, store, customer, checkout_body(method="UPI"))
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "PAYMENT_PENDING"
    order_id = r.json()["orderId"]
    await events.wait("order.placed", order_id)
    cancelled = await events.wait("order.cancelled", order_id, timeout=10)
    d = cancelled.data
    assert (d["order_id"], d["store_id"], d["tenant_id"]) == (order_id, store, tenant)
    assert d["reason"] == "PAYMENT_TIMEOUT" and d["previous_status"] == "PAYMENT_PENDING"
    detail = (await http.get(f"{b}{API}/me/orders/{order_id}", headers=auth(customer))).json()
    assert detail["status"] == "CANCELLED"
    assert [t["status"] for t in detail["timeline"]] == ["PAYMENT_PENDING", "CANCELLED"]
    # Exactly one cancellation although both instances sweep.
    await asyncio.sleep(0.6)
    await events._drain()
    assert [e.type for e in events.of(order_id)].count("order.cancelled") == 1


async def test_payment_captured_confirms_a_pending_order(instances, http, world, events):
    a = instances["a"]
    tenant, merchant = world.merchant()
    store = await world.store(tenant)
    _, customer = world.customer()
    r = await _checkout(http, a, store, customer, checkout_body(method="ONLINE"))
    order_id = r.json()["orderId"]
    assert r.json()["status"] == "PAYMENT_PENDING"
    for _ in range(2):  # a duplicate capture changes nothing
        await world.publish(
            "payments", "payment.captured", {"order_id": order_id, "tenant_id": tenant}, tenant
        )
    confirmed = await events.wait("order.confirmed", order_id)
    assert confirmed.data["previous_status"] == "PAYMENT_PENDING"
    detail = (await http.get(f"{a}{API}/orders/{order_id}", headers=auth(merchant))).json()
    assert detail["status"] == "CONFIRMED"
    await asyncio.sleep(0.5)
    await events._drain()
    assert [e.type for e in events.of(order_id)].count("order.confirmed") == 1


async def test_same_key_same_body_is_the_same_order_and_another_body_is_409(instances, http, world):
    a = instances["a"]
    tenant, merchant = world.merchant()
    store = await world.store(tenant)
    _, customer = world.customer()
    body = checkout_body()
    first = await _checkout(http, a, store, customer, body, key="k-1")
    again = await _checkout(http, a, store, customer, body, key="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    other = await _checkout(http, a, store, customer, checkout_body(method="UPI"), key="k-1")
    assert other.status_code == 409 and other.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert other.headers["content-type"].startswith("application/problem+json")
    # Another customer's identical key is their own key.
    _, someone = world.customer()
    theirs = await _checkout(http, a, store, someone, body, key="k-1")
    assert theirs.status_code == 201 and theirs.json()["orderId"] != first.json()["orderId"]
    listed = (await http.get(f"{a}{API}/stores/{store}/orders", headers=auth(merchant))).json()
    assert len(listed["items"]) == 2


async def test_fifty_concurrent_checkouts_with_one_key_make_one_order(instances, http, world):
    a = instances["a"]
    tenant, merchant = world.merchant()
    store = await world.store(tenant)
    _, customer = world.customer()
    body = checkout_body()
    answers = await asyncio.gather(
        *(_checkout(http, a, store, customer, body, key="same") for _ in range(50))
    )
    ok = [r for r in answers if r.status_code == 201]
    others = [r for r in answers if r.status_code != 201]
    assert all(r.status_code == 409 and r.json()["code"] == "REQUEST_IN_PROGRESS" for r in others), [
        r.text for r in others
    ]
    assert len(ok) >= 1 and len({r.json()["orderId"] for r in ok}) == 1
    listed = (await http.get(f"{a}{API}/stores/{store}/orders", headers=auth(merchant))).json()
    assert [o["orderId"] for o in listed["items"]] == [ok[0].json()["orderId"]]
    assert world.catalog.stock(store, "prd_tomato") == 98  # reserved once


async def test_catalog_down_or_slow_is_503_and_no_order_exists(instances, http, world):
    a = instances["a"]
    tenant, merchant = world.merchant()
    store = await world.store(tenant)
    _, customer = world.customer()
    body = checkout_body()
    try:
        world.catalog.fail = 503
        down = await _checkout(http, a, store, customer, body, key="retry-me")
        world.catalog.fail = None
        world.catalog.delay = 1.5  # past the 1-second timeout
        slow = await _checkout(http, a, store, customer, body, key="retry-me")
    finally:
        world.catalog.fail = None
        world.catalog.delay = 0
    for r in (down, slow):
        assert r.status_code == 503 and r.json()["code"] == "CATALOG_UNAVAILABLE"
        assert r.headers["content-type"].startswith("application/problem+json") and "retry-after" in r.headers
    assert (await http.get(f"{a}{API}/stores/{store}/orders", headers=auth(merchant))).json()["items"] == []
    assert (await http.get(f"{a}{API}/me/orders", headers=auth(customer))).json()["items"] == []
    # The key was not spent on the failure: once the catalog is back, the same key places the order.
    await asyncio.sleep(0.6)  # let the slow call finish in the double
    ok = await _checkout(http, a, store, customer, body, key="retry-me")
    assert ok.status_code == 201, ok.text


async def test_an_online_checkout_carries_what_checkout_opens_with_from_payments(instances, http, world):
    a = instances["a"]
    tenant, _ = world.merchant()
    store = await world.store(tenant)
    phone, customer = world.customer()
    body = checkout_body(method="UPI")
    r = await _checkout(http, a, store, customer, body, key="pay-1")
    assert r.status_code == 201, r.text
    order = r.json()
    pay = order["payment"]
    assert pay["keyId"] == "rzp_test_webdpro" and pay["razorpayOrderId"].startswith("order_")
    assert pay["amountPaise"] == order["amountPaise"] == 8_000 and pay["currency"] == "INR"
    asked = world.catalog.payments[order["orderId"]]["request"]
    assert asked == {
        "orderId": order["orderId"],
        "tenantId": tenant,
        "storeId": store,
        "amountPaise": 8_000,
        "method": "UPI",
        "customerPhone": phone,
    }
    assert (
        "/api/payments/internal/checkouts",
        "orders",
    ) in world.catalog.calls  # with the orders service token
    again = await _checkout(http, a, store, customer, body, key="pay-1")
    assert again.json()["payment"] == pay  # the replay carries the same Razorpay order


async def test_payments_down_is_503_no_order_and_the_stock_back(instances, http, world):
    a = instances["a"]
    tenant, merchant = world.merchant()
    store = await world.store(tenant)
    _, customer = world.customer()
    body = checkout_body(method="ONLINE")
    try:
        world.catalog.payments_fail = 503
        down = await _checkout(http, a, store, customer, body, key="pay-down")
    finally:
        world.catalog.payments_fail = None
    assert down.status_code == 503 and down.json()["code"] == "PAYMENTS_UNAVAILABLE", down.text
    assert world.catalog.stock(store, "prd_tomato") == 100  # the reservation was released at once
    assert (await http.get(f"{a}{API}/stores/{store}/orders", headers=auth(merchant))).json()["items"] == []
    ok = await _checkout(http, a, store, customer, body, key="pay-down")  # the key was not spent
    assert ok.status_code == 201 and ok.json()["payment"]["amountPaise"] == 8_000


async def test_out_of_stock_is_passed_through_and_remembered_under_the_key(instances, http, world):
    a = instances["a"]
    tenant, _ = world.merchant()
    store = await world.store(tenant, {"prd_mango": Product("Alphonso mangoes (dozen)", 120_000, 3)})
    _, customer = world.customer()
    body = checkout_body([{"productId": "prd_mango", "quantity": 5}])
    r = await _checkout(http, a, store, customer, body, key="mango")
    assert r.status_code == 409
    problem = r.json()
    assert problem["code"] == "OUT_OF_STOCK" and "Only 3 left of Alphonso mangoes" in problem["detail"]
    assert problem["errors"][0]["field"] == "items"
    again = await _checkout(http, a, store, customer, body, key="mango")
    assert again.status_code == 409 and again.json()["detail"] == problem["detail"]
    assert world.catalog.stock(store, "prd_mango") == 3


@pytest.mark.parametrize(
    ("items", "status", "code", "field"),
    [
        ([{"productId": "prd_nope", "quantity": 1}], 404, "PRODUCT_NOT_FOUND", "items"),
        ([{"productId": "prd_tomato", "quantity": 0}], 422, "VALIDATION_FAILED", "items[0].quantity"),
        ([{"productId": "prd_tomato", "quantity": -2}], 422, "VALIDATION_FAILED", "items[0].quantity"),
        ([{"productId": "prd_tomato", "quantity": 10_000}], 422, "VALIDATION_FAILED", "items[0].quantity"),
        ([], 422, "EMPTY_CART", "items"),
        # (webdpro_http names an unknown field without its path)
        ([{"productId": "prd_tomato", "quantity": 1, "colour": "red"}], 422, "VALIDATION_FAILED", "colour"),
    ],
)
async def test_bad_checkouts_are_clear_problems(instances, http, world, items, status, code, field):
    a = instances["a"]
    tenant, _ = world.merchant()
    store = await world.store(tenant)
    _, customer = world.customer()
    r = await _checkout(http, a, store, customer, checkout_body(items))
    assert r.status_code == status, r.text
    assert r.json()["code"] == code
    assert r.json()["errors"][0]["field"] == field


async def test_missing_key_unknown_store_and_bad_address(instances, http, world):
    a = instances["a"]
    tenant, _ = world.merchant()
    store = await world.store(tenant)
    _, customer = world.customer()
    r = await http.post(f"{a}{API}/stores/{store}/checkout", json=checkout_body(), headers=auth(customer))
    assert r.status_code == 400 and r.json()["code"] == "IDEMPOTENCY_KEY_REQUIRED"
    assert r.json()["errors"][0]["field"] == "Idempotency-Key"
    r = await _checkout(http, a, "sto_missing", customer, checkout_body())
    assert r.status_code == 404 and r.json()["code"] == "STORE_NOT_FOUND"
    bad = checkout_body(deliveryAddress={**checkout_body()["deliveryAddress"], "pincode": "12345"})
    r = await _checkout(http, a, store, customer, bad)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "deliveryAddress.pincode"
    r = await _checkout(http, a, store, customer, checkout_body(method="CHEQUE"))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "paymentMethod"


async def test_the_cart_follows_the_customer_and_checks_out(instances, http, world):
    a = instances["a"]
    tenant, _ = world.merchant()
    store = await world.store(tenant)
    phone, phone_device = world.customer()
    _, laptop = world.customer(phone)  # same verified phone, another session
    url = f"{a}{API}/stores/{store}/cart"
    assert (await http.get(url, headers=auth(phone_device))).json()["items"] == []
    cart = {"items": [{"productId": "prd_onion", "quantity": 2}, {"productId": "prd_onion", "quantity": 1}]}
    put = await http.put(url, json=cart, headers=auth(phone_device))
    assert put.status_code == 200 and put.json()["items"] == [{"productId": "prd_onion", "quantity": 3}]
    assert (await http.get(url, headers=auth(laptop))).json()["items"] == [
        {"productId": "prd_onion", "quantity": 3}
    ]
    body = checkout_body()
    del body["items"]  # no items: check out the saved cart
    r = await _checkout(http, a, store, laptop, body)
    assert r.status_code == 201 and r.json()["amountPaise"] == 3 * 3_550
    assert (await http.get(url, headers=auth(phone_device))).json()["items"] == []
    empty = await _checkout(http, a, store, laptop, body)
    assert empty.status_code == 422 and empty.json()["code"] == "EMPTY_CART"
    assert (await http.get(f"{a}{API}/stores/sto_missing/cart", headers=auth(laptop))).status_code == 404


async def test_checkout_answers_quickly(instances, http, world):
    a = instances["a"]
    tenant, _ = world.merchant()
    store = await world.store(tenant)
    _, customer = world.customer()
    started = time.perf_counter()
    r = await _checkout(http, a, store, customer, checkout_body())
    assert r.status_code == 201 and time.perf_counter() - started < 2


async def test_the_storefronts_own_body_shapes_are_accepted(instances, http, world):
    """What sitegen's app.js sends: an address with empty optional fields, or none (a slot booking)."""
    a = instances["a"]
    tenant, merchant = world.merchant()
    store = await world.store(tenant)
    phone, customer = world.customer()
    address = {
        "name": "",
        "line1": "Flat 4, Sea View",
        "landmark": "",
        "pincode": "400050",
        "city": "",
        "phone": phone,
    }
    items = [{"productId": "prd_tomato", "quantity": 1}]
    r = await _checkout(
        http, a, store, customer, {"items": items, "paymentMethod": "COD", "deliveryAddress": address}
    )
    assert r.status_code == 201, r.text
    seen = (await http.get(f"{a}{API}/orders/{r.json()['orderId']}", headers=auth(merchant))).json()
    assert seen["deliveryAddress"] == {"line1": "Flat 4, Sea View", "pincode": "400050", "phone": phone}
    r = await _checkout(http, a, store, customer, {"items": items, "paymentMethod": "COD"})
    assert r.status_code == 201, r.text
    detail = (await http.get(f"{a}{API}/me/orders/{r.json()['orderId']}", headers=auth(customer))).json()
    assert detail["deliveryAddress"] is None
