"""An assignment: one agent asked to deliver one order. Pure rules.

    ASSIGNED → PICKED_UP → DELIVERED
                   ↘ FAILED                      (the merchant assigns again: a new assignment)
    ASSIGNED / PICKED_UP → REASSIGNED           (the merchant gave the order to another agent)
    ASSIGNED → CANCELLED                         (the order was cancelled, or the agent removed)

Cash on delivery is recorded once, while the parcel is with the agent or after it was delivered.
Anything else is 409 with a stable code. The order's own lifecycle is the orders service's; the states here only
mirror what our events make it do (picked_up → OUT_FOR_DELIVERY, delivered → DELIVERED, failed →
DELIVERY_FAILED), so an action is refused when orders would refuse the event it publishes.
"""

from __future__ import annotations

from enum import StrEnum

from webdpro_core.errors import Conflict


class State(StrEnum):
    ASSIGNED = "ASSIGNED"
    PICKED_UP = "PICKED_UP"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"
    REASSIGNED = "REASSIGNED"
    CANCELLED = "CANCELLED"


# The agent still has something to do: counts as an active delivery (auto-assignment balances on it).
ACTIVE = frozenset({State.ASSIGNED, State.PICKED_UP})
TERMINAL = frozenset({State.DELIVERED, State.FAILED, State.REASSIGNED, State.CANCELLED})


class Act(StrEnum):
    PICK_UP = "picked"
    DELIVER = "delivered"
    FAIL = "failed"
    COLLECT_CASH = "cash-collected"
    REASSIGN = "reassign"
    CANCEL = "cancel"


_RULES: dict[Act, tuple[frozenset[State], State | None]] = {
    Act.PICK_UP: (frozenset({State.ASSIGNED}), State.PICKED_UP),
    Act.DELIVER: (frozenset({State.PICKED_UP}), State.DELIVERED),
    Act.FAIL: (frozenset({State.PICKED_UP}), State.FAILED),
    Act.COLLECT_CASH: (frozenset({State.PICKED_UP, State.DELIVERED}), None),  # no state change
    Act.REASSIGN: (ACTIVE, State.REASSIGNED),
    Act.CANCEL: (frozenset({State.ASSIGNED}), State.CANCELLED),
}

_WHY = {
    (Act.PICK_UP, State.PICKED_UP): "This parcel was already picked up",
    (Act.DELIVER, State.ASSIGNED): "Mark the parcel picked up before delivering it",
    (Act.DELIVER, State.DELIVERED): "This order was already delivered",
    (Act.FAIL, State.ASSIGNED): "Only a parcel that was picked up can fail to be delivered",
    (Act.COLLECT_CASH, State.ASSIGNED): "Pick the parcel up before collecting cash",
}


def next_state(current: str, act: Act) -> State:
    """The state `act` leads to from `current` (the same state for cash), or 409 INVALID_TRANSITION."""
    sources, target = _RULES[act]
    state = State(current)
    if state not in sources:
        why = _WHY.get((act, state)) or f"An assignment that is {state} cannot be {act.value}"
        raise Conflict(why, code="INVALID_TRANSITION")
    return target or state


def is_active(state: str) -> bool:
    return state in ACTIVE


def open_for_agent(assignment: dict) -> bool:
    """Still on the agent's list: active, or delivered cash-on-delivery whose cash is not recorded yet."""
    if assignment["status"] in ACTIVE:
        return True
    return (
        assignment["status"] == State.DELIVERED
        and assignment.get("payment_method") == "COD"
        and assignment.get("cash_collected_at") is None
    )


# The order states (orders service) an agent may take the parcel in: packed, already out (a reassignment on the
# way), or after a failed try. Orders refuses `delivery.picked_up` for any other (it would wait, then dead-letter).
PICKABLE_ORDER_STATES = frozenset({"PACKED", "OUT_FOR_DELIVERY", "DELIVERY_FAILED"})
# The order states a merchant may assign in: confirmed (paid or COD) and not finished.
ASSIGNABLE_ORDER_STATES = frozenset(
    {"CONFIRMED", "ACCEPTED", "PACKED", "OUT_FOR_DELIVERY", "DELIVERY_FAILED"}
)

# How far along the orders lifecycle a state is: an order event never moves our copy backwards (SNS/SQS keep
# no order, so order.confirmed may arrive after order.packed).
ORDER_RANK = {
    "PAYMENT_PENDING": 0,
    "CONFIRMED": 1,
    "ACCEPTED": 2,
    "PACKED": 3,
    "OUT_FOR_DELIVERY": 4,
    "DELIVERY_FAILED": 4,
    "DELIVERED": 5,
    "CANCELLED": 5,
}


def later_order_status(current: str | None, incoming: str) -> str:
    """The order status to keep: the incoming one unless ours is further along (a late, stale event)."""
    if current is None:
        return incoming
    if ORDER_RANK.get(incoming, -1) >= ORDER_RANK.get(current, -1):
        return incoming
    return current
