import pytest

from orders.domain.lifecycle import (
    EVENT_TYPES,
    RULES,
    TRANSITIONS,
    Action,
    Fate,
    Status,
    counts_as_sale,
    fate,
    is_waiting,
    next_status,
)
from webdpro_core.errors import Conflict

S = Status


def test_the_state_graph_is_exactly_the_documented_one():
    assert TRANSITIONS == {
        S.PAYMENT_PENDING: {S.CONFIRMED, S.CANCELLED},
        S.CONFIRMED: {S.ACCEPTED, S.CANCELLED},
        S.ACCEPTED: {S.PACKED, S.CANCELLED},
        S.PACKED: {S.OUT_FOR_DELIVERY, S.CANCELLED},
        S.OUT_FOR_DELIVERY: {S.DELIVERED, S.DELIVERY_FAILED},
        S.DELIVERY_FAILED: {S.OUT_FOR_DELIVERY, S.CANCELLED},
        S.DELIVERED: set(),
        S.CANCELLED: set(),
    }


def test_the_happy_path():
    status = S.PAYMENT_PENDING
    for action in (Action.CONFIRM, Action.ACCEPT, Action.PACK, Action.PICK_UP, Action.DELIVER):
        status = next_status(status, action)
    assert status == S.DELIVERED


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("current", list(Status))
def test_every_illegal_move_is_409_invalid_transition(current, action):
    rule = RULES[action]
    if current in rule.sources:
        assert next_status(current, action) == rule.target
        return
    with pytest.raises(Conflict) as err:
        next_status(current, action)
    assert err.value.code == "INVALID_TRANSITION" and err.value.status == 409


def test_terminal_states_go_nowhere_and_delivery_cannot_be_cancelled_by_the_store():
    for action in Action:
        for terminal in (S.DELIVERED, S.CANCELLED):
            with pytest.raises(Conflict):
                next_status(terminal, action)
    with pytest.raises(Conflict):
        next_status(S.OUT_FOR_DELIVERY, Action.CANCEL)


def test_every_state_has_an_event_type():
    assert set(EVENT_TYPES) == set(Status)
    assert EVENT_TYPES[S.CONFIRMED] == "order.confirmed" and EVENT_TYPES[S.CANCELLED] == "order.cancelled"


@pytest.mark.parametrize(
    ("current", "action", "expected"),
    [
        (S.PAYMENT_PENDING, Action.CONFIRM, Fate.APPLY),
        (S.CONFIRMED, Action.CONFIRM, Fate.DONE),  # duplicate capture
        (S.CANCELLED, Action.CONFIRM, Fate.DONE),  # captured after the sweeper cancelled: stale
        (S.ACCEPTED, Action.PICK_UP, Fate.LATER),  # picked before the merchant marked it packed: retry
        (S.PACKED, Action.DELIVER, Fate.LATER),  # delivered arrived before picked_up
        (S.DELIVERED, Action.PICK_UP, Fate.DONE),  # late picked_up
        (S.OUT_FOR_DELIVERY, Action.PICK_UP, Fate.DONE),
        (S.DELIVERY_FAILED, Action.PICK_UP, Fate.APPLY),  # another try
    ],
)
def test_fate_of_event_driven_moves(current, action, expected):
    assert fate(current, action) == expected


def test_waiting_and_sales():
    assert [s for s in Status if is_waiting(s)] == [S.CONFIRMED, S.ACCEPTED, S.PACKED]
    assert not counts_as_sale(S.PAYMENT_PENDING) and not counts_as_sale(S.CANCELLED)
    assert counts_as_sale(S.CONFIRMED) and counts_as_sale(S.DELIVERED)
