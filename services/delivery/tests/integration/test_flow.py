"""The delivery of a cash-on-delivery order from packing to the cash in the merchant's reconciliation."""

import pytest

API = "/api/delivery"


def body(resp) -> dict:
    return resp.json()


pytestmark = pytest.mark.integration


async def test_cod_order_is_auto_assigned_picked_delivered_with_code_and_cash_recorded(client, world, events):
    raj = world.merchant()
    store = await world.store(raj)
    busy = await world.agent(raj, "Busy Bala", on_shift=True)
    suresh = await world.agent(raj, "Suresh Kumar", on_shift=True)
    await world.agent(raj, "Off Shift Om")  # joined, not on shift: never chosen
    first = await world.order(raj, store)
    assigned = await events.wait("delivery.assigned", first)
    first_agent = assigned.data["agent_id"]
    assert first_agent in (busy.agent_id, suresh.agent_id)
    other = suresh if first_agent == busy.agent_id else busy

    meera = world.customer()
    order_id = await world.order(raj, store, meera, amount=25_050)
    e = await events.wait("delivery.assigned", order_id)
    # Fewest active deliveries first: the agent who already has one is not chosen.
    assert e.data["agent_id"] == other.agent_id and e.data["auto"] is True
    assert e.data["store_id"] == store and e.data["tenant_id"] == raj.tenant
    assignment_id = e.data["assignment_id"]

    # The agent sees it with what to collect; the customer sees the code and no position yet.
    mine = body(await client.get(f"{API}/me/assignments", headers=other.headers))
    assert [a["assignmentId"] for a in mine["items"]] == [assignment_id]
    view = mine["items"][0]
    assert view["collectPaise"] == 25_050 and view["paymentMethod"] == "COD" and view["status"] == "ASSIGNED"
    assert view["items"] == [{"name": "Tomatoes 1 kg", "quantity": 3}] and "deliveryCode" not in view
    track = body(await client.get(f"{API}/track/{order_id}", headers=meera.headers))
    assert track["status"] == "AGENT_ASSIGNED" and track["agentPosition"] is None
    code = track["deliveryCode"]
    assert code == await world.code(raj, order_id) and len(code) == 4
    assert track["agent"]["name"] == other.name.split()[0] and other.phone not in str(track)
    assert track["agent"]["phoneMasked"].endswith(other.phone[-3:])

    picked = await client.post(f"{API}/assignments/{assignment_id}/picked", headers=other.headers)
    assert picked.status_code == 200, picked.text
    assert body(picked)["status"] == "PICKED_UP"
    await events.wait("delivery.picked_up", order_id)

    wrong = "0000" if code != "0000" else "1111"
    bad = await client.post(
        f"{API}/assignments/{assignment_id}/delivered", json={"code": wrong}, headers=other.headers
    )
    assert bad.status_code == 422 and body(bad)["code"] == "DELIVERY_CODE_WRONG"
    assert body(bad)["errors"][0]["field"] == "code"
    done = await client.post(
        f"{API}/assignments/{assignment_id}/delivered", json={"code": code}, headers=other.headers
    )
    assert done.status_code == 200, done.text
    assert body(done)["status"] == "DELIVERED" and body(done)["collectPaise"] == 25_050
    delivered = await events.wait("delivery.delivered", order_id)
    assert delivered.data["proof"] == "code" and delivered.data["agent_id"] == other.agent_id

    cash = await client.post(
        f"{API}/assignments/{assignment_id}/cash-collected",
        json={"amountPaise": 25_000},
        headers=other.headers,
    )
    assert cash.status_code == 200, cash.text
    assert body(cash)["collectPaise"] == 0 and body(cash)["open"] is False
    cod = await events.wait("cod.collected", order_id)
    assert cod.data == {
        "order_id": order_id,
        "store_id": store,
        "tenant_id": raj.tenant,
        "agent_id": other.agent_id,
        "assignment_id": assignment_id,
        "amount_paise": 25_000,
        "due_paise": 25_050,
        "discrepancy_paise": -50,
        "collected_at": cod.data["collected_at"],
    }

    rec = body(await client.get(f"{API}/agents/{other.agent_id}/cod", headers=raj.headers))
    assert rec["duePaise"] == 25_050 and rec["collectedPaise"] == 25_000 and rec["discrepancyPaise"] == -50
    assert rec["lines"][0]["orderId"] == order_id
    listing = body(await client.get(f"{API}/stores/{store}/deliveries?status=DELIVERED", headers=raj.headers))
    assert [d["assignmentId"] for d in listing["items"]] == [assignment_id]
    assert body(await client.get(f"{API}/track/{order_id}", headers=meera.headers))["deliveryCode"] is None
