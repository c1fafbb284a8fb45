# ruff: noqa: RUF001 -- the reference prompts use the typographic dash merchants type
"""Validation and auto-fix of model output: broken JSON, missing/absurd prices, markup, unknown fields."""

from __future__ import annotations

import json

import pytest

from sitegen.domain.brief import extract_brief
from sitegen.domain.spec import StockInventory, VariantInventory
from sitegen.domain.validate import (
    feedback_for,
    load_site_spec,
    parse_model_json,
    plain_text,
    validate_brief,
    validate_catalog,
    validate_copy,
)
from webdpro_core.errors import Problem, ValidationProblem

CURAM = "Curam – fresh vegetables, Mumbai, local delivery, cash + UPI, green theme"
BRIEF = extract_brief(CURAM)


def _products(n: int = 8) -> list[dict]:
    names = [
        "Tomato",
        "Onion",
        "Potato",
        "Spinach",
        "Okra",
        "Carrot",
        "Cucumber",
        "Capsicum",
        "Peas",
        "Beans",
    ]
    return [
        {
            "name": names[i],
            "nameHi": "टमाटर",
            "price": 40 + i,
            "unit": "1 kg",
            "category": "Vegetables",
            "description": "Fresh",
            "descriptionHi": "ताज़ा",
        }
        for i in range(n)
    ]


# ---- JSON repair -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ('```json\n{"a": 1}\n```', {"a": 1}),
        ('Here you go!\n```\n{"a": [1, 2,],}\n```\nEnjoy', {"a": [1, 2]}),
        ("{'a': 'b', 'c': True}", {"a": "b", "c": True}),
        ('{"a": [1, 2, 3', {"a": [1, 2, 3]}),
        ('Sure, the catalog is {"products": [{"name": "x", "price": 10}, {"name": "y"', None),
        ('{"a": 1, // comment\n "b": 2}', {"a": 1, "b": 2}),
    ],
)
def test_parse_model_json_repairs(raw: str, expected: dict | None) -> None:
    value, fixes = parse_model_json(raw)
    if expected is not None:
        assert value == expected
    else:
        assert value["products"][0] == {"name": "x", "price": 10} and value["products"][1]["name"] == "y"
    if raw != '{"a": 1}':
        assert fixes
    else:
        assert fixes == []


@pytest.mark.parametrize("raw", ["", "   ", "I cannot help with that.", None])
def test_parse_model_json_gives_up_with_a_field_error(raw) -> None:
    with pytest.raises(ValidationProblem) as exc:
        parse_model_json(raw)
    assert exc.value.code == "MODEL_OUTPUT_INVALID" and exc.value.status == 422
    assert exc.value.errors[0].field == "$"


def test_plain_text_strips_markup_and_schemes() -> None:
    assert plain_text("<script>alert(1)</script>Tomato") == "Tomato"
    assert plain_text('<b>Fresh</b> "okra" <img src=x onerror=alert(1)>') == 'Fresh "okra"'
    assert plain_text("&lt;script&gt;alert(1)&lt;/script&gt;Tomato") == "Tomato"
    assert "javascript:" not in plain_text("click javascript:alert(1)")
    assert plain_text("Dal & Rice < ₹100") == "Dal & Rice < ₹100"
    assert plain_text(None) == "" and plain_text(42) == "42"


# ---- catalog -------------------------------------------------------------------------------------------
def test_valid_catalog_passes_with_no_fixes_to_prices() -> None:
    catalog, fixes = validate_catalog(
        json.dumps({"categories": ["Vegetables"], "products": _products()}), BRIEF
    )
    assert len(catalog.products) == 8
    assert [p.price_paise for p in catalog.products] == [(40 + i) * 100 for i in range(8)]
    assert not [f for f in fixes if "price" in f]
    assert all(isinstance(p.inventory, StockInventory) for p in catalog.products)
    assert catalog.categories[0].name.en == "Vegetables"


