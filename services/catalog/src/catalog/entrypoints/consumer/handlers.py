"""The catalog's queue: store generation, order outcomes, the scheduler's scan tick, merchant registrations and
the founder's suspend / unsuspend / delete."""

from __future__ import annotations

from catalog.service import reservations, restock, stores
from catalog.service.deps import Deps
from webdpro_core.errors import NotFound
from webdpro_events import Envelope, Handler, PermanentError, UnitOfWork
from webdpro_observability import get_logger

log = get_logger(__name__)


def _order_ids(event: Envelope) -> tuple[str, str]:
    order_id, store_id = event.data.get("order_id"), event.data.get("store_id")
    if not order_id or not store_id:
        raise PermanentError(f"{event.type} without order_id / store_id")
    return str(order_id), str(store_id)


def handlers(deps: Deps) -> dict[str, Handler]:
    async def on_store_generated(event: Envelope, uow: UnitOfWork) -> None:
        await stores.import_generated(deps, event.data, uow)

    async def on_order_confirmed(event: Envelope, _uow: UnitOfWork) -> None:
        # Idempotent by the reservation's state machine (confirming twice changes nothing).
        order_id, store_id = _order_ids(event)
        try:
            await reservations.confirm(deps, store_id, order_id, tenant_id=event.tenant_id)
        except NotFound:
            log.warning("order.confirmed_without_reservation", order_id=order_id, store_id=store_id)

    async def on_order_cancelled(event: Envelope, _uow: UnitOfWork) -> None:
        order_id, store_id = _order_ids(event)
        try:
            await reservations.release(
                deps, store_id, order_id, reason="cancelled", tenant_id=event.tenant_id
            )
        except NotFound:
            log.info("order.cancelled_without_reservation", order_id=order_id, store_id=store_id)

    async def on_schedule_inventory_scan(_event: Envelope, _uow: UnitOfWork) -> None:
        await restock.scan(deps)

    async def on_user_registered(event: Envelope, uow: UnitOfWork) -> None:
        stores.remember_merchant(deps, event.data, uow)

    async def on_founder_action(event: Envelope, _uow: UnitOfWork) -> None:
        await stores.apply_founder_action(deps, event.type, event.occurred_at, event.data)

    return {
        "store.generated": on_store_generated,
        "order.confirmed": on_order_confirmed,
        "order.cancelled": on_order_cancelled,
        "schedule.inventory_scan": on_schedule_inventory_scan,
        "user.registered": on_user_registered,
        **{t: on_founder_action for t in stores.FOUNDER_STATUS},
    }
