from datetime import UTC, date, datetime

import pytest

from catalog.domain import inventory, products
from catalog.domain import reservation as r
from webdpro_core.errors import Conflict, NotFound, ValidationProblem

CLINIC = {
    "duration_minutes": 30,
    "capacity_per_slot": 2,
    "opens": "10:00",
    "closes": "12:00",
    "days": ["mon", "tue"],
}
NOW = datetime(2026, 11, 23, 9, 0)  # Monday 09:00 local


def product(mode="stock", **over):
    base = {
        "product_id": "prd_1",
        "name": {"en": "Tomatoes"},
        "status": "active",
        "mode": mode,
        "price_paise": 4000,
    }
    if mode == "stock":
        base["stock_qty"] = 5
    if mode == "slots":
        base["slots"] = CLINIC
    if mode == "menu":
        base["menu"] = {"available": True}
    if mode == "variants":
        base["variants"] = {
            "var_s": {"variant_id": "var_s", "sku": "TS-S", "size": "S", "stock_qty": 2},
            "var_m": {"variant_id": "var_m", "sku": "TS-M", "size": "M", "price_paise": 4500, "stock_qty": 0},
        }
    return {**base, **over}


def test_local_time_is_ist():
    assert inventory.local_now(330, datetime(2026, 1, 1, 20, 0, tzinfo=UTC)) == datetime(2026, 1, 2, 1, 30)
    assert inventory.local_today(330, datetime(2026, 1, 1, 18, 29, tzinfo=UTC)) == date(2026, 1, 1)
    assert inventory.local_today(330, datetime(2026, 1, 1, 18, 30, tzinfo=UTC)) == date(2026, 1, 2)


def test_stock_never_goes_below_zero():
    assert inventory.adjusted(5, -5) == 0
    assert inventory.adjusted(5, 10) == 15
    with pytest.raises(Conflict) as e:
        inventory.adjusted(5, -6)
    assert e.value.code == "STOCK_NEGATIVE"


def test_slot_ids_round_trip_and_are_strict():
    start = datetime(2026, 11, 27, 10, 0)
    sid = inventory.slot_id("prd_abc", start)
    assert sid == "prd_abc@2026-11-27T10:00"
    assert inventory.parse_slot_id(sid) == ("prd_abc", start)
    for bad in ("prd_abc", "prd_abc@2026-11-27", "prd_abc@2026-13-01T10:00", "@2026-11-27T10:00", "a@b"):
        with pytest.raises(ValidationProblem) as e:
            inventory.parse_slot_id(bad)
        assert e.value.code == "INVALID_SLOT"


def test_slot_grid_and_checks():
    monday = date(2026, 11, 23)
    starts = inventory.slot_starts(CLINIC, monday)
    assert [s.strftime("%H:%M") for s in starts] == ["10:00", "10:30", "11:00", "11:30"]
    assert inventory.slot_starts(CLINIC, date(2026, 11, 25)) == []  # Wednesday: closed
    inventory.check_slot(CLINIC, datetime(2026, 11, 23, 10, 30), NOW)
    with pytest.raises(ValidationProblem) as e:
        inventory.check_slot(CLINIC, datetime(2026, 11, 23, 8, 30), NOW)
    assert e.value.code == "SLOT_IN_PAST"
    with pytest.raises(ValidationProblem) as e:
        inventory.check_slot(CLINIC, datetime(2026, 11, 23, 10, 15), NOW)
    assert e.value.code == "SLOT_NOT_OFFERED"
    with pytest.raises(ValidationProblem) as e:
        inventory.check_slot(CLINIC, datetime(2027, 6, 1, 10, 0), NOW)
    assert e.value.code == "SLOT_TOO_FAR"


def test_menu_availability():
    assert inventory.menu_unavailable_reason(product("menu"), NOW) is None
    assert "not available" in inventory.menu_unavailable_reason(
        product("menu", menu={"available": False}), NOW
    )
    assert "sold out" in inventory.menu_unavailable_reason(product("menu", sold_out_on="2026-11-23"), NOW)
    assert inventory.menu_unavailable_reason(product("menu", sold_out_on="2026-11-22"), NOW) is None
    breakfast = product("menu", menu={"available": True, "hours": {"from": "07:00", "to": "08:30"}})
    assert "served" in inventory.menu_unavailable_reason(breakfast, NOW)
    late = product("menu", menu={"available": True, "hours": {"from": "20:00", "to": "02:00"}})
    assert inventory.menu_unavailable_reason(late, datetime(2026, 11, 23, 1, 0)) is None


