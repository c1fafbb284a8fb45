"""store.generated → the store's catalog (idempotent); the merchant's routes (own tenant only); stock with
movements; menu availability; variants; slots; image upload."""

import asyncio
from datetime import timedelta

import httpx
import pytest

from catalog.domain import inventory
from webdpro_core import ids
from webdpro_events import PermanentError, decode, encode, new_event

pytestmark = pytest.mark.integration

P1 = "prd_item0001"


async def test_store_generated_is_consumed_idempotently(make_store, consumer, deps, spec):
    store_id, tenant_id, body = await make_store(
        "stock", [spec(1, {"mode": "stock", "stock_qty": 7}), spec(2, {"mode": "stock", "stock_qty": 1})]
    )
    store = await deps.repo.get_store(tenant_id, store_id)
    assert store["imported"] and store["catalog_version"] == 1 and store["inventory_mode"] == "stock"
    items, _ = await deps.repo.list_products(tenant_id, store_id, limit=50, cursor=None)
    assert [(p["product_id"], p["stock_qty"]) for p in items] == [(P1, 7), ("prd_item0002", 1)]
    # The same message again, and the same data in a new event: nothing changes.
    await consumer.handle(body)
    event = new_event("store.generated", {**msgspec_data(body)}, tenant_id=tenant_id, source="sitegen")
    await consumer.handle(encode(event))
    await asyncio.gather(*(consumer.handle(body) for _ in range(5)))
    again = await deps.repo.get_store(tenant_id, store_id)
    assert again["catalog_version"] == 1
    items, _ = await deps.repo.list_products(tenant_id, store_id, limit=50, cursor=None)
    assert len(items) == 2 and len(await deps.repo.list_categories(tenant_id, store_id)) == 2


def msgspec_data(body: bytes) -> dict:
    return dict(decode(body).data)


async def test_a_store_id_of_another_tenant_is_refused(make_store, consumer, deps):
    _, tenant_id, body = await make_store("stock")
    data = {**msgspec_data(body), "tenant_id": ids.new_id("tnt")}
    with pytest.raises(PermanentError):
        await consumer.handle(
            encode(new_event("store.generated", data, tenant_id=data["tenant_id"], source="sitegen"))
        )
    bad = {**msgspec_data(body), "store_id": "sto_bad", "inventory_mode": "rockets"}
    with pytest.raises(PermanentError):
        await consumer.handle(
            encode(new_event("store.generated", bad, tenant_id=tenant_id, source="sitegen"))
        )


async def test_merchant_manages_products_and_categories(make_store, client, token):
    store_id, tenant_id, _ = await make_store("stock")
    h = token("BUSINESS_OWNER", tenant_id)
    base = f"/api/catalog/stores/{store_id}"
    cat = await client.post(f"{base}/categories", json={"name": {"en": "Dairy"}}, headers=h)
    assert cat.status_code == 201 and cat.json()["slug"] == "dairy"
    cid = cat.json()["categoryId"]
    new = {
        "name": {"en": "Paneer 200 g", "hi": "पनीर"},
        "pricePaise": 9000,
        "mrpPaise": 9500,
        "unit": "200 g",
        "categoryId": cid,
        "inventory": {"mode": "stock", "stockQty": 12, "lowStockThreshold": 3, "reorderQty": 24},
    }
    r = await client.post(f"{base}/products", json=new, headers=h)
    assert r.status_code == 201, r.text
    pid = r.json()["productId"]
    assert r.json()["available"] == 12 and r.json()["slug"] == "paneer-200-g" and r.json()["reorderQty"] == 24
    # The store keeps stock: a menu item is refused; unknown fields and bad prices too.
    wrong = await client.post(f"{base}/products", json={**new, "inventory": {"mode": "menu"}}, headers=h)
    assert wrong.status_code == 422 and wrong.json()["code"] == "WRONG_INVENTORY_MODE"
    for bad in ({**new, "pricePaise": 0}, {**new, "colour": "red"}, {**new, "mrpPaise": 100}):
        assert (await client.post(f"{base}/products", json=bad, headers=h)).status_code == 422
    r = await client.patch(f"{base}/products/{pid}", json={"pricePaise": 8500, "mrpPaise": None}, headers=h)
    assert r.status_code == 200 and r.json()["pricePaise"] == 8500 and r.json()["mrpPaise"] is None
    listed = await client.get(f"{base}/products", params={"category": cid}, headers=h)
    assert [p["productId"] for p in listed.json()["items"]] == [pid]
    assert (await client.delete(f"{base}/categories/{cid}", headers=h)).json()["code"] == "CATEGORY_IN_USE"
    assert (await client.delete(f"{base}/products/{pid}", headers=h)).status_code == 204
    assert (await client.get(f"{base}/products/{pid}", headers=h)).json()["code"] == "PRODUCT_NOT_FOUND"
    assert (await client.delete(f"{base}/categories/{cid}", headers=h)).status_code == 204


