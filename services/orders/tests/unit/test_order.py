from datetime import UTC, datetime

import pytest

from orders.domain.customer import phone_hash
from orders.domain.feed import floor_id, start_of_day, time_of
from orders.domain.order import Wanted, events_for_placement, merge_lines, new_order
from orders.domain.pricing import Breakdown
from webdpro_core import ids
from webdpro_core.errors import ValidationProblem


def test_duplicate_lines_merge():
    merged = merge_lines([Wanted("p1", 2), Wanted("p2", 1), Wanted("p1", 3), Wanted("p1", 1, variant_id="v")])
    assert merged == [Wanted("p1", 5), Wanted("p2", 1), Wanted("p1", 1, variant_id="v")]


@pytest.mark.parametrize(
    ("lines", "code", "field"),
    [
        ([], "EMPTY_CART", "items"),
        ([Wanted("p1", 60), Wanted("p1", 60)], "QUANTITY_TOO_LARGE", "items[0].quantity"),
        ([Wanted(f"p{i}", 1) for i in range(51)], "TOO_MANY_ITEMS", "items"),
    ],
)
def test_bad_carts(lines, code, field):
    with pytest.raises(ValidationProblem) as err:
        merge_lines(lines)
    assert err.value.code == code and err.value.errors[0].field == field


def _order(method):
    return new_order(
        order_id="ord_1",
        tenant_id="tnt_1",
        store_id="sto_1",
        store_name="Curam",
        customer_phone="+919800000001",
        customer_phone_hash="h",
        payment_method=method,
        lines=[{"product_id": "p1", "quantity": 2, "unit_price_paise": 500, "line_total_paise": 1000}],
        money=Breakdown(1000, 0, 1000),
        delivery_address={"name": "A"},
        now="2025-01-01T00:00:00.000Z",
        pay_by=None,
    )


def test_cod_is_confirmed_at_once_with_both_events():
    order = _order("COD")
    assert order["status"] == "CONFIRMED"
    events = events_for_placement(order)
    assert [t for t, _ in events] == ["order.placed", "order.confirmed"]
    data = events[0][1]
    for field in (
        "order_id",
        "store_id",
        "tenant_id",
        "amount_paise",
        "payment_method",
        "items",
        "customer_phone_hash",
    ):
        assert field in data
    assert data["timeline_entry"]["status"] == "CONFIRMED"


@pytest.mark.parametrize("method", ["UPI", "ONLINE"])
def test_online_waits_for_payment(method):
    order = _order(method)
    assert order["status"] == "PAYMENT_PENDING"
    assert [t for t, _ in events_for_placement(order)] == ["order.placed"]


def test_ids_sort_by_time_and_floor_ids_bound_them():
    before = floor_id("ord", datetime.now(UTC))
    made = ids.new_id("ord")
    assert made >= before
    assert abs((time_of(made) - datetime.now(UTC)).total_seconds()) < 5


def test_the_merchants_day_is_indian():
    day = start_of_day(datetime(2025, 1, 1, 19, 0, tzinfo=UTC))  # 00:30 IST on 2 Jan
    assert day.date().isoformat() == "2025-01-02" and day.astimezone(UTC).hour == 18


def test_phone_hash_is_keyed():
    assert phone_hash(b"k1", "+919800000001") != phone_hash(b"k2", "+919800000001")
    assert phone_hash(b"k1", "+919800000001") == phone_hash(b"k1", " +919800000001 ")
