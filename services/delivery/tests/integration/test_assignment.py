"""Assignment: automatic on packing (fewest active, then nearest), manual and reassignment by the merchant, and
what cancellations and removals do to it. Every event is also delivered twice somewhere: nothing changes."""

import pytest

pytestmark = pytest.mark.integration

API = "/api/delivery"


async def _assign(client, merchant, store, order_id, agent_id):
    return await client.post(
        f"{API}/stores/{store}/orders/{order_id}/assign", json={"agentId": agent_id}, headers=merchant.headers
    )


async def test_nearest_agent_wins_when_loads_are_equal(client, world, events, deps, flush):
    m = world.merchant()
    store = await world.store(m)
    put = await client.put(
        f"{API}/stores/{store}/settings",
        json={"autoAssign": True, "pickup": {"lat": 19.0596, "lng": 72.8295}},
        headers=m.headers,
    )
    assert put.status_code == 200, put.text
    far = await world.agent(m, "Far Farhan", on_shift=True)
    near = await world.agent(m, "Near Naveen", on_shift=True)
    unknown = await world.agent(m, "No Fix Nitin", on_shift=True)
    for agent, lat in ((far, 19.2000), (near, 19.0600)):
        r = await client.post(
            f"{API}/me/location",
            json={"lat": lat, "lng": 72.8300, "accuracy": 12, "at": _now()},
            headers=agent.headers,
        )
        assert r.status_code == 202, r.text
    await flush()
    order_id = await world.order(m, store)
    e = await events.wait("delivery.assigned", order_id)
    assert e.data["agent_id"] == near.agent_id
    # Next: near has one active now; far and unknown have none → far (known distance) before unknown.
    second = await world.order(m, store)
    assert (await events.wait("delivery.assigned", second)).data["agent_id"] == far.agent_id
    third = await world.order(m, store)
    assert (await events.wait("delivery.assigned", third)).data["agent_id"] == unknown.agent_id
    agents = (await client.get(f"{API}/agents", headers=m.headers)).json()
    active = {a["agentId"]: a["activeDeliveries"] for a in agents["items"]}
    assert active == {far.agent_id: 1, near.agent_id: 1, unknown.agent_id: 1}
    assert "payments" in agents["cashInHandNote"]


async def test_no_auto_assignment_when_off_or_nobody_on_shift_then_merchant_assigns(
    client, world, events, deps
):
    m = world.merchant()
    store = await world.store(m)
    off = await client.put(f"{API}/stores/{store}/settings", json={"autoAssign": False}, headers=m.headers)
    assert off.json()["autoAssign"] is False
    agent = await world.agent(m, on_shift=True)
    order_id = await world.order(m, store)
    assert (await deps.repo.get_order(m.tenant, order_id)).get("assignment_id") is None

    other_store = await world.store(m, "Curam Two")  # auto on (the default) but nobody on shift
    idle = world.merchant()
    idle_store = await world.store(idle)
    await world.agent(idle)  # joined, off shift
    idle_order = await world.order(idle, idle_store)
    assert (await deps.repo.get_order(idle.tenant, idle_order)).get("assignment_id") is None

    r = await _assign(client, m, store, order_id, agent.agent_id)
    assert r.status_code == 201, r.text
    d = r.json()
    assert d["status"] == "ASSIGNED" and d["agentId"] == agent.agent_id and d["auto"] is False
    assert d["duePaise"] == 12_000
    e = await events.wait("delivery.assigned", order_id)
    assert e.data["auto"] is False and e.data["assignment_id"] == d["assignmentId"]
    again = await _assign(client, m, store, order_id, agent.agent_id)
    assert again.status_code == 200 and again.json()["assignmentId"] == d["assignmentId"]
    # The order belongs to another store of the same merchant: not found under this one.
    wrong_store = await _assign(client, m, other_store, order_id, agent.agent_id)
    assert wrong_store.status_code == 404 and wrong_store.json()["code"] == "ORDER_NOT_FOUND"


