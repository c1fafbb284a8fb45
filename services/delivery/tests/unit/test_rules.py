"""The pure rules: assignment transitions, order status merging, store settings and the agent's cut, codes,
phone masking and the customer's phone hash."""

from datetime import UTC, datetime

import pytest

from delivery.domain.agents import mask_phone
from delivery.domain.assignment import Act, State, later_order_status, next_state, open_for_agent
from delivery.domain.customer import phone_hash
from delivery.domain.store import StoreSettings, code_matches, day_of, new_code, parse_day
from delivery.service.orders import merged
from webdpro_core.errors import Conflict, ValidationProblem


@pytest.mark.parametrize(
    ("state", "act", "target"),
    [
        ("ASSIGNED", Act.PICK_UP, State.PICKED_UP),
        ("PICKED_UP", Act.DELIVER, State.DELIVERED),
        ("PICKED_UP", Act.FAIL, State.FAILED),
        ("PICKED_UP", Act.COLLECT_CASH, State.PICKED_UP),
        ("DELIVERED", Act.COLLECT_CASH, State.DELIVERED),
        ("ASSIGNED", Act.REASSIGN, State.REASSIGNED),
        ("PICKED_UP", Act.REASSIGN, State.REASSIGNED),
        ("ASSIGNED", Act.CANCEL, State.CANCELLED),
    ],
)
def test_allowed_transitions(state, act, target):
    assert next_state(state, act) == target


@pytest.mark.parametrize(
    ("state", "act"),
    [
        ("PICKED_UP", Act.PICK_UP),
        ("ASSIGNED", Act.DELIVER),
        ("DELIVERED", Act.DELIVER),
        ("ASSIGNED", Act.FAIL),
        ("FAILED", Act.FAIL),
        ("ASSIGNED", Act.COLLECT_CASH),
        ("REASSIGNED", Act.PICK_UP),
        ("CANCELLED", Act.PICK_UP),
        ("PICKED_UP", Act.CANCEL),
        ("DELIVERED", Act.REASSIGN),
    ],
)
def test_out_of_order_is_409(state, act):
    with pytest.raises(Conflict) as err:
        next_state(state, act)
    assert err.value.status == 409 and err.value.code == "INVALID_TRANSITION"


def test_open_for_the_agent_until_cod_cash_is_recorded():
    assert open_for_agent({"status": "ASSIGNED"})
    assert open_for_agent({"status": "DELIVERED", "payment_method": "COD"})
    assert not open_for_agent({"status": "DELIVERED", "payment_method": "COD", "cash_collected_at": "x"})
    assert not open_for_agent({"status": "DELIVERED", "payment_method": "UPI"})
    assert not open_for_agent({"status": "FAILED", "payment_method": "COD"})


def test_order_status_only_moves_forward():
    assert later_order_status(None, "CONFIRMED") == "CONFIRMED"
    assert later_order_status("PACKED", "CONFIRMED") == "PACKED"
    assert later_order_status("CONFIRMED", "PACKED") == "PACKED"
    assert later_order_status("DELIVERY_FAILED", "PACKED") == "DELIVERY_FAILED"
    assert later_order_status("DELIVERY_FAILED", "CANCELLED") == "CANCELLED"


def test_merged_order_keeps_its_code_and_is_the_same_for_a_repeated_event():
    data = {
        "order_id": "ord_1",
        "store_id": "sto_1",
        "status": "CONFIRMED",
        "amount_paise": 100,
        "payment_method": "COD",
        "items": [{"name": "Onions", "quantity": 2, "unit_price_paise": 50}, {"no": "name"}],
        "customer_phone_hash": "h",
    }
    first = merged(None, data, "tnt_1")
    assert first["items"] == [{"name": "Onions", "quantity": 2}] and len(first["delivery_code"]) == 4
    assert "delivery_address" not in first
    again = merged(first, data, "tnt_1")
    assert again == first
    packed = merged(
        first, {**data, "status": "PACKED", "delivery_address": {"line1": "1 Road", "lat": "19.1"}}, "t"
    )
    assert packed["order_status"] == "PACKED" and packed["delivery_code"] == first["delivery_code"]
    assert packed["delivery_address"] == {"line1": "1 Road", "lat": "19.1"}


def test_merged_order_keeps_the_trace_of_the_event_that_first_had_one():
    data = {"order_id": "ord_1", "store_id": "sto_1", "status": "CONFIRMED"}
    placed = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    first = merged(None, data, "tnt_1", placed)
    assert first["trace"] == placed
    later = merged(first, {**data, "status": "PACKED"}, "tnt_1", "00-" + "1" * 32 + "-" + "2" * 16 + "-01")
    assert later["trace"] == placed and merged(first, data, "tnt_1", None)["trace"] == placed
    assert "trace" not in merged(None, data, "tnt_1")
    assert (
        merged(merged(None, data, "tnt_1"), data, "tnt_1", placed)["trace"] == placed
    )  # copied before we kept it


def test_store_settings_and_the_agents_cut():
    assert StoreSettings.of(None) == StoreSettings()
    assert StoreSettings().agent_cut(10_000) is None
    assert StoreSettings(agent_cut_paise=3_000).agent_cut(10_000) == 3_000
    assert StoreSettings(agent_cut_bps=1_250).agent_cut(10_001) == 1_250  # half up, integer paise
    assert StoreSettings(agent_cut_paise=9_000).agent_cut(10_000) == 5_000  # never more than half the order
    with pytest.raises(ValidationProblem):
        StoreSettings(agent_cut_paise=1, agent_cut_bps=1)
    with pytest.raises(ValidationProblem):
        StoreSettings(pickup_lat="19.0")
    s = StoreSettings(pickup_lat="19.000000", pickup_lng="72.000000")
    assert s.pickup == (19.0, 72.0) and StoreSettings.of(s.stored()) == s


def test_codes_days_and_masks():
    codes = {new_code() for _ in range(200)}
    assert all(len(c) == 4 and c.isdigit() for c in codes) and len(codes) > 100
    assert code_matches("0420", " 0420") and not code_matches("0420", "0421")
    late_utc = datetime(2026, 3, 1, 19, 0, tzinfo=UTC)  # 00:30 IST on the 2nd
    assert day_of(late_utc) == "2026-03-02"
    assert parse_day(None, late_utc) == "2026-03-02" and parse_day("2026-02-28", late_utc) == "2026-02-28"
    with pytest.raises(ValidationProblem):
        parse_day("28/02/2026", late_utc)
    assert mask_phone("+919930054321") == "+91 •••••••321"
    assert mask_phone("9930054321") == "•••••••321"
    assert mask_phone(None) is None and mask_phone("123") == "•••"


def test_phone_hash_is_the_orders_services_hash():
    # HMAC-SHA256(key, phone) truncated to 40 hex digits, as orders/domain/customer.py computes it.
    import hashlib
    import hmac

    key = b"k" * 32
    assert (
        phone_hash(key, " +919812398765 ") == hmac.new(key, b"+919812398765", hashlib.sha256).hexdigest()[:40]
    )
