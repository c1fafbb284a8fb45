"""Products and categories as catalog data, and the `store.generated` contract they are created from.

`StoreGenerated` mirrors sitegen's Catalog/Product spec (snake_case, as on the event) without importing sitegen:
unknown fields are ignored, so sitegen may add fields. A product keeps the id sitegen gave it, so the generated
site's links stay valid.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from catalog.domain import inventory
from webdpro_core.errors import ValidationProblem

Mode = Literal["stock", "menu", "slots", "variants"]
Count = Annotated[int, Meta(ge=0, le=inventory.MAX_STOCK)]
Paise = Annotated[int, Meta(ge=0, le=100_000_000)]


class LText(msgspec.Struct, kw_only=True):
    en: Annotated[str, Meta(max_length=1500)]
    hi: Annotated[str, Meta(max_length=1500)] = ""


class StockInv(msgspec.Struct, kw_only=True, tag_field="mode", tag="stock"):
    stock_qty: Count = 0
    low_stock_threshold: Count = 5
    reorder_qty: Count = 20


class MenuInv(msgspec.Struct, kw_only=True, tag_field="mode", tag="menu"):
    available: bool = True
    veg: bool = True
    prep_minutes: Annotated[int, Meta(ge=1, le=240)] = 20


class SlotInv(msgspec.Struct, kw_only=True, tag_field="mode", tag="slots"):
    duration_minutes: Annotated[int, Meta(ge=5, le=480)]
    capacity_per_slot: Annotated[int, Meta(ge=1, le=50)] = 1
    opens: Annotated[str, Meta(pattern=r"^(?:[01]\d|2[0-3]):[0-5]\d$")] = "10:00"
    closes: Annotated[str, Meta(pattern=r"^(?:[01]\d|2[0-3]):[0-5]\d$")] = "19:00"
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] = msgspec.field(
        default_factory=lambda: ["mon", "tue", "wed", "thu", "fri", "sat"]
    )


class VariantSpec(msgspec.Struct, kw_only=True):
    id: Annotated[str, Meta(max_length=64)]
    sku: Annotated[str, Meta(max_length=48)]
    size: str | None = None
    colour: str | None = None
    price_paise: Paise | None = None
    stock_qty: Count = 0


class VariantsInv(msgspec.Struct, kw_only=True, tag_field="mode", tag="variants"):
    variants: Annotated[list[VariantSpec], Meta(max_length=100)]


Inventory = StockInv | MenuInv | SlotInv | VariantsInv


class CategorySpec(msgspec.Struct, kw_only=True):
    id: Annotated[str, Meta(max_length=64)]
    slug: Annotated[str, Meta(max_length=80)]
    name: LText


class ProductSpec(msgspec.Struct, kw_only=True):
    id: Annotated[str, Meta(max_length=64)]
    slug: Annotated[str, Meta(max_length=80)]
    name: LText
    description: LText = msgspec.field(default_factory=lambda: LText(en=""))
    price_paise: Paise
    mrp_paise: Paise | None = None
    unit: str = "piece"
    category_id: str | None = None
    image_url: str | None = None
    inventory: Inventory


class Contact(msgspec.Struct, kw_only=True):
    phone: str | None = None
    email: str | None = None


class StoreGenerated(msgspec.Struct, kw_only=True):
    store_id: Annotated[str, Meta(min_length=1, max_length=64)]
    tenant_id: Annotated[str, Meta(min_length=1, max_length=64)]
    name: str = ""
    sector: str = ""
    inventory_mode: Mode
    supplier_contact: Contact | None = None
    categories: list[CategorySpec] = []
    products: list[ProductSpec] = []


def parse_store_generated(data: dict[str, Any]) -> StoreGenerated:
    """The event's data as a StoreGenerated (msgspec.ValidationError when it breaks the contract)."""
    return msgspec.convert(data, StoreGenerated, strict=False)


def inventory_fields(inv: Inventory) -> dict[str, Any]:
    """The product item's inventory attributes for a mode's spec."""
    if isinstance(inv, StockInv):
        return {
            "mode": "stock",
            "stock_qty": inv.stock_qty,
            "low_stock_threshold": inv.low_stock_threshold,
            "reorder_qty": inv.reorder_qty,
        }
    if isinstance(inv, MenuInv):
        return {
            "mode": "menu",
            "menu": {"available": inv.available, "veg": inv.veg, "prep_minutes": inv.prep_minutes},
        }
    if isinstance(inv, SlotInv):
        _check_hours(inv.opens, inv.closes, inv.duration_minutes)
        return {
            "mode": "slots",
            "slots": {
                "duration_minutes": inv.duration_minutes,
                "capacity_per_slot": inv.capacity_per_slot,
                "opens": inv.opens,
                "closes": inv.closes,
                "days": list(dict.fromkeys(inv.days)),
            },
        }
    ids = [v.id for v in inv.variants]
    if len(set(ids)) != len(ids):
        raise ValidationProblem(
            "Variant ids must be unique", code="DUPLICATE_VARIANT", field="inventory.variants"
        )
    return {
        "mode": "variants",
        "variants": {
            v.id: {
                "variant_id": v.id,
                "sku": v.sku,
                "size": v.size,
                "colour": v.colour,
                "price_paise": v.price_paise,
                "stock_qty": v.stock_qty,
                "position": i,
            }
            for i, v in enumerate(inv.variants)
        },
        "low_stock_threshold": 3,
        "reorder_qty": 10,
    }


