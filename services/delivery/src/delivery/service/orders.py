"""Orders as the delivery service knows them: from the orders service's events (placed, confirmed, packed,
cancelled), kept with what an agent needs (amount, payment method, items, address when the event has it) and the
customer's delivery code, generated the first time the order is seen.

Events arrive in any order and more than once: our copy of the order status only moves forward, and every write
is conditional on the version read (placed and confirmed of a COD order arrive together).
"""

from __future__ import annotations

from typing import Any

from delivery.domain.assignment import later_order_status
from delivery.domain.store import new_code
from delivery.service.deps import Deps
from webdpro_core import clock
from webdpro_core.errors import NotFound

_FROM_EVENT = ("store_id", "amount_paise", "payment_method", "customer_phone_hash", "created_at")


class OrderChanging(Exception):
    """The order kept changing under us; the event is retried."""


def order_not_found() -> NotFound:
    return NotFound("No such order", code="ORDER_NOT_FOUND", field="orderId")


def _items(items: Any) -> list[dict[str, Any]] | None:
    if not isinstance(items, list):
        return None
    out = []
    for line in items:
        if isinstance(line, dict) and line.get("name"):
            out.append({"name": str(line["name"])[:200], "quantity": int(line.get("quantity") or 1)})
    return out


def merged(
    existing: dict[str, Any] | None, data: dict[str, Any], tenant_id: str, trace: str | None = None
) -> dict[str, Any]:
    """Our copy of the order after an order event (pure; the same event twice gives the same copy). `trace` is
    the event's traceparent: the first one kept is the order's trace, which its delivery continues."""
    order = (
        dict(existing)
        if existing
        else {
            "order_id": str(data["order_id"]),
            "tenant_id": tenant_id,
            "delivery_code": new_code(),
            "first_seen_at": clock.iso(),
        }
    )
    for field in _FROM_EVENT:
        if data.get(field) is not None:
            order[field] = data[field]
    if trace and not order.get("trace"):
        order["trace"] = trace
    items = _items(data.get("items"))
    if items is not None:
        order["items"] = items
    # The orders service's events do not carry the delivery address today; taken when they do.
    address = data.get("delivery_address")
    if isinstance(address, dict) and address:
        order["delivery_address"] = {k: str(v) for k, v in address.items() if v is not None}
    if data.get("status"):
        order["order_status"] = later_order_status(order.get("order_status"), str(data["status"]))
    if order.get("order_status") in ("CANCELLED", "DELIVERED"):
        order.pop("waiting_since", None)  # nothing to wait for any more
    return order


async def record(
    deps: Deps, data: dict[str, Any], tenant_id: str, trace: str | None = None
) -> dict[str, Any]:
    """Apply an order event (its data and traceparent) to our copy; returns the copy as stored."""
    order_id = str(data["order_id"])
    for _ in range(8):
        existing = await deps.repo.get_order(tenant_id, order_id)
        order = merged(existing, data, tenant_id, trace)
        if existing is not None and _same(existing, order):
            return existing
        order["updated_at"] = clock.iso()
        expected = int(existing["version"]) if existing else None
        if await deps.repo.save_order(order, expected):
            return {**order, "version": (expected or 0) + 1}
    raise OrderChanging(f"order {order_id} kept changing")


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    ignore = ("updated_at", "version")
    return {k: v for k, v in a.items() if k not in ignore} == {k: v for k, v in b.items() if k not in ignore}
