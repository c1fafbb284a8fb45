"""Reservations through the internal API: atomic, all-or-nothing, idempotent by order id, confirm / release /
expiry returning stock, bad input, and the no-oversell race."""

import asyncio
from datetime import timedelta

import httpx
import pytest

from catalog.adapters.repository import store_pk
from catalog.service import reservations
from webdpro_core import clock, ids
from webdpro_events import encode, new_event

pytestmark = pytest.mark.integration

P1, P2 = "prd_item0001", "prd_item0002"


@pytest.fixture
async def grocery(make_store, spec):
    store_id, tenant_id, _ = await make_store(
        "stock",
        [
            spec(1, {"mode": "stock", "stock_qty": 10}, price=4000),
            spec(2, {"mode": "stock", "stock_qty": 3}, price=2500),
        ],
    )
    return store_id, tenant_id


async def test_reserve_prices_from_the_catalog_and_holds(grocery, reserve, stock_of):
    store_id, tenant_id = grocery
    oid = ids.new_id("ord")
    r = await reserve(
        store_id, tenant_id, [{"productId": P1, "quantity": 2}, {"productId": P2, "quantity": 3}], oid
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["orderId"] == oid and body["status"] == "HELD"
    assert body["items"] == [
        {
            "productId": P1,
            "variantId": None,
            "slotId": None,
            "name": "Item 1",
            "unitPricePaise": 4000,
            "quantity": 2,
            "lineTotalPaise": 8000,
        },
        {
            "productId": P2,
            "variantId": None,
            "slotId": None,
            "name": "Item 2",
            "unitPricePaise": 2500,
            "quantity": 3,
            "lineTotalPaise": 7500,
        },
    ]
    assert body["totalPaise"] == 15500
    expires = clock.parse_iso(body["expiresAt"])
    assert timedelta(seconds=890) < expires - clock.now() <= timedelta(seconds=900)
    assert await stock_of(tenant_id, store_id, P1) == 8 and await stock_of(tenant_id, store_id, P2) == 0


async def test_all_or_nothing(grocery, reserve, stock_of, deps):
    store_id, tenant_id = grocery
    oid = ids.new_id("ord")
    r = await reserve(
        store_id, tenant_id, [{"productId": P1, "quantity": 2}, {"productId": P2, "quantity": 4}], oid
    )
    assert r.status_code == 409
    problem = r.json()
    assert r.headers["content-type"].startswith("application/problem+json")
    assert problem["code"] == "OUT_OF_STOCK" and problem["available"] == 3 and problem["productId"] == P2
    assert problem["errors"] == [{"field": "items[1].quantity", "message": "Item 2: only 3 left"}]
    assert await stock_of(tenant_id, store_id, P1) == 10 and await stock_of(tenant_id, store_id, P2) == 3
    assert await deps.repo.get_reservation(tenant_id, store_id, oid) is None


async def test_the_same_line_twice_counts_once_against_stock(grocery, reserve, stock_of):
    store_id, tenant_id = grocery
    r = await reserve(
        store_id, tenant_id, [{"productId": P2, "quantity": 2}, {"productId": P2, "quantity": 2}]
    )
    assert r.status_code == 409 and r.json()["available"] == 3
    r = await reserve(
        store_id, tenant_id, [{"productId": P2, "quantity": 2}, {"productId": P2, "quantity": 1}]
    )
    assert r.status_code == 201 and await stock_of(tenant_id, store_id, P2) == 0


async def test_idempotent_by_order_id_even_when_concurrent(grocery, reserve, stock_of, served, internal):
    store_id, tenant_id = grocery
    oid = ids.new_id("ord")
    items = [{"productId": P1, "quantity": 3}]
    body = {"orderId": oid, "tenantId": tenant_id, "items": items}
    url = f"{served}/api/catalog/internal/stores/{store_id}/reservations"
    async with httpx.AsyncClient(timeout=60) as http:
        answers = await asyncio.gather(*(http.post(url, json=body, headers=internal()) for _ in range(30)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(201) == 1 and statuses.count(200) == 29, statuses
    assert len({a.text for a in answers}) == 1
    assert await stock_of(tenant_id, store_id, P1) == 7


async def test_idempotent_by_order_id(grocery, reserve, stock_of):
    store_id, tenant_id = grocery
    oid = ids.new_id("ord")
    items = [{"productId": P1, "quantity": 3}]
    first = await reserve(store_id, tenant_id, items, oid)
    assert first.status_code == 201
    second = await reserve(store_id, tenant_id, items, oid)
    assert second.status_code == 200 and second.json() == first.json()
    assert await stock_of(tenant_id, store_id, P1) == 7
    # Later, even once the stock is gone, the same order id still gets its reservation back.
    assert (await reserve(store_id, tenant_id, [{"productId": P1, "quantity": 7}])).status_code == 201
    again = await reserve(store_id, tenant_id, items, oid)
    assert again.status_code == 200 and again.json() == first.json()


async def test_confirm_and_release_are_idempotent_and_return_stock(
    grocery, reserve, stock_of, client, internal, deps
):
    store_id, tenant_id = grocery
    base = f"/api/catalog/internal/stores/{store_id}/reservations"
    a, b = ids.new_id("ord"), ids.new_id("ord")
    assert (await reserve(store_id, tenant_id, [{"productId": P1, "quantity": 4}], a)).status_code == 201
    assert (await reserve(store_id, tenant_id, [{"productId": P1, "quantity": 1}], b)).status_code == 201
    assert await stock_of(tenant_id, store_id, P1) == 5
    for _ in range(2):
        r = await client.post(f"{base}/{a}/confirm", headers=internal())
        assert r.status_code == 200 and r.json()["status"] == "CONFIRMED"
    for _ in range(2):
        r = await client.post(f"{base}/{b}/release", json={}, headers=internal())  # orders sends {}
        assert r.status_code == 200 and r.json()["status"] == "RELEASED"
    assert await stock_of(tenant_id, store_id, P1) == 6
    # Confirmed sales are counted per day (the forecasts' input).
    today = clock.now() + timedelta(minutes=330)
    sales = await deps.repo.sales_between(
        tenant_id, store_id, today.date().isoformat(), today.date().isoformat()
    )
    assert [(s["product_id"], s["qty"]) for s in sales] == [(P1, 4)]
    # An order cancelled after confirmation gives its stock back and un-counts the sale.
    r = await client.post(f"{base}/{a}/release", headers=internal())
    assert r.json()["status"] == "RELEASED" and await stock_of(tenant_id, store_id, P1) == 10
    sales = await deps.repo.sales_between(
        tenant_id, store_id, today.date().isoformat(), today.date().isoformat()
    )
    assert [s["qty"] for s in sales] == [0]
    got = await client.get(f"{base}/{a}", headers=internal())
    assert got.status_code == 200 and got.json()["status"] == "RELEASED"
    missing = await client.post(f"{base}/{ids.new_id('ord')}/confirm", headers=internal())
    assert missing.status_code == 404 and missing.json()["code"] == "RESERVATION_NOT_FOUND"


async def test_order_events_confirm_and_release(grocery, reserve, stock_of, consumer, deps):
    store_id, tenant_id = grocery
    a, b = ids.new_id("ord"), ids.new_id("ord")
    await reserve(store_id, tenant_id, [{"productId": P2, "quantity": 2}], a)
    await reserve(store_id, tenant_id, [{"productId": P2, "quantity": 1}], b)
    confirmed = encode(
        new_event(
            "order.confirmed", {"order_id": a, "store_id": store_id}, tenant_id=tenant_id, source="orders"
        )
    )
    cancelled = encode(
        new_event(
            "order.cancelled", {"order_id": b, "store_id": store_id}, tenant_id=tenant_id, source="orders"
        )
    )
    for body in (confirmed, cancelled, confirmed, cancelled):  # redelivered: nothing changes
        await consumer.handle(body)
    assert (await deps.repo.get_reservation(tenant_id, store_id, a))["status"] == "CONFIRMED"
    assert (await deps.repo.get_reservation(tenant_id, store_id, b))["status"] == "RELEASED"
    assert await stock_of(tenant_id, store_id, P2) == 1


async def test_expired_holds_come_back_by_the_sweep_and_lazily(
    grocery, reserve, stock_of, deps, app, client, internal
):
    store_id, tenant_id = grocery
    a = ids.new_id("ord")
    assert (
        await reserve(store_id, tenant_id, [{"productId": P2, "quantity": 3}], a, hold=60)
    ).status_code == 201
    assert await stock_of(tenant_id, store_id, P2) == 0
    # Not yet expired: the sweep leaves it.
    assert await reservations.sweep_store(deps, tenant_id, store_id) == 0
    real_now = deps.now
    try:
        deps.now = lambda: real_now() + timedelta(seconds=120)
        assert await reservations.sweep_store(deps, tenant_id, store_id) == 1
    finally:
        deps.now = real_now
    assert await stock_of(tenant_id, store_id, P2) == 3
    assert (await deps.repo.get_reservation(tenant_id, store_id, a))["status"] == "RELEASED"
    # Confirming after the hold lapsed takes the stock again while it is there ...
    base = f"/api/catalog/internal/stores/{store_id}/reservations"
    r = await client.post(f"{base}/{a}/confirm", headers=internal())
    assert r.status_code == 200 and r.json()["status"] == "CONFIRMED"
    assert await stock_of(tenant_id, store_id, P2) == 0
    await client.post(f"{base}/{a}/release", headers=internal())

    # Lazily: an out-of-stock answer first returns the store's expired holds, then tries again.
    b = ids.new_id("ord")
    assert (
        await reserve(store_id, tenant_id, [{"productId": P2, "quantity": 3}], b, hold=60)
    ).status_code == 201
    app_deps = app.state.deps
    app_real_now = app_deps.now
    try:
        app_deps.now = lambda: app_real_now() + timedelta(seconds=120)
        r = await reserve(store_id, tenant_id, [{"productId": P2, "quantity": 2}])
    finally:
        app_deps.now = app_real_now
    assert r.status_code == 201, r.text
    assert (await deps.repo.get_reservation(tenant_id, store_id, b))["status"] == "RELEASED"
    assert await stock_of(tenant_id, store_id, P2) == 1
    # ... and once the stock is gone, confirming the lapsed order is refused.
    c = ids.new_id("ord")
    await reserve(store_id, tenant_id, [{"productId": P2, "quantity": 1}], c)
    r = await client.post(f"{base}/{b}/confirm", headers=internal())
    assert r.status_code == 409 and r.json()["code"] == "RESERVATION_EXPIRED"


@pytest.mark.parametrize(
    ("items", "status", "code", "field"),
    [
        ([{"productId": P1, "quantity": 0}], 422, "VALIDATION_FAILED", "items[0].quantity"),
        ([{"productId": P1, "quantity": -3}], 422, "VALIDATION_FAILED", "items[0].quantity"),
        ([{"productId": P1, "quantity": 1001}], 422, "VALIDATION_FAILED", "items[0].quantity"),
        (
            [{"productId": P1, "quantity": 1, "pricePaise": 1}],
            422,
            "VALIDATION_FAILED",
            "items[0].pricePaise",
        ),
        ([], 422, "VALIDATION_FAILED", "items"),
        ([{"productId": "prd_nope", "quantity": 1}], 404, "PRODUCT_NOT_FOUND", "items[0].productId"),
        (
            [{"productId": P1, "quantity": 1, "slotId": f"{P1}@2020-01-01T10:00"}],
            422,
            "SLOT_NOT_APPLICABLE",
            "items[0].slotId",
        ),
    ],
)
async def test_bad_lines_are_refused_with_a_field(grocery, reserve, stock_of, items, status, code, field):
    store_id, tenant_id = grocery
    r = await reserve(store_id, tenant_id, items)
    assert r.status_code == status, r.text
    assert r.json()["code"] == code
    assert r.json()["errors"][0]["field"].endswith(field.removeprefix("items[0]."))
    assert await stock_of(tenant_id, store_id, P1) == 10


async def test_unknown_or_foreign_store_is_not_found(grocery, reserve, client):
    store_id, _ = grocery
    r = await reserve(store_id, ids.new_id("tnt"), [{"productId": P1, "quantity": 1}])
    assert r.status_code == 404 and r.json()["code"] == "STORE_NOT_FOUND"
    r = await reserve("sto_missing", ids.new_id("tnt"), [{"productId": P1, "quantity": 1}])
    assert r.status_code == 404 and r.json()["code"] == "STORE_NOT_FOUND"


async def test_internal_routes_need_a_service_token(grocery, client, token):
    store_id, tenant_id = grocery
    url = f"/api/catalog/internal/stores/{store_id}/reservations"
    body = {"orderId": "ord_x", "tenantId": tenant_id, "items": [{"productId": P1, "quantity": 1}]}
    assert (await client.post(url, json=body)).status_code == 401
    r = await client.post(url, json=body, headers=token("BUSINESS_OWNER", tenant_id))
    assert r.status_code == 401 and r.json()["code"] == "SERVICE_TOKEN_INVALID"


async def test_race_200_buyers_50_units(make_store, spec, served, internal, stock_of, deps):
    """200 concurrent reservations of 1 unit against 50 in stock, against the real server process (truly
    concurrent requests) → exactly 50 HELD, 150 OUT_OF_STOCK, stock 0, never negative, 50 reservation records."""
    store_id, tenant_id, _ = await make_store("stock", [spec(1, {"mode": "stock", "stock_qty": 50})])
    url = f"{served}/api/catalog/internal/stores/{store_id}/reservations"
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(limits=limits, timeout=60) as http:

        async def buy(i: int):
            body = {
                "orderId": f"ord_race{i:04d}{store_id[-6:]}",
                "tenantId": tenant_id,
                "items": [{"productId": P1, "quantity": 1}],
            }
            return await http.post(url, json=body, headers=internal())

        answers = await asyncio.gather(*(buy(i) for i in range(200)))
    statuses = [a.status_code for a in answers]
    codes = sorted({a.json().get("code") for a in answers if a.status_code != 201})
    stock = await stock_of(tenant_id, store_id, P1)
    held = [r for r in await deps.repo.table.query_all(store_pk(tenant_id, store_id), sk_prefix="RES#")]
    assert (statuses.count(201), statuses.count(409), codes, stock, len(held)) == (
        50,
        150,
        ["OUT_OF_STOCK"],
        0,
        50,
    )