def test_missing_and_absurd_prices_are_filled_from_the_range() -> None:
    products = _products()
    del products[0]["price"]
    products[1]["price"] = 0
    products[2]["price"] = 99_999_999
    products[3]["price"] = "₹ abc"
    products[4]["price"] = -5
    catalog, fixes = validate_catalog({"products": products}, BRIEF)
    for p in catalog.products[:5]:
        assert BRIEF.price_min_paise <= p.price_paise <= BRIEF.price_max_paise
        assert isinstance(p.price_paise, int)
    assert any(f.startswith("products[0].price_paise: missing") for f in fixes)
    assert any(f.startswith("products[2].price_paise: absurd") for f in fixes)
    assert len([f for f in fixes if "price_paise" in f]) == 5
    # deterministic fill
    again, _ = validate_catalog({"products": products}, BRIEF)
    assert [p.price_paise for p in again.products] == [p.price_paise for p in catalog.products]


def test_price_units_are_understood() -> None:
    products = _products()
    products[0] = {**products[0], "price": "₹1,299.50"}
    products[1] = {**products[1], "price": None, "pricePaise": 4500}
    products[2] = {**products[2], "price": None, "price_paise": 45}  # rupees in the paise field
    products[3] = {**products[3], "price": "Rs. 60/-"}
    brief = extract_brief("Curam – fresh vegetables, Mumbai")
    catalog, fixes = validate_catalog({"products": products}, brief)
    assert catalog.products[0].price_paise == 129_950
    assert catalog.products[1].price_paise == 4_500
    assert catalog.products[2].price_paise == 4_500
    assert catalog.products[3].price_paise == 6_000
    assert any("looked like rupees" in f for f in fixes)


def test_stated_range_is_enforced_on_model_prices() -> None:
    brief = extract_brief("Curam – fresh vegetables, Mumbai, prices ₹50 to ₹500")
    products = _products()
    products[0]["price"] = 20
    products[1]["price"] = 900
    catalog, fixes = validate_catalog({"products": products}, brief)
    assert catalog.products[0].price_paise == 5_000 and catalog.products[1].price_paise == 50_000
    assert any("outside the merchant's range" in f for f in fixes)


def test_markup_and_unknown_fields_are_dropped() -> None:
    products = _products()
    products[0]["name"] = "<script>alert(1)</script>Tomato"
    products[0]["description"] = '<a href="javascript:alert(1)">Fresh</a> <img src=x onerror=alert(1)>'
    products[0]["onclick"] = "steal()"
    products[0]["html"] = "<iframe>"
    catalog, _ = validate_catalog({"products": products, "script": "<script>"}, BRIEF)
    p = catalog.products[0]
    assert p.name.en == "Tomato"
    assert "<" not in p.description.en and "javascript" not in p.description.en
    assert not hasattr(p, "onclick")


def test_duplicates_and_nameless_products_are_dropped() -> None:
    products = [*_products(), {"name": "tomatoes", "price": 30}, {"price": 10}, "just a string"]
    catalog, fixes = validate_catalog({"products": products}, BRIEF)
    assert len(catalog.products) == 8
    assert any("duplicate" in f for f in fixes)
    assert any("products[9].name" in f for f in fixes)


def test_few_products_are_topped_up_from_the_template() -> None:
    catalog, fixes = validate_catalog({"products": _products(4)}, BRIEF)
    assert len(catalog.products) == 8
    assert any("added" in f for f in fixes)
    assert len({p.slug for p in catalog.products}) == 8


def test_hopeless_catalog_raises_with_field_errors_for_the_retry() -> None:
    with pytest.raises(ValidationProblem) as exc:
        validate_catalog('{"products": [{"price": 3}, {"description": "x"}]}', BRIEF)
    errors = exc.value.errors
    assert {e.field for e in errors} == {"products[0].name", "products[1].name"}
    message = feedback_for(exc.value)
    assert "products[0].name" in message and "JSON only" in message
    with pytest.raises(ValidationProblem) as exc:
        validate_catalog('{"categories": []}', BRIEF)
    assert exc.value.errors[0].field == "products"


