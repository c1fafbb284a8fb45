"""The validated output of every stage of store generation, as msgspec Structs.

Stages: prompt → `Brief` → `Copy` → `Catalog` → `ImageSet` → `SiteSpec` (everything the renderer needs).
All text held here is *plain text* (no HTML); the renderer escapes it. Money is integer paise.
Field names are snake_case in Python; encode with `rename="camel"` at the HTTP edge if needed.

The constraints (`Meta`) are enforced by `msgspec.convert` / `msgspec.json.decode` with `type=...`; the
auto-fixer in `validate.py` shapes raw model output so that it passes them.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

SPEC_VERSION = 1

Sector = Literal["grocery", "restaurant", "bakery", "clinic", "pharmacy", "fashion", "electronics", "salon"]
SECTORS: tuple[Sector, ...] = (
    "grocery",
    "restaurant",
    "bakery",
    "clinic",
    "pharmacy",
    "fashion",
    "electronics",
    "salon",
)
InventoryMode = Literal["stock", "menu", "slots", "variants"]
Language = Literal["en", "hi"]
PaymentMethod = Literal["UPI", "ONLINE", "COD"]
PAYMENT_METHODS: tuple[PaymentMethod, ...] = ("UPI", "ONLINE", "COD")
DeliveryMode = Literal["local_delivery", "pickup", "delivery_and_pickup", "shipping", "in_store"]

INVENTORY_MODE: dict[str, InventoryMode] = {
    "grocery": "stock",
    "bakery": "stock",
    "pharmacy": "stock",
    "restaurant": "menu",
    "clinic": "slots",
    "salon": "slots",
    "fashion": "variants",
    "electronics": "variants",
}


def inventory_mode_for(sector: str) -> InventoryMode:
    return INVENTORY_MODE[sector]


# ---- constrained scalars ---------------------------------------------------------------------------------
MAX_PRICE_PAISE = 10_000_000  # ₹1,00,000 — nothing a small-merchant storefront sells online above this
HexColour = Annotated[str, Meta(pattern=r"^#[0-9a-f]{6}$", description="lower-case #rrggbb")]
Paise = Annotated[int, Meta(ge=100, le=MAX_PRICE_PAISE, description="integer paise, ₹1 … ₹1,00,000")]
Name = Annotated[str, Meta(min_length=1, max_length=80)]
Slug = Annotated[str, Meta(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Id = Annotated[str, Meta(pattern=r"^[a-z]{2,4}_[a-z0-9]{6,32}$")]
ShortText = Annotated[str, Meta(max_length=120)]
Description = Annotated[str, Meta(max_length=600)]
LongText = Annotated[str, Meta(max_length=1500)]
SeoTitle = Annotated[str, Meta(min_length=1, max_length=60)]
MetaDescription = Annotated[str, Meta(min_length=1, max_length=160)]
Count = Annotated[int, Meta(ge=0, le=100_000)]
HHMM = Annotated[str, Meta(pattern=r"^(?:[01]\d|2[0-3]):[0-5]\d$")]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class Base(msgspec.Struct, kw_only=True, frozen=True):
    """Frozen: a stage's output is a value; make changes with `msgspec.structs.replace`."""


class LText(Base, kw_only=True):
    """A text in English and Hindi (Devanagari). `hi` may equal `en` for brand names."""

    en: Annotated[str, Meta(max_length=1500)]
    hi: Annotated[str, Meta(max_length=1500)]


# ---- stage 1: the brief ----------------------------------------------------------------------------------
class Brief(Base, kw_only=True):
    prompt: Annotated[str, Meta(min_length=1, max_length=1000)]
    name: Name
    sector: Sector
    sector_detected: bool = False  # True when inferred from keywords rather than stated
    inventory_mode: InventoryMode
    city: str | None = None
    location: Annotated[str, Meta(max_length=120)] | None = None
    products: Annotated[list[Annotated[str, Meta(max_length=60)]], Meta(max_length=20)] = []
    price_min_paise: Paise
    price_max_paise: Paise
    price_range_stated: bool = False  # False: the sector's default range
    languages: Annotated[list[Language], Meta(min_length=1, max_length=2)] = msgspec.field(
        default_factory=lambda: ["en"]
    )
    currency: Literal["INR"] = "INR"
    payment_methods: Annotated[list[PaymentMethod], Meta(min_length=1, max_length=3)]
    theme_colour: HexColour
    theme_colour_stated: bool = False
    delivery_mode: DeliveryMode


# ---- stage 2: copy ---------------------------------------------------------------------------------------
class LocalCopy(Base, kw_only=True):
    tagline: Annotated[str, Meta(min_length=1, max_length=120)]
    about: Annotated[str, Meta(min_length=1, max_length=1500)]
    seo_title: SeoTitle
    meta_description: MetaDescription
    hero_heading: Annotated[str, Meta(min_length=1, max_length=90)]
    cta: Annotated[str, Meta(min_length=1, max_length=30)]


