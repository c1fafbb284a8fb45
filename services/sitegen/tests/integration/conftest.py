# ruff: noqa: RUF001 -- the reference prompt uses the typographic dash merchants type
import asyncio

import pytest
from litestar.testing import AsyncTestClient

from sitegen.bootstrap import build_app
from sitegen.settings import SitegenSettings
from webdpro_core import ids
from webdpro_core.settings import load

CURAM = "Curam – fresh vegetables, Mumbai, local delivery, cash + UPI, green theme"


@pytest.fixture(scope="session")
async def client(aws_emulator, mint):
    app = build_app(load(SitegenSettings, daily_generation_cap=1000))
    async with AsyncTestClient(app, base_url="http://test.local") as c:
        app.state.verifier = mint.verifier()
        yield c


@pytest.fixture
def merchant(mint):
    """A fresh merchant (tenant) per test."""
    tenant = ids.new_id("tnt")
    return {"tenant_id": tenant, "headers": mint.headers("BUSINESS_OWNER", tenant_id=tenant)}


@pytest.fixture
def generate(client):
    async def _generate(headers: dict, prompt: str = CURAM, *, expect: str = "DRAFT") -> dict:
        r = await client.post("/api/sitegen/stores", json={"prompt": prompt}, headers=headers)
        assert r.status_code == 202, r.text
        store_id = r.json()["storeId"]
        for _ in range(300):
            store = (await client.get(f"/api/sitegen/stores/{store_id}", headers=headers)).json()
            if store["status"] != "GENERATING":
                break
            await asyncio.sleep(0.05)
        assert store["status"] == expect, store
        return store

    return _generate
