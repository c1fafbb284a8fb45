"""The inventory scan (every 5 minutes, on `schedule.inventory_scan`), low-stock alerts, reorders (supplier
ping + purchase order) and receiving a purchase order (stock comes in).

Per store: expired holds are released; per counted SKU (a stock product or a variant) the forecast is computed
from the daily sales counters (confirmed reservations are the sales record), stored for the dashboard, and an
alert is raised when stock ≤ max(reorder point, the product's low-stock threshold) — at most one open alert per
SKU (a marker item, put-if-absent). An open alert whose SKU recovered (stock added by hand) is resolved.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from catalog.adapters.repository import sku_key
from catalog.domain import forecast as fc
from catalog.domain import inventory
from catalog.service import catalog as catalog_service
from catalog.service.deps import Deps
from catalog.service.reservations import sweep_store
from catalog.service.stores import store_of
from webdpro_aws.dynamo import Transaction, TransactionCancelled
from webdpro_aws.messaging import DeliveryFailed
from webdpro_core import clock, ids
from webdpro_core.errors import Conflict, NotFound, ValidationProblem
from webdpro_core.money import rupees
from webdpro_events import new_event
from webdpro_observability import get_logger

log = get_logger(__name__)

OPEN, REORDERED, RESOLVED = "OPEN", "REORDERED", "RESOLVED"
ORDERED, RECEIVED = "ORDERED", "RECEIVED"


async def scan(deps: Deps) -> dict[str, int]:
    totals = {"stores": 0, "skus": 0, "alerts": 0, "expired": 0}
    for ref in await deps.repo.all_stores():
        try:
            result = await scan_store(deps, ref["tenant_id"], ref["store_id"])
        except Exception as exc:  # one broken store must not stop the others
            log.warning("scan.store_failed", store_id=ref["store_id"], error=repr(exc))
            continue
        totals["stores"] += 1
        for k in ("skus", "alerts", "expired"):
            totals[k] += result[k]
    log.info("scan.done", **totals)
    return totals


def _skus(product: dict[str, Any]) -> list[tuple[str | None, int, str]]:
    """(variant id, stock, display name) for each counted SKU of a product."""
    name = (product.get("name") or {}).get("en", product["product_id"])
    if product["mode"] == "stock":
        return [(None, int(product.get("stock_qty", 0)), name)]
    if product["mode"] == "variants":
        out = []
        for v in (product.get("variants") or {}).values():
            if v.get("status", "active") == "deleted":
                continue
            label = " / ".join(str(x) for x in (v.get("size"), v.get("colour")) if x) or v.get("sku", "")
            out.append((v["variant_id"], int(v.get("stock_qty", 0)), f"{name} ({label})"))
        return out
    return []


async def scan_store(deps: Deps, tenant_id: str, store_id: str) -> dict[str, int]:
    result = {"skus": 0, "alerts": 0, "expired": await sweep_store(deps, tenant_id, store_id)}
    store = await deps.repo.get_store(tenant_id, store_id)
    if store is None or store.get("inventory_mode") not in ("stock", "variants"):
        return result
    now = deps.now()
    today = inventory.local_today(int(store.get("utc_offset_minutes", 330)), now)
    days = deps.settings.history_days
    first = today - timedelta(days=days)
    sales: dict[str, dict[str, int]] = {}
    for row in await deps.repo.sales_between(
        tenant_id, store_id, first.isoformat(), (today - timedelta(days=1)).isoformat()
    ):
        sku = sku_key(row["product_id"], None if row.get("variant_id") in (None, "-") else row["variant_id"])
        sales.setdefault(sku, {})[row["sales_day"]] = int(row.get("qty", 0))
    lead = int(store.get("lead_time_days", deps.settings.default_lead_time_days))
    cursor = None
    while True:
        page, cursor = await deps.repo.list_products(tenant_id, store_id, limit=100, cursor=cursor)
        for product in page:
            for variant_id, stock, name in _skus(product):
                sku = sku_key(product["product_id"], variant_id)
                by_day = sales.get(sku, {})
                history = [by_day.get((first + timedelta(days=i)).isoformat(), 0) for i in range(days)]
                f = fc.forecast(
                    history,
                    stock=stock,
                    first_day=today,
                    lead_time_days=lead,
                    low_stock_threshold=int(product.get("low_stock_threshold", 0)),
                    reorder_qty=int(product.get("reorder_qty", 0)),
                )
                record = _forecast_record(product, variant_id, sku, name, stock, f, now)
                await deps.repo.put_forecast(tenant_id, store_id, sku, record)
                result["skus"] += 1
                if f.low_stock:
                    if await _raise_alert(deps, store, record):
                        result["alerts"] += 1
                else:
                    await _resolve_if_recovered(deps, tenant_id, store_id, sku)
        if not cursor:
            return result


def _forecast_record(product, variant_id, sku, name, stock, f: fc.Forecast, now) -> dict[str, Any]:
    return {
        "sku": sku,
        "product_id": product["product_id"],
        "variant_id": variant_id,
        "name": name,
        "stock": stock,
        "velocity_per_day": f"{f.velocity:.2f}",
        "days_of_cover": None if f.days_of_cover is None else f"{f.days_of_cover:.1f}",
        "stockout_date": f.stockout_date.isoformat() if f.stockout_date else None,
        "reorder_point": f.reorder_point,
        "safety_stock": f"{f.safety_stock:.1f}",
        "lead_time_demand": f"{f.lead_time_demand:.1f}",
        "suggested_order_qty": f.suggested_order_qty,
        "low_stock": f.low_stock,
        "seasonal": f.seasonal,
        "computed_at": clock.iso(now),
    }


async def _raise_alert(deps: Deps, store: dict[str, Any], record: dict[str, Any]) -> bool:
    tenant_id, store_id = store["tenant_id"], store["store_id"]
    if await deps.repo.get_open_alert(tenant_id, store_id, record["sku"]) is not None:
        return False
    alert = {
        "alert_id": ids.new_id("alr"),
        "tenant_id": tenant_id,
        "store_id": store_id,
        "sku": record["sku"],
        "product_id": record["product_id"],
        "variant_id": record["variant_id"],
        "name": record["name"],
        "status": OPEN,
        "stock": record["stock"],
        "reorder_point": record["reorder_point"],
        "velocity_per_day": record["velocity_per_day"],
        "days_of_cover": record["days_of_cover"],
        "stockout_date": record["stockout_date"],
        "suggested_order_qty": record["suggested_order_qty"],
        "created_at": clock.iso(deps.now()),
    }
    uow = deps.outbox.begin()
    deps.repo.put_alert(uow.tx, alert)
    uow.emit(
        new_event(
            "inventory.low_stock",
            {k: alert[k] for k in alert if k not in ("status",)},
            tenant_id=tenant_id,
            source="catalog",
        )
    )
    try:
        await uow.commit()
    except TransactionCancelled:
        return False  # another scan raised it first
    await _notify_merchant(deps, store, alert)
    return True


async def _notify_merchant(deps: Deps, store: dict[str, Any], alert: dict[str, Any]) -> None:
    contact = store.get("alert_contact") or await deps.repo.get_contact(store["tenant_id"])
    if not contact:
        log.info("alert.no_merchant_contact", store_id=store["store_id"])
        return
    when = f" — runs out around {alert['stockout_date']}" if alert.get("stockout_date") else ""
    body = (
        f"WebdPro: {alert['name']} is low at {store.get('name') or store['store_id']} ({alert['stock']} left{when}). "
        f"Reorder {alert['suggested_order_qty']}? Open your dashboard: alerts → Reorder."
    )
    try:
        channels = await deps.notifier.send(
            {k: contact.get(k) for k in ("phone", "email")}, f"Low stock: {alert['name']}", body
        )
    except DeliveryFailed as exc:
        log.warning("alert.notify_failed", alert_id=alert["alert_id"], error=str(exc))
        return
    await deps.repo.table.update(
        {"PK": f"T#{store['tenant_id']}#ALERT#{alert['alert_id']}", "SK": "ALERT"},
        "SET notified = :c",
        values={":c": channels},
    )


async def _resolve_if_recovered(deps: Deps, tenant_id: str, store_id: str, sku: str) -> None:
    marker = await deps.repo.get_open_alert(tenant_id, store_id, sku)
    if marker is None:
        return
    alert = await deps.repo.get_alert(tenant_id, marker["alert_id"])
    if alert is None or alert["status"] != OPEN:
        return
    tx = Transaction()
    deps.repo.set_alert(
        tx, alert, expect=OPEN, sets={"status": RESOLVED, "resolved_at": clock.iso(deps.now())}
    )
    deps.repo.close_open_alert(tx, tenant_id, store_id, sku, alert["alert_id"])
    try:
        await deps.repo.commit(tx)
    except TransactionCancelled:
        pass


# ---- alerts, reorder, purchase orders --------------------------------------------------------------------
async def list_alerts(
    deps: Deps, tenant_id: str, store_id: str, limit: int, cursor: str | None, status: str | None
):
    await store_of(deps, tenant_id, store_id)
    items, next_cursor = await deps.repo.list_alerts(tenant_id, store_id, limit, cursor)
    if status:
        items = [a for a in items if a["status"] == status]
    return items, next_cursor


async def list_forecasts(deps: Deps, tenant_id: str, store_id: str) -> list[dict[str, Any]]:
    await store_of(deps, tenant_id, store_id)
    return await deps.repo.list_forecasts(tenant_id, store_id)


def _alert_not_found() -> NotFound:
    return NotFound("No such alert", code="ALERT_NOT_FOUND")


async def reorder(
    deps: Deps, tenant_id: str, alert_id: str, quantity: int | None
) -> tuple[dict[str, Any], bool]:
    """The alert's Reorder action → (purchase order, created). A second tap returns the same order."""
    alert = await deps.repo.get_alert(tenant_id, alert_id)
    if alert is None:
        raise _alert_not_found()
    if alert["status"] == REORDERED and alert.get("po_id"):
        po = await deps.repo.get_po(tenant_id, alert["po_id"])
        if po is not None:
            return po, False
    if alert["status"] == RESOLVED:
        raise Conflict("This alert is already resolved", code="ALERT_RESOLVED")
    store = await store_of(deps, tenant_id, alert["store_id"])
    product = await deps.repo.get_product(tenant_id, alert["store_id"], alert["product_id"])
    if product is None or product.get("status") == "deleted":
        raise NotFound("The alert's product no longer exists", code="PRODUCT_NOT_FOUND")
    supplier = product.get("supplier") or store.get("supplier")
    if not supplier:
        raise ValidationProblem(
            "No supplier contact: set one for the store (PUT /stores/{storeId}/supplier) or the product",
            code="SUPPLIER_CONTACT_MISSING",
            field="supplier",
        )
    qty = quantity or max(1, int(alert.get("suggested_order_qty") or product.get("reorder_qty") or 1))
    now = clock.iso(deps.now())
    po = {
        "po_id": ids.new_id("po"),
        "tenant_id": tenant_id,
        "store_id": alert["store_id"],
        "alert_id": alert_id,
        "product_id": alert["product_id"],
        "variant_id": alert.get("variant_id"),
        "sku": alert["sku"],
        "name": alert["name"],
        "unit": product.get("unit", ""),
        "quantity": qty,
        "supplier": supplier,
        "status": ORDERED,
        "created_at": now,
    }
    uow = deps.outbox.begin()
    deps.repo.set_alert(
        uow.tx, alert, expect=OPEN, sets={"status": REORDERED, "po_id": po["po_id"], "reordered_at": now}
    )
    deps.repo.put_po(uow.tx, po)
    uow.emit(
        new_event(
            "purchase_order.created",
            {
                k: po[k]
                for k in (
                    "po_id",
                    "store_id",
                    "tenant_id",
                    "product_id",
                    "variant_id",
                    "quantity",
                    "alert_id",
                )
            },
            tenant_id=tenant_id,
            source="catalog",
        )
    )
    try:
        await uow.commit()
    except TransactionCancelled as exc:
        again = await deps.repo.get_alert(tenant_id, alert_id)
        if again and again.get("po_id"):
            existing = await deps.repo.get_po(tenant_id, again["po_id"])
            if existing is not None:
                return existing, False
        raise Conflict("The alert changed meanwhile; try again", code="ALERT_CHANGED") from exc
    po.update(await _ping_supplier(deps, store, product, po))
    return po, True


