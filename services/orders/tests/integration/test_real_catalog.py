"""The contract against the real catalog service (its own process), not the double: checkout reserves at catalog
prices, OUT_OF_STOCK comes back unchanged, and a cancelled order's stock returns through `order.cancelled`."""

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import free_port, wait_http
from webdpro_core import ids

from .conftest import _start_orders, checkout_body, idem
from .conftest import bearer as auth

pytestmark = pytest.mark.integration

API = "/api/orders"


@pytest.fixture(scope="module")
def real(catalog, tmp_path_factory):
    logs = tmp_path_factory.mktemp("real-catalog")
    port = free_port()
    env = {**os.environ, "WEBDPRO_PORT": str(port), "WEBDPRO_LOG_LEVEL": "WARNING"}
    script = Path(sys.executable).parent / "webdpro-catalog"
    cat = subprocess.Popen(
        [str(script)],
        env=env,
        stdout=(logs / "catalog.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    cat_url = f"http://127.0.0.1:{port}"
    orders, url = _start_orders(
        catalog, logs / "orders.log", WEBDPRO_CATALOG_URL=cat_url, WEBDPRO_CATALOG_TIMEOUT_SECONDS="15"
    )
    try:
        wait_http(f"{cat_url}/api/catalog/healthz", timeout=30)
        wait_http(f"{url}/api/orders/healthz", timeout=30)
        yield {"catalog": cat_url, "orders": url}
    finally:
        for proc in (orders, cat):
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


async def _generated_store(world, http, catalog_url, stock):
    tenant, merchant = world.merchant()
    store_id = ids.new_id("sto")
    product = {
        "id": "prd_dosa_batter",
        "slug": "dosa-batter",
        "name": {"en": "Dosa batter 1 kg"},
        "price_paise": 9_500,
        "unit": "kg",
        "inventory": {"mode": "stock", "stock_qty": stock},
    }
    data = {
        "store_id": store_id,
        "tenant_id": tenant,
        "name": "Amma's Kitchen",
        "sector": "grocery",
        "inventory_mode": "stock",
        "products": [product],
    }
    await world.publish("sitegen", "store.generated", data, tenant)
    for _ in range(150):
        r = await http.get(f"{catalog_url}/api/catalog/public/stores/{store_id}/products/prd_dosa_batter")
        known = await world.table.get({"PK": f"STORE#{store_id}", "SK": "DIRECTORY"})
        if r.status_code == 200 and known:
            return tenant, merchant, store_id
        await asyncio.sleep(0.1)
    raise AssertionError("the store was not generated in both services")


async def test_checkout_against_the_real_catalog(real, http, world, events):
    base = real["orders"]
    _, merchant, store = await _generated_store(world, http, real["catalog"], stock=3)
    _, customer = world.customer()
    url = f"{base}{API}/stores/{store}/checkout"
    two = checkout_body([{"productId": "prd_dosa_batter", "quantity": 2, "pricePaise": 1}])
    first = await http.post(url, json=two, headers={**auth(customer), **idem()})
    assert first.status_code == 201, first.text
    assert first.json()["amountPaise"] == 19_000 and first.json()["status"] == "CONFIRMED"

    refused = await http.post(url, json=two, headers={**auth(customer), **idem()})
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "OUT_OF_STOCK"

    order_id = first.json()["orderId"]
    cancelled = await http.post(f"{base}{API}/orders/{order_id}/cancel", headers=auth(merchant))
    assert cancelled.status_code == 200
    await events.wait("order.cancelled", order_id)
    three = checkout_body([{"productId": "prd_dosa_batter", "quantity": 3}])
    for _ in range(100):  # the catalog releases the stock when it consumes order.cancelled
        again = await http.post(url, json=three, headers={**auth(customer), **idem()})
        if again.status_code == 201:
            break
        assert again.json()["code"] == "OUT_OF_STOCK"
        await asyncio.sleep(0.1)
    assert again.status_code == 201 and again.json()["amountPaise"] == 28_500
