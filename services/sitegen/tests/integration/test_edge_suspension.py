"""The founder's store actions (admin topic) through sitegen's consumer handlers, seen by the merchant's API and
the live edge: suspend → 503 + reason + edits refused → unsuspend → 200; replays and late events change nothing;
delete → 404 everywhere, gone from the list, the host claimable again, the item purged by TTL after retention."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from sitegen.adapters.hosts import HostMap
from sitegen.adapters.repository import SitegenRepository, store_key
from sitegen.adapters.storage import SiteStorage
from sitegen.service import suspension
from sitegen.service.deps import Deps
from sitegen.settings import SitegenSettings
from webdpro_aws.clients import AwsClients
from webdpro_aws.dynamo import Table
from webdpro_aws.manifest import Names, load_manifest
from webdpro_core import clock, ids
from webdpro_core.settings import load
from webdpro_events import Consumer, Envelope, Outbox, PermanentError, encode, new_event

pytestmark = pytest.mark.integration

EDGE = "/api/sitegen/edge"


@pytest.fixture(scope="session")
async def deps(aws_emulator):
    """sitegen's pieces on the test's own event loop (the app's live on its test client's loop)."""
    settings = load(SitegenSettings)
    names = Names(load_manifest(settings.resource_manifest), settings.resource_prefix)
    clients = AwsClients(settings)
    table = Table(await clients.get("dynamodb"), names.table("sitegen"))
    yield Deps(
        settings=settings,
        repo=SitegenRepository(table),
        storage=SiteStorage(clients, names.bucket("sites")),
        outbox=Outbox(table, publisher=None),  # type: ignore[arg-type] -- these handlers emit no event
        text_models=None,
        image_models=None,
    )
    await clients.close()


@pytest.fixture
def deliver(deps):
    """sitegen's consumer handling one admin event as it arrives from SQS (processed marker and all)."""
    consumer = Consumer(
        sqs=None,
        queue_url="",
        dlq_url=None,
        handlers=suspension.handlers(lambda: deps),
        table=deps.repo.table,
        outbox=deps.outbox,
    )

    async def _deliver(event: Envelope) -> None:
        await consumer.handle(encode(event))

    return _deliver


def admin_event(kind: str, store: dict, *, reason: str | None = None, at: str | None = None) -> Envelope:
    event = new_event(
        kind,
        {"tenant_id": store["tenant_id"], "store_id": store["storeId"], "reason": reason},
        tenant_id=store["tenant_id"],
        source="admin",
    )
    return (
        event
        if at is None
        else Envelope(**{**{f: getattr(event, f) for f in event.__struct_fields__}, "occurred_at": at})
    )


async def edge_status(client, host: str, want: int) -> int:
    """The edge trusts a host entry for up to a second: poll briefly for the expected answer."""
    for _ in range(40):
        status = (await client.get(f"{EDGE}/", headers={"x-forwarded-host": host})).status_code
        if status == want:
            return status
        await asyncio.sleep(0.1)
    return status


@pytest.fixture
async def live_store(client, deps, merchant, generate):
    """A generated store put live the way the publish saga does it: a release, its host switched, `hosts` on it."""
    store = await generate(merchant["headers"])
    sid, tenant = store["storeId"], merchant["tenant_id"]
    host = f"{sid.replace('_', '-')}.localhost"
    await deps.storage.write_release(sid, 1, {"index.html": b"<h1>Curam live</h1>", "404.html": b"nope"})
    hosts = HostMap(deps.repo.table)
    await hosts.claim(host, tenant_id=tenant, store_id=sid, kind="subdomain", hold_seconds=600)
    await hosts.switch(host, store_id=sid, from_version=None, to_version=1)
    await deps.repo.table.update(
        store_key(tenant, sid), "SET #h = :h", names={"#h": "hosts"}, values={":h": [host]}
    )
    return {**store, "tenant_id": tenant, "host": host, "headers": merchant["headers"]}


