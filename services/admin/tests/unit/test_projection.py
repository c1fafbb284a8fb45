"""Event → audit record and read-model effects; the store status machine; ban targets; AI cost."""

import pytest

from admin.domain.identity import InvalidIdentity, normalize_email, normalize_phone
from admin.domain.pricing import cost_paise, parse_prices
from admin.domain.projection import AiUsage, Metric, StoreChange, TenantSeen, apply_store, project
from admin.settings import DEFAULT_AI_PRICES

AT = "2025-03-01T10:00:00.000Z"


def ev(event_type, data, source="orders", tenant=None, trace=None):
    return {
        "id": "evt_1",
        "type": event_type,
        "source": source,
        "tenant_id": tenant,
        "occurred_at": AT,
        "trace": trace,
        "data": data,
    }


def test_the_audit_record_names_who_what_where_when_and_the_trace():
    p = project(
        ev(
            "delivery.failed",
            {"tenant_id": "tnt_1", "store_id": "sto_1", "agent_id": "agt_1", "reason": "no one home"},
            source="delivery",
            trace="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        ),
        "2025-03-01T10:00:01.000Z",
    )
    a = p.audit
    assert (a.event_id, a.type, a.source, a.tenant_id, a.store_id, a.actor) == (
        "evt_1",
        "delivery.failed",
        "delivery",
        "tnt_1",
        "sto_1",
        "agt_1",
    )
    assert a.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert (a.occurred_at, a.received_at) == (AT, "2025-03-01T10:00:01.000Z")
    assert p.effects == [Metric("2025-03-01", "tnt_1", "deliveries_failed", 1)]


def test_actor_prefers_actor_then_user_then_agent_and_the_envelope_tenant_fills_in():
    p = project(ev("x.y", {"actor": "usr_f", "user_id": "usr_2", "agent_id": "agt_1"}, tenant="tnt_e"), AT)
    assert (p.audit.actor, p.audit.tenant_id) == ("usr_f", "tnt_e")
    assert project(ev("x.y", {"user_id": "usr_2"}), AT).audit.actor == "usr_2"
    assert project(ev("x.y", {}), AT).audit.actor is None


def test_unknown_event_types_are_audited_and_change_no_read_model():
    p = project(ev("something.new", {"tenant_id": "tnt_1", "whatever": 1}), AT)
    assert p.audit.type == "something.new" and p.effects == []


def test_money_events_feed_the_daily_metrics():
    def fx(t, d, src="payments"):
        return project(ev(t, {"tenant_id": "tnt_1", **d}, source=src), AT).effects

    assert fx("order.confirmed", {"amount_paise": 500}, "orders") == [
        Metric("2025-03-01", "tnt_1", "orders", 1),
        Metric("2025-03-01", "tnt_1", "gmv_paise", 500),
    ]
    assert fx("order.placed", {"amount_paise": 500}, "orders") == []  # counted once, when confirmed
    assert fx("publish.paid", {"amount_paise": 49_900}) == [
        Metric("2025-03-01", "tnt_1", "fees_paise", 49_900)
    ]
    assert fx("domain.paid", {"amount_paise": 79_900}) == [
        Metric("2025-03-01", "tnt_1", "fees_paise", 79_900)
    ]
    assert fx("ledger.entry_recorded", {"kind": "COD_COLLECTED", "platform_cut_paise": 25}) == [
        Metric("2025-03-01", "tnt_1", "cuts_paise", 25)
    ]
    assert fx("refund.processed", {"amount_paise": 300, "platform_paise": 15}) == [
        Metric("2025-03-01", "tnt_1", "refunds", 1),
        Metric("2025-03-01", "tnt_1", "refunds_paise", 300),
    ]
    assert fx("subscription.activated", {"amount_paise": 99_900}) == [
        Metric("2025-03-01", "tnt_1", "subscriptions", 1),
        Metric("2025-03-01", "tnt_1", "subscriptions_paise", 99_900),
    ]


def test_tenants_come_from_tenant_created_and_owner_registrations_only():
    assert project(ev("tenant.created", {"tenant_id": "tnt_1"}, "auth"), AT).effects == [
        TenantSeen("tnt_1", AT)
    ]
    owner = {"tenant_id": "tnt_2", "role": "BUSINESS_OWNER", "phone_number": "+919812345678"}
    assert project(ev("user.registered", owner, "auth"), AT).effects == [TenantSeen("tnt_2", AT)]
    agent = {"tenant_id": "tnt_2", "role": "DELIVERY_AGENT"}
    assert project(ev("user.registered", agent, "auth"), AT).effects == []


def test_ai_usage_records_count_fallbacks_and_refusals():
    data = {
        "model_id": "amazon.nova-lite-v1:0",
        "input_tokens": 10,
        "output_tokens": 5,
        "images": 0,
        "outcome": "timeout",
        "fallback_reason": "timeout",
    }
    assert project(ev("ai.usage_recorded", data, "sitegen", tenant="tnt_1"), AT).effects == [
        AiUsage("2025-03-01", "tnt_1", "amazon.nova-lite-v1:0", 1, 10, 5, 0, 1, 0)
    ]
    refused = {"model_id": "safety", "outcome": "refused"}
    assert project(ev("ai.usage_recorded", refused, "sitegen", tenant="tnt_1"), AT).effects[0].refusals == 1


def change(status, minute, **kw):
    return StoreChange("sto_1", "tnt_1", f"2025-03-01T10:{minute:02d}:00.000Z", status=status, **kw)


def test_store_statuses_ignore_older_events_and_deleted_is_final():
    row = apply_store(None, change("GENERATED", 2, name="Curam"))
    row = apply_store(row, change("GENERATING", 1))  # late
    assert (row["status"], row["name"], row["created_at"]) == (
        "GENERATED",
        "Curam",
        "2025-03-01T10:01:00.000Z",
    )
    row = apply_store(row, change("LIVE", 3, live_url="https://curam.webdpro.in"))
    row = apply_store(row, change("SUSPENDED", 4, reason="fraud"))
    assert (row["status"], row["lifecycle"], row["reason"]) == ("SUSPENDED", "LIVE", "fraud")
    row = apply_store(row, change("UNSUSPEND", 5))
    assert (row["status"], row["reason"]) == ("LIVE", None)
    row = apply_store(row, change("PUBLISH_FAILED", 6))
    assert row["status"] == "LIVE"
    row = apply_store(row, change("DELETED", 7))
    row = apply_store(row, change("UNSUSPEND", 8))
    row = apply_store(row, change("LIVE", 9))
    assert row["status"] == "DELETED"


def test_suspension_and_lifecycle_are_ordered_each_by_its_own_time():
    row = apply_store(None, change("SUSPENDED", 4, reason="fraud"))
    row = apply_store(row, change("LIVE", 3, live_url="https://x.webdpro.in"))  # older, but a lifecycle step
    row = apply_store(row, change("UNSUSPEND", 2))  # older than the suspension: ignored
    assert (row["status"], row["lifecycle"]) == ("SUSPENDED", "LIVE")
    assert apply_store(row, change("UNSUSPEND", 5))["status"] == "LIVE"


def test_unsuspending_a_store_never_seen_live_returns_it_to_generated():
    row = apply_store(None, change("SUSPENDED", 1, reason="tenant banned"))
    assert apply_store(row, change("UNSUSPEND", 2))["status"] == "GENERATED"


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("+919812345678", "+919812345678"),
        ("9812345678", "+919812345678"),
        ("09812345678", "+919812345678"),
        ("919812345678", "+919812345678"),
        ("+91 98123-45678", "+919812345678"),
        ("+14155550123", "+14155550123"),
    ],
)
def test_phones_normalise_to_e164(raw, normal):
    assert normalize_phone(raw) == normal


