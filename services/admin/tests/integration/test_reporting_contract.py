"""The reporting repository's contract, run against BOTH implementations (PostgreSQL and SQLite)."""

from __future__ import annotations

import asyncio

import pytest

from admin.adapters.reporting import AuditQuery
from admin.domain.projection import project
from webdpro_core.errors import ValidationProblem

from .conftest import envelope

TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def at(minute: int, day: str = "2025-03-01") -> str:
    return f"{day}T10:{minute:02d}:00.000Z"


async def feed(repo, event_type, data, **kw) -> bool:
    return await repo.record(project(envelope(event_type, data, **kw), at(59)))


async def test_migrations_are_applied_once_and_tracked(reporting):
    assert await reporting.applied_migrations() == ["0001_init"]
    assert await reporting.migrate() == []
    assert await reporting.applied_migrations() == ["0001_init"]


async def test_a_replayed_event_adds_no_audit_row_and_counts_once(reporting):
    data = {"order_id": "ord_1", "store_id": "sto_1", "tenant_id": "tnt_1", "amount_paise": 45_000}
    event = envelope("order.confirmed", data, occurred_at=at(1), source="orders", trace=TRACE)
    assert await reporting.record(project(event, at(2))) is True
    assert await reporting.record(project(event, at(3))) is False
    rows, _ = await reporting.audit(AuditQuery(tenant_id="tnt_1"))
    assert len(rows) == 1
    assert rows[0]["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert rows[0]["received_at"] == at(2)
    overview = await reporting.overview(None, None)
    assert {(m["metric"], m["total"]) for m in overview["metrics"]} == {("orders", 1), ("gmv_paise", 45_000)}


async def test_audit_is_newest_first_filtered_and_paged_by_cursor(reporting):
    for i in range(7):
        tenant = "tnt_a" if i % 2 == 0 else "tnt_b"
        await feed(
            reporting,
            "product.created",
            {"tenant_id": tenant, "store_id": f"sto_{i % 3}", "product_id": f"prd_{i}"},
            occurred_at=at(i),
            source="catalog",
        )
    await feed(
        reporting,
        "ai.usage_recorded",
        {"store_id": "sto_0", "model_id": "m"},
        tenant_id="tnt_a",
        occurred_at=at(30),
        source="sitegen",
        trace=TRACE,
    )
    page1, cursor = await reporting.audit(AuditQuery(tenant_id="tnt_a", limit=2))
    assert [r["type"] for r in page1] == ["ai.usage_recorded", "product.created"]
    page2, cursor2 = await reporting.audit(AuditQuery(tenant_id="tnt_a", limit=2, cursor=cursor))
    page3, cursor3 = await reporting.audit(AuditQuery(tenant_id="tnt_a", limit=2, cursor=cursor2))
    products = [r["summary"]["product_id"] for r in page1[1:] + page2 + page3]
    assert products == ["prd_6", "prd_4", "prd_2", "prd_0"]
    assert cursor3 is None
    only_type, _ = await reporting.audit(AuditQuery(type="product.created", store_id="sto_1"))
    assert sorted(r["summary"]["product_id"] for r in only_type) == ["prd_1", "prd_4"]
    window, _ = await reporting.audit(AuditQuery(since=at(2), until=at(5)))
    assert sorted(r["summary"]["product_id"] for r in window) == ["prd_2", "prd_3", "prd_4"]
    traced, _ = await reporting.audit(AuditQuery(trace_id="4bf92f3577b34da6a3ce929d0e0e4736"))
    assert [r["type"] for r in traced] == ["ai.usage_recorded"]
    with pytest.raises(ValidationProblem):
        await reporting.audit(AuditQuery(cursor="not-a-cursor"))


async def test_the_store_read_model_follows_the_lifecycle_in_any_order(reporting):
    t, s = "tnt_s", "sto_s"
    await feed(
        reporting, "store.generated", {"tenant_id": t, "store_id": s, "name": "Curam"}, occurred_at=at(2)
    )
    await feed(reporting, "store.generation_started", {"tenant_id": t, "store_id": s}, occurred_at=at(1))
    store = await reporting.store(s)
    assert (store["status"], store["name"], store["created_at"]) == ("GENERATED", "Curam", at(1))
    await feed(
        reporting,
        "store.published",
        {"tenant_id": t, "store_id": s, "live_url": "https://curam.webdpro.in"},
        occurred_at=at(3),
    )
    await feed(
        reporting, "store.suspended", {"tenant_id": t, "store_id": s, "reason": "fraud"}, occurred_at=at(4)
    )
    store = await reporting.store(s)
    assert (store["status"], store["reason"], store["live_url"]) == (
        "SUSPENDED",
        "fraud",
        "https://curam.webdpro.in",
    )
    await feed(reporting, "store.publish_failed", {"tenant_id": t, "store_id": s}, occurred_at=at(5))
    assert (await reporting.store(s))["status"] == "SUSPENDED"  # the lifecycle does not lift a suspension
    await feed(reporting, "store.unsuspended", {"tenant_id": t, "store_id": s}, occurred_at=at(6))
    assert (await reporting.store(s))["status"] == "LIVE"  # a failed republish does not take it down
    await feed(reporting, "store.deleted", {"tenant_id": t, "store_id": s}, occurred_at=at(7))
    await feed(reporting, "store.published", {"tenant_id": t, "store_id": s}, occurred_at=at(8))
    assert (await reporting.store(s))["status"] == "DELETED"
    listed, _ = await reporting.stores("DELETED", t, 10, None)
    assert [x["store_id"] for x in listed] == [s]
    assert await reporting.tenant(t) == {"tenant_id": t, "created_at": None}


async def test_concurrent_events_of_one_store_all_apply(reporting):
    t, s = "tnt_c", "sto_c"
    events = [
        ("store.generation_started", 1),
        ("store.generated", 2),
        ("store.published", 3),
        ("store.suspended", 4),
    ]
    await asyncio.gather(
        *(
            feed(reporting, ty, {"tenant_id": t, "store_id": s, "name": "C"}, occurred_at=at(m))
            for ty, m in events
        )
    )
    store = await reporting.store(s)
    assert store["status"] == "SUSPENDED"
    assert (store["lifecycle"], store["suspended"]) == ("LIVE", 1)


async def test_overview_and_ai_usage_aggregate_per_day_tenant_and_model(reporting):
    await feed(reporting, "tenant.created", {"tenant_id": "tnt_x", "owner_id": "usr_1"}, occurred_at=at(0))
    await feed(
        reporting,
        "user.registered",
        {"tenant_id": "tnt_y", "role": "BUSINESS_OWNER", "user_id": "usr_2", "phone_number": "+919812345678"},
        occurred_at=at(0),
    )
    await feed(reporting, "user.registered", {"user_id": "usr_3", "role": "CUSTOMER"}, occurred_at=at(0))
    for day, amount in (("2025-03-01", 100_00), ("2025-03-01", 250_00), ("2025-03-02", 50_00)):
        await feed(
            reporting,
            "order.confirmed",
            {"tenant_id": "tnt_x", "amount_paise": amount},
            occurred_at=at(1, day),
        )
    await feed(reporting, "order.placed", {"tenant_id": "tnt_x", "amount_paise": 999}, occurred_at=at(1))
    await feed(reporting, "publish.paid", {"tenant_id": "tnt_x", "amount_paise": 49_900}, source="payments")
    await feed(
        reporting,
        "ledger.entry_recorded",
        {"tenant_id": "tnt_x", "kind": "COD_COLLECTED", "platform_cut_paise": 500},
        source="payments",
    )
    await feed(
        reporting, "refund.processed", {"tenant_id": "tnt_x", "amount_paise": 2_000}, source="payments"
    )
    await feed(reporting, "delivery.delivered", {"tenant_id": "tnt_x"}, source="delivery")
    await feed(reporting, "delivery.failed", {"tenant_id": "tnt_y"}, source="delivery")
    usage = [
        ("amazon.nova-lite-v1:0", 1000, 500, None, "ok"),
        ("amazon.nova-lite-v1:0", 10, 0, "timeout", "timeout"),
        ("safety", 0, 0, None, "refused"),
    ]
    for model, tin, tout, fallback, outcome in usage:
        await feed(
            reporting,
            "ai.usage_recorded",
            {
                "store_id": "sto_1",
                "model_id": model,
                "input_tokens": tin,
                "output_tokens": tout,
                "fallback_reason": fallback,
                "outcome": outcome,
            },
            tenant_id="tnt_x",
            source="sitegen",
        )
    o = await reporting.overview(None, None)
    assert o["tenants"] == 2
    totals: dict[str, int] = {}
    for m in o["metrics"]:
        totals[m["metric"]] = totals.get(m["metric"], 0) + m["total"]
    assert totals == {
        "orders": 3,
        "gmv_paise": 400_00,
        "fees_paise": 49_900,
        "cuts_paise": 500,
        "refunds": 1,
        "refunds_paise": 2_000,
        "deliveries_delivered": 1,
        "deliveries_failed": 1,
    }
    one_day = await reporting.overview("2025-03-02", "2025-03-02")
    assert {m["metric"]: m["total"] for m in one_day["metrics"]} == {"orders": 1, "gmv_paise": 50_00}
    ai = {r["model_id"]: r for r in await reporting.ai_usage(None, None)}
    assert ai["amazon.nova-lite-v1:0"] == {
        "tenant_id": "tnt_x",
        "model_id": "amazon.nova-lite-v1:0",
        "calls": 2,
        "input_tokens": 1010,
        "output_tokens": 500,
        "images": 0,
        "fallbacks": 1,
        "refusals": 0,
    }
    assert ai["safety"]["refusals"] == 1
    assert await reporting.ai_usage(None, None, "tnt_y") == []
    assert len(await reporting.ai_usage("2025-03-01", None, "tnt_x")) == 2
    tenants, cursor = await reporting.tenants(1, None)
    assert [t["tenant_id"] for t in tenants] == ["tnt_x"] and tenants[0]["orders"] == 3
    more, last = await reporting.tenants(5, cursor)
    assert [t["tenant_id"] for t in more] == ["tnt_y"] and last is None
    figures = await reporting.tenant_figures("tnt_x")
    assert figures["gmv_paise"] == 400_00 and figures["ai_calls"] == 3
