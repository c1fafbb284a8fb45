# ruff: noqa: RUF001 -- the reference prompts use the typographic dash merchants type
"""Rule-based brief extraction on varied merchant prompts (English, Hinglish, Hindi)."""

from __future__ import annotations

import msgspec
import pytest

from sitegen.domain.brief import extract_brief
from sitegen.domain.spec import Brief

CURAM = "Curam – fresh vegetables, Mumbai, local delivery, cash + UPI, green theme"


def test_curam_reference_prompt() -> None:
    b = extract_brief(CURAM)
    assert b.name == "Curam"
    assert b.sector == "grocery"
    assert b.sector_detected is True  # not stated, inferred from "vegetables"
    assert b.inventory_mode == "stock"
    assert b.city == "Mumbai"
    assert b.payment_methods == ["UPI", "COD"]
    assert b.theme_colour == "#16a34a" and b.theme_colour_stated
    assert b.delivery_mode == "local_delivery"
    assert b.currency == "INR"
    assert b.languages == ["en"]
    assert "fresh vegetables" in b.products
    assert not b.price_range_stated
    assert b.price_min_paise < b.price_max_paise


CASES = [
    # prompt, expected subset of fields
    (
        "Sharma Sweets, Delhi, mithai and namkeen, UPI only",
        {"name": "Sharma Sweets", "sector": "bakery", "city": "Delhi", "payment_methods": ["UPI"]},
    ),
    (
        "I want a bakery in Pune called Sweet Crumbs selling cakes, cookies and breads, prices ₹50-500",
        {
            "name": "Sweet Crumbs",
            "sector": "bakery",
            "sector_detected": False,
            "city": "Pune",
            "price_min_paise": 5_000,
            "price_max_paise": 50_000,
            "price_range_stated": True,
        },
    ),
    (
        "Dr. Mehta Dental Clinic - Andheri West, Mumbai, appointments, blue theme",
        {
            "name": "Dr. Mehta Dental Clinic",
            "sector": "clinic",
            "inventory_mode": "slots",
            "city": "Mumbai",
            "location": "Andheri West, Mumbai",
            "theme_colour": "#2563eb",
            "delivery_mode": "in_store",
        },
    ),
    (
        "Apna Dawakhana – herbal medicines pharmacy in Lucknow, cash on delivery",
        {"name": "Apna Dawakhana", "sector": "pharmacy", "city": "Lucknow", "payment_methods": ["COD"]},
    ),
    (
        "Threads of India - handloom sarees and kurtis, pan india shipping, maroon colour, online payment",
        {
            "name": "Threads of India",
            "sector": "fashion",
            "inventory_mode": "variants",
            "city": None,
            "delivery_mode": "shipping",
            "payment_methods": ["ONLINE"],
            "theme_colour": "#7f1d1d",
        },
    ),
    (
        "TechZone - mobile accessories, chargers, earphones under 2000 rupees, Bengaluru, card and UPI",
        {
            "name": "TechZone",
            "sector": "electronics",
            "city": "Bengaluru",
            "price_max_paise": 200_000,
            "price_range_stated": True,
            "payment_methods": ["UPI", "ONLINE"],
        },
    ),
    (
        "Glow Unisex Salon, Jaipur, haircut facial bridal makeup, pink theme",
        {
            "name": "Glow Unisex Salon",
            "sector": "salon",
            "inventory_mode": "slots",
            "city": "Jaipur",
            "theme_colour": "#db2777",
        },
    ),
    (
        "Biryani House - Hyderabad, biryani and kebabs, takeaway and home delivery, cash",
        {
            "name": "Biryani House",
            "sector": "restaurant",
            "inventory_mode": "menu",
            "city": "Hyderabad",
            "delivery_mode": "delivery_and_pickup",
            "payment_methods": ["COD"],
        },
    ),
    (
        "राम किराना स्टोर - दिल्ली, सब्ज़ी और फल, नकद और यूपीआई",
        {
            "name": "राम किराना स्टोर",
            "sector": "grocery",
            "city": "Delhi",
            "languages": ["hi", "en"],
            "payment_methods": ["UPI", "COD"],
        },
    ),
    (
        "mera kirana store hai Indore mein, sasta aur accha, hindi mein website chahiye",
        {"sector": "grocery", "city": "Indore", "languages": ["hi", "en"], "name": "Indore Fresh Mart"},
    ),
    (
        "Chai Katta cafe, Pune, chai and snacks, 20 se 200 rupaye, orange theme",
        {
            "sector": "restaurant",
            "city": "Pune",
            "price_min_paise": 2_000,
            "price_max_paise": 20_000,
            "theme_colour": "#ea580c",
        },
    ),
    (
        "Gadget Galaxy: laptops and smartphones, Chennai, gun metal grey theme, prepaid only",
        {
            "name": "Gadget Galaxy",
            "sector": "electronics",
            "city": "Chennai",
            "theme_colour": "#53565a",
            "payment_methods": ["ONLINE"],
        },
    ),
    (
        "Pixel Wear — streetwear t-shirts and hoodies, Rs 499 to 1999, black theme, Surat",
        {
            "name": "Pixel Wear",
            "sector": "fashion",
            "city": "Surat",
            "price_min_paise": 49_900,
            "price_max_paise": 199_900,
            "theme_colour": "#111827",
        },
    ),
    (
        "drugstore near me in Bombay, website in Hindi and English",
        {"sector": "pharmacy", "city": "Mumbai", "languages": ["en", "hi"]},
    ),
    (
        "Glamour Beauty Parlour, Gurgaon, bridal mehendi and facials, colour: #AA33CC",
        {"sector": "salon", "city": "Gurugram", "theme_colour": "#aa33cc"},
    ),
    (
        "Bullet coffee and cold brew cafe in Goa, 24-7, 10-15 min delivery",
        {"sector": "restaurant", "city": "Goa", "price_range_stated": False},
    ),
]