@pytest.mark.parametrize(
    "raw", ["", "12345", "+915812345678", "5812345678", "98123456789", "phone", "+0123456789"]
)
def test_invalid_phones_are_refused(raw):
    with pytest.raises(InvalidIdentity):
        normalize_phone(raw)


def test_emails():
    assert normalize_email(" Raj@Curam.IN ") == "Raj@curam.in"
    for bad in ("raj", "raj@", "@curam.in", "raj@curam", "raj @curam.in", "a" * 65 + "@curam.in"):
        with pytest.raises(InvalidIdentity):
            normalize_email(bad)


def test_estimated_cost_uses_the_longest_prefix_and_the_default_for_unknown_models():
    prices = parse_prices(DEFAULT_AI_PRICES)
    # nova-lite: 0.00006 $/1k in, 0.00024 $/1k out; 100k in + 50k out = 0.006 + 0.012 = 0.018 $ = 151.2 paise
    assert (
        cost_paise(
            prices,
            "apac.amazon.nova-lite-v1:0",
            input_tokens=100_000,
            output_tokens=50_000,
            images=0,
            usd_to_paise=8400,
        )
        == 152
    )
    assert (
        cost_paise(prices, "offline", input_tokens=10**6, output_tokens=10**6, images=9, usd_to_paise=8400)
        == 0
    )
    assert (
        cost_paise(
            prices, "amazon.nova-canvas-v1:0", input_tokens=0, output_tokens=0, images=2, usd_to_paise=8400
        )
        == 672
    )
    assert (
        cost_paise(
            prices, "somebody.new-model", input_tokens=1000, output_tokens=0, images=0, usd_to_paise=8400
        )
        == 26
    )  # default 0.003 $/1k → 25.2