async def test_stock_adjustments_and_their_history(make_store, client, token):
    store_id, tenant_id, _ = await make_store("stock")
    h = token("BUSINESS_OWNER", tenant_id)
    url = f"/api/catalog/stores/{store_id}/products/{P1}"
    r = await client.post(f"{url}/stock", json={"delta": 15, "reason": "delivery from mandi"}, headers=h)
    assert r.status_code == 200 and (r.json()["qtyBefore"], r.json()["qtyAfter"]) == (10, 25)
    r = await client.post(f"{url}/stock", json={"delta": -26, "reason": "count"}, headers=h)
    assert r.status_code == 409 and r.json()["code"] == "STOCK_NEGATIVE"
    r = await client.post(f"{url}/stock", json={"delta": -5, "reason": "spoiled"}, headers=h)
    assert r.json()["qtyAfter"] == 20
    assert (await client.post(f"{url}/stock", json={"delta": 1, "reason": " "}, headers=h)).status_code == 422
    moves = (await client.get(f"{url}/movements", headers=h)).json()["items"]
    assert [(m["delta"], m["reason"], m["qtyAfter"]) for m in moves] == [
        (-5, "spoiled", 20),
        (15, "delivery from mandi", 25),
    ]
    assert (await client.get(url, headers=h)).json()["available"] == 20


async def test_menu_availability(make_store, spec, client, token, reserve):
    store_id, tenant_id, _ = await make_store(
        "menu", [spec(1, {"mode": "menu", "veg": True, "prep_minutes": 15})]
    )
    h = token("BUSINESS_OWNER", tenant_id)
    url = f"/api/catalog/stores/{store_id}/products/{P1}/availability"
    assert (await reserve(store_id, tenant_id, [{"productId": P1, "quantity": 4}])).status_code == 201
    r = await client.put(url, json={"soldOutToday": True}, headers=h)
    assert r.status_code == 200 and r.json()["menu"]["soldOutOn"] is not None
    r = await reserve(store_id, tenant_id, [{"productId": P1, "quantity": 1}])
    assert (
        r.status_code == 422
        and r.json()["code"] == "PRODUCT_UNAVAILABLE"
        and "sold out today" in r.json()["detail"]
    )
    await client.put(url, json={"soldOutToday": False, "available": False}, headers=h)
    r = await reserve(store_id, tenant_id, [{"productId": P1, "quantity": 1}])
    assert r.status_code == 422 and r.json()["code"] == "PRODUCT_UNAVAILABLE"
    r = await client.put(url, json={"available": True, "hours": {"from": "00:00", "to": "00:01"}}, headers=h)
    assert r.json()["menu"]["hours"] == {"from": "00:00", "to": "00:01"}
    r = await reserve(store_id, tenant_id, [{"productId": P1, "quantity": 1}])
    assert r.status_code == 422 and "served" in r.json()["detail"]
    await client.put(url, json={"hours": None}, headers=h)
    assert (await reserve(store_id, tenant_id, [{"productId": P1, "quantity": 1}])).status_code == 201


