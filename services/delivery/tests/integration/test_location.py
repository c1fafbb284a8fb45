"""Location: single and batched points, validation, the last position per agent, the sampled trail, and what
the customer sees of it (only while their order is out for delivery; never the agent's number)."""

import asyncio
from datetime import timedelta

import pytest

from delivery.adapters.repository import assignment_key
from webdpro_core import clock

pytestmark = pytest.mark.integration

API = "/api/delivery"


def at(seconds_ago: float = 0.0) -> str:
    return clock.iso(clock.now() - timedelta(seconds=seconds_ago))


def point(lat=19.0760, lng=72.8777, ago=0.0, **extra) -> dict:
    return {"lat": lat, "lng": lng, "accuracy": 8.5, "at": at(ago), **extra}


async def test_single_and_batched_points_keep_the_newest_as_last_position(client, world, deps, flush):
    m = world.merchant()
    agent = await world.agent(m)
    one = await client.post(f"{API}/me/location", json=point(heading=90), headers=agent.headers)
    assert one.status_code == 202, one.text
    assert one.json()["accepted"] == 1
    await flush()
    pos = await deps.repo.get_position(m.tenant, agent.agent_id)
    assert pos["heading"] == 90 and pos["at"] == one.json()["positionAt"]
    # A batch older than the stored position (a phone catching up) does not move it back.
    batch = [point(19.0800, ago=40), point(19.0900, ago=2), point(19.0850, ago=20)]
    r = await client.post(f"{API}/me/location", json=batch, headers=agent.headers)
    assert r.status_code == 202 and r.json()["accepted"] == 3 and r.json()["positionAt"] < pos["at"]
    await flush()
    assert (await deps.repo.get_position(m.tenant, agent.agent_id))["at"] == pos["at"]
    # Within one flush interval only the newest point is written.
    for lat in (19.1, 19.3, 19.2):
        ago = {19.1: 3, 19.3: 0, 19.2: 1}[lat]
        assert (
            await client.post(f"{API}/me/location", json=point(lat, ago=ago), headers=agent.headers)
        ).status_code == 202
    assert await flush() == 1
    pos = await deps.repo.get_position(m.tenant, agent.agent_id)
    assert (pos["lat"], pos["lng"], pos["accuracy"]) == ("19.300000", "72.877700", 8) and "heading" not in pos
    listed = (await client.get(f"{API}/agents", headers=m.headers)).json()["items"][0]
    assert listed["lastPosition"]["lat"] == "19.300000" and listed["lastPosition"]["at"] == pos["at"]


async def test_bad_points_are_422_with_the_field(client, world, deps, flush):
    m = world.merchant()
    agent = await world.agent(m)
    cases = [
        (point(lat=91), "lat"),
        (point(lng=-180.5), "lng"),
        ({**point(), "accuracy": -1}, "accuracy"),
        (point(heading=361), "heading"),
        ({k: v for k, v in point().items() if k != "at"}, "at"),
        ({**point(), "at": "yesterday"}, "at"),
        ({**point(), "speed": 3}, "speed"),
        ([], "points"),
        ([point()] * 101, "points"),
    ]
    for payload, field in cases:
        r = await client.post(f"{API}/me/location", json=payload, headers=agent.headers)
        assert r.status_code == 422, (payload, r.text)
        assert field in r.json()["errors"][0]["field"], (field, r.json())
    future = await client.post(f"{API}/me/location", json=[point(), point(ago=-120)], headers=agent.headers)
    assert future.status_code == 422 and future.json()["code"] == "LOCATION_IN_FUTURE"
    assert future.json()["errors"][0]["field"] == "points[1].at"
    old = await client.post(f"{API}/me/location", json=point(ago=7 * 3600), headers=agent.headers)
    assert old.status_code == 422 and old.json()["code"] == "LOCATION_TOO_OLD"
    naive = await client.post(
        f"{API}/me/location", json={**point(), "at": "2026-01-01T10:00:00"}, headers=agent.headers
    )
    assert naive.status_code == 422
    # Nothing of a refused batch was written.
    await flush()
    assert await deps.repo.get_position(m.tenant, agent.agent_id) is None