def test_variants_and_menus_are_shaped_per_sector() -> None:
    fashion = extract_brief("Pixel Wear — streetwear t-shirts and hoodies, Surat")
    products = [
        {
            "name": f"Tee {i}",
            "price": 499,
            "variants": [
                {"size": "M", "color": "Black", "stock": 5, "sku": "bad sku!"},
                {"size": "L", "colour": "White", "stock": "7"},
            ],
        }
        for i in range(8)
    ]
    products[0]["variants"] = []
    catalog, fixes = validate_catalog({"products": products}, fashion)
    assert all(isinstance(p.inventory, VariantInventory) for p in catalog.products)
    assert catalog.products[1].inventory.variants[0].colour == "Black"
    assert catalog.products[1].inventory.variants[1].stock_qty == 7
    assert any("variants" in f for f in fixes)

    food = extract_brief("Biryani House - Hyderabad, biryani")
    menu = [{"name": f"Dish {i}", "price": 200, "veg": "non-veg" if i % 2 else "veg"} for i in range(8)]
    catalog, _ = validate_catalog({"items": menu}, food)
    assert [p.inventory.veg for p in catalog.products[:2]] == [True, False]

    clinic = extract_brief("Dr. Mehta Dental Clinic, Mumbai")
    services = [{"name": f"Service {i}", "price": 500, "duration": "1 hour"} for i in range(8)]
    catalog, _ = validate_catalog(services, clinic)
    assert catalog.products[0].inventory.duration_minutes == 60 and catalog.products[0].unit == "60 min"


def test_unsafe_model_catalog_is_refused() -> None:
    products = _products()
    products[3]["name"] = "Country made pistol"
    with pytest.raises(Problem) as exc:
        validate_catalog({"products": products}, BRIEF)
    assert exc.value.code == "MODEL_OUTPUT_UNSAFE"


# ---- copy ----------------------------------------------------------------------------------------------
def test_copy_is_clamped_and_completed() -> None:
    raw = json.dumps(
        {
            "en": {
                "tagline": "Fresh veg daily",
                "about": "<p>We sell veg</p>",
                "seoTitle": "x " * 50,
                "metaDescription": "y " * 120,
                "unknown": "z",
            },
            "hi": {"tagline": "Fresh (not Hindi)"},
        }
    )
    copy, fixes = validate_copy(raw, BRIEF)
    assert copy.en.tagline == "Fresh veg daily" and copy.en.about == "We sell veg"
    assert len(copy.en.seo_title) <= 60 and len(copy.en.meta_description) <= 160
    assert "मंडी" in copy.hi.tagline or any("\u0900" <= ch <= "\u097f" for ch in copy.hi.tagline)
    assert any("clamped" in f for f in fixes)
    assert any(f.startswith("hi.tagline: not in Devanagari") for f in fixes)


def test_copy_without_english_is_a_retry() -> None:
    with pytest.raises(ValidationProblem) as exc:
        validate_copy('{"hi": {"tagline": "ताज़ा"}}', BRIEF)
    assert {e.field for e in exc.value.errors} == {"en.tagline", "en.about"}


# ---- brief ---------------------------------------------------------------------------------------------
def test_model_brief_is_overlaid_on_the_rules() -> None:
    raw = (
        '{"name": "Curam Fresh", "sector": "kirana", "city": "Bombay", "paymentMethods": ["cash", "upi"],'
        ' "themeColor": "purple", "deliveryMode": "home delivery", "inventoryMode": "variants"}'
    )
    brief, _ = validate_brief(raw, CURAM)
    assert brief.name == "Curam Fresh" and brief.sector == "grocery" and brief.city == "Mumbai"
    assert brief.inventory_mode == "stock"  # always derived from the sector, never trusted
    assert brief.payment_methods == ["UPI", "COD"]
    assert brief.theme_colour == "#16a34a"  # the merchant said green
    assert brief.delivery_mode == "local_delivery"


def test_model_brief_garbage_falls_back() -> None:
    brief, fixes = validate_brief(
        '{"sector": "spaceships", "themeColor": "sparkly"}', "Sweet Crumbs bakery, Pune"
    )
    assert brief.sector == "bakery" and brief.name == "Sweet Crumbs Bakery"
    assert any(f.startswith("sector") for f in fixes)
    with pytest.raises(ValidationProblem):
        validate_brief("[1, 2, 3]", CURAM)


def test_load_site_spec_checks_constraints() -> None:
    from msgspec import json as mj

    from sitegen.domain.offline import generate_offline

    spec = generate_offline(BRIEF)
    assert load_site_spec(mj.encode(spec)) == spec
    bad = mj.decode(mj.encode(spec))
    bad["theme"]["brand"] = "red;}</style><script>"
    with pytest.raises(ValidationProblem):
        load_site_spec(bad)