def _check_hours(opens: str, closes: str, duration: int) -> None:
    o, c = inventory.hhmm(opens), inventory.hhmm(closes)
    if (c.hour * 60 + c.minute) - (o.hour * 60 + o.minute) < duration:
        raise ValidationProblem(
            "Closing must be at least one slot after opening", code="INVALID_HOURS", field="inventory.closes"
        )


def product_item(spec: ProductSpec, *, mode: str, position: int, now: str) -> dict[str, Any]:
    """A product item (without keys) from an imported or created spec; its mode must be the store's."""
    inv = inventory_fields(spec.inventory)
    if inv["mode"] != mode:
        raise ValidationProblem(
            f"This store keeps {mode} inventory, not {inv['mode']}",
            code="WRONG_INVENTORY_MODE",
            field="inventory",
        )
    if spec.mrp_paise is not None and spec.mrp_paise < spec.price_paise:
        raise ValidationProblem("The MRP cannot be below the price", code="MRP_BELOW_PRICE", field="mrpPaise")
    return {
        "product_id": spec.id,
        "slug": spec.slug,
        "name": {"en": spec.name.en, "hi": spec.name.hi or spec.name.en},
        "description": {"en": spec.description.en, "hi": spec.description.hi or spec.description.en},
        "price_paise": spec.price_paise,
        "mrp_paise": spec.mrp_paise,
        "unit": spec.unit,
        "category_id": spec.category_id,
        "image_url": spec.image_url,
        "status": "active",
        "position": position,
        "created_at": now,
        "updated_at": now,
        **inv,
    }


def slugify(text: str) -> str:
    """ASCII slug of an English name ('Fresh Tomatoes (1 kg)' → 'fresh-tomatoes-1-kg')."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80].strip("-")
    return slug or "item"


def view(product: dict[str, Any], *, merchant: bool) -> dict[str, Any]:
    """A product as the API shows it (snake_case; the HTTP layer camel-cases). The public view omits the
    merchant's thresholds, supplier and non-active variants."""
    mode = product["mode"]
    out: dict[str, Any] = {
        "product_id": product["product_id"],
        "slug": product.get("slug", ""),
        "name": product.get("name") or {"en": "", "hi": ""},
        "description": product.get("description") or {"en": "", "hi": ""},
        "price_paise": int(product["price_paise"]),
        "mrp_paise": product.get("mrp_paise"),
        "unit": product.get("unit", ""),
        "category_id": product.get("category_id"),
        "image_url": product.get("image_url"),
        "mode": mode,
        "status": product.get("status", "active"),
    }
    if mode == "stock":
        qty = int(product.get("stock_qty", 0))
        out.update(available=qty, in_stock=qty > 0)
        if merchant:
            out.update(
                low_stock_threshold=int(product.get("low_stock_threshold", 0)),
                reorder_qty=int(product.get("reorder_qty", 0)),
            )
    elif mode == "variants":
        variants = sorted(
            (v for v in (product.get("variants") or {}).values() if v.get("status", "active") != "deleted"),
            key=lambda v: (int(v.get("position", 0)), v["variant_id"]),
        )
        out["variants"] = [
            {
                "variant_id": v["variant_id"],
                "sku": v.get("sku", ""),
                "size": v.get("size"),
                "colour": v.get("colour"),
                "price_paise": int(v.get("price_paise") or product["price_paise"]),
                "available": int(v.get("stock_qty", 0)),
                "in_stock": int(v.get("stock_qty", 0)) > 0,
            }
            for v in variants
        ]
        total = sum(v["available"] for v in out["variants"])
        out.update(available=total, in_stock=total > 0)
        if merchant:
            out.update(
                low_stock_threshold=int(product.get("low_stock_threshold", 0)),
                reorder_qty=int(product.get("reorder_qty", 0)),
            )
    elif mode == "menu":
        menu = product.get("menu") or {}
        out["menu"] = {
            "available": bool(menu.get("available", True)),
            "veg": bool(menu.get("veg", True)),
            "prep_minutes": int(menu.get("prep_minutes", 20)),
            "hours": menu.get("hours"),
            "sold_out_on": product.get("sold_out_on"),
        }
        out["in_stock"] = bool(menu.get("available", True))
    elif mode == "slots":
        out["slots"] = dict(product.get("slots") or {})
        out["in_stock"] = True
    if merchant:
        out["supplier"] = product.get("supplier")
        out["updated_at"] = product.get("updated_at")
    return out