async def test_reassignment_moves_the_order_and_the_counts(client, world, events, deps):
    m = world.merchant()
    store = await world.store(m)
    a = await world.agent(m, "Anil", on_shift=True)
    b = await world.agent(m, "Bhavna")
    order_id = await world.order(m, store)
    first = await events.wait("delivery.assigned", order_id)
    assert first.data["agent_id"] == a.agent_id
    r = await _assign(client, m, store, order_id, b.agent_id)  # off shift: a merchant may still choose them
    assert r.status_code == 201, r.text
    second = r.json()
    assert second["previousAssignmentId"] == first.data["assignment_id"]
    old = (await client.get(f"{API}/deliveries/{first.data['assignment_id']}", headers=m.headers)).json()
    assert old["status"] == "REASSIGNED"
    # The first agent no longer has it: their list is empty and acting on it is 409.
    assert (await client.get(f"{API}/me/assignments", headers=a.headers)).json()["items"] == []
    late = await client.post(f"{API}/assignments/{first.data['assignment_id']}/picked", headers=a.headers)
    assert late.status_code == 409 and late.json()["code"] == "INVALID_TRANSITION"
    mine = (await client.get(f"{API}/me/assignments", headers=b.headers)).json()["items"]
    assert [x["assignmentId"] for x in mine] == [second["assignmentId"]]
    counts = {
        x["agentId"]: x["activeDeliveries"]
        for x in (await client.get(f"{API}/agents", headers=m.headers)).json()["items"]
    }
    assert counts == {a.agent_id: 0, b.agent_id: 1}
    e = await events.wait("delivery.assigned", order_id, agent_id=b.agent_id)
    assert e.data["previous_agent_id"] == a.agent_id

    # Reassigning a parcel already on the way (the first agent hands it over): the new agent picks it up.
    pick = await client.post(f"{API}/assignments/{second['assignmentId']}/picked", headers=b.headers)
    assert pick.status_code == 200
    c = await world.agent(m, "Chetan")
    third = await _assign(client, m, store, order_id, c.agent_id)
    assert third.status_code == 201
    assert (
        await client.post(f"{API}/assignments/{third.json()['assignmentId']}/picked", headers=c.headers)
    ).status_code == 200


async def test_assignment_refusals(client, world, deps):
    m = world.merchant()
    store = await world.store(m)
    agent = await world.agent(m)
    unpaid = await world.order(m, store, method="UPI", packed=False)
    order = await deps.repo.get_order(m.tenant, unpaid)
    order["order_status"] = "PAYMENT_PENDING"
    await deps.repo.save_order(order, order["version"])
    r = await _assign(client, m, store, unpaid, agent.agent_id)
    assert r.status_code == 409 and r.json()["code"] == "ORDER_NOT_ASSIGNABLE"
    ok_order = await world.order(m, store, packed=False)  # confirmed: the merchant may assign before packing
    missing_agent = await _assign(client, m, store, ok_order, "agt_nobody")
    assert missing_agent.status_code == 404 and missing_agent.json()["code"] == "AGENT_NOT_FOUND"
    invited = "agt_" + ok_order[-20:]
    await world.send(
        "agent.invited",
        {"agent_id": invited, "tenant_id": m.tenant, "name": "New", "phone_number": "+919800000001"},
        m.tenant,
    )
    not_joined = await _assign(client, m, store, ok_order, invited)
    assert not_joined.status_code == 422 and not_joined.json()["errors"][0]["field"] == "agentId"
    bad_body = await client.post(
        f"{API}/stores/{store}/orders/{ok_order}/assign", json={"agentId": "x", "extra": 1}, headers=m.headers
    )
    assert bad_body.status_code == 422
    # Picking up before the store packed it: orders would refuse the event, so we do.
    assigned = await _assign(client, m, store, ok_order, agent.agent_id)
    too_early = await client.post(
        f"{API}/assignments/{assigned.json()['assignmentId']}/picked", headers=agent.headers
    )
    assert too_early.status_code == 409 and too_early.json()["code"] == "ORDER_NOT_READY"
    await world.pack(m, ok_order)
    assert (
        await client.post(
            f"{API}/assignments/{assigned.json()['assignmentId']}/picked", headers=agent.headers
        )
    ).status_code == 200


