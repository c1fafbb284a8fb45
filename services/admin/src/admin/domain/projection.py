"""An event → its audit record and what it changes in the read models (pure; the repository applies both in
one transaction, the effects only when the audit row is new, so a replayed event counts once).

Read models: tenants, stores (status machine below), daily metrics per tenant (orders, GMV, platform revenue,
deliveries, refunds) and AI usage per day, tenant and model. Days are UTC dates of the event's occurred_at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from admin.domain.redaction import summarize, trace_id


@dataclass(frozen=True, slots=True)
class AuditRecord:
    event_id: str
    type: str
    source: str
    tenant_id: str | None
    store_id: str | None
    actor: str | None
    occurred_at: str
    received_at: str
    trace_id: str | None
    summary: dict[str, Any]


@dataclass(frozen=True, slots=True)
class TenantSeen:
    tenant_id: str
    created_at: str | None = None  # known only from tenant.created / an owner's user.registered


@dataclass(frozen=True, slots=True)
class StoreChange:
    store_id: str
    tenant_id: str
    at: str
    status: str | None = None  # a Status, or UNSUSPEND (back to what it was before the suspension)
    name: str | None = None
    live_url: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Metric:
    day: str
    tenant_id: str
    metric: str
    value: int


@dataclass(frozen=True, slots=True)
class AiUsage:
    day: str
    tenant_id: str
    model_id: str
    calls: int = 1
    input_tokens: int = 0
    output_tokens: int = 0
    images: int = 0
    fallbacks: int = 0
    refusals: int = 0


Effect = TenantSeen | StoreChange | Metric | AiUsage


@dataclass(slots=True)
class Projection:
    audit: AuditRecord
    effects: list[Effect] = field(default_factory=list)


# Store statuses in the read model.
GENERATING, GENERATED, FAILED, LIVE, PUBLISH_FAILED, SUSPENDED, DELETED = (
    "GENERATING",
    "GENERATED",
    "GENERATION_FAILED",
    "LIVE",
    "PUBLISH_FAILED",
    "SUSPENDED",
    "DELETED",
)
UNSUSPEND = "UNSUSPEND"
STORE_STATUS = {
    "store.generation_started": GENERATING,
    "store.generated": GENERATED,
    "store.generation_failed": FAILED,
    "store.published": LIVE,
    "store.publish_failed": PUBLISH_FAILED,
    "store.suspended": SUSPENDED,
    "store.unsuspended": UNSUSPEND,
    "store.deleted": DELETED,
}

# Daily metric names.
ORDERS, GMV = "orders", "gmv_paise"
FEES, SUBSCRIPTIONS, SUBSCRIPTIONS_PAISE, CUTS = (
    "fees_paise",
    "subscriptions",
    "subscriptions_paise",
    "cuts_paise",
)
DELIVERED, DELIVERY_FAILED = "deliveries_delivered", "deliveries_failed"
REFUNDS, REFUNDS_PAISE = "refunds", "refunds_paise"


def _str(v: Any) -> str | None:
    return str(v) if v not in (None, "") else None


def _int(v: Any) -> int:
    try:
        return int(v or 0)
    except (TypeError, ValueError):
        return 0


def actor_of(data: dict[str, Any]) -> str | None:
    for key in ("actor", "user_id", "agent_id"):
        if _str(data.get(key)):
            return str(data[key])
    return None


def live_url_of(data: dict[str, Any]) -> str | None:
    for key in ("live_url", "url", "public_url", "site_url"):
        if _str(data.get(key)):
            return str(data[key])
    host = _str(data.get("host") or data.get("subdomain_host") or data.get("domain"))
    return f"https://{host}" if host else None


def project(event: dict[str, Any], received_at: str) -> Projection:
    """`event`: the envelope as a dict (id, type, source, tenant_id, occurred_at, trace, data)."""
    data: dict[str, Any] = event.get("data") or {}
    etype = str(event["type"])
    tenant = _str(data.get("tenant_id")) or _str(event.get("tenant_id"))
    store = _str(data.get("store_id"))
    occurred = str(event["occurred_at"])
    day = occurred[:10]
    audit = AuditRecord(
        event_id=str(event["id"]),
        type=etype,
        source=str(event.get("source") or ""),
        tenant_id=tenant,
        store_id=store,
        actor=actor_of(data),
        occurred_at=occurred,
        received_at=received_at,
        trace_id=trace_id(event.get("trace")),
        summary=summarize(data),
    )
    out = Projection(audit)
    fx = out.effects

    def metric(name: str, value: int) -> None:
        if tenant and value:
            fx.append(Metric(day, tenant, name, value))

    if etype == "tenant.created" and tenant:
        fx.append(TenantSeen(tenant, occurred))
    elif etype == "user.registered" and tenant and data.get("role") == "BUSINESS_OWNER":
        fx.append(TenantSeen(tenant, occurred))
    elif etype in STORE_STATUS and tenant and store:
        fx.append(TenantSeen(tenant))
        fx.append(
            StoreChange(
                store_id=store,
                tenant_id=tenant,
                at=occurred,
                status=STORE_STATUS[etype],
                name=_str(data.get("name")) if etype == "store.generated" else None,
                live_url=live_url_of(data) if etype == "store.published" else None,
                reason=_str(data.get("reason")),
            )
        )
    elif etype == "order.confirmed":
        metric(ORDERS, 1)
        metric(GMV, _int(data.get("amount_paise")))
    elif etype in ("publish.paid", "domain.paid"):
        metric(FEES, _int(data.get("amount_paise")))
    elif etype == "subscription.activated":
        metric(SUBSCRIPTIONS, 1)
        metric(SUBSCRIPTIONS_PAISE, _int(data.get("amount_paise")))
    elif etype == "delivery.delivered":
        metric(DELIVERED, 1)
    elif etype == "delivery.failed":
        metric(DELIVERY_FAILED, 1)
    elif etype == "refund.processed":
        metric(REFUNDS, 1)
        metric(REFUNDS_PAISE, _int(data.get("amount_paise")))
    elif etype == "ai.usage_recorded" and tenant:
        fx.append(
            AiUsage(
                day=day,
                tenant_id=tenant,
                model_id=_str(data.get("model_id")) or "unknown",
                input_tokens=_int(data.get("input_tokens")),
                output_tokens=_int(data.get("output_tokens")),
                images=_int(data.get("images")),
                fallbacks=1 if data.get("fallback_reason") else 0,
                refusals=1 if data.get("outcome") == "refused" else 0,
            )
        )
    # The platform's cut of an order (COD today: ledger.entry_recorded; online: any payments event that carries
    # it). Refunds that give part of the cut back are not netted here.
    if event.get("source") == "payments" and etype != "refund.processed":
        metric(CUTS, _int(data.get("platform_cut_paise") or data.get("platform_paise")))
    return out


def apply_store(current: dict[str, Any] | None, change: StoreChange) -> dict[str, Any]:
    """The store row after `change`. Two independent dimensions, each ordered by its own event time (events
    arrive out of order): the lifecycle (generating → generated → live …) and the founder's suspension; the
    shown status is DELETED (final), else SUSPENDED while suspended, else the lifecycle."""
    row = dict(
        current
        or {
            "store_id": change.store_id,
            "tenant_id": change.tenant_id,
            "name": None,
            "status": None,
            "lifecycle": None,
            "lifecycle_at": "",
            "suspended": 0,
            "suspension_at": "",
            "live_url": None,
            "reason": None,
            "created_at": change.at,
            "updated_at": change.at,
        }
    )
    if change.name:
        row["name"] = change.name
    if change.live_url:
        row["live_url"] = change.live_url
    row["created_at"] = min(row.get("created_at") or change.at, change.at)
    row["updated_at"] = max(row.get("updated_at") or change.at, change.at)
    status = change.status
    if row["status"] == DELETED or status is None:
        return row
    if status == DELETED:
        row.update(status=DELETED, reason=change.reason)
        return row
    if status in (SUSPENDED, UNSUSPEND):
        if change.at >= (row.get("suspension_at") or ""):
            suspended = status == SUSPENDED
            row.update(
                suspended=int(suspended), suspension_at=change.at, reason=change.reason if suspended else None
            )
    elif change.at >= (row.get("lifecycle_at") or ""):
        row.update(lifecycle=_settled(row.get("lifecycle"), status), lifecycle_at=change.at)
    if row["suspended"]:
        row["status"] = SUSPENDED
    else:
        row["status"] = row.get("lifecycle") or (LIVE if row.get("live_url") else GENERATED)
    return row


def _settled(previous: str | None, new: str) -> str:
    """A failed republish does not take a live store down."""
    if new == PUBLISH_FAILED and previous == LIVE:
        return LIVE
    return new