async def _ping_supplier(deps: Deps, store, product, po) -> dict[str, Any]:
    price = rupees(int(product.get("price_paise", 0)))
    body = (
        f"Purchase order {po['po_id']} from {store.get('name') or store['store_id']} (via WebdPro): please supply "
        f"{po['quantity']} x {po['name']} ({po['unit']}; our shelf price {price}). Reply to confirm delivery."
    )
    try:
        channels = await deps.notifier.send(po["supplier"], f"Purchase order {po['po_id']}", body)
        result = {"supplier_notified": channels, "notified_at": clock.iso(deps.now())}
    except DeliveryFailed as exc:
        log.warning("po.ping_failed", po_id=po["po_id"], error=str(exc))
        result = {"supplier_notified": [], "ping_error": "delivery failed"}
    await deps.repo.table.update(
        {"PK": f"T#{po['tenant_id']}#PO#{po['po_id']}", "SK": "PO"},
        "SET " + ", ".join(f"{k} = :{k}" for k in result),
        values={f":{k}": v for k, v in result.items()},
    )
    return result


async def list_pos(deps: Deps, tenant_id: str, store_id: str, limit: int, cursor: str | None):
    await store_of(deps, tenant_id, store_id)
    return await deps.repo.list_pos(tenant_id, store_id, limit, cursor)


