"""The order lifecycle: states, the actions that move an order, and who may take them. Pure rules.

    PAYMENT_PENDING → CONFIRMED → ACCEPTED → PACKED → OUT_FOR_DELIVERY → DELIVERED
                                                          ↘ DELIVERY_FAILED → OUT_FOR_DELIVERY (another try)
    any state before OUT_FOR_DELIVERY (and DELIVERY_FAILED) → CANCELLED

Every action names the states it may start from and the one it leads to; anything else is INVALID_TRANSITION.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from webdpro_core.errors import Conflict


class Status(StrEnum):
    PAYMENT_PENDING = "PAYMENT_PENDING"
    CONFIRMED = "CONFIRMED"
    ACCEPTED = "ACCEPTED"
    PACKED = "PACKED"
    OUT_FOR_DELIVERY = "OUT_FOR_DELIVERY"
    DELIVERED = "DELIVERED"
    DELIVERY_FAILED = "DELIVERY_FAILED"
    CANCELLED = "CANCELLED"


TERMINAL = frozenset({Status.DELIVERED, Status.CANCELLED})

# How far along the happy path a state is; used to tell an event that arrived early from one that is stale.
_RANK = {
    Status.PAYMENT_PENDING: 0,
    Status.CONFIRMED: 1,
    Status.ACCEPTED: 2,
    Status.PACKED: 3,
    Status.OUT_FOR_DELIVERY: 4,
    Status.DELIVERY_FAILED: 4,
    Status.DELIVERED: 5,
    Status.CANCELLED: 5,
}


class Action(StrEnum):
    CONFIRM = "confirm"  # payment captured (or COD at checkout)
    ACCEPT = "accept"  # merchant
    PACK = "pack"  # merchant
    PICK_UP = "pick_up"  # delivery agent picked the parcel
    DELIVER = "deliver"
    FAIL_DELIVERY = "fail_delivery"
    CANCEL = "cancel"  # merchant
    EXPIRE = "expire"  # unpaid past the payment window (the sweeper)


@dataclass(frozen=True, slots=True)
class Rule:
    sources: frozenset[Status]
    target: Status


RULES: dict[Action, Rule] = {
    Action.CONFIRM: Rule(frozenset({Status.PAYMENT_PENDING}), Status.CONFIRMED),
    Action.ACCEPT: Rule(frozenset({Status.CONFIRMED}), Status.ACCEPTED),
    Action.PACK: Rule(frozenset({Status.ACCEPTED}), Status.PACKED),
    Action.PICK_UP: Rule(frozenset({Status.PACKED, Status.DELIVERY_FAILED}), Status.OUT_FOR_DELIVERY),
    Action.DELIVER: Rule(frozenset({Status.OUT_FOR_DELIVERY}), Status.DELIVERED),
    Action.FAIL_DELIVERY: Rule(frozenset({Status.OUT_FOR_DELIVERY}), Status.DELIVERY_FAILED),
    Action.CANCEL: Rule(
        frozenset(
            {
                Status.PAYMENT_PENDING,
                Status.CONFIRMED,
                Status.ACCEPTED,
                Status.PACKED,
                Status.DELIVERY_FAILED,
            }
        ),
        Status.CANCELLED,
    ),
    Action.EXPIRE: Rule(frozenset({Status.PAYMENT_PENDING}), Status.CANCELLED),
}

# The state graph the rules make (documentation, and what the tests check against).
TRANSITIONS: dict[Status, frozenset[Status]] = {
    s: frozenset(r.target for r in RULES.values() if s in r.sources) for s in Status
}

EVENT_TYPES: dict[Status, str] = {
    Status.PAYMENT_PENDING: "order.placed",
    Status.CONFIRMED: "order.confirmed",
    Status.ACCEPTED: "order.accepted",
    Status.PACKED: "order.packed",
    Status.OUT_FOR_DELIVERY: "order.out_for_delivery",
    Status.DELIVERED: "order.delivered",
    Status.DELIVERY_FAILED: "order.delivery_failed",
    Status.CANCELLED: "order.cancelled",
}


def next_status(current: str, action: Action) -> Status:
    """The state `action` leads to from `current`, or 409 INVALID_TRANSITION."""
    rule = RULES[action]
    if Status(current) not in rule.sources:
        raise Conflict(
            f"An order that is {current} cannot be moved to {rule.target} ({action.value})",
            code="INVALID_TRANSITION",
        )
    return rule.target


class Fate(StrEnum):
    """What an event-driven action should do with an order in a given state."""

    APPLY = "apply"
    DONE = "done"  # already there, or past it: a duplicate or a stale event, acknowledged
    LATER = "later"  # the order has not reached a state the action starts from (events out of order): retry


def fate(current: str, action: Action) -> Fate:
    status = Status(current)
    rule = RULES[action]
    if status in rule.sources:
        return Fate.APPLY
    if status == rule.target or status in TERMINAL:
        return Fate.DONE
    if _RANK[status] < min(_RANK[s] for s in rule.sources):
        return Fate.LATER
    return Fate.DONE


# Orders the merchant still has to handle (accept, pack, hand over).
WAITING = (Status.CONFIRMED, Status.ACCEPTED, Status.PACKED)


def is_waiting(status: str) -> bool:
    return status in WAITING


def counts_as_sale(status: str) -> bool:
    """A confirmed order (paid, or COD) that was not cancelled."""
    return status not in (Status.PAYMENT_PENDING, Status.CANCELLED)
