"""An order as data: built from the catalog's reservation, moved by the lifecycle, described by its events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orders.domain.lifecycle import EVENT_TYPES, Status
from orders.domain.pricing import Breakdown
from webdpro_core.errors import ValidationProblem

MAX_LINES = 50
MAX_QUANTITY = 100
PAYMENT_METHODS = ("UPI", "ONLINE", "COD")


@dataclass(frozen=True, slots=True)
class Wanted:
    """One requested line: what and how many. No price: prices are the catalog's."""

    product_id: str
    quantity: int
    variant_id: str | None = None
    slot_id: str | None = None

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        return (self.product_id, self.variant_id, self.slot_id)


def merge_lines(lines: list[Wanted]) -> list[Wanted]:
    """Same product/variant/slot twice becomes one line; an empty cart, too many lines or too many of one
    thing is refused with the field named."""
    if not lines:
        raise ValidationProblem("The cart is empty", code="EMPTY_CART", field="items")
    merged: dict[tuple, int] = {}
    for line in lines:
        merged[line.key] = merged.get(line.key, 0) + line.quantity
    if len(merged) > MAX_LINES:
        raise ValidationProblem(
            f"An order holds at most {MAX_LINES} different items", code="TOO_MANY_ITEMS", field="items"
        )
    out = []
    for index, ((product_id, variant_id, slot_id), quantity) in enumerate(merged.items()):
        if quantity > MAX_QUANTITY:
            raise ValidationProblem(
                f"At most {MAX_QUANTITY} of one item per order",
                code="QUANTITY_TOO_LARGE",
                field=f"items[{index}].quantity",
            )
        out.append(Wanted(product_id, quantity, variant_id, slot_id))
    return out


def initial_status(payment_method: str) -> Status:
    """COD is confirmed at once; UPI / ONLINE wait for the payment."""
    return Status.CONFIRMED if payment_method == "COD" else Status.PAYMENT_PENDING


def timeline_entry(status: str, at: str, by: str, note: str | None = None) -> dict[str, Any]:
    entry = {"status": status, "at": at, "by": by}
    if note:
        entry["note"] = note
    return entry


def new_order(
    *,
    order_id: str,
    tenant_id: str,
    store_id: str,
    store_name: str,
    customer_phone: str,
    customer_phone_hash: str,
    payment_method: str,
    lines: list[dict[str, Any]],
    money: Breakdown,
    delivery_address: dict[str, Any] | None,
    now: str,
    pay_by: str | None,
    trace: str | None = None,
) -> dict[str, Any]:
    status = initial_status(payment_method)
    note = (
        "order placed, cash on delivery" if status == Status.CONFIRMED else "order placed, awaiting payment"
    )
    timeline = [timeline_entry(status, now, "customer", note)]
    return {
        "order_id": order_id,
        "tenant_id": tenant_id,
        "store_id": store_id,
        "store_name": store_name,
        "customer_phone": customer_phone,
        "customer_phone_hash": customer_phone_hash,
        "status": str(status),
        "payment_method": payment_method,
        "items": lines,
        "items_paise": money.items_paise,
        "delivery_fee_paise": money.delivery_fee_paise,
        "amount_paise": money.total_paise,
        "delivery_address": delivery_address,
        "timeline": timeline,
        "created_at": now,
        "updated_at": now,
        "pay_by": pay_by,
        # The W3C traceparent of the checkout: every later move of the order continues this trace.
        "trace": trace,
    }


def event_data(order: dict[str, Any], entry: dict[str, Any], previous: str | None) -> dict[str, Any]:
    """The `data` of every order.* event (snake_case; consumers ignore what they do not know)."""
    return {
        "order_id": order["order_id"],
        "store_id": order["store_id"],
        "tenant_id": order["tenant_id"],
        "status": order["status"],
        "previous_status": previous,
        "amount_paise": order["amount_paise"],
        "items_paise": order["items_paise"],
        "delivery_fee_paise": order["delivery_fee_paise"],
        "payment_method": order["payment_method"],
        "items": order["items"],
        "customer_phone_hash": order["customer_phone_hash"],
        # Where to deliver: the merchant's own agent needs it (delivery keeps it on the assignment). The admin's
        # audit consumer must not copy it (aggregates only).
        "delivery_address": order.get("delivery_address"),
        "created_at": order["created_at"],
        "timeline_entry": entry,
    }


def events_for_placement(order: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """order.placed always; a COD order is confirmed in the same breath, so order.confirmed follows."""
    data = event_data(order, order["timeline"][-1], None)
    out = [("order.placed", data)]
    if order["status"] == Status.CONFIRMED:
        out.append((EVENT_TYPES[Status.CONFIRMED], data))
    return out


@dataclass(frozen=True, slots=True)
class CheckoutCommand:
    """What a customer asks for. `items` None = check out the saved cart."""

    items: tuple[Wanted, ...] | None
    payment_method: str
    delivery_address: dict[str, Any] | None