async def receive(deps: Deps, tenant_id: str, po_id: str, quantity: int | None, by: str) -> dict[str, Any]:
    """Goods arrived: add them to stock (a movement), close the order and its alert. Receiving twice is a no-op."""
    po = await deps.repo.get_po(tenant_id, po_id)
    if po is None:
        raise NotFound("No such purchase order", code="PURCHASE_ORDER_NOT_FOUND")
    if po["status"] == RECEIVED:
        return po
    qty = quantity or int(po["quantity"])
    now = clock.iso(deps.now())

    def close(tx: Transaction) -> list:
        deps.repo.set_po(
            tx, po, expect=ORDERED, sets={"status": RECEIVED, "received_qty": qty, "received_at": now}
        )
        if po.get("alert_id"):
            alert = {"tenant_id": tenant_id, "alert_id": po["alert_id"]}
            deps.repo.set_alert(tx, alert, expect=REORDERED, sets={"status": RESOLVED, "resolved_at": now})
            deps.repo.close_open_alert(tx, tenant_id, po["store_id"], po["sku"], po["alert_id"])
        return [
            new_event(
                "purchase_order.received",
                {
                    "po_id": po_id,
                    "store_id": po["store_id"],
                    "tenant_id": tenant_id,
                    "product_id": po["product_id"],
                    "variant_id": po.get("variant_id"),
                    "quantity": qty,
                },
                tenant_id=tenant_id,
                source="catalog",
            )
        ]

    try:
        await catalog_service.adjust_stock(
            deps,
            tenant_id,
            po["store_id"],
            po["product_id"],
            delta=qty,
            reason=f"purchase order {po_id}",
            variant_id=po.get("variant_id"),
            by=by,
            source="purchase_order",
            extra_tx=close,
        )
    except Conflict:
        again = await deps.repo.get_po(tenant_id, po_id)
        if again and again["status"] == RECEIVED:
            return again
        raise
    return {**po, "status": RECEIVED, "received_qty": qty, "received_at": now}
