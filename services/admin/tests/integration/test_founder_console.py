"""The founder console against the AWS emulator: events from every service land in the audit log and the read
models (through the real admin queue), the founder reads them, non-founders are refused, replays count once, and
the actions publish their events on the admin topic and come back into the audit log."""

from __future__ import annotations

import msgspec
import pytest

from webdpro_aws.dynamo import Table
from webdpro_core import ids
from webdpro_events import new_event

from .conftest import until

pytestmark = pytest.mark.integration

API = "/api/admin"
TRACE = "00-{}-00f067aa0ba902b7-01"


def event(event_type, data, tenant, source, trace_hex=None):
    e = new_event(event_type, data, tenant_id=tenant, source=source)
    return msgspec.structs.replace(e, trace=TRACE.format(trace_hex)) if trace_hex else e


async def audit(client, founder, **params):
    r = await client.get(f"{API}/audit", params=params, headers=founder)
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def a_live_store(client, founder, bus) -> tuple[str, str]:
    tenant, store = ids.new_id("tnt"), ids.new_id("sto")
    await bus.publish(
        "auth", event("tenant.created", {"tenant_id": tenant, "owner_id": "usr_raj"}, tenant, "auth")
    )
    await bus.publish(
        "sitegen",
        event(
            "store.generated", {"tenant_id": tenant, "store_id": store, "name": "Curam"}, tenant, "sitegen"
        ),
    )
    await bus.publish(
        "sitegen",
        event(
            "store.published",
            {"tenant_id": tenant, "store_id": store, "live_url": "https://curam.webdpro.in"},
            tenant,
            "sitegen",
        ),
    )

    async def live():
        r = await client.get(f"{API}/stores", params={"tenantId": tenant}, headers=founder)
        items = r.json()["items"]
        return items and items[0]["status"] == "LIVE"

    await until(live, "the store to be LIVE in the read model")
    return tenant, store


async def test_the_founder_sees_the_audit_trail_metrics_and_ai_usage(client, founder, bus):
    tenant = ids.new_id("tnt")
    trace = ids.new_id("t").encode().hex()[:32].ljust(32, "0")
    order = {
        "order_id": ids.new_id("ord"),
        "store_id": "sto_curam",
        "tenant_id": tenant,
        "amount_paise": 45_000,
        "customer_phone_hash": "abc",
        "delivery_address": {"line1": "12 MG Road"},
        "status": "CONFIRMED",
    }
    await bus.publish(
        "auth",
        event(
            "user.registered",
            {
                "tenant_id": tenant,
                "role": "BUSINESS_OWNER",
                "user_id": "usr_raj",
                "phone_number": "+919812345678",
            },
            tenant,
            "auth",
        ),
    )
    await bus.publish("orders", event("order.confirmed", order, tenant, "orders", trace))
    await bus.publish(
        "payments", event("payment.captured", {**order, "payment_id": "pay_1"}, tenant, "payments", trace)
    )
    await bus.publish(
        "sitegen",
        event(
            "ai.usage_recorded",
            {
                "store_id": "sto_curam",
                "model_id": "amazon.nova-lite-v1:0",
                "input_tokens": 100_000,
                "output_tokens": 50_000,
                "outcome": "ok",
                "operation": "converse",
            },
            tenant,
            "sitegen",
        ),
    )
    await bus.publish(
        "sitegen",
        event(
            "ai.usage_recorded",
            {"store_id": "sto_curam", "model_id": "offline", "fallback_reason": "timeout", "outcome": "ok"},
            tenant,
            "sitegen",
        ),
    )

    rows = await until(lambda: _at_least(client, founder, 5, tenantId=tenant), "5 audit rows")
    chain = await audit(client, founder, traceId=trace)
    assert sorted(r["type"] for r in chain) == ["order.confirmed", "payment.captured"]
    confirmed = next(r for r in chain if r["type"] == "order.confirmed")
    assert confirmed["storeId"] == "sto_curam" and confirmed["source"] == "orders"
    assert confirmed["summary"]["amount_paise"] == 45_000
    assert "MG Road" not in str(rows) and "9812345678" not in str(
        rows
    )  # no customer data reaches the founder

    r = await client.get(f"{API}/tenants/{tenant}", headers=founder)
    assert r.status_code == 200, r.text
    t = r.json()
    assert (t["orders"], t["gmvPaise"]) == (1, 45_000)
    assert t["aiUsage"]["calls"] == 2 and t["aiUsage"]["fallbacks"] == 1
    assert t["aiUsage"]["estimatedCostPaise"] == 152

    overview = (await client.get(f"{API}/metrics/overview", headers=founder)).json()
    assert overview["tenants"] >= 1 and overview["orders"] >= 1 and overview["gmvPaise"] >= 45_000
    assert overview["ordersByDay"][-1]["orders"] >= 1
    usage = (await client.get(f"{API}/metrics/ai-usage", headers=founder)).json()
    mine = next(x for x in usage["byTenant"] if x["tenantId"] == tenant)
    assert (mine["inputTokens"], mine["outputTokens"], mine["fallbacks"]) == (100_000, 50_000, 1)
    assert {m["modelId"] for m in usage["byModel"]} >= {"amazon.nova-lite-v1:0", "offline"}
    listed = (await client.get(f"{API}/tenants", params={"limit": 200}, headers=founder)).json()["items"]
    assert tenant in {x["tenantId"] for x in listed}


