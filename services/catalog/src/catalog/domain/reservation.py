"""Reservations: an order's hold on stock, all items or none.

States: HELD → CONFIRMED (the order is confirmed) | RELEASED (cancelled, or the hold expired).
A confirmed reservation whose order is cancelled is released too (its stock comes back). A released reservation
can still be confirmed (a payment that arrives just after the hold expired) only by taking the stock again.
Confirming twice or releasing twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from catalog.domain import inventory
from webdpro_core.errors import Conflict, FieldError, NotFound, ValidationProblem

HELD, CONFIRMED, RELEASED = "HELD", "CONFIRMED", "RELEASED"
MAX_LINES = 50
MIN_HOLD_SECONDS, MAX_HOLD_SECONDS = 60, 3600


class OutOfStock(Conflict):
    """409 OUT_OF_STOCK naming the product and what is left (`available`)."""

    code = "OUT_OF_STOCK"
    title = "Not enough stock"

    def __init__(
        self, *, index: int, product_id: str, name: str, available: int, variant_id=None, slot_id=None
    ):
        left = f"only {available} left" if available > 0 else "none left"
        super().__init__(
            f"{name}: {left}",
            errors=[FieldError(f"items[{index}].quantity", f"{name}: {left}")],
        )
        self.available = available
        self.product_id = product_id
        self.variant_id = variant_id
        self.slot_id = slot_id

    def to_dict(self, instance: str | None = None) -> dict:
        body = super().to_dict(instance)
        body.update(available=self.available, productId=self.product_id)
        if self.variant_id:
            body["variantId"] = self.variant_id
        if self.slot_id:
            body["slotId"] = self.slot_id
        return body


def product_not_found(index: int, what: str = "productId") -> NotFound:
    return NotFound("No such product in this store", code="PRODUCT_NOT_FOUND", field=f"items[{index}].{what}")


def unavailable(index: int, name: str, reason: str) -> ValidationProblem:
    return ValidationProblem(
        f"{name} {reason}", code="PRODUCT_UNAVAILABLE", field=f"items[{index}].productId"
    )


@dataclass(frozen=True, slots=True)
class Line:
    index: int
    product_id: str
    quantity: int
    variant_id: str | None = None
    slot_id: str | None = None


@dataclass(slots=True)
class Priced:
    """A line checked against its product and priced from the catalog (never from the client)."""

    line: Line
    name: str
    unit_price_paise: int
    counter: tuple[
        str, ...
    ]  # which counter it takes from: ("stock",), ("variant", vid), ("slot", start), ("menu",)
    capacity: int = 0  # slots: the capacity a new slot counter starts with

    @property
    def line_total_paise(self) -> int:
        return self.unit_price_paise * self.line.quantity


def check_quantity(line: Line) -> None:
    if not 1 <= line.quantity <= inventory.MAX_LINE_QTY:
        raise ValidationProblem(
            f"quantity must be 1 to {inventory.MAX_LINE_QTY}",
            code="INVALID_QUANTITY",
            field=f"items[{line.index}].quantity",
        )


def price_line(line: Line, product: dict[str, Any] | None, now_local: datetime) -> Priced:
    """Check one line against its product (exists, active, right mode, orderable) and price it."""
    check_quantity(line)
    if product is None or product.get("status") == "deleted":
        raise product_not_found(line.index)
    name = (product.get("name") or {}).get("en") or product["product_id"]
    if product.get("status") != "active":
        raise unavailable(line.index, name, "is not available")
    mode = product["mode"]
    price = int(product["price_paise"])
    if mode != "variants" and line.variant_id:
        raise ValidationProblem(
            "This product has no variants",
            code="VARIANT_NOT_APPLICABLE",
            field=f"items[{line.index}].variantId",
        )
    if mode != "slots" and line.slot_id:
        raise ValidationProblem(
            "This product is not booked by slot",
            code="SLOT_NOT_APPLICABLE",
            field=f"items[{line.index}].slotId",
        )
    if mode == "stock":
        return Priced(line, name, price, ("stock",))
    if mode == "menu":
        reason = inventory.menu_unavailable_reason(product, now_local)
        if reason:
            raise unavailable(line.index, name, reason)
        return Priced(line, name, price, ("menu",))
    if mode == "variants":
        if not line.variant_id:
            raise ValidationProblem(
                "Choose a variant (size / colour)",
                code="VARIANT_REQUIRED",
                field=f"items[{line.index}].variantId",
            )
        variant = (product.get("variants") or {}).get(line.variant_id)
        if variant is None or variant.get("status") == "deleted":
            raise product_not_found(line.index, "variantId")
        label = " / ".join(str(v) for v in (variant.get("size"), variant.get("colour")) if v)
        vname = f"{name} ({label})" if label else f"{name} ({variant.get('sku')})"
        return Priced(line, vname, int(variant.get("price_paise") or price), ("variant", line.variant_id))
    if mode == "slots":
        if not line.slot_id:
            raise ValidationProblem(
                "Choose a time slot", code="SLOT_REQUIRED", field=f"items[{line.index}].slotId"
            )
        pid, start = inventory.parse_slot_id(line.slot_id, field=f"items[{line.index}].slotId")
        if pid != line.product_id:
            raise ValidationProblem(
                "The slot belongs to another product",
                code="INVALID_SLOT",
                field=f"items[{line.index}].slotId",
            )
        config = product.get("slots") or {}
        inventory.check_slot(config, start, now_local, field=f"items[{line.index}].slotId")
        label = f"{name} — {start:%d %b %Y, %H:%M}"
        return Priced(
            line, label, price, ("slot", f"{start:%Y-%m-%dT%H:%M}"), capacity=inventory.capacity_of(config)
        )
    raise ValidationProblem(f"Unknown inventory mode {mode}", code="PRODUCT_UNAVAILABLE")


def merged_demand(priced: list[Priced]) -> dict[tuple[str, tuple[str, ...]], int]:
    """Total quantity per (product, counter): two lines of the same SKU take from one counter once."""
    out: dict[tuple[str, tuple[str, ...]], int] = {}
    for p in priced:
        key = (p.line.product_id, p.counter)
        out[key] = out.get(key, 0) + p.line.quantity
    return out


def check_capacity(priced: list[Priced]) -> None:
    """A slot line can never take more than the slot's whole capacity (no write needed to know)."""
    for (pid, counter), qty in merged_demand(priced).items():
        if counter[0] == "slot":
            p = next(x for x in priced if x.line.product_id == pid and x.counter == counter)
            if qty > p.capacity:
                raise OutOfStock(
                    index=p.line.index,
                    product_id=pid,
                    name=p.name,
                    available=p.capacity,
                    slot_id=p.line.slot_id,
                )


def can_confirm(status: str) -> bool:
    return status in (HELD, RELEASED)


def can_release(status: str) -> bool:
    return status in (HELD, CONFIRMED)