async def test_variants_have_their_own_stock(make_store, spec, client, token, reserve, stock_of):
    inv = {
        "mode": "variants",
        "variants": [
            {"id": "var_s00001", "sku": "KURTA-S", "size": "S", "colour": "Indigo", "stock_qty": 2},
            {
                "id": "var_m00001",
                "sku": "KURTA-M",
                "size": "M",
                "colour": "Indigo",
                "price_paise": 95000,
                "stock_qty": 0,
            },
        ],
    }
    store_id, tenant_id, _ = await make_store("variants", [spec(1, inv, price=89900)])
    h = token("BUSINESS_OWNER", tenant_id)
    base = f"/api/catalog/stores/{store_id}/products/{P1}"
    r = await reserve(store_id, tenant_id, [{"productId": P1, "variantId": "var_m00001", "quantity": 1}])
    assert r.status_code == 409 and r.json()["available"] == 0 and r.json()["variantId"] == "var_m00001"
    r = await reserve(store_id, tenant_id, [{"productId": P1, "variantId": "var_s00001", "quantity": 2}])
    assert r.status_code == 201 and r.json()["items"][0]["unitPricePaise"] == 89900
    assert "(S / Indigo)" in r.json()["items"][0]["name"]
    assert await stock_of(tenant_id, store_id, P1, "var_s00001") == 0
    r = await client.post(
        f"{base}/stock", json={"delta": 5, "reason": "restock", "variantId": "var_m00001"}, headers=h
    )
    assert r.status_code == 200 and r.json()["qtyAfter"] == 5
    assert (await client.post(f"{base}/stock", json={"delta": 5, "reason": "x"}, headers=h)).json()[
        "code"
    ] == "VARIANT_REQUIRED"
    r = await client.post(f"{base}/variants", json={"sku": "KURTA-L", "size": "L", "stockQty": 3}, headers=h)
    assert r.status_code == 201 and [v["sku"] for v in r.json()["variants"]] == [
        "KURTA-S",
        "KURTA-M",
        "KURTA-L",
    ]
    assert (await client.post(f"{base}/variants", json={"sku": "KURTA-L"}, headers=h)).json()[
        "code"
    ] == "DUPLICATE_SKU"
    large = next(v for v in r.json()["variants"] if v["sku"] == "KURTA-L")["variantId"]
    r = await reserve(
        store_id,
        tenant_id,
        [
            {"productId": P1, "variantId": "var_m00001", "quantity": 2},
            {"productId": P1, "variantId": large, "quantity": 3},
        ],
    )
    assert r.status_code == 201 and r.json()["totalPaise"] == 2 * 95000 + 3 * 89900
    assert (await client.delete(f"{base}/variants/{large}", headers=h)).status_code == 204
    r = await reserve(store_id, tenant_id, [{"productId": P1, "variantId": large, "quantity": 1}])
    assert r.status_code == 404 and r.json()["code"] == "PRODUCT_NOT_FOUND"