async def _at_least(client, founder, n, **params):
    rows = await audit(client, founder, **params)
    return rows if len(rows) >= n else None


async def test_a_replayed_event_adds_no_audit_row_and_no_count(client, founder, bus, aws, names):
    tenant = ids.new_id("tnt")
    await bus.publish("auth", event("tenant.created", {"tenant_id": tenant}, tenant, "auth"))
    e = event(
        "order.confirmed",
        {"order_id": ids.new_id("ord"), "tenant_id": tenant, "amount_paise": 700},
        tenant,
        "orders",
    )
    await bus.publish("orders", e)
    await bus.publish("orders", e)  # the same event id, delivered twice
    await until(lambda: _at_least(client, founder, 1, tenantId=tenant), "the audit row")
    # The runtime's processed marker gone (its TTL passed, say): the redelivery reaches the database, which
    # refuses it by event id.
    table = Table(await aws.get("dynamodb"), names.table("admin"))
    await until(lambda: table.get({"PK": f"EVENT#{e.id}", "SK": "PROCESSED"}), "the processed marker")
    await table.delete_many([{"PK": f"EVENT#{e.id}", "SK": "PROCESSED"}])
    await bus.publish("orders", e)
    marker = event("delivery.delivered", {"tenant_id": tenant}, tenant, "delivery")
    await bus.publish("delivery", marker)  # published after the replays: once it is in, they were handled
    await until(lambda: _at_least(client, founder, 3, tenantId=tenant), "the marker event")
    assert len(await audit(client, founder, tenantId=tenant, type="order.confirmed")) == 1
    figures = (await client.get(f"{API}/tenants/{tenant}", headers=founder)).json()
    assert (figures["orders"], figures["gmvPaise"], figures["deliveries"]["delivered"]) == (1, 700, 1)


