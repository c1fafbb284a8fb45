"""Request and response bodies (camelCase on the wire). Unknown fields in requests are refused — except a price
on an item, which is accepted and ignored: prices come from the catalog, never from the client."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]
Quantity = Annotated[int, msgspec.Meta(ge=1, le=100)]
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"\S")]
OptText = Annotated[str, msgspec.Meta(max_length=200)] | None
PaymentMethod = Literal["UPI", "ONLINE", "COD"]
StatusName = Literal[
    "PAYMENT_PENDING",
    "CONFIRMED",
    "ACCEPTED",
    "PACKED",
    "OUT_FOR_DELIVERY",
    "DELIVERED",
    "DELIVERY_FAILED",
    "CANCELLED",
]


class Request(msgspec.Struct, rename="camel", forbid_unknown_fields=True, kw_only=True):
    pass


class Item(Request):
    product_id: Id
    quantity: Quantity
    variant_id: Id | None = None
    slot_id: Id | None = None
    # Accepted and ignored (a storefront may echo what it showed); never used for the amount.
    price_paise: Any = None
    unit_price_paise: Any = None
    price: Any = None


class Address(Request):
    """Where to deliver. line1 and pincode are what a rider needs; the storefront may leave the rest empty."""

    line1: Text
    pincode: Annotated[str, msgspec.Meta(pattern=r"^[1-9][0-9]{5}$")]
    name: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    city: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    phone: (
        Annotated[str, msgspec.Meta(min_length=7, max_length=20, pattern=r"^\+?[0-9][0-9 \-]{6,19}$")] | None
    ) = None
    line2: OptText = None
    landmark: OptText = None
    lat: Annotated[float, msgspec.Meta(ge=-90, le=90)] | None = None
    lng: Annotated[float, msgspec.Meta(ge=-180, le=180)] | None = None


class CheckoutRequest(Request):
    payment_method: PaymentMethod
    # Absent for orders nobody delivers (a clinic or salon slot); the storefront asks for it when the store delivers.
    delivery_address: Address | None = None
    # Absent = check out the saved cart.
    items: Annotated[list[Item], msgspec.Meta(max_length=50)] | None = None


class CartUpdate(Request):
    items: Annotated[list[Item], msgspec.Meta(max_length=50)]


class CancelRequest(Request):
    reason: Annotated[str, msgspec.Meta(max_length=300)] | None = None


# --- responses ---
class Response(msgspec.Struct, rename="camel", kw_only=True):
    pass


class Breakdown(Response):
    items_paise: int
    delivery_fee_paise: int
    total_paise: int


class CheckoutResult(Response):
    order_id: str
    status: str
    amount_paise: int
    breakdown: Breakdown
    payment: dict[str, Any] | None = None


class CartLine(Response, omit_defaults=True):
    product_id: str
    quantity: int
    variant_id: str | None = None
    slot_id: str | None = None


class Cart(Response):
    store_id: str
    items: list[CartLine]
    updated_at: str | None = None


class OrderLine(Response, omit_defaults=True):
    product_id: str
    name: str
    unit_price_paise: int
    quantity: int
    line_total_paise: int
    variant_id: str | None = None
    slot_id: str | None = None


class TimelineEntry(Response, omit_defaults=True):
    status: str
    at: str
    by: str
    note: str | None = None


class DeliveryAddress(Response, omit_defaults=True):
    line1: str
    pincode: str
    name: str | None = None
    city: str | None = None
    phone: str | None = None
    line2: str | None = None
    landmark: str | None = None
    lat: str | None = None
    lng: str | None = None


class Order(Response):
    order_id: str
    store_id: str
    store_name: str
    status: str
    payment_method: str
    items: list[OrderLine]
    items_paise: int
    delivery_fee_paise: int
    amount_paise: int
    timeline: list[TimelineEntry]
    created_at: str
    updated_at: str
    delivery_address: DeliveryAddress | None = None
    customer_phone: str | None = None
    pay_by: str | None = None


class OrderSummary(Response):
    order_id: str
    store_id: str
    store_name: str
    status: str
    payment_method: str
    amount_paise: int
    item_count: int
    created_at: str
    updated_at: str


class OrderPage(Response):
    items: list[OrderSummary]
    next_cursor: str | None


class StoreSummary(Response):
    store_id: str
    name: str
    orders_today: int
    revenue_today_paise: int
    orders_waiting: int


class Summary(Response):
    date: str
    stores: list[StoreSummary]