class Copy(Base, kw_only=True):
    en: LocalCopy
    hi: LocalCopy


# ---- stage 3: catalog ------------------------------------------------------------------------------------
class Category(Base, kw_only=True):
    id: Id
    slug: Slug
    name: LText


class StockInventory(Base, kw_only=True, tag_field="mode", tag="stock"):
    stock_qty: Count
    low_stock_threshold: Count = 5
    reorder_qty: Count = 20


class MenuInventory(Base, kw_only=True, tag_field="mode", tag="menu"):
    available: bool = True
    veg: bool = True
    prep_minutes: Annotated[int, Meta(ge=1, le=240)] = 20


class SlotInventory(Base, kw_only=True, tag_field="mode", tag="slots"):
    duration_minutes: Annotated[int, Meta(ge=5, le=480)]
    capacity_per_slot: Annotated[int, Meta(ge=1, le=50)] = 1
    opens: HHMM = "10:00"
    closes: HHMM = "19:00"
    days: Annotated[list[Weekday], Meta(min_length=1, max_length=7)] = msgspec.field(
        default_factory=lambda: ["mon", "tue", "wed", "thu", "fri", "sat"]
    )


class Variant(Base, kw_only=True):
    id: Id
    sku: Annotated[str, Meta(pattern=r"^[A-Z0-9][A-Z0-9-]{1,47}$")]
    size: Annotated[str, Meta(max_length=20)] | None = None
    colour: Annotated[str, Meta(max_length=30)] | None = None
    price_paise: Paise | None = None  # None: the product's price
    stock_qty: Count


class VariantInventory(Base, kw_only=True, tag_field="mode", tag="variants"):
    variants: Annotated[list[Variant], Meta(min_length=1, max_length=24)]


Inventory = StockInventory | MenuInventory | SlotInventory | VariantInventory
INVENTORY_TYPES: dict[str, type] = {
    "stock": StockInventory,
    "menu": MenuInventory,
    "slots": SlotInventory,
    "variants": VariantInventory,
}


class Product(Base, kw_only=True):
    id: Id
    slug: Slug
    name: LText
    description: LText
    price_paise: Paise
    mrp_paise: Paise | None = None  # printed MRP when above the price (a strike-through on the page)
    unit: Annotated[str, Meta(min_length=1, max_length=30)]
    category_id: Id
    image_prompt: Annotated[str, Meta(max_length=400)]
    image_id: Id | None = None
    inventory: Inventory


class Catalog(Base, kw_only=True):
    inventory_mode: InventoryMode
    categories: Annotated[list[Category], Meta(min_length=1, max_length=12)]
    products: Annotated[list[Product], Meta(min_length=1, max_length=60)]


# ---- stage 4: images -------------------------------------------------------------------------------------
class Image(Base, kw_only=True):
    id: Id
    kind: Literal["hero", "product", "logo"]
    product_id: Id | None = None
    prompt: Annotated[str, Meta(max_length=400)]
    alt: LText
    source: Literal["offline", "model"] = "offline"
    svg: str | None = None  # offline art (built by `art.py` — never model output)
    url: Annotated[str, Meta(pattern=r"^(?:https://|/|assets/)[^\s\"'<>]*$", max_length=500)] | None = None
    width: int = 600
    height: int = 600


class ImageSet(Base, kw_only=True):
    images: list[Image]

    def by_id(self) -> dict[str, Image]:
        return {i.id: i for i in self.images}


# ---- stage 5: the site -----------------------------------------------------------------------------------
class Theme(Base, kw_only=True):
    brand: HexColour
    brand_dark: HexColour
    brand_light: HexColour
    accent: HexColour
    ink: HexColour = "#1f2937"
    bg: HexColour = "#ffffff"


class Contact(Base, kw_only=True):
    phone: Annotated[str, Meta(pattern=r"^\+?[0-9 ]{8,16}$")] | None = None
    email: Annotated[str, Meta(pattern=r"^[^@\s<>\"']+@[^@\s<>\"']+\.[a-z]{2,}$", max_length=120)] | None = (
        None
    )
    address: Annotated[str, Meta(max_length=200)] | None = None
    city: str | None = None
    hours: Annotated[str, Meta(max_length=80)] | None = None


class SiteSpec(Base, kw_only=True):
    spec_version: int = SPEC_VERSION
    store_id: Annotated[str, Meta(max_length=64)] = ""
    seed: int = 0
    generated_by: Annotated[str, Meta(max_length=120)] = "offline"
    brief: Brief
    copy: Copy
    catalog: Catalog
    images: ImageSet
    theme: Theme
    contact: Contact
    hero_image_id: Id | None = None