async def test_non_founders_are_refused_everywhere(client, mint):
    merchant = mint.headers("BUSINESS_OWNER", tenant_id=ids.new_id("tnt"))
    customer = mint.headers("CUSTOMER", phone="+919812345678")
    agent = mint.headers("DELIVERY_AGENT", tenant_id=ids.new_id("tnt"))
    calls = [
        ("GET", "/audit", None),
        ("GET", "/metrics/overview", None),
        ("GET", "/metrics/ai-usage", None),
        ("GET", "/tenants", None),
        ("GET", "/tenants/tnt_x", None),
        ("GET", "/stores", None),
        ("POST", "/stores/sto_x/suspend", {"reason": "x"}),
        ("POST", "/stores/sto_x/unsuspend", {}),
        ("DELETE", "/stores/sto_x", None),
        ("POST", "/bans", {"phone": "+919812345678", "reason": "x"}),
    ]
    for headers in (merchant, customer, agent):
        for method, path, body in calls:
            r = await client.request(method, f"{API}{path}", json=body, headers=headers)
            assert r.status_code == 403, (method, path, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")
    r = await client.get(f"{API}/audit")
    assert r.status_code == 401


async def test_suspending_publishes_store_suspended_which_lands_in_the_audit_log(client, founder, bus):
    tenant, store = await a_live_store(client, founder, bus)
    r = await client.post(
        f"{API}/stores/{store}/suspend", json={"reason": "counterfeit goods"}, headers=founder
    )
    assert r.status_code == 202, r.text
    action = r.json()["actionId"]
    (sent,) = await bus.published("store.suspended", store)
    assert sent.id == action and sent.source == "admin" and sent.tenant_id == tenant
    assert sent.data == {
        "tenant_id": tenant,
        "store_id": store,
        "reason": "counterfeit goods",
        "actor": sent.data["actor"],
    } and sent.data["actor"].startswith("usr")
    rows = await until(
        lambda: _at_least(client, founder, 1, storeId=store, type="store.suspended"), "its audit row"
    )
    assert rows[0]["eventId"] == action and rows[0]["actor"] == sent.data["actor"]
    suspended = (
        await client.get(f"{API}/stores", params={"status": "SUSPENDED", "tenantId": tenant}, headers=founder)
    ).json()["items"]
    assert [(s["storeId"], s["reason"]) for s in suspended] == [(store, "counterfeit goods")]

    r = await client.post(f"{API}/stores/{store}/unsuspend", headers=founder)
    assert r.status_code == 202, r.text
    await bus.published("store.unsuspended", store)

    async def live_again():
        return (await client.get(f"{API}/stores", params={"tenantId": tenant}, headers=founder)).json()[
            "items"
        ][0]["status"] == "LIVE"

    await until(live_again, "the store to be LIVE again")


async def test_unknown_or_deleted_stores_answer_404(client, founder, bus):
    r = await client.post(f"{API}/stores/sto_nobody/suspend", json={"reason": "x"}, headers=founder)
    assert (r.status_code, r.json()["code"]) == (404, "STORE_NOT_FOUND")
    assert r.headers["content-type"].startswith("application/problem+json")
    _, store = await a_live_store(client, founder, bus)
    r = await client.delete(f"{API}/stores/{store}", headers=founder)
    assert r.status_code == 202, r.text
    (deleted,) = await bus.published("store.deleted", store)
    assert deleted.data["purge_after"] > deleted.occurred_at

    async def gone():
        r = await client.post(f"{API}/stores/{store}/suspend", json={"reason": "x"}, headers=founder)
        return r if r.status_code == 404 else None

    r = await until(gone, "the deleted store to be refused")
    assert r.json()["code"] == "STORE_NOT_FOUND"
    assert (await client.delete(f"{API}/stores/{store}", headers=founder)).status_code == 404


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"phone": "12345", "reason": "spam"}, "PHONE_INVALID", "phone"),
        ({"phone": "+915812345678", "reason": "spam"}, "PHONE_INVALID", "phone"),
        ({"email": "raj@", "reason": "spam"}, "EMAIL_INVALID", "email"),
        ({"reason": "spam"}, "BAN_TARGET_REQUIRED", "body"),
        ({"phone": "9812345678", "email": "raj@curam.in", "reason": "spam"}, "BAN_TARGET_REQUIRED", "body"),
    ],
)
async def test_invalid_ban_targets_are_422(client, founder, body, code, field):
    r = await client.post(f"{API}/bans", json=body, headers=founder)
    assert r.status_code == 422, r.text
    assert r.json()["code"] == code and r.json()["errors"][0]["field"] == field


async def test_bans_are_events_and_a_tenant_ban_suspends_its_stores(client, founder, bus):
    r = await client.post(f"{API}/bans", json={"phone": "98123 45678", "reason": "fraud"}, headers=founder)
    assert r.status_code == 202, r.text
    ban_id = r.json()["banId"]
    sent = await bus.published("admin.ban_issued", where=lambda e: e.data["ban_id"] == ban_id)
    assert sent[0].data["kind"] == "phone" and sent[0].data["value"] == "+919812345678"
    rows = await until(lambda: _at_least(client, founder, 1, type="admin.ban_issued"), "the ban's audit row")
    assert "9812345678" not in str(rows)  # the banned number is not copied into the audit summary

    tenant, store = await a_live_store(client, founder, bus)
    r = await client.post(f"{API}/bans", json={"tenantId": tenant, "reason": "chargebacks"}, headers=founder)
    assert r.status_code == 202, r.text
    assert r.json()["suspendedStores"] == [store]
    (suspension,) = await bus.published("store.suspended", store)
    assert suspension.data["reason"] == "tenant banned"
    r = await client.post(f"{API}/bans", json={"tenantId": "tnt_nobody", "reason": "x"}, headers=founder)
    assert (r.status_code, r.json()["code"]) == (404, "TENANT_NOT_FOUND")
