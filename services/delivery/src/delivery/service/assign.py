"""Assignment: the merchant assigns (or reassigns) an order to one of their agents, or auto-assignment picks one
when the order is packed; cancellation when the order is cancelled or the agent removed.

One transaction per change: the new assignment, the order's pointer to it (conditional on the order's version),
the agent's active count (conditional on the agent being active), the previous assignment closed (conditional on
its version) and the event. Two merchants' taps or an auto-assignment racing a manual one: one wins, the other
gets 409 (or, for auto-assignment, tries the next agent).
"""

from __future__ import annotations

from typing import Any

from delivery.domain import agents as agent_rules
from delivery.domain.agents import candidates
from delivery.domain.assignment import ACTIVE, ASSIGNABLE_ORDER_STATES, State
from delivery.domain.store import StoreSettings
from delivery.service.agents import agent_not_found
from delivery.service.deps import Deps
from delivery.service.events import assignment_data, emit
from delivery.service.orders import order_not_found
from webdpro_aws.dynamo import TransactionCancelled
from webdpro_core import clock, ids
from webdpro_core.errors import Conflict, ValidationProblem
from webdpro_observability import continue_trace, get_logger

log = get_logger(__name__)


# Orders that wait for an agent to come on shift: packed, or back at the store after a failed try.
WAITABLE = frozenset({"PACKED"})


class AgentUnavailable(Exception):
    """The chosen agent cannot take it (removed, or off shift for auto-assignment): try another."""


async def assign(
    deps: Deps, tenant_id: str, store_id: str, order_id: str, agent_id: str, *, auto: bool = False
) -> tuple[dict[str, Any], bool]:
    """(the order's assignment, whether it is new). Assigning to the agent who already has it changes nothing."""
    order = await deps.repo.get_order(tenant_id, order_id)
    if order is None or order.get("store_id") != store_id:
        raise order_not_found()
    with continue_trace(order.get("trace"), "delivery.assign"):  # the order's trace, whoever assigns
        status = order.get("order_status")
        if status not in ASSIGNABLE_ORDER_STATES:
            raise Conflict(
                f"An order that is {status or 'not confirmed'} cannot be given to an agent",
                code="ORDER_NOT_ASSIGNABLE",
            )
        agent = await deps.repo.get_agent(tenant_id, agent_id)
        if agent is None:
            raise agent_not_found()
        if agent.get("status") != agent_rules.ACTIVE:
            raise ValidationProblem(
                "This agent has not joined yet or was removed", code="AGENT_NOT_ACTIVE", field="agentId"
            )
        current = None
        if order.get("assignment_id"):
            current = await deps.repo.get_assignment(tenant_id, order["assignment_id"])
        if current is not None and current["status"] in ACTIVE and current["agent_id"] == agent_id:
            return current, False
        if current is not None and current["status"] == State.DELIVERED:
            raise Conflict("This order was already delivered", code="ORDER_NOT_ASSIGNABLE")

        now = clock.iso()
        cod = order.get("payment_method") == "COD"
        new = {
            "assignment_id": ids.new_id("asg"),
            "tenant_id": tenant_id,
            "store_id": store_id,
            "order_id": order_id,
            "agent_id": agent_id,
            "agent_name": agent.get("name"),
            "status": str(State.ASSIGNED),
            "auto": auto,
            "payment_method": order.get("payment_method"),
            "amount_paise": int(order.get("amount_paise") or 0),
            "due_paise": int(order.get("amount_paise") or 0) if cod else 0,
            "assigned_at": now,
            "updated_at": now,
            "previous_assignment_id": current["assignment_id"] if current else None,
            "trace": order.get("trace"),  # the agent's later actions continue the order's trace
        }
        uow = deps.outbox.begin()
        deps.repo.put_assignment(uow.tx, new, None, open_=True)
        deps.repo.put_order(
            uow.tx,
            {
                **order,
                "assignment_id": new["assignment_id"],
                "agent_id": agent_id,
                "waiting_since": None,  # off the waiting list
                "updated_at": now,
            },
            int(order["version"]),
        )
        deps.repo.agent_takes(uow.tx, tenant_id, agent_id)
        previous_agent = None
        if current is not None and current["status"] in ACTIVE:
            previous_agent = current["agent_id"]
            closed = {**current, "status": str(State.REASSIGNED), "ended_at": now, "updated_at": now}
            deps.repo.put_assignment(uow.tx, closed, int(current["version"]), open_=False)
            deps.repo.count_active(uow.tx, tenant_id, previous_agent, -1)
        emit(
            uow,
            "delivery.assigned",
            tenant_id,
            assignment_data(new, auto=auto, previous_agent_id=previous_agent),
        )
        try:
            await uow.commit()
        except TransactionCancelled as exc:
            fresh = await deps.repo.get_agent(tenant_id, agent_id)
            if fresh is None or fresh.get("status") != agent_rules.ACTIVE:
                raise AgentUnavailable(agent_id) from exc
            raise Conflict(
                "The order's assignment changed meanwhile; look again", code="ASSIGNMENT_CHANGED"
            ) from exc
        log.info(
            "delivery.assigned",
            order_id=order_id,
            agent_id=agent_id,
            auto=auto,
            reassigned_from=previous_agent,
        )
        return {**new, "version": 1}, True