async def test_slots_are_booked_like_stock(make_store, spec, client, token, reserve, deps):
    clinic = {
        "mode": "slots",
        "duration_minutes": 30,
        "capacity_per_slot": 2,
        "opens": "09:00",
        "closes": "18:00",
        "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    }
    store_id, tenant_id, _ = await make_store("slots", [spec(1, clinic, price=50000)])
    now_local = inventory.local_now(330, deps.now())
    day = (now_local + timedelta(days=2)).date()
    slot = f"{P1}@{day.isoformat()}T10:00"
    r = await reserve(store_id, tenant_id, [{"productId": P1, "slotId": slot, "quantity": 1}])
    assert r.status_code == 201 and r.json()["items"][0]["slotId"] == slot
    r = await reserve(store_id, tenant_id, [{"productId": P1, "slotId": slot, "quantity": 2}])
    assert r.status_code == 409 and r.json()["code"] == "OUT_OF_STOCK" and r.json()["available"] == 1
    assert (
        await reserve(store_id, tenant_id, [{"productId": P1, "slotId": slot, "quantity": 1}])
    ).status_code == 201
    past = f"{P1}@{(now_local - timedelta(days=1)).date().isoformat()}T10:00"
    r = await reserve(store_id, tenant_id, [{"productId": P1, "slotId": past, "quantity": 1}])
    assert r.status_code == 422 and r.json()["code"] == "SLOT_IN_PAST"
    r = await reserve(
        store_id, tenant_id, [{"productId": P1, "slotId": f"{P1}@{day.isoformat()}T10:10", "quantity": 1}]
    )
    assert r.status_code == 422 and r.json()["code"] == "SLOT_NOT_OFFERED"
    h = token("BUSINESS_OWNER", tenant_id)
    listed = await client.get(
        f"/api/catalog/stores/{store_id}/products/{P1}/slots",
        params={"from": day.isoformat(), "days": 1},
        headers=h,
    )
    slots = {s["slotId"]: s for s in listed.json()["items"]}
    assert len(slots) == 18 and slots[slot]["remaining"] == 0 and not slots[slot]["bookable"]
    public = await client.get(
        f"/api/catalog/public/stores/{store_id}/products/{P1}/slots",
        params={"from": day.isoformat(), "days": 1},
    )
    assert public.status_code == 200 and len(public.json()["items"]) == 18


async def test_image_upload_by_presigned_url(make_store, client, token, aws, names):
    store_id, tenant_id, _ = await make_store("stock")
    h = token("BUSINESS_OWNER", tenant_id)
    url = f"/api/catalog/stores/{store_id}/products/{P1}"
    r = await client.post(f"{url}/image-upload", json={"contentType": "image/png"}, headers=h)
    assert r.status_code == 201, r.text
    up = r.json()
    assert up["imageUrl"].endswith(".png") and f"stores/{store_id}/products/{P1}/" in up["imageUrl"]
    async with httpx.AsyncClient() as http:
        put = await http.put(up["uploadUrl"], content=b"\x89PNG fake", headers={"content-type": "image/png"})
        assert put.status_code == 200
    key = up["imageUrl"].split(f"/{names.bucket('media')}/", 1)[1]
    obj = await (await aws.get("s3")).get_object(Bucket=names.bucket("media"), Key=key)
    assert await obj["Body"].read() == b"\x89PNG fake" and obj["ContentType"] == "image/png"
    r = await client.patch(url, json={"imageUrl": up["imageUrl"]}, headers=h)
    assert r.json()["imageUrl"] == up["imageUrl"]
    bad = await client.post(f"{url}/image-upload", json={"contentType": "text/html"}, headers=h)
    assert bad.status_code == 422


async def test_tenant_isolation_on_every_merchant_route(make_store, client, token, app):
    """Another tenant's merchant gets 404 on every merchant route of this store; customers and agents 403."""
    store_id, tenant_id, _ = await make_store("stock")
    other = token("BUSINESS_OWNER", ids.new_id("tnt"))
    owner = token("BUSINESS_OWNER", tenant_id)
    alert_or_po = {"alert_id": "alr_x", "po_id": "po_x"}
    routes = []
    for route in app.routes:
        path = route.path
        if (
            not path.startswith("/api/catalog/")
            or "/public/" in path
            or "/internal/" in path
            or path.endswith("healthz")
            or "/schema" in path
        ):
            continue
        for method in route.methods - {"HEAD", "OPTIONS"}:
            routes.append((method, path))
    assert len(routes) >= 25
    bodies = {"POST": {}, "PATCH": {}, "PUT": {}}
    for method, path in routes:
        url = path.replace("{store_id:str}", store_id).replace("{product_id:str}", P1)
        url = url.replace("{category_id:str}", "cat_veg").replace("{variant_id:str}", "var_x")
        url = url.replace("{alert_id:str}", alert_or_po["alert_id"]).replace(
            "{po_id:str}", alert_or_po["po_id"]
        )
        kwargs = {"json": bodies[method]} if method in bodies else {}
        r = await client.request(method, url, headers=other, **kwargs)
        # 404 (not found) — or 422 when the body is checked before the lookup; never 2xx, never 403.
        assert r.status_code in (404, 422), (method, url, r.status_code, r.text)
        if r.status_code == 422:
            assert r.json()["code"] == "VALIDATION_FAILED", (method, url, r.text)
        for role in ("CUSTOMER", "DELIVERY_AGENT"):
            denied = await client.request(method, url, headers=token(role, tenant_id), **kwargs)
            assert denied.status_code in (403, 422), (role, method, url, denied.status_code)
        assert (await client.request(method, url, **kwargs)).status_code in (401, 422)
    # The owner sees the store; the other tenant sees 404 with the store's real product ids too.
    assert (await client.get(f"/api/catalog/stores/{store_id}", headers=owner)).status_code == 200
    r = await client.post(
        f"/api/catalog/stores/{store_id}/products/{P1}/stock", json={"delta": 1, "reason": "x"}, headers=other
    )
    assert r.status_code == 404 and r.json()["code"] == "STORE_NOT_FOUND"
