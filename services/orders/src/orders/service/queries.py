"""What merchants and customers read. A merchant sees their own stores' orders only; a customer their own only.
Another tenant's or another customer's order is 404, never the order."""

from __future__ import annotations

from typing import Any

from orders.domain.feed import floor_id, start_of_day
from orders.domain.lifecycle import WAITING, counts_as_sale
from orders.service import directory
from orders.service.deps import Deps
from orders.service.lifecycle import order_not_found
from webdpro_core import clock

_SUMMARY_FIELDS = (
    "order_id",
    "store_id",
    "store_name",
    "status",
    "payment_method",
    "amount_paise",
    "created_at",
    "updated_at",
)


def summary_of(order: dict[str, Any]) -> dict[str, Any]:
    out = {k: order.get(k) for k in _SUMMARY_FIELDS}
    out["item_count"] = sum(int(i["quantity"]) for i in order.get("items", []))
    return out


def for_customer(order: dict[str, Any]) -> dict[str, Any]:
    """The customer's view: everything but the keys' hash."""
    return {k: v for k, v in order.items() if k not in ("customer_phone_hash", "tenant_id")}


async def merchant_order(deps: Deps, tenant_id: str, order_id: str) -> dict[str, Any]:
    order = await deps.repo.get_order(tenant_id, order_id)
    if order is None:
        raise order_not_found()
    return order


async def store_orders(
    deps: Deps, tenant_id: str, store_id: str, status: str | None, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    await directory.merchant_store(deps, tenant_id, store_id)
    items, nxt = await deps.repo.store_orders(tenant_id, store_id, status, limit, cursor)
    return [summary_of(o) for o in items], nxt


async def summary(deps: Deps, tenant_id: str) -> dict[str, Any]:
    """Per store: orders today (confirmed, not cancelled; an Indian day), their revenue, and orders waiting."""
    now = clock.now()
    day = start_of_day(now)
    since = floor_id("ord", day)
    stores = []
    for store in sorted(await deps.repo.tenant_stores(tenant_id), key=lambda s: s["store_id"]):
        sid = store["store_id"]
        today = [
            o
            for o in await deps.repo.store_orders_since(tenant_id, sid, since)
            if counts_as_sale(o["status"])
        ]
        waiting = 0
        for status in WAITING:
            waiting += await deps.repo.count_status(tenant_id, sid, status)
        stores.append(
            {
                "store_id": sid,
                "name": store.get("name", sid),
                "orders_today": len(today),
                "revenue_today_paise": sum(int(o["amount_paise"]) for o in today),
                "orders_waiting": waiting,
            }
        )
    return {"date": day.date().isoformat(), "stores": stores}


async def customer_orders(
    deps: Deps, phone_hash: str, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    items, nxt = await deps.repo.customer_orders(phone_hash, limit, cursor)
    return [summary_of(o) for o in items], nxt


async def customer_order(deps: Deps, phone_hash: str, order_id: str) -> dict[str, Any]:
    order = await deps.repo.customer_order(phone_hash, order_id)
    if order is None:
        raise order_not_found()
    return for_customer(order)
