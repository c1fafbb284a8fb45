"""Moving orders: merchant actions, event-driven moves (payments, delivery) and the unpaid-order sweeper.

Every move is a conditional write from the state the order was read in, with its event (outbox + store feed) in
the same transaction; a concurrent move makes it fail instead of overwriting.
"""

from __future__ import annotations

import asyncio
from typing import Any

from orders.domain.lifecycle import EVENT_TYPES, Action, Status, next_status
from orders.domain.order import event_data, timeline_entry
from orders.service.deps import Deps
from orders.service.events import commit, stage
from webdpro_aws.dynamo import TransactionCancelled
from webdpro_core import clock
from webdpro_core.errors import Conflict, NotFound
from webdpro_events import UnitOfWork
from webdpro_observability import continue_trace, get_logger

log = get_logger(__name__)


def order_not_found() -> NotFound:
    return NotFound("No such order", code="ORDER_NOT_FOUND", field="orderId")


def stage_move(
    deps: Deps,
    uow: UnitOfWork,
    order: dict[str, Any],
    action: Action,
    *,
    by: str,
    note: str | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """Add the move (and its event) to `uow`; returns the order as it will be. Whoever moves it (the merchant's
    request, the sweeper, a payments or delivery event), the event is made in the trace stored on the order at
    checkout."""
    with continue_trace(order.get("trace"), f"order.{action.value}"):
        return _stage_move(deps, uow, order, action, by=by, note=note, reason=reason)


def _stage_move(
    deps: Deps,
    uow: UnitOfWork,
    order: dict[str, Any],
    action: Action,
    *,
    by: str,
    note: str | None,
    reason: str | None,
) -> dict[str, Any]:
    target = next_status(order["status"], action)
    entry = timeline_entry(target, clock.iso(), by, note)
    deps.repo.move_order(uow.tx, order, expected=order["status"], status=target, entry=entry)
    if order["status"] == Status.PAYMENT_PENDING:
        deps.repo.remove_deadline(uow.tx, order)
    moved = {
        **order,
        "status": str(target),
        "updated_at": entry["at"],
        "timeline": [*order["timeline"], entry],
    }
    data = event_data(moved, entry, order["status"])
    if reason:
        data["reason"] = reason
    stage(deps, uow, moved, [(EVENT_TYPES[target], data)])
    return moved


async def move(
    deps: Deps,
    tenant_id: str,
    order_id: str,
    action: Action,
    *,
    by: str,
    note: str | None = None,
    reason: str | None = None,
    order: dict[str, Any] | None = None,
) -> dict[str, Any]:
    order = order or await deps.repo.get_order(tenant_id, order_id)
    if order is None:
        raise order_not_found()
    uow = deps.outbox.begin()
    moved = stage_move(deps, uow, order, action, by=by, note=note, reason=reason)
    try:
        await commit(deps, uow, moved)
    except TransactionCancelled as exc:
        fresh = await deps.repo.get_order(tenant_id, order_id) or order
        raise Conflict(
            f"The order changed meanwhile (now {fresh['status']})", code="INVALID_TRANSITION"
        ) from exc
    return moved


async def sweep(deps: Deps) -> int:
    """Cancel every online order whose payment window has passed; returns how many were cancelled.
    Safe to run on every instance at once: each cancellation is a conditional write from PAYMENT_PENDING."""
    cancelled = 0
    for due in await deps.repo.due_deadlines(clock.iso()):
        order = await deps.repo.get_order(due["tenant_id"], due["order_id"])
        if order is None or order["status"] != Status.PAYMENT_PENDING:
            await deps.repo.drop_deadline(due)
            continue
        try:
            await move(
                deps,
                order["tenant_id"],
                order["order_id"],
                Action.EXPIRE,
                by="system",
                note="not paid in time",
                reason="PAYMENT_TIMEOUT",
                order=order,
            )
            cancelled += 1
        except Conflict:
            continue  # paid or cancelled meanwhile, by someone else
    if cancelled:
        log.info("sweeper.cancelled_unpaid", count=cancelled)
    return cancelled


async def run_sweeper(deps: Deps, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            await sweep(deps)
        except Exception as exc:  # keep sweeping; a blip of the database must not stop it
            log.warning("sweeper.error", error=repr(exc))
        try:
            await asyncio.wait_for(stop.wait(), timeout=deps.settings.sweep_interval_seconds)
        except TimeoutError:
            pass