async def test_removed_and_unknown_agents_and_other_roles_are_refused(
    client, world, mint, deps, flush, settings
):
    m = world.merchant()
    agent = await world.agent(m)
    sent = await client.post(f"{API}/me/location", json=point(19.1, ago=5), headers=agent.headers)
    assert sent.status_code == 202
    await world.send("agent.removed", {"agent_id": agent.agent_id, "tenant_id": m.tenant}, m.tenant, "auth")
    # Until this process looks the merchant's agents up again (`agent_status_ttl_seconds`), it may still take them.
    late = await client.post(f"{API}/me/location", json=point(19.2), headers=agent.headers)
    assert late.status_code in (202, 403)
    await asyncio.sleep(settings.agent_status_ttl_seconds)
    await flush()
    # The snapshot is stale now: it is fetched again in the background, and the next requests are refused.
    for _ in range(20):
        r = await client.post(f"{API}/me/location", json=point(19.3), headers=agent.headers)
        if r.status_code == 403:
            break
        await asyncio.sleep(0.1)
    assert r.status_code == 403 and r.json()["code"] == "AGENT_REMOVED"
    await flush()
    last = await deps.repo.get_position(m.tenant, agent.agent_id)
    r = await client.post(f"{API}/me/location", json=point(19.4), headers=agent.headers)
    assert r.status_code == 403
    await flush()
    assert await deps.repo.get_position(m.tenant, agent.agent_id) == last  # nothing more is stored
    stranger = mint.headers("DELIVERY_AGENT", sub="agt_unknown", tenant_id=m.tenant)
    r = await client.post(f"{API}/me/location", json=point(), headers=stranger)
    assert r.status_code == 403 and r.json()["code"] == "AGENT_UNKNOWN"
    # The same agent id under another tenant's token is not this agent.
    other = world.merchant()
    forged = mint.headers("DELIVERY_AGENT", sub=agent.agent_id, tenant_id=other.tenant)
    assert (await client.post(f"{API}/me/location", json=point(), headers=forged)).status_code == 403
    assert (await client.post(f"{API}/me/location", json=point(), headers=m.headers)).status_code == 403
    assert (await client.post(f"{API}/me/location", json=point())).status_code == 401


async def test_trail_is_sampled_and_the_customer_sees_the_agent_only_while_out_for_delivery(
    client, world, events, settings, deps, flush
):
    m = world.merchant()
    store = await world.store(m)
    agent = await world.agent(m, "Ravi Shankar", on_shift=True)
    meera = world.customer()
    order_id = await world.order(m, store, meera)
    a = (await events.wait("delivery.assigned", order_id)).data["assignment_id"]
    await client.post(f"{API}/me/location", json=point(19.05, ago=200), headers=agent.headers)
    track = (await client.get(f"{API}/track/{order_id}", headers=meera.headers)).json()
    assert track["status"] == "AGENT_ASSIGNED" and track["agentPosition"] is None
    assert track["agent"] == {"name": "Ravi", "phoneMasked": track["agent"]["phoneMasked"]}
    assert agent.phone[-10:-3] not in track["agent"]["phoneMasked"]

    assert (await client.post(f"{API}/assignments/{a}/picked", headers=agent.headers)).status_code == 200
    # As if the parcel had been picked up 2.5 minutes ago (the trail window starts there).
    await deps.repo.table.update(assignment_key(m.tenant, a), "SET picked_at = :p", values={":p": at(150)})
    # Two minutes of points, one every 2 s, in one catch-up batch: the trail keeps one per interval.
    batch = [point(19.05 + i * 0.0001, ago=(60 - i) * 2 - 0.5) for i in range(60)]
    await client.post(f"{API}/me/location", json=batch[:40], headers=agent.headers)
    await client.post(f"{API}/me/location", json=batch[40:], headers=agent.headers)
    await flush()
    track = (await client.get(f"{API}/track/{order_id}", headers=meera.headers)).json()
    assert track["status"] == "OUT_FOR_DELIVERY"
    assert track["agentPosition"]["lat"] == f"{19.05 + 59 * 0.0001:.6f}"
    assert "phone" not in str(track).replace("phoneMasked", "")

    code = track["deliveryCode"]
    assert (
        await client.post(f"{API}/assignments/{a}/delivered", json={"code": code}, headers=agent.headers)
    ).status_code == 200
    detail = (await client.get(f"{API}/deliveries/{a}", headers=m.headers)).json()
    trail = detail["trail"]
    # Points before the pick-up are not part of this delivery's trail.
    assert trail and all(p["at"] >= detail["pickedAt"] for p in trail)
    assert (
        120 // settings.trail_interval_seconds - 1 <= len(trail) <= 120 // settings.trail_interval_seconds + 2
    )
    assert [p["at"] for p in trail] == sorted(p["at"] for p in trail)
    done = (await client.get(f"{API}/track/{order_id}", headers=meera.headers)).json()
    assert done["status"] == "DELIVERED" and done["agentPosition"] is None and done["agent"] is None
    assert done["deliveryCode"] is None and done["proof"] == "code"


async def test_tracking_is_the_customers_own_order_only(client, world, mint):
    m = world.merchant()
    store = await world.store(m)
    meera = world.customer()
    order_id = await world.order(m, store, meera, packed=False)
    mine = await client.get(f"{API}/track/{order_id}", headers=meera.headers)
    assert mine.status_code == 200 and mine.json()["status"] == "AWAITING_AGENT"
    someone = world.customer()
    r = await client.get(f"{API}/track/{order_id}", headers=someone.headers)
    assert r.status_code == 404 and r.json()["code"] == "ORDER_NOT_FOUND"
    no_phone = mint.headers("CUSTOMER")
    r = await client.get(f"{API}/track/{order_id}", headers=no_phone)
    assert r.status_code == 403 and r.json()["code"] == "PHONE_REQUIRED"
    assert (await client.get(f"{API}/track/{order_id}", headers=m.headers)).status_code == 403