async def test_cancelled_order_and_removed_agent(client, world, events, deps):
    m = world.merchant()
    store = await world.store(m)
    gone = await world.agent(m, "Gone Gopal", on_shift=True)
    order_id = await world.order(m, store)
    first = await events.wait("delivery.assigned", order_id)
    assert first.data["agent_id"] == gone.agent_id
    picked_order = await world.order(m, store)
    held = await events.wait("delivery.assigned", picked_order)
    assert (
        await client.post(f"{API}/assignments/{held.data['assignment_id']}/picked", headers=gone.headers)
    ).status_code == 200

    stays = await world.agent(m, "Stays Sita", on_shift=True)
    removal = {"agent_id": gone.agent_id, "tenant_id": m.tenant}
    await world.send("agent.removed", removal, m.tenant, "auth")
    await world.send("agent.removed", removal, m.tenant, "auth")  # another delivery of the same fact
    cancelled = await events.wait("delivery.cancelled", order_id)
    assert cancelled.data["reason"] == "AGENT_REMOVED"
    # The order was auto-assigned again, to the agent still on shift.
    await events.wait("delivery.assigned", order_id, agent_id=stays.agent_id)
    # The parcel already picked up stays with the removed agent until the merchant reassigns it.
    held_now = (await client.get(f"{API}/deliveries/{held.data['assignment_id']}", headers=m.headers)).json()
    assert held_now["status"] == "PICKED_UP"
    for path in ("/me/assignments", f"/me/assignments/{held.data['assignment_id']}"):
        r = await client.get(f"{API}{path}", headers=gone.headers)
        assert r.status_code == 403 and r.json()["code"] == "AGENT_REMOVED", path
    for action, payload in (("picked", None), ("delivered", {"code": "1234"}), ("failed", {"reason": "x"})):
        r = await client.post(
            f"{API}/assignments/{held.data['assignment_id']}/{action}", json=payload, headers=gone.headers
        )
        assert r.status_code == 403 and r.json()["code"] == "AGENT_REMOVED", action
    shift = await client.post(f"{API}/me/shift", json={"onShift": True}, headers=gone.headers)
    assert shift.status_code == 403
    # A late "joined" does not bring them back.
    await world.send(
        "agent.joined", {**removal, "name": "Gone Gopal", "phone_number": gone.phone}, m.tenant, "auth"
    )
    assert (await deps.repo.get_agent(m.tenant, gone.agent_id))["status"] == "removed"

    # The customer cancels before pick-up (the store cancels): the assignment is cancelled, the agent freed.
    cancel_me = await world.order(m, store)
    e = await events.wait("delivery.assigned", cancel_me)
    order = await deps.repo.get_order(m.tenant, cancel_me)
    data = {
        "order_id": cancel_me,
        "store_id": store,
        "tenant_id": m.tenant,
        "status": "CANCELLED",
        "amount_paise": order["amount_paise"],
        "payment_method": "COD",
        "reason": "MERCHANT_CANCELLED",
    }
    await world.send("order.cancelled", data, m.tenant, "orders")
    gone_e = await events.wait("delivery.cancelled", cancel_me)
    assert (
        gone_e.data["reason"] == "ORDER_CANCELLED" and gone_e.data["assignment_id"] == e.data["assignment_id"]
    )
    r = await client.post(f"{API}/assignments/{e.data['assignment_id']}/picked", headers=stays.headers)
    assert r.status_code == 409
    reassign = await _assign(client, m, store, cancel_me, stays.agent_id)
    assert reassign.status_code == 409 and reassign.json()["code"] == "ORDER_NOT_ASSIGNABLE"


async def test_failed_delivery_then_another_try(client, world, events, deps):
    m = world.merchant()
    store = await world.store(m)
    agent = await world.agent(m, on_shift=True)
    order_id = await world.order(m, store)
    a = (await events.wait("delivery.assigned", order_id)).data["assignment_id"]
    early = await client.post(
        f"{API}/assignments/{a}/failed", json={"reason": "no one home"}, headers=agent.headers
    )
    assert early.status_code == 409 and early.json()["code"] == "INVALID_TRANSITION"
    await client.post(f"{API}/assignments/{a}/picked", headers=agent.headers)
    blank = await client.post(f"{API}/assignments/{a}/failed", json={"reason": "   "}, headers=agent.headers)
    assert blank.status_code == 422
    r = await client.post(
        f"{API}/assignments/{a}/failed", json={"reason": "customer not home"}, headers=agent.headers
    )
    assert r.status_code == 200 and r.json()["status"] == "FAILED"
    e = await events.wait("delivery.failed", order_id)
    assert e.data["reason"] == "customer not home" and e.data["order_id"] == order_id
    assert (await deps.repo.get_order(m.tenant, order_id))["order_status"] == "DELIVERY_FAILED"
    twice = await client.post(
        f"{API}/assignments/{a}/failed", json={"reason": "again"}, headers=agent.headers
    )
    assert twice.status_code == 409
    # The merchant gives it another try (the same agent or another): picked again from DELIVERY_FAILED.
    retry = await _assign(client, m, store, order_id, agent.agent_id)
    assert retry.status_code == 201
    b = retry.json()["assignmentId"]
    assert (await client.post(f"{API}/assignments/{b}/picked", headers=agent.headers)).status_code == 200
    code = await world.code(m, order_id)
    assert (
        await client.post(f"{API}/assignments/{b}/delivered", json={"code": code}, headers=agent.headers)
    ).status_code == 200


