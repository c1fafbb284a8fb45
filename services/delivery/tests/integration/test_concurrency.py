"""Against the real process (granian, its own consumer on its own queue): concurrent taps and guesses make one
change, and events published on SNS reach the service through its queue's subscription."""

import asyncio

import pytest

from webdpro_core import ids
from webdpro_events import SnsPublisher, new_event, topic_arn

pytestmark = pytest.mark.integration

API = "/api/delivery"


async def _assigned(world, events):
    m = world.merchant()
    store = await world.store(m)
    agent = await world.agent(m, on_shift=True)
    order_id = await world.order(m, store)
    assignment = (await events.wait("delivery.assigned", order_id)).data["assignment_id"]
    return m, store, agent, order_id, assignment


async def test_twelve_concurrent_wrong_codes_spend_exactly_five_tries(
    served, http_client, world, events, deps
):
    m, _, agent, order_id, a = await _assigned(world, events)
    url = f"{served}{API}/assignments/{a}"
    assert (await http_client.post(f"{url}/picked", headers=agent.headers)).status_code == 200
    code = await world.code(m, order_id)
    wrong = "0000" if code != "0000" else "1111"
    answers = await asyncio.gather(
        *(
            http_client.post(f"{url}/delivered", json={"code": wrong}, headers=agent.headers)
            for _ in range(12)
        )
    )
    codes = sorted(r.json()["code"] for r in answers)
    assert codes.count("DELIVERY_CODE_WRONG") == 5 and codes.count("DELIVERY_CODE_LOCKED") == 7, codes
    assert (await deps.repo.get_order(m.tenant, order_id))["code_tries"] == 5


async def test_concurrent_taps_make_one_change(served, http_client, world, events):
    m, _, agent, order_id, a = await _assigned(world, events)
    url = f"{served}{API}/assignments/{a}"
    picks = await asyncio.gather(
        *(http_client.post(f"{url}/picked", headers=agent.headers) for _ in range(10))
    )
    assert sorted(r.status_code for r in picks) == [200] + [409] * 9, [r.text for r in picks]
    cash = await asyncio.gather(
        *(
            http_client.post(f"{url}/cash-collected", json={"amountPaise": 12_000}, headers=agent.headers)
            for _ in range(8)
        )
    )
    assert sorted(r.status_code for r in cash) == [200] + [409] * 7, [r.text for r in cash]
    code = await world.code(m, order_id)
    done = await asyncio.gather(
        *(http_client.post(f"{url}/delivered", json={"code": code}, headers=agent.headers) for _ in range(6))
    )
    assert sorted(r.status_code for r in done) == [200] + [409] * 5, [r.text for r in done]
    await events.wait("cod.collected", order_id)
    await events.drain()
    assert len(events.of(order_id, "delivery.picked_up")) == 1
    assert len(events.of(order_id, "cod.collected")) == 1
    assert len(events.of(order_id, "delivery.delivered")) == 1


async def test_two_merchant_taps_assigning_to_different_agents(served, http_client, world, events, deps):
    m = world.merchant()
    store = await world.store(m)
    agents = [await world.agent(m, f"Agent {i}") for i in range(4)]
    order_id = await world.order(m, store)  # nobody on shift: waits for the merchant
    answers = await asyncio.gather(
        *(
            http_client.post(
                f"{served}{API}/stores/{store}/orders/{order_id}/assign",
                json={"agentId": a.agent_id},
                headers=m.headers,
            )
            for a in agents
        )
    )
    statuses = [r.status_code for r in answers]
    assert all(s in (200, 201, 409) for s in statuses) and 201 in statuses, [r.text for r in answers]
    listed = (await http_client.get(f"{served}{API}/agents", headers=m.headers)).json()["items"]
    assert sum(a["activeDeliveries"] for a in listed) == 1
    order = await deps.repo.get_order(m.tenant, order_id)
    current = await deps.repo.get_assignment(m.tenant, order["assignment_id"])
    assert current["status"] == "ASSIGNED" and current["agent_id"] == order["agent_id"]


async def test_events_reach_the_service_through_its_queue(served, http_client, aws, names, settings, mint):
    tenant, agent_id = ids.new_id("tnt"), ids.new_id("agt")
    sns = await aws.get("sns")
    arn = await topic_arn(aws, names.topic("auth"), settings.aws_region)
    data = {"agent_id": agent_id, "tenant_id": tenant, "name": "Queue Quinn", "phone_number": "+919811111111"}
    await SnsPublisher(sns, arn).publish(new_event("agent.joined", data, tenant_id=tenant, source="auth"))
    merchant = mint.headers("BUSINESS_OWNER", tenant_id=tenant)
    for _ in range(150):
        items = (await http_client.get(f"{served}{API}/agents", headers=merchant)).json()["items"]
        if items:
            break
        await asyncio.sleep(0.1)
    assert [(a["agentId"], a["status"], a["onShift"]) for a in items] == [(agent_id, "active", False)]
    headers = mint.headers("DELIVERY_AGENT", sub=agent_id, tenant_id=tenant)
    r = await http_client.post(f"{served}{API}/me/shift", json={"onShift": True}, headers=headers)
    assert r.status_code == 200 and r.json() == {"agentId": agent_id, "onShift": True}
