"""Request and response bodies (camelCase on the wire). Unknown fields in requests are refused."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

Id = Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]
Qty = Annotated[int, Meta(ge=1, le=1000, description="1 to 1000")]
Count = Annotated[int, Meta(ge=0, le=1_000_000)]
Paise = Annotated[int, Meta(ge=1, le=100_000_000, description="integer paise")]
Slug = Annotated[str, Meta(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
HHMM = Annotated[str, Meta(pattern=r"^(?:[01]\d|2[0-3]):[0-5]\d$")]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Url = Annotated[str, Meta(pattern=r"^(?:https?://|/)[^\s\"'<>]*$", max_length=500)]
Phone = Annotated[str, Meta(max_length=32)]
Email = Annotated[str, Meta(max_length=254)]


class Request(msgspec.Struct, rename="camel", forbid_unknown_fields=True, kw_only=True):
    pass


# ---- internal: reservations (the contract with orders) ---------------------------------------------------
class ReservationLine(Request):
    product_id: Id
    quantity: Qty
    variant_id: Id | None = None
    slot_id: Annotated[str, Meta(max_length=100)] | None = None


class ReservationRequest(Request):
    order_id: Id
    tenant_id: Id
    items: Annotated[list[ReservationLine], Meta(min_length=1, max_length=50)]
    hold_seconds: Annotated[int, Meta(ge=60, le=3600)] = 900


class ReservationItem(msgspec.Struct, rename="camel"):
    product_id: str
    variant_id: str | None
    slot_id: str | None
    name: str
    unit_price_paise: int
    quantity: int
    line_total_paise: int


class Reservation(msgspec.Struct, rename="camel"):
    order_id: str
    store_id: str
    status: str
    expires_at: str
    items: list[ReservationItem]
    total_paise: int


# ---- merchant: products ----------------------------------------------------------------------------------
class LTextIn(Request):
    en: Annotated[str, Meta(min_length=1, max_length=200)]
    hi: Annotated[str, Meta(max_length=200)] = ""


class LLongIn(Request):
    en: Annotated[str, Meta(max_length=1500)]
    hi: Annotated[str, Meta(max_length=1500)] = ""


class StockIn(Request, tag_field="mode", tag="stock"):
    stock_qty: Count = 0
    low_stock_threshold: Count = 5
    reorder_qty: Count = 20


class MenuIn(Request, tag_field="mode", tag="menu"):
    available: bool = True
    veg: bool = True
    prep_minutes: Annotated[int, Meta(ge=1, le=240)] = 20


class SlotsIn(Request, tag_field="mode", tag="slots"):
    duration_minutes: Annotated[int, Meta(ge=5, le=480)]
    capacity_per_slot: Annotated[int, Meta(ge=1, le=50)] = 1
    opens: HHMM = "10:00"
    closes: HHMM = "19:00"
    days: Annotated[list[Weekday], Meta(min_length=1, max_length=7)] = msgspec.field(
        default_factory=lambda: ["mon", "tue", "wed", "thu", "fri", "sat"]
    )


Sku = Annotated[str, Meta(pattern=r"^[A-Z0-9][A-Z0-9\-]{1,47}$")]


class VariantIn(Request):
    sku: Sku
    size: Annotated[str, Meta(max_length=20)] | None = None
    colour: Annotated[str, Meta(max_length=30)] | None = None
    price_paise: Paise | None = None
    stock_qty: Count = 0


class VariantsIn(Request, tag_field="mode", tag="variants"):
    variants: Annotated[list[VariantIn], Meta(min_length=1, max_length=100)]


class ProductCreate(Request):
    name: LTextIn
    price_paise: Paise
    unit: Annotated[str, Meta(min_length=1, max_length=30)]
    inventory: StockIn | MenuIn | SlotsIn | VariantsIn
    description: LLongIn | None = None
    slug: Slug | None = None
    mrp_paise: Paise | None = None
    category_id: Id | None = None
    image_url: Url | None = None
    supplier_phone: Phone | None = None
    supplier_email: Email | None = None


class MenuPatch(Request):
    veg: bool | UnsetType = UNSET
    prep_minutes: Annotated[int, Meta(ge=1, le=240)] | UnsetType = UNSET


class SlotsPatch(Request):
    duration_minutes: Annotated[int, Meta(ge=5, le=480)] | UnsetType = UNSET
    capacity_per_slot: Annotated[int, Meta(ge=1, le=50)] | UnsetType = UNSET
    opens: HHMM | UnsetType = UNSET
    closes: HHMM | UnsetType = UNSET
    days: Annotated[list[Weekday], Meta(min_length=1, max_length=7)] | UnsetType = UNSET


class ProductPatch(Request):
    name: LTextIn | UnsetType = UNSET
    description: LLongIn | UnsetType = UNSET
    slug: Slug | UnsetType = UNSET
    price_paise: Paise | UnsetType = UNSET
    mrp_paise: Paise | UnsetType | None = UNSET
    unit: Annotated[str, Meta(min_length=1, max_length=30)] | UnsetType = UNSET
    category_id: Id | UnsetType | None = UNSET
    image_url: Url | UnsetType | None = UNSET
    status: Literal["active", "inactive"] | UnsetType = UNSET
    low_stock_threshold: Count | UnsetType = UNSET
    reorder_qty: Count | UnsetType = UNSET
    supplier_phone: Phone | UnsetType | None = UNSET
    supplier_email: Email | UnsetType | None = UNSET
    menu: MenuPatch | UnsetType = UNSET
    slots: SlotsPatch | UnsetType = UNSET


class StockAdjust(Request):
    delta: Annotated[int, Meta(ge=-1_000_000, le=1_000_000)]
    reason: Annotated[str, Meta(min_length=1, max_length=200, pattern=r"\S")]
    variant_id: Id | None = None


class Hours(Request):
    from_: HHMM = msgspec.field(name="from")
    to: HHMM


class Availability(Request):
    available: bool | UnsetType = UNSET
    sold_out_today: bool | UnsetType = UNSET
    hours: Hours | UnsetType | None = UNSET


class VariantPatch(Request):
    sku: Sku | UnsetType = UNSET
    size: Annotated[str, Meta(max_length=20)] | UnsetType | None = UNSET
    colour: Annotated[str, Meta(max_length=30)] | UnsetType | None = UNSET
    price_paise: Paise | UnsetType | None = UNSET


class ImageUpload(Request):
    content_type: Literal["image/jpeg", "image/png", "image/webp", "image/avif"]


class CategoryCreate(Request):
    name: LTextIn
    slug: Slug | None = None


class CategoryPatch(Request):
    name: LTextIn | UnsetType = UNSET
    slug: Slug | UnsetType = UNSET


class StoreSettings(Request):
    lead_time_days: Annotated[int, Meta(ge=1, le=90)] | UnsetType = UNSET
    alert_phone: Phone | UnsetType | None = UNSET
    alert_email: Email | UnsetType | None = UNSET


class Supplier(Request):
    phone: Phone | None = None
    email: Email | None = None


class Reorder(Request):
    quantity: Annotated[int, Meta(ge=1, le=100_000)] | None = None


class Receive(Request):
    quantity: Annotated[int, Meta(ge=1, le=100_000)] | None = None


# ---- helpers ---------------------------------------------------------------------------------------------
_CAMEL = re.compile(r"_([a-z0-9])")
_SNAKE = re.compile(r"(?<!^)([A-Z])")


def camel(value: Any) -> Any:
    """snake_case keys → camelCase, recursively (the wire format of every response)."""
    if isinstance(value, dict):
        return {
            _CAMEL.sub(lambda m: m.group(1).upper(), k) if isinstance(k, str) else k: camel(v)
            for k, v in value.items()
            if k not in ("PK", "SK", "GSI1PK", "GSI1SK", "tenant_id")
        }
    if isinstance(value, list):
        return [camel(v) for v in value]
    return value


def snake(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            _SNAKE.sub(r"_\1", k).lower() if isinstance(k, str) else k: snake(v) for k, v in value.items()
        }
    if isinstance(value, list):
        return [snake(v) for v in value]
    return value


def fields(struct: msgspec.Struct) -> dict[str, Any]:
    """The fields a request set (UNSET ones left out), snake_case, nested structs as dicts."""
    return snake(msgspec.to_builtins(struct))
