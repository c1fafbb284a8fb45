"""The public storefront (ETag / 304 / Cache-Control / pagination) and the inventory scan → low-stock alert →
reorder (supplier ping + purchase order) → receive."""

from datetime import timedelta

import httpx
import msgspec
import pytest

from catalog.adapters.repository import store_pk
from catalog.domain import inventory
from catalog.service import restock
from webdpro_events import encode, new_event

pytestmark = pytest.mark.integration

P1 = "prd_item0001"


async def test_public_products_are_paginated_cacheable_and_revalidated(make_store, spec, client, token):
    products = [
        spec(i, {"mode": "stock", "stock_qty": i}, category="cat_veg" if i % 2 else "cat_fru")
        for i in range(1, 8)
    ]
    store_id, tenant_id, _ = await make_store("stock", products)
    url = f"/api/catalog/public/stores/{store_id}/products"
    first = await client.get(url, params={"limit": 3})
    assert first.status_code == 200
    assert first.headers["cache-control"] == "public, max-age=30"
    etag = first.headers["etag"]
    assert etag.startswith('W/"') and store_id in etag
    page = first.json()
    assert [p["productId"] for p in page["items"]] == ["prd_item0001", "prd_item0002", "prd_item0003"]
    assert "reorderQty" not in page["items"][0] and page["items"][0]["inStock"] is True
    seen = [p["productId"] for p in page["items"]]
    cursor = page["nextCursor"]
    while cursor:
        nxt = (await client.get(url, params={"limit": 3, "cursor": cursor})).json()
        seen += [p["productId"] for p in nxt["items"]]
        cursor = nxt["nextCursor"]
    assert seen == [f"prd_item{i:04d}" for i in range(1, 8)]
    veg = (await client.get(url, params={"category": "cat_veg", "limit": 2})).json()
    assert [p["productId"] for p in veg["items"]] == ["prd_item0001", "prd_item0003"] and veg["nextCursor"]
    # Revalidation: the same version answers 304 with no body (also for the weak/strong forms and a list).
    for tag in (etag, etag.removeprefix("W/"), f'"other", {etag}', "*"):
        r = await client.get(url, params={"limit": 3}, headers={"If-None-Match": tag})
        assert r.status_code == 304 and r.content == b"" and r.headers["etag"] == etag
    one = await client.get(f"{url}/prd_item0002", headers={"If-None-Match": etag})
    assert one.status_code == 304
    # A merchant change bumps the catalog version: a new tag and the new content.
    await client.patch(
        f"/api/catalog/stores/{store_id}/products/prd_item0002",
        json={"pricePaise": 5500},
        headers=token("BUSINESS_OWNER", tenant_id),
    )
    r = await client.get(f"{url}/prd_item0002", headers={"If-None-Match": etag})
    assert r.status_code == 200 and r.headers["etag"] != etag and r.json()["pricePaise"] == 5500
    # Inactive or unknown products and unknown stores are not found; bad cursors are 422.
    await client.patch(
        f"/api/catalog/stores/{store_id}/products/prd_item0003",
        json={"status": "inactive"},
        headers=token("BUSINESS_OWNER", tenant_id),
    )
    assert (await client.get(f"{url}/prd_item0003")).status_code == 404
    assert "prd_item0003" not in [
        p["productId"] for p in (await client.get(url, params={"limit": 50})).json()["items"]
    ]
    assert (await client.get("/api/catalog/public/stores/sto_nope/products")).json()[
        "code"
    ] == "STORE_NOT_FOUND"
    assert (await client.get(url, params={"cursor": "garbage!"})).status_code == 422
    assert (await client.get(url, params={"limit": 1000})).status_code == 422
    cats = await client.get(f"/api/catalog/public/stores/{store_id}/categories")
    assert [c["slug"] for c in cats.json()["items"]] == ["fruit", "vegetables"]


