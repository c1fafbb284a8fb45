"""Events that move orders or feed the store directory. Each handler runs inside the consumer's unit of work
(its writes, its events and the processed-marker commit together), so a redelivered message changes nothing.

- sitegen `store.generated` → the store directory (which tenant a store belongs to, for checkout).
- admin `store.suspended` / `store.unsuspended` / `store.deleted` → the directory entry's status: a suspended or
  deleted store refuses new carts and checkouts (409 STORE_UNAVAILABLE); its existing orders carry on.
- payments `payment.captured` → CONFIRMED; `payment.failed` → nothing to change (the customer may pay again
  until the payment window ends; the sweeper cancels after it).
- delivery `delivery.picked_up` → OUT_FOR_DELIVERY, `delivery.delivered` → DELIVERED,
  `delivery.failed` → DELIVERY_FAILED.
An event that arrives before the order reached its starting state (SNS/SQS do not keep order) is retried; one
that is a duplicate or stale is acknowledged.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from orders.domain.lifecycle import Action, Fate, fate
from orders.service import directory
from orders.service.deps import Deps
from orders.service.lifecycle import stage_move
from webdpro_events import Envelope, Handler, PermanentError, UnitOfWork
from webdpro_observability import get_logger

log = get_logger(__name__)


class NotYet(Exception):
    """The order is not ready for this event yet: retried with back-off (then the DLQ)."""


def _tenant_and_order(event: Envelope) -> tuple[str, str]:
    tenant = event.data.get("tenant_id") or event.tenant_id
    order_id = event.data.get("order_id")
    if not tenant or not order_id:
        raise PermanentError(f"{event.type} without tenant_id / order_id")
    return str(tenant), str(order_id)


def handlers(get_deps: Callable[[], Deps]) -> dict[str, Handler]:
    async def on_store_generated(event: Envelope, uow: UnitOfWork) -> None:
        tenant = event.data.get("tenant_id") or event.tenant_id
        if not tenant or not event.data.get("store_id"):
            raise PermanentError("store.generated without store_id / tenant_id")
        directory.record(get_deps(), uow, event.data, str(tenant))

    async def on_store_status(event: Envelope, uow: UnitOfWork) -> None:
        tenant = event.data.get("tenant_id") or event.tenant_id
        if not tenant or not event.data.get("store_id"):
            raise PermanentError(f"{event.type} without store_id / tenant_id")
        try:
            outcome = await directory.status_changed(
                get_deps(), uow, event.type, event.data, str(tenant), event.occurred_at
            )
        except directory.WrongTenant as exc:
            raise PermanentError(str(exc)) from exc
        log.info("store.status_event", store_id=event.data["store_id"], outcome=outcome)

    def mover(action: Action, by: str) -> Handler:
        async def handler(event: Envelope, uow: UnitOfWork) -> None:
            deps = get_deps()
            tenant, order_id = _tenant_and_order(event)
            order = await deps.repo.get_order(tenant, order_id)
            if order is None:
                raise PermanentError(f"{event.type} for an unknown order {order_id}")
            verdict = fate(order["status"], action)
            if verdict == Fate.DONE:
                log.info("order.event_already_applied", order_id=order_id, status=order["status"])
                return
            if verdict == Fate.LATER:
                raise NotYet(f"{event.type}: order {order_id} is still {order['status']}")
            stage_move(deps, uow, order, action, by=by, note=event.data.get("reason"))
            # The consumer commits after this returns; wake this instance's streams just after.
            asyncio.get_running_loop().call_later(0.1, deps.hub.notify, tenant, order["store_id"])

        return handler

    async def on_payment_failed(event: Envelope, _uow: UnitOfWork) -> None:
        log.info("order.payment_failed", order_id=event.data.get("order_id"))

    return {
        "store.generated": on_store_generated,
        "store.suspended": on_store_status,
        "store.unsuspended": on_store_status,
        "store.deleted": on_store_status,
        "payment.captured": mover(Action.CONFIRM, "payments"),
        "payment.failed": on_payment_failed,
        "delivery.picked_up": mover(Action.PICK_UP, "delivery"),
        "delivery.delivered": mover(Action.DELIVER, "delivery"),
        "delivery.failed": mover(Action.FAIL_DELIVERY, "delivery"),
    }