async def test_suspend_then_unsuspend_round_trip(client, deps, deliver, live_store):
    s, h = live_store, live_store["headers"]
    url = f"/api/sitegen/stores/{s['storeId']}"
    assert await edge_status(client, s["host"], 200) == 200

    first = admin_event("store.suspended", s, reason="Selling prohibited items")
    await deliver(first)
    view = (await client.get(url, headers=h)).json()
    assert view["status"] == "SUSPENDED" and view["suspendedReason"] == "Selling prohibited items"
    assert await edge_status(client, s["host"], 503) == 503
    page = await client.get(f"{EDGE}/", headers={"x-forwarded-host": s["host"]})
    assert "This store is unavailable" in page.text and "prohibited" not in page.text  # the reason is private
    edit = await client.patch(
        f"{url}/draft", json={"edits": [{"path": "theme.brand", "value": "#0f766e"}]}, headers=h
    )
    assert edit.status_code == 409 and edit.json()["code"] == "STORE_SUSPENDED"
    assert "prohibited" in edit.json()["detail"]
    for action, body in (
        ("publish", {"domain": {"type": "subdomain", "name": "curam-x"}}),
        ("rollback", {"version": 1}),
    ):
        refused = await client.post(f"{url}/{action}", json=body, headers=h)
        assert refused.status_code == 409 and refused.json()["code"] == "STORE_SUSPENDED", (
            action,
            refused.text,
        )

    # The same action again (a replay with a new id) keeps what the store was before the first one.
    await deliver(admin_event("store.suspended", s, reason="Selling prohibited items"))
    item = await deps.repo.get_store(s["tenant_id"], s["storeId"])
    assert item["status_before"] == "DRAFT"

    await deliver(admin_event("store.unsuspended", s))
    view = (await client.get(url, headers=h)).json()
    assert view["status"] == "DRAFT" and view["suspendedReason"] is None
    assert await edge_status(client, s["host"], 200) == 200
    assert "Curam live" in (await client.get(f"{EDGE}/", headers={"x-forwarded-host": s["host"]})).text
    edit = await client.patch(
        f"{url}/draft", json={"edits": [{"path": "theme.brand", "value": "#0f766e"}]}, headers=h
    )
    assert edit.status_code == 200

    # SQS delivers the first suspension again (same event id): already processed, nothing changes.
    await deliver(first)
    assert (await client.get(url, headers=h)).json()["status"] == "DRAFT"
    # A suspension that happened before the unsuspension but arrives late is ignored.
    earlier = clock.iso(clock.now() - dt.timedelta(minutes=5))
    await deliver(admin_event("store.suspended", s, reason="late", at=earlier))
    assert (await client.get(url, headers=h)).json()["status"] == "DRAFT"
    # An unsuspension of a store that is not suspended changes nothing.
    await deliver(admin_event("store.unsuspended", s))
    assert (await client.get(url, headers=h)).json()["status"] == "DRAFT"


async def test_delete_frees_the_host_and_hides_the_store(client, deps, deliver, live_store):
    s, h = live_store, live_store["headers"]
    url = f"/api/sitegen/stores/{s['storeId']}"
    await deliver(admin_event("store.suspended", s, reason="fraud"))
    await deliver(admin_event("store.deleted", s, reason="fraud confirmed"))

    r = await client.get(url, headers=h)
    assert r.status_code == 404 and r.json()["code"] == "STORE_NOT_FOUND"
    listed = (await client.get("/api/sitegen/stores", headers=h)).json()["items"]
    assert s["storeId"] not in [x["storeId"] for x in listed]
    assert await edge_status(client, s["host"], 404) == 404
    assert "No store here" in (await client.get(f"{EDGE}/", headers={"x-forwarded-host": s["host"]})).text

    item = await deps.repo.get_store(s["tenant_id"], s["storeId"])
    days = (int(item["expires_at"]) - clock.epoch()) / 86400
    assert item["status"] == "DELETED" and 179.9 < days <= 180
    # The subdomain is free: another store claims it.
    other = ids.new_id("sto")
    claimed = await HostMap(deps.repo.table).claim(
        s["host"], tenant_id=ids.new_id("tnt"), store_id=other, kind="subdomain", hold_seconds=60
    )
    assert claimed["store_id"] == other and claimed["status"] == "RESERVED"

    # A replayed delete (or a late unsuspend) neither revives the store nor takes the host back.
    await deliver(admin_event("store.deleted", s))
    await deliver(admin_event("store.unsuspended", s))
    assert (await client.get(url, headers=h)).status_code == 404
    entry = await HostMap(deps.repo.table).get(s["host"], consistent=True)
    assert entry["store_id"] == other and entry["status"] == "RESERVED"


async def test_events_without_ids_are_permanent_errors(deliver):
    bad = new_event("store.suspended", {"reason": "x"}, tenant_id=None, source="admin")
    with pytest.raises(PermanentError):
        await deliver(bad)