async def test_events_twice_change_nothing(client, world, events, deps):
    m = world.merchant()
    store = await world.store(m)
    await world.agent(m, on_shift=True)
    await world.agent(m, on_shift=True)
    order_id = await world.order(m, store, packed=False)
    order = await deps.repo.get_order(m.tenant, order_id)
    code = order["delivery_code"]
    data = {
        "order_id": order_id,
        "store_id": store,
        "tenant_id": m.tenant,
        "status": "PACKED",
        "amount_paise": 12_000,
        "payment_method": "COD",
    }
    packed = await world.send("order.packed", data, m.tenant, "orders")
    await world.consumer.handle(packed)  # the same message again
    await world.send("order.packed", data, m.tenant, "orders")  # the same fact, another message
    late = {**data, "status": "CONFIRMED"}
    await world.send("order.confirmed", late, m.tenant, "orders")  # arrives after packed: no step back
    await events.wait("delivery.assigned", order_id)
    await events.drain()
    assert len(events.of(order_id, "delivery.assigned")) == 1
    after = await deps.repo.get_order(m.tenant, order_id)
    assert after["order_status"] == "PACKED" and after["delivery_code"] == code
    listing = (await client.get(f"{API}/stores/{store}/deliveries", headers=m.headers)).json()["items"]
    assert len(listing) == 1


def _now() -> str:
    from webdpro_core import clock

    return clock.iso()


async def test_packed_orders_wait_for_the_next_agent_to_start_a_shift(client, world, events, deps):
    m = world.merchant()
    store = await world.store(m)
    first_in = await world.agent(m, "Early Esha")  # joined, not on shift yet
    second_in = await world.agent(m, "Late Lakshmi")
    orders = [await world.order(m, store) for _ in range(3)]
    for order_id in orders:
        assert (await deps.repo.get_order(m.tenant, order_id))["waiting_since"]
    cancelled = orders[2]
    data = {"order_id": cancelled, "store_id": store, "tenant_id": m.tenant, "status": "CANCELLED"}
    await world.send("order.cancelled", data, m.tenant, "orders")
    assert "waiting_since" not in await deps.repo.get_order(m.tenant, cancelled)

    r = await client.post(f"{API}/me/shift", json={"onShift": True}, headers=first_in.headers)
    assert r.status_code == 200 and r.json() == {"agentId": first_in.agent_id, "onShift": True}
    # Both waiting orders go: to the only agent on shift (an agent takes several; fewest active first).
    mine = (await client.get(f"{API}/me/assignments", headers=first_in.headers)).json()["items"]
    assert sorted(a["orderId"] for a in mine) == sorted(orders[:2])
    for order_id in orders[:2]:
        e = await events.wait("delivery.assigned", order_id)
        assert e.data["auto"] is True
        assert "waiting_since" not in await deps.repo.get_order(m.tenant, order_id)
    assert await deps.repo.waiting_orders(m.tenant) == []
    # A second agent starting a shift later finds nothing waiting.
    r = await client.post(f"{API}/me/shift", json={"onShift": True}, headers=second_in.headers)
    assert (await client.get(f"{API}/me/assignments", headers=second_in.headers)).json()["items"] == []
    off = await client.post(f"{API}/me/shift", json={"onShift": False}, headers=second_in.headers)
    assert off.json()["onShift"] is False
    bad = await client.post(f"{API}/me/shift", json={"onShift": "yes"}, headers=second_in.headers)
    assert bad.status_code == 422