async def test_scan_alert_reorder_receive(make_store, spec, consumer, deps, client, token, aws_emulator):
    store_id, tenant_id, _ = await make_store(
        "stock",
        [
            spec(1, {"mode": "stock", "stock_qty": 30, "low_stock_threshold": 5, "reorder_qty": 50}),
            spec(2, {"mode": "stock", "stock_qty": 500}),
        ],
    )
    h = token("BUSINESS_OWNER", tenant_id)
    # The merchant's contact arrives with auth's user.registered.
    merchant_phone = "+919812345678"
    await consumer.handle(
        encode(
            new_event(
                "user.registered",
                {
                    "user_id": "usr_m",
                    "role": "BUSINESS_OWNER",
                    "tenant_id": tenant_id,
                    "phone_number": merchant_phone,
                    "email": None,
                },
                tenant_id=tenant_id,
                source="auth",
            )
        )
    )
    # Four weeks of sales: item 1 sells ~12/day (30 left → ~2.5 days of cover, below the reorder point).
    today = inventory.local_today(330, deps.now())
    for d in range(1, 29):
        day = (today - timedelta(days=d)).isoformat()
        await deps.repo.table.put(
            {
                "PK": store_pk(tenant_id, store_id),
                "SK": f"SALES#{day}#{P1}",
                "product_id": P1,
                "variant_id": "-",
                "sales_day": day,
                "qty": 12,
            }
        )
        await deps.repo.table.put(
            {
                "PK": store_pk(tenant_id, store_id),
                "SK": f"SALES#{day}#prd_item0002",
                "product_id": "prd_item0002",
                "variant_id": "-",
                "sales_day": day,
                "qty": 2,
            }
        )
    tick = encode(new_event("schedule.inventory_scan", {}, tenant_id=None, source="scheduler"))
    await consumer.handle(tick)
    forecasts = {
        f["sku"]: f
        for f in (await client.get(f"/api/catalog/stores/{store_id}/forecasts", headers=h)).json()["items"]
    }
    f1 = forecasts[P1]
    assert f1["lowStock"] and float(f1["velocityPerDay"]) == pytest.approx(12, abs=0.1)
    assert f1["stockoutDate"] == (today + timedelta(days=2)).isoformat() and f1["reorderPoint"] >= 24
    assert not forecasts["prd_item0002"]["lowStock"]
    alerts = (await client.get(f"/api/catalog/stores/{store_id}/alerts", headers=h)).json()["items"]
    assert len(alerts) == 1 and alerts[0]["productId"] == P1 and alerts[0]["status"] == "OPEN"
    alert = alerts[0]
    assert alert["notified"] == ["sms"]
    sms = [
        m
        for m in httpx.get(f"{aws_emulator}/moto-api/data.json").json()["sns"]["SMS"]
        if m["phone_number"] == merchant_phone
    ]
    assert sms and "Item 1 is low" in sms[-1]["message"]
    # A second tick raises no second alert.
    await restock.scan(deps)
    assert len((await client.get(f"/api/catalog/stores/{store_id}/alerts", headers=h)).json()["items"]) == 1

    # Reorder needs a supplier contact.
    r = await client.post(f"/api/catalog/alerts/{alert['alertId']}/reorder", json={}, headers=h)
    assert r.status_code == 422 and r.json()["code"] == "SUPPLIER_CONTACT_MISSING"
    r = await client.put(
        f"/api/catalog/stores/{store_id}/supplier",
        json={"phone": "98765 43210", "email": "supply@mandi.example"},
        headers=h,
    )
    assert r.status_code == 200 and r.json()["supplier"] == {
        "phone": "+919876543210",
        "email": "supply@mandi.example",
    }
    r = await client.post(f"/api/catalog/alerts/{alert['alertId']}/reorder", json={"quantity": 60}, headers=h)
    assert r.status_code == 201, r.text
    po = r.json()
    assert po["status"] == "ORDERED" and po["quantity"] == 60 and po["supplierNotified"] == ["sms", "email"]
    data = httpx.get(f"{aws_emulator}/moto-api/data.json").json()
    assert any(
        po["poId"] in m["message"] and m["phone_number"] == "+919876543210" for m in data["sns"]["SMS"]
    )
    assert any("supply@mandi.example" in m["destinations"]["ToAddresses"] for m in data["ses"]["Message"])
    again = await client.post(f"/api/catalog/alerts/{alert['alertId']}/reorder", headers=h)
    assert again.status_code == 200 and again.json()["poId"] == po["poId"]
    other = token("BUSINESS_OWNER", "tnt_someoneelse")
    assert (
        await client.post(f"/api/catalog/alerts/{alert['alertId']}/reorder", headers=other)
    ).status_code == 404
    assert (
        await client.post(f"/api/catalog/purchase-orders/{po['poId']}/receive", headers=other)
    ).status_code == 404

    r = await client.post(f"/api/catalog/purchase-orders/{po['poId']}/receive", json={}, headers=h)
    assert r.status_code == 200 and r.json()["status"] == "RECEIVED" and r.json()["receivedQty"] == 60
    r = await client.post(
        f"/api/catalog/purchase-orders/{po['poId']}/receive", json={"quantity": 60}, headers=h
    )
    assert r.status_code == 200 and r.json()["receivedQty"] == 60  # idempotent: stock added once
    product = (await client.get(f"/api/catalog/stores/{store_id}/products/{P1}", headers=h)).json()
    assert product["available"] == 90
    moves = (await client.get(f"/api/catalog/stores/{store_id}/products/{P1}/movements", headers=h)).json()[
        "items"
    ]
    assert moves[0]["source"] == "purchase_order" and moves[0]["delta"] == 60
    alerts = (await client.get(f"/api/catalog/stores/{store_id}/alerts", headers=h)).json()["items"]
    assert alerts[0]["status"] == "RESOLVED"
    pos = (await client.get(f"/api/catalog/stores/{store_id}/purchase-orders", headers=h)).json()["items"]
    assert [p["poId"] for p in pos] == [po["poId"]]


async def test_the_founders_suspension_closes_the_storefront_until_lifted(
    make_store, consumer, client, reserve
):
    store_id, tenant_id, _ = await make_store("stock")
    url = f"/api/catalog/public/stores/{store_id}/products"
    assert (await client.get(url)).status_code == 200

    def action(kind: str, **extra) -> bytes:
        data = {"store_id": store_id, "tenant_id": tenant_id, **extra}
        return encode(new_event(kind, data, tenant_id=tenant_id, source="admin"))

    suspended, lifted = action("store.suspended", reason="fraud reports"), action("store.unsuspended")
    await consumer.handle(suspended)
    closed = await client.get(url)
    assert closed.status_code == 404 and closed.json()["code"] == "STORE_NOT_FOUND"
    refused = await reserve(store_id, tenant_id, [{"productId": P1, "quantity": 1}])
    assert refused.status_code == 404 and refused.json()["code"] == "STORE_NOT_FOUND"
    await consumer.handle(lifted)
    assert (await client.get(url)).status_code == 200
    await consumer.handle(suspended)  # redelivered after the lift: changes nothing
    assert (await client.get(url)).status_code == 200
    late = msgspec.json.encode(  # a suspension older than the lift, arriving after it: ignored
        {**msgspec.json.decode(suspended), "id": "evt_late", "occurred_at": "2020-01-01T00:00:00.000Z"}
    )
    await consumer.handle(late)
    assert (await client.get(url)).status_code == 200
    await consumer.handle(action("store.deleted", purge_after="2027-05-25T00:00:00Z"))
    await consumer.handle(action("store.unsuspended"))  # deleted is final
    assert (await client.get(url)).status_code == 404
