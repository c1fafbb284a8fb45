"""Concurrency through the gateway, against the separate service processes: no oversell, one order per
Idempotency-Key, and OTP tries counted atomically."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.e2e.conftest import Person, wait_for

pytestmark = pytest.mark.e2e

ADDRESS = {"name": "Buyer", "line1": "4 Linking Road", "city": "Mumbai", "pincode": "400052"}


@pytest.fixture(scope="module")
def shop(gw):
    """A generated grocery store whose first product has exactly 50 in stock, and ten logged-in customers."""
    owner = Person(gw, "+919820077001", "BUSINESS_OWNER", "10.30.0.1").login()
    created = owner.post(
        "/api/sitegen/stores", json={"prompt": "Apna Bazaar, kirana store in Thane, UPI and cash"}
    )
    assert created.status_code == 202, created.text
    store_id = created.json()["storeId"]
    products = wait_for(lambda: gw.get(f"/api/catalog/public/stores/{store_id}/products").json().get("items"))
    product = next(p for p in products if p["mode"] == "stock")
    path = f"/api/catalog/stores/{store_id}/products/{product['productId']}"
    available = owner.get(path).json()["available"]
    r = owner.post(f"{path}/stock", json={"delta": 50 - available, "reason": "stock take"})
    assert r.status_code == 200, r.text
    assert owner.get(path).json()["available"] == 50
    customers = [Person(gw, f"+91981230{i:04d}", "CUSTOMER", f"10.31.0.{i + 1}").login() for i in range(10)]
    return {
        "owner": owner,
        "store_id": store_id,
        "product_path": path,
        "product_id": product["productId"],
        "customers": customers,
    }


def _checkout(client: httpx.AsyncClient, shop, customer: Person, key: str, quantity: int = 1):
    return client.post(
        f"/api/orders/stores/{shop['store_id']}/checkout",
        json={
            "items": [{"productId": shop["product_id"], "quantity": quantity}],
            "paymentMethod": "COD",
            "deliveryAddress": ADDRESS,
        },
        headers={**customer.headers, "idempotency-key": key},
    )


def test_two_hundred_concurrent_checkouts_for_fifty_units_make_exactly_fifty_orders(platform, shop):
    async def run() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
        async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=60, limits=limits) as client:
            return await asyncio.gather(
                *(_checkout(client, shop, shop["customers"][i % 10], f"race-{i}") for i in range(200))
            )

    answers = asyncio.run(run())
    statuses = [a.status_code for a in answers]
    assert statuses.count(201) == 50, {s: statuses.count(s) for s in set(statuses)}
    others = [(a.status_code, a.text[:200]) for a in answers if a.status_code not in (201, 409)]
    assert not others, others[:3]
    refused = [a.json() for a in answers if a.status_code == 409]
    assert len(refused) == 150 and all(p["code"] == "OUT_OF_STOCK" for p in refused)
    assert shop["owner"].get(shop["product_path"]).json()["available"] == 0
    orders = {a.json()["orderId"] for a in answers if a.status_code == 201}
    assert len(orders) == 50


def test_fifty_concurrent_checkouts_with_one_key_make_one_order(platform, shop):
    owner, customer = shop["owner"], shop["customers"][0]
    owner.post(f"{shop['product_path']}/stock", json={"delta": 5, "reason": "delivery from Vashi"})
    before = owner.get(shop["product_path"]).json()["available"]

    async def run() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=60) as client:
            return await asyncio.gather(*(_checkout(client, shop, customer, "same-key-1") for _ in range(50)))

    answers = asyncio.run(run())
    created = {a.json()["orderId"] for a in answers if a.status_code in (200, 201)}
    assert len(created) == 1, {a.status_code for a in answers}
    assert all(a.status_code in (200, 201) or a.json()["code"] == "REQUEST_IN_PROGRESS" for a in answers)
    assert owner.get(shop["product_path"]).json()["available"] == before - 1


def test_concurrent_wrong_codes_spend_exactly_five_tries(platform, gw):
    phone = "+919833300999"
    r = gw.post(
        "/api/auth/otp/request",
        json={"channel": "sms", "destination": phone},
        headers={"x-forwarded-for": "10.32.0.1"},
    )
    assert r.status_code == 202

    async def run() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as client:
            body = {"destination": phone, "code": "000000", "role": "CUSTOMER"}
            return await asyncio.gather(*(client.post("/api/auth/otp/verify", json=body) for _ in range(12)))

    answers = asyncio.run(run())
    statuses = sorted(a.status_code for a in answers)
    # "000000" could be the real code once in a million runs; then one answer is a 200 and the rest 422/429.
    assert statuses.count(422) + statuses.count(200) == 5 and statuses.count(429) == 7, statuses