def test_pricing_comes_from_the_catalog():
    p = r.price_line(r.Line(0, "prd_1", 3), product(), NOW)
    assert (p.unit_price_paise, p.line_total_paise, p.counter) == (4000, 12000, ("stock",))
    v = r.price_line(r.Line(0, "prd_1", 1, variant_id="var_m"), product("variants"), NOW)
    assert v.unit_price_paise == 4500 and v.counter == ("variant", "var_m") and "(M)" in v.name
    s = r.price_line(r.Line(0, "prd_1", 1, slot_id="prd_1@2026-11-23T11:00"), product("slots"), NOW)
    assert s.counter == ("slot", "2026-11-23T11:00") and s.capacity == 2


@pytest.mark.parametrize(
    ("line", "prod", "code", "exc"),
    [
        (r.Line(0, "prd_1", 0), product(), "INVALID_QUANTITY", ValidationProblem),
        (r.Line(0, "prd_1", 1001), product(), "INVALID_QUANTITY", ValidationProblem),
        (r.Line(1, "prd_1", 1), None, "PRODUCT_NOT_FOUND", NotFound),
        (r.Line(0, "prd_1", 1), product(status="deleted"), "PRODUCT_NOT_FOUND", NotFound),
        (r.Line(0, "prd_1", 1), product(status="inactive"), "PRODUCT_UNAVAILABLE", ValidationProblem),
        (
            r.Line(0, "prd_1", 1),
            product("menu", sold_out_on="2026-11-23"),
            "PRODUCT_UNAVAILABLE",
            ValidationProblem,
        ),
        (r.Line(0, "prd_1", 1), product("variants"), "VARIANT_REQUIRED", ValidationProblem),
        (r.Line(0, "prd_1", 1, variant_id="var_x"), product("variants"), "PRODUCT_NOT_FOUND", NotFound),
        (r.Line(0, "prd_1", 1), product("slots"), "SLOT_REQUIRED", ValidationProblem),
        (
            r.Line(0, "prd_1", 1, slot_id="prd_1@2026-11-23T08:00"),
            product("slots"),
            "SLOT_IN_PAST",
            ValidationProblem,
        ),
        (
            r.Line(0, "prd_1", 1, slot_id="prd_2@2026-11-23T11:00"),
            product("slots"),
            "INVALID_SLOT",
            ValidationProblem,
        ),
    ],
)
def test_bad_lines(line, prod, code, exc):
    with pytest.raises(exc) as e:
        r.price_line(line, prod, NOW)
    assert e.value.code == code
    assert e.value.errors and e.value.errors[0].field.startswith(f"items[{line.index}]")


def test_lines_of_the_same_sku_take_from_one_counter():
    lines = [r.Line(0, "prd_1", 2), r.Line(1, "prd_1", 3)]
    priced = [r.price_line(ln, product(), NOW) for ln in lines]
    assert r.merged_demand(priced) == {("prd_1", ("stock",)): 5}


def test_a_slot_cannot_take_more_than_its_capacity():
    line = r.Line(0, "prd_1", 3, slot_id="prd_1@2026-11-23T11:00")
    with pytest.raises(r.OutOfStock) as e:
        r.check_capacity([r.price_line(line, product("slots"), NOW)])
    body = e.value.to_dict()
    assert body["code"] == "OUT_OF_STOCK" and body["available"] == 2 and body["status"] == 409
    assert body["errors"][0]["field"] == "items[0].quantity" and "only 2 left" in body["errors"][0]["message"]


def test_state_machine():
    assert r.can_confirm(r.HELD) and r.can_confirm(r.RELEASED) and not r.can_confirm(r.CONFIRMED)
    assert r.can_release(r.HELD) and r.can_release(r.CONFIRMED) and not r.can_release(r.RELEASED)


def test_imported_product_must_match_the_store_mode():
    spec = products.parse_store_generated(
        {
            "store_id": "sto_1",
            "tenant_id": "tnt_1",
            "inventory_mode": "stock",
            "products": [
                {
                    "id": "prd_1",
                    "slug": "x",
                    "name": {"en": "X", "hi": "X"},
                    "price_paise": 100,
                    "unit": "kg",
                    "category_id": "cat_1",
                    "image_prompt": "ignored",
                    "inventory": {"mode": "menu"},
                }
            ],
        }
    )
    with pytest.raises(ValidationProblem) as e:
        products.product_item(spec.products[0], mode="stock", position=0, now="t")
    assert e.value.code == "WRONG_INVENTORY_MODE"