async def assign_by_merchant(
    deps: Deps, tenant_id: str, store_id: str, order_id: str, agent_id: str
) -> tuple[dict[str, Any], bool]:
    try:
        return await assign(deps, tenant_id, store_id, order_id, agent_id)
    except AgentUnavailable as exc:
        raise ValidationProblem(
            "This agent was removed meanwhile", code="AGENT_NOT_ACTIVE", field="agentId"
        ) from exc


async def auto_assign(deps: Deps, order: dict[str, Any]) -> dict[str, Any] | None:
    """Give a packed order to the best on-shift agent (fewest active deliveries, then nearest); None when the
    store does not auto-assign, the order already has an agent, or nobody is on shift."""
    tenant_id, store_id = order["tenant_id"], order["store_id"]
    store = await deps.repo.get_store(tenant_id, store_id)
    settings = StoreSettings.of(store)
    if not settings.auto_assign:
        return None
    if order.get("assignment_id"):
        current = await deps.repo.get_assignment(tenant_id, order["assignment_id"])
        if current is not None and current["status"] in ACTIVE:
            return None
    agents, positions = await deps.repo.agents_and_positions(tenant_id)
    origin = settings.pickup or _address_point(order)
    tried = 0
    for choice in candidates(agents, positions, origin, clock.now(), deps.settings.location_fresh_seconds):
        tried += 1
        try:
            assignment, _ = await assign(
                deps, tenant_id, store_id, order["order_id"], choice.agent_id, auto=True
            )
            return assignment
        except AgentUnavailable:
            continue
        except (Conflict, ValidationProblem) as exc:
            log.info("delivery.auto_assign_skipped", order_id=order["order_id"], reason=str(exc))
            return None
    log.info("delivery.no_agent_on_shift", order_id=order["order_id"], store_id=store_id, tried=tried)
    await _wait(deps, order)
    return None


async def _wait(deps: Deps, order: dict[str, Any]) -> None:
    """Put the order on the merchant's waiting list: the next agent to start a shift gets it."""
    for _ in range(5):
        fresh = await deps.repo.get_order(order["tenant_id"], order["order_id"])
        if fresh is None or fresh.get("waiting_since") or fresh.get("order_status") not in WAITABLE:
            return
        if fresh.get("assignment_id"):
            current = await deps.repo.get_assignment(fresh["tenant_id"], fresh["assignment_id"])
            if current is not None and current["status"] in ACTIVE:
                return
        waiting = {**fresh, "waiting_since": clock.iso(), "updated_at": clock.iso()}
        if await deps.repo.save_order(waiting, int(fresh["version"])):
            return


async def on_shift(deps: Deps, tenant_id: str) -> int:
    """An agent started a shift: auto-assign the merchant's waiting orders (oldest first); how many were."""
    assigned = 0
    for waiting in await deps.repo.waiting_orders(tenant_id):
        order = await deps.repo.get_order(tenant_id, waiting["order_id"])
        if order is None:
            continue
        if order.get("order_status") not in WAITABLE:
            await _unwait(deps, order)
            continue
        if await auto_assign(deps, order) is None:
            break  # nobody (else) is free: the rest keep waiting
        assigned += 1
    return assigned


async def _unwait(deps: Deps, order: dict[str, Any]) -> None:
    await deps.repo.save_order({**order, "waiting_since": None}, int(order["version"]))


def _address_point(order: dict[str, Any]) -> tuple[float, float] | None:
    address = order.get("delivery_address") or {}
    try:
        return float(address["lat"]), float(address["lng"])
    except (KeyError, TypeError, ValueError):
        return None


async def cancel(deps: Deps, tenant_id: str, assignment_id: str, reason: str) -> bool:
    """Close an assignment that was not picked up yet (order cancelled, agent removed); False if it is not
    waiting any more (picked up, reassigned, already cancelled)."""
    for _ in range(5):
        assignment = await deps.repo.get_assignment(tenant_id, assignment_id)
        if assignment is None or assignment["status"] != State.ASSIGNED:
            return False
        with continue_trace(assignment.get("trace"), "delivery.cancel"):
            order = await deps.repo.get_order(tenant_id, assignment["order_id"])
            now = clock.iso()
            uow = deps.outbox.begin()
            closed = {
                **assignment,
                "status": str(State.CANCELLED),
                "reason": reason,
                "ended_at": now,
                "updated_at": now,
            }
            deps.repo.put_assignment(uow.tx, closed, int(assignment["version"]), open_=False)
            deps.repo.count_active(uow.tx, tenant_id, assignment["agent_id"], -1)
            if order is not None and order.get("assignment_id") == assignment_id:
                cleared = {k: v for k, v in order.items() if k not in ("assignment_id", "agent_id")}
                deps.repo.put_order(uow.tx, {**cleared, "updated_at": now}, int(order["version"]))
            emit(uow, "delivery.cancelled", tenant_id, assignment_data(assignment, reason=reason))
            try:
                await uow.commit()
            except TransactionCancelled:
                continue  # the order or the assignment moved: look again
            log.info("delivery.cancelled", assignment_id=assignment_id, reason=reason)
            return True
    raise Conflict("The assignment kept changing", code="ASSIGNMENT_CHANGED")