@pytest.mark.parametrize(("prompt", "expected"), CASES, ids=[c[0][:30] for c in CASES])
def test_extraction(prompt: str, expected: dict) -> None:
    b = extract_brief(prompt)
    got = msgspec.structs.asdict(b)
    for key, value in expected.items():
        assert got[key] == value, f"{key}: {got[key]!r} != {value!r} for {prompt!r}"


@pytest.mark.parametrize("prompt", [c[0] for c in CASES] + [CURAM, "Curam", "x" * 1000])
def test_brief_always_satisfies_its_schema(prompt: str) -> None:
    b = extract_brief(prompt)
    again = msgspec.json.decode(msgspec.json.encode(b), type=Brief)  # every Meta constraint holds
    assert again == b
    assert b.inventory_mode in ("stock", "menu", "slots", "variants")
    assert 100 <= b.price_min_paise < b.price_max_paise
    assert b.payment_methods


def test_deterministic() -> None:
    assert extract_brief(CURAM) == extract_brief(CURAM)


def test_unstated_fields_fall_back_to_the_sector() -> None:
    b = extract_brief("Curam")
    assert b.name == "Curam" and b.sector == "grocery" and b.sector_detected
    assert b.payment_methods == ["UPI", "ONLINE", "COD"]
    assert not b.theme_colour_stated


def test_price_words_without_currency_are_not_prices() -> None:
    b = extract_brief("Fresh Mart, Pune, open 7-11, 2-3 km delivery radius")
    assert not b.price_range_stated


def test_under_and_above() -> None:
    under = extract_brief("Raju Fruits, Nagpur, everything under 200 rupees")
    assert under.price_max_paise == 20_000 and under.price_min_paise < 20_000
    above = extract_brief("Luxe Sarees, Kolkata, silk sarees starting ₹2,500")
    assert above.price_min_paise == 250_000 and above.price_max_paise > 250_000


def test_no_cod_negation() -> None:
    b = extract_brief("Byte Store, Noida, electronics, UPI and cards, no COD")
    assert "COD" not in b.payment_methods and "UPI" in b.payment_methods


def test_cod_the_fish_is_not_cash_on_delivery() -> None:
    assert extract_brief("Sea Catch - pomfret, cod, prawns, Kochi, upi").payment_methods == ["UPI"]
    assert extract_brief("Kurta Co, Jaipur, upi and cod").payment_methods == ["UPI", "COD"]
    assert extract_brief("Kurta Co, Jaipur, cod available").payment_methods == ["COD"]


def test_hinglish_name() -> None:
    b = extract_brief("mera naam Raju hai, meri sabzi ki dukaan Nagpur mein")
    assert b.name == "Raju" and b.sector == "grocery" and b.city == "Nagpur"
