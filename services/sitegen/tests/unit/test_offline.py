# ruff: noqa: RUF001 -- the reference prompts use the typographic dash merchants type
"""The deterministic offline generator, for every sector."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import msgspec
import pytest

from sitegen.domain.art import hero_svg, product_svg
from sitegen.domain.brief import extract_brief
from sitegen.domain.offline import (
    generate_offline,
    offline_catalog,
    offline_copy,
    seed_for,
)
from sitegen.domain.spec import (
    SECTORS,
    MenuInventory,
    SiteSpec,
    SlotInventory,
    StockInventory,
    VariantInventory,
)

DEVANAGARI = re.compile(r"[\u0900-\u097F]")

SECTOR_PROMPTS = {
    "grocery": "Curam – fresh vegetables, Mumbai, local delivery, cash + UPI, green theme",
    "restaurant": "Biryani House - Hyderabad, biryani and kebabs, takeaway and home delivery, cash",
    "bakery": "Sweet Crumbs bakery, Pune, cakes and cookies",
    "clinic": "Dr. Mehta Dental Clinic - Andheri West, Mumbai, appointments, blue theme",
    "pharmacy": "Apna Dawakhana – herbal medicines pharmacy in Lucknow, cash on delivery",
    "fashion": "Threads of India - handloom sarees and kurtis, pan india shipping, maroon colour",
    "electronics": "TechZone - mobile accessories, chargers, earphones, Bengaluru, card and UPI",
    "salon": "Glow Unisex Salon, Jaipur, haircut facial bridal makeup, pink theme",
}
MODE = {
    "grocery": StockInventory,
    "bakery": StockInventory,
    "pharmacy": StockInventory,
    "restaurant": MenuInventory,
    "clinic": SlotInventory,
    "salon": SlotInventory,
    "fashion": VariantInventory,
    "electronics": VariantInventory,
}


def test_every_sector_has_a_prompt() -> None:
    assert set(SECTOR_PROMPTS) == set(SECTORS)


@pytest.mark.parametrize("sector", SECTORS)
def test_sector_store(sector: str) -> None:
    brief = extract_brief(SECTOR_PROMPTS[sector])
    assert brief.sector == sector
    spec = generate_offline(brief, store_id="sto_test")
    # schema holds (every Meta constraint, tagged inventory union)
    assert msgspec.json.decode(msgspec.json.encode(spec), type=SiteSpec) == spec
    products = spec.catalog.products
    assert 8 <= len(products) <= 20
    assert spec.catalog.inventory_mode == brief.inventory_mode
    for p in products:
        assert isinstance(p.price_paise, int)
        assert brief.price_min_paise <= p.price_paise <= brief.price_max_paise, p
        assert p.mrp_paise is None or p.mrp_paise > p.price_paise
        assert isinstance(p.inventory, MODE[sector])
        assert DEVANAGARI.search(p.name.hi), p.name
        assert DEVANAGARI.search(p.description.hi), p.description
        assert p.name.en and p.description.en and p.unit and p.image_prompt
        assert p.category_id in {c.id for c in spec.catalog.categories}
        if isinstance(p.inventory, VariantInventory):
            skus = [v.sku for v in p.inventory.variants]
            assert len(skus) == len(set(skus))
    assert len({p.id for p in products}) == len(products)
    assert len({p.slug for p in products}) == len(products)
    for c in spec.catalog.categories:
        assert DEVANAGARI.search(c.name.hi)
    for lc in (spec.copy.en, spec.copy.hi):
        assert len(lc.seo_title) <= 60 and len(lc.meta_description) <= 160
        assert brief.name in lc.seo_title
    for field in ("tagline", "about", "hero_heading", "cta", "meta_description"):
        assert DEVANAGARI.search(getattr(spec.copy.hi, field)), field
    # one image per product plus the hero, all small SVGs
    ids = {i.id for i in spec.images.images}
    assert spec.hero_image_id in ids
    assert all(p.image_id in ids for p in products)
    assert all(len(i.svg.encode()) < 3_000 for i in spec.images.images)


@pytest.mark.parametrize("sector", SECTORS)
def test_deterministic(sector: str) -> None:
    a = generate_offline(extract_brief(SECTOR_PROMPTS[sector]), store_id="s")
    b = generate_offline(extract_brief(SECTOR_PROMPTS[sector]), store_id="s")
    assert msgspec.json.encode(a) == msgspec.json.encode(b)


def test_seed_ignores_case_and_spacing() -> None:
    assert seed_for("Curam – fresh  vegetables") == seed_for("  curam – FRESH vegetables ")


def test_different_prompts_differ() -> None:
    a = generate_offline(extract_brief("Curam – fresh vegetables, Mumbai"))
    b = generate_offline(extract_brief("Hari Om Kirana – fresh vegetables, Pune"))
    assert a.catalog.products != b.catalog.products
    assert [p.id for p in a.catalog.products] != [p.id for p in b.catalog.products]
    assert a.copy != b.copy


@pytest.mark.parametrize(
    ("prompt", "lo", "hi"),
    [
        ("Sweet Crumbs bakery, Pune, prices ₹50-500", 5_000, 50_000),
        ("Curam – vegetables under 30 rupees", 1_000, 3_000),
        ("Luxe Sarees, Kolkata, silk sarees from ₹2,500 to ₹9,000", 250_000, 900_000),
        ("Byte Store, gadgets, Rs 500 to 3000", 50_000, 300_000),
        ("Quick Clinic, Indore, consultations below ₹600", None, 60_000),
    ],
)
def test_prices_stay_in_the_prompts_range(prompt: str, lo: int | None, hi: int) -> None:
    brief = extract_brief(prompt)
    assert brief.price_range_stated
    assert brief.price_max_paise == hi
    if lo is not None:
        assert brief.price_min_paise == lo
    catalog = offline_catalog(brief)
    assert 8 <= len(catalog.products) <= 20
    for p in catalog.products:
        assert brief.price_min_paise <= p.price_paise <= brief.price_max_paise


def test_weighed_items_are_repacked_to_fit_a_high_range() -> None:
    catalog = offline_catalog(extract_brief("Bulk Bazaar, Surat, vegetables, ₹150 to ₹600"))
    assert all(15_000 <= p.price_paise <= 60_000 for p in catalog.products)
    units = {p.unit for p in catalog.products}
    assert units & {"2 kg", "3 kg", "5 kg", "5 L", "2 L"} or units


def test_mentioned_products_lead_the_catalog() -> None:
    catalog = offline_catalog(extract_brief("Curam – fresh vegetables, Mumbai"))
    veg = next(c for c in catalog.categories if c.name.en == "Fresh Vegetables")
    assert sum(p.category_id == veg.id for p in catalog.products) >= 8


def test_hindi_first_store_copy() -> None:
    brief = extract_brief("राम किराना स्टोर - दिल्ली, सब्ज़ी और फल")
    assert brief.languages[0] == "hi"
    copy = offline_copy(brief)
    assert "दिल्ली" in copy.hi.hero_heading
    assert "Delhi" in copy.en.hero_heading


def test_copy_mentions_payments_and_delivery() -> None:
    copy = offline_copy(extract_brief(SECTOR_PROMPTS["grocery"]))
    assert "UPI" in copy.en.about and "cash on delivery" in copy.en.about
    assert "Mumbai" in copy.en.about and "मुंबई" in copy.hi.about


def _svg_elements(svg: str) -> list[ET.Element]:
    return list(ET.fromstring(svg).iter())


def test_svg_art_is_small_safe_and_deterministic() -> None:
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    allowed = {"svg", "title", "rect", "circle", "ellipse", "path", "g", "text"}
    for sector in SECTORS:
        svg = product_svg("prd_1", evil, sector, "#16a34a", "#14532d", "#f0fdf4", "#b45309")
        assert len(svg.encode()) < 3_000
        for el in _svg_elements(svg):
            assert el.tag.split("}")[-1] in allowed
            assert not any(a.lower().startswith("on") or "href" in a for a in el.attrib)
        assert svg == product_svg("prd_1", evil, sector, "#16a34a", "#14532d", "#f0fdf4", "#b45309")
        hero = hero_svg("k", evil, sector, "#16a34a", "#14532d", "#f0fdf4", "#b45309")
        assert len(hero.encode()) < 3_000
        assert all(el.tag.split("}")[-1] in allowed for el in _svg_elements(hero))
    # colours that are not #rrggbb never reach the markup
    svg = hero_svg("k", "t", "bakery", 'red" onload="x', "#000000", "#ffffff", "#000000")
    assert "onload" not in svg
