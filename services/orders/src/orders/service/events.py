"""Staging order events: each goes to the outbox (→ SNS) and to the store's feed (→ the merchant's stream),
in the same transaction as the change that caused it."""

from __future__ import annotations

from typing import Any

from orders.service.deps import Deps
from webdpro_events import UnitOfWork, new_event


def stage(
    deps: Deps, uow: UnitOfWork, order: dict[str, Any], events: list[tuple[str, dict[str, Any]]]
) -> None:
    for event_type, data in events:
        event = new_event(event_type, data, tenant_id=order["tenant_id"], source="orders")
        uow.emit(event)
        deps.repo.add_feed(
            uow.tx,
            order["tenant_id"],
            order["store_id"],
            {
                "id": event.id,
                "type": event_type,
                "order_id": order["order_id"],
                "store_id": order["store_id"],
                "status": order["status"],
                "amount_paise": order["amount_paise"],
                "payment_method": order["payment_method"],
                "at": event.occurred_at,
            },
        )


async def commit(deps: Deps, uow: UnitOfWork, order: dict[str, Any]) -> None:
    await uow.commit()
    deps.hub.notify(order["tenant_id"], order["store_id"])
