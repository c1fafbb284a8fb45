"""The founder's reads: aggregates only (no phone, email, address or customer name is ever stored)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from admin.adapters.reporting import AuditQuery
from admin.domain import projection as p
from admin.domain.pricing import cost_paise
from admin.service.deps import Deps
from webdpro_core import clock
from webdpro_core.errors import NotFound, ValidationProblem


# ------------------------------------------------------------------------------------------------ parameters
def instant(value: str | None, field: str, *, end: bool = False) -> str | None:
    """A `from`/`to` query value (a date or an ISO date-time) → the audit's timestamp text. A bare date as `to`
    means the whole of that day."""
    if not value:
        return None
    try:
        if len(value) == 10:
            day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
            return clock.iso(day + timedelta(days=1) if end else day)
        return clock.iso(clock.parse_iso(value))
    except ValueError as exc:
        raise ValidationProblem(
            f"`{field}` must be a date (YYYY-MM-DD) or an ISO date-time", code="DATE_INVALID", field=field
        ) from exc


def day(value: str | None, field: str) -> str | None:
    if not value:
        return None
    try:
        return datetime.strptime(value[:10], "%Y-%m-%d").strftime("%Y-%m-%d")
    except ValueError as exc:
        raise ValidationProblem(
            f"`{field}` must be a date (YYYY-MM-DD)", code="DATE_INVALID", field=field
        ) from exc


# ------------------------------------------------------------------------------------------------ views
def audit_view(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "eventId": r["event_id"],
        "type": r["type"],
        "source": r["source"],
        "tenantId": r["tenant_id"],
        "storeId": r["store_id"],
        "actor": r["actor"],
        "occurredAt": r["occurred_at"],
        "receivedAt": r["received_at"],
        "traceId": r["trace_id"],
        "summary": r["summary"],
    }


def store_view(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "storeId": r["store_id"],
        "tenantId": r["tenant_id"],
        "name": r["name"],
        "status": r["status"],
        "liveUrl": r["live_url"],
        "reason": r["reason"],
        "createdAt": r["created_at"],
        "updatedAt": r["updated_at"],
    }


def _revenue(m: dict[str, int]) -> dict[str, int]:
    return {
        "feesPaise": m.get(p.FEES, 0),
        "subscriptionsPaise": m.get(p.SUBSCRIPTIONS_PAISE, 0),
        "subscriptions": m.get(p.SUBSCRIPTIONS, 0),
        "cutsPaise": m.get(p.CUTS, 0),
    }


def _figures(m: dict[str, int]) -> dict[str, Any]:
    return {
        "orders": m.get(p.ORDERS, 0),
        "gmvPaise": m.get(p.GMV, 0),
        "revenue": _revenue(m),
        "deliveries": {"delivered": m.get(p.DELIVERED, 0), "failed": m.get(p.DELIVERY_FAILED, 0)},
        "refunds": {"count": m.get(p.REFUNDS, 0), "amountPaise": m.get(p.REFUNDS_PAISE, 0)},
    }


# ------------------------------------------------------------------------------------------------ use cases
async def audit(deps: Deps, q: AuditQuery) -> dict[str, Any]:
    rows, nxt = await deps.reporting.audit(q)
    return {"items": [audit_view(r) for r in rows], "nextCursor": nxt}


async def overview(deps: Deps, since: str | None, until: str | None) -> dict[str, Any]:
    raw = await deps.reporting.overview(since, until)
    totals: dict[str, int] = {}
    by_day: dict[str, dict[str, int]] = {}
    for row in raw["metrics"]:
        totals[row["metric"]] = totals.get(row["metric"], 0) + row["total"]
        if row["metric"] in (p.ORDERS, p.GMV):
            by_day.setdefault(row["day"], {})[row["metric"]] = row["total"]
    return {
        "from": since,
        "to": until,
        "tenants": raw["tenants"],
        "stores": {"total": sum(raw["stores"].values()), "byStatus": raw["stores"]},
        **_figures(totals),
        "ordersByDay": [
            {"day": d, "orders": v.get(p.ORDERS, 0), "gmvPaise": v.get(p.GMV, 0)}
            for d, v in sorted(by_day.items())
        ],
    }


def _usage_totals(rows: list[dict[str, Any]], deps: Deps) -> dict[str, Any]:
    out = {"calls": 0, "inputTokens": 0, "outputTokens": 0, "images": 0, "fallbacks": 0, "refusals": 0}
    cost = 0
    for r in rows:
        out["calls"] += r["calls"]
        out["inputTokens"] += r["input_tokens"]
        out["outputTokens"] += r["output_tokens"]
        out["images"] += r["images"]
        out["fallbacks"] += r["fallbacks"]
        out["refusals"] += r["refusals"]
        cost += cost_paise(
            deps.prices,
            r["model_id"],
            input_tokens=r["input_tokens"],
            output_tokens=r["output_tokens"],
            images=r["images"],
            usd_to_paise=deps.settings.usd_to_paise,
        )
    return {**out, "estimatedCostPaise": cost}


async def ai_usage(deps: Deps, since: str | None, until: str | None) -> dict[str, Any]:
    rows = await deps.reporting.ai_usage(since, until)
    tenants: dict[str, list[dict[str, Any]]] = {}
    models: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        tenants.setdefault(r["tenant_id"], []).append(r)
        models.setdefault(r["model_id"], []).append(r)
    return {
        "from": since,
        "to": until,
        "total": _usage_totals(rows, deps),
        "byTenant": [{"tenantId": t, **_usage_totals(rs, deps)} for t, rs in sorted(tenants.items())],
        "byModel": [{"modelId": m, **_usage_totals(rs, deps)} for m, rs in sorted(models.items())],
        "note": "Costs are estimates from list prices (settings.ai_prices), not a bill.",
    }


async def tenants(deps: Deps, limit: int, cursor: str | None) -> dict[str, Any]:
    rows, nxt = await deps.reporting.tenants(limit, cursor)
    return {
        "items": [
            {
                "tenantId": r["tenant_id"],
                "createdAt": r["created_at"],
                "stores": r["stores"],
                "orders": r["orders"],
                "gmvPaise": r["gmv_paise"],
            }
            for r in rows
        ],
        "nextCursor": nxt,
    }


async def all_stores(deps: Deps, tenant_id: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    cursor = None
    while True:
        rows, cursor = await deps.reporting.stores(None, tenant_id, 200, cursor)
        out.extend(rows)
        if not cursor:
            return out


async def tenant(deps: Deps, tenant_id: str) -> dict[str, Any]:
    row = await deps.reporting.tenant(tenant_id)
    if row is None:
        raise NotFound("No such tenant", code="TENANT_NOT_FOUND")
    figures = await deps.reporting.tenant_figures(tenant_id)
    usage = await deps.reporting.ai_usage(None, None, tenant_id)
    return {
        "tenantId": row["tenant_id"],
        "createdAt": row["created_at"],
        "stores": [store_view(s) for s in await all_stores(deps, tenant_id)],
        **_figures(figures),
        "aiUsage": _usage_totals(usage, deps),
    }


async def stores(
    deps: Deps, status: str | None, tenant_id: str | None, limit: int, cursor: str | None
) -> dict[str, Any]:
    rows, nxt = await deps.reporting.stores(status, tenant_id, limit, cursor)
    return {"items": [store_view(r) for r in rows], "nextCursor": nxt}
