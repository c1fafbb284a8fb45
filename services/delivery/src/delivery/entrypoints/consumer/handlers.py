"""Events the delivery service acts on. Each handler runs inside the consumer's unit of work: what it writes
through `uow` commits with the processed marker, so a redelivered message changes nothing. Handlers that make
several changes (cancelling an agent's work, auto-assigning) commit each on its own, conditionally, and are safe
to run again.

- sitegen `store.generated` → the store directory (which tenant a store belongs to; its name).
- auth `agent.invited` / `agent.joined` / `agent.removed` → the merchant's agents; a removal cancels the agent's
  assignments not yet picked up (and auto-assigns those orders again where the store wants it).
- orders `order.placed` / `order.confirmed` → our copy of the order (amount, payment method, items, the customer's
  phone hash) and the customer's delivery code; `order.packed` → auto-assignment when the store has it on;
  `order.cancelled` → an assignment not yet picked up is cancelled.
"""

from __future__ import annotations

from collections.abc import Callable

from delivery.domain.assignment import State
from delivery.service import agents, assign, orders, stores
from delivery.service.deps import Deps
from webdpro_events import Envelope, Handler, PermanentError, UnitOfWork
from webdpro_observability import get_logger

log = get_logger(__name__)


def _tenant(event: Envelope) -> str:
    tenant = event.data.get("tenant_id") or event.tenant_id
    if not tenant:
        raise PermanentError(f"{event.type} without tenant_id")
    return str(tenant)


def _need(event: Envelope, *fields: str) -> None:
    missing = [f for f in fields if not event.data.get(f)]
    if missing:
        raise PermanentError(f"{event.type} without {', '.join(missing)}")


def handlers(get_deps: Callable[[], Deps]) -> dict[str, Handler]:
    async def on_store_generated(event: Envelope, uow: UnitOfWork) -> None:
        _need(event, "store_id")
        stores.record(get_deps(), uow, _tenant(event), str(event.data["store_id"]), event.data.get("name"))

    async def on_agent_invited(event: Envelope, uow: UnitOfWork) -> None:
        _need(event, "agent_id")
        deps, tenant = get_deps(), _tenant(event)
        existing = await deps.repo.get_agent(tenant, str(event.data["agent_id"]))
        agents.invited(deps, uow, existing, event.data, tenant)

    async def on_agent_joined(event: Envelope, uow: UnitOfWork) -> None:
        _need(event, "agent_id")
        deps, tenant = get_deps(), _tenant(event)
        existing = await deps.repo.get_agent(tenant, str(event.data["agent_id"]))
        agents.joined(deps, uow, existing, event.data, tenant)

    async def on_agent_removed(event: Envelope, _uow: UnitOfWork) -> None:
        _need(event, "agent_id")
        deps, tenant, agent_id = get_deps(), _tenant(event), str(event.data["agent_id"])
        await agents.removed(deps, tenant, agent_id)
        # Run again on a redelivery too: the removal may have committed before a crash.
        for a in await deps.repo.agent_assigned(tenant, agent_id):
            if a["status"] != State.ASSIGNED:
                continue
            if await assign.cancel(deps, tenant, a["assignment_id"], "AGENT_REMOVED"):
                order = await deps.repo.get_order(tenant, a["order_id"])
                if order is not None and order.get("order_status") == "PACKED":
                    await assign.auto_assign(deps, order)

    def recorder(auto: bool = False) -> Handler:
        async def handler(event: Envelope, _uow: UnitOfWork) -> None:
            _need(event, "order_id", "store_id")
            deps, tenant = get_deps(), _tenant(event)
            await deps.repo.ensure_store(tenant, str(event.data["store_id"]))
            # OrderChanging: retried with back-off. The event's trace is the order's (kept for its delivery).
            order = await orders.record(deps, event.data, tenant, event.trace)
            if auto and order.get("order_status") == "PACKED":
                await assign.auto_assign(deps, order)

        return handler

    async def on_order_cancelled(event: Envelope, uow: UnitOfWork) -> None:
        await recorder()(event, uow)
        deps, tenant = get_deps(), _tenant(event)
        order = await deps.repo.get_order(tenant, str(event.data["order_id"]))
        if order is not None and order.get("assignment_id"):
            await assign.cancel(deps, tenant, order["assignment_id"], "ORDER_CANCELLED")

    return {
        "store.generated": on_store_generated,
        "agent.invited": on_agent_invited,
        "agent.joined": on_agent_joined,
        "agent.removed": on_agent_removed,
        "order.placed": recorder(),
        "order.confirmed": recorder(),
        "order.packed": recorder(auto=True),
        "order.cancelled": on_order_cancelled,
    }
