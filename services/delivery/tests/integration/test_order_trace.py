"""One trace id follows the order into its delivery: our copy of the order keeps the trace of the order event
that created it (orders' checkout trace), the assignment copies it, and whatever starts a later action — an
order event without a trace, the merchant's or the agent's own request — its delivery event carries that trace."""

import secrets

import pytest

from webdpro_observability import continue_trace

API = "/api/delivery"

pytestmark = pytest.mark.integration


def _traceparent() -> tuple[str, str]:
    trace_id = secrets.token_hex(16)
    return trace_id, f"00-{trace_id}-{secrets.token_hex(8)}-01"


def _trace_id(event) -> str | None:
    return event.trace.split("-")[1] if event.trace else None


async def _order_placed_in_its_trace(world, merchant, store, **kw) -> tuple[str, str]:
    """order.placed made in the checkout's trace (as orders makes it); confirmed / packed come without one."""
    order_trace, traceparent = _traceparent()
    with continue_trace(traceparent, "checkout"):
        order_id = await world.order(merchant, store, packed=False, **kw)
    return order_id, order_trace


def _own_trace(headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "traceparent": _traceparent()[1]}


async def test_auto_assigned_picked_delivered_and_cash_carry_the_order_trace(client, world, events):
    raj = world.merchant()
    store = await world.store(raj)
    agent = await world.agent(raj, "Suresh Kumar", on_shift=True)
    order_id, order_trace = await _order_placed_in_its_trace(world, raj, store)
    await world.pack(raj, order_id)  # an event with no trace: the auto-assignment still runs in the order's
    assigned = await events.wait("delivery.assigned", order_id)
    assert _trace_id(assigned) == order_trace
    asg = assigned.data["assignment_id"]

    r = await client.post(f"{API}/assignments/{asg}/picked", headers=_own_trace(agent.headers))
    assert r.status_code == 200, r.text
    code = await world.code(raj, order_id)
    r = await client.post(
        f"{API}/assignments/{asg}/delivered", json={"code": code}, headers=_own_trace(agent.headers)
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        f"{API}/assignments/{asg}/cash-collected",
        json={"amountPaise": 12_000},
        headers=_own_trace(agent.headers),
    )
    assert r.status_code == 200, r.text
    for event_type in ("delivery.picked_up", "delivery.delivered", "cod.collected"):
        assert _trace_id(await events.wait(event_type, order_id)) == order_trace, event_type


async def test_manual_assignment_and_a_failed_delivery_carry_the_order_trace(client, world, events):
    raj = world.merchant()
    store = await world.store(raj)
    agent = await world.agent(raj, "Ravi")  # not on shift: only the merchant's assignment gives him the order
    order_id, order_trace = await _order_placed_in_its_trace(world, raj, store, method="UPI")
    r = await client.post(
        f"{API}/stores/{store}/orders/{order_id}/assign",
        json={"agentId": agent.agent_id},
        headers=_own_trace(raj.headers),
    )
    assert r.status_code == 201, r.text
    assigned = await events.wait("delivery.assigned", order_id)
    assert _trace_id(assigned) == order_trace and assigned.data["auto"] is False
    asg = assigned.data["assignment_id"]
    await world.pack(raj, order_id)
    r = await client.post(f"{API}/assignments/{asg}/picked", headers=_own_trace(agent.headers))
    assert r.status_code == 200, r.text
    r = await client.post(
        f"{API}/assignments/{asg}/failed",
        json={"reason": "customer not home"},
        headers=_own_trace(agent.headers),
    )
    assert r.status_code == 200, r.text
    for event_type in ("delivery.picked_up", "delivery.failed"):
        assert _trace_id(await events.wait(event_type, order_id)) == order_trace, event_type
