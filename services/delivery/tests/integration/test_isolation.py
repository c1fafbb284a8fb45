"""The isolation matrix: every route of the OpenAPI document, called with a victim's ids by everyone else —
another merchant, another merchant's agent, an agent of the same merchant, another customer, the founder, and
nobody. Nobody gets the victim's data: 404 for objects under their own token's scope, 403 for a role the route is
not for, 401 without a token; a 200 only for `/me` routes, and then without a trace of the victim."""

import re

import pytest

from webdpro_core import clock

pytestmark = pytest.mark.integration

API = "/api/delivery"

BODIES = {
    ("post", "/me/shift"): {"onShift": True},
    ("post", "/me/location"): {"lat": 19.07, "lng": 72.87, "accuracy": 5, "at": None},
    ("post", "/assignments/{assignment_id}/delivered"): {"code": "1234"},
    ("post", "/assignments/{assignment_id}/cash-collected"): {"amountPaise": 100},
    ("post", "/assignments/{assignment_id}/failed"): {"reason": "not home"},
    ("post", "/assignments/{assignment_id}/proof-upload"): {"contentType": "image/jpeg"},
    ("put", "/stores/{store_id}/settings"): {"autoAssign": False},
    ("post", "/stores/{store_id}/orders/{order_id}/assign"): {"agentId": None},
}


def _routes(doc: dict) -> list[tuple[str, str]]:
    out = []
    for path, ops in doc["paths"].items():
        for method in ops:
            if method in ("get", "post", "put", "patch", "delete"):
                out.append((method, path.removeprefix(API)))
    return sorted(out)


async def test_every_route_refuses_everyone_but_the_owner(client, world, events, mint):
    doc = (await client.get(f"{API}/schema/openapi.json")).json()
    routes = _routes(doc)
    assert len(routes) >= 17, routes

    victim = world.merchant()
    store = await world.store(victim)
    agent = await world.agent(victim, "Victor Agent", on_shift=True)
    meera = world.customer()
    order_id = await world.order(victim, store, meera)
    assignment = (await events.wait("delivery.assigned", order_id)).data["assignment_id"]
    code = await world.code(victim, order_id)
    await client.post(
        f"{API}/me/location",
        json={"lat": 19.07, "lng": 72.87, "accuracy": 5, "at": clock.iso()},
        headers=agent.headers,
    )
    ids = {"store_id": store, "order_id": order_id, "assignment_id": assignment, "agent_id": agent.agent_id}
    secrets = [order_id, assignment, agent.agent_id, agent.phone, store]

    other = world.merchant()
    await world.store(other)
    other_agent = await world.agent(other, "Other Agent", on_shift=True)
    colleague = await world.agent(victim, "Colleague Agent")
    attackers = {
        "other merchant": other.headers,
        "other merchant's agent": other_agent.headers,
        "same merchant, another agent": colleague.headers,
        "another customer": world.customer().headers,
        "founder": mint.headers("SUPER_ADMIN", phone="+919000000001"),
        "nobody": {},
    }
    role_of = {"agent": "DELIVERY_AGENT", "merchant": "BUSINESS_OWNER", "customer": "CUSTOMER"}
    tags = {
        (method, path.removeprefix(API)): ops[method]["tags"][0]
        for path, ops_ in doc["paths"].items()
        for method, ops in [(m, ops_) for m in ops_]
        if method in ("get", "post", "put")
    }
    seen = []
    for method, path in routes:
        url = API + re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)
        payload = BODIES.get((method, path))
        if payload is not None:
            payload = {
                k: (clock.iso() if k == "at" else other_agent.agent_id if k == "agentId" else v)
                for k, v in payload.items()
            }
            if v_none := [k for k, v in payload.items() if v is None]:
                raise AssertionError(v_none)
        tag = tags[(method, path)]
        for who, headers in attackers.items():
            r = await client.request(method.upper(), url, json=payload, headers=headers)
            seen.append((method, path, who, r.status_code))
            assert r.status_code != 500, (method, path, who, r.text)
            if who == "nobody":
                assert r.status_code == 401, (method, path, who, r.status_code)
                continue
            if r.status_code in (200, 202):
                assert path.startswith("/me/") or path in ("/agents", "/cod"), (method, path, who, r.text)
                assert not any(s in r.text for s in secrets), (method, path, who, r.text)
                assert code not in r.text or path == "/me/location", (method, path, who)
                continue
            assert r.status_code in (403, 404), (method, path, who, r.status_code, r.text)
            caller_role = {
                "other merchant": "BUSINESS_OWNER",
                "other merchant's agent": "DELIVERY_AGENT",
                "same merchant, another agent": "DELIVERY_AGENT",
                "another customer": "CUSTOMER",
                "founder": "SUPER_ADMIN",
            }[who]
            if caller_role == role_of[tag] and "{" in path:
                # The right role with someone else's object: not found, never "forbidden" (no hint it exists).
                assert r.status_code == 404, (method, path, who, r.status_code, r.text)

    # The owners themselves get through on every read.
    own = {"agent": agent.headers, "merchant": victim.headers, "customer": meera.headers}
    for method, path in routes:
        if method != "get":
            continue
        url = API + re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)
        r = await client.get(url, headers=own[tags[(method, path)]])
        assert r.status_code == 200, (path, r.text)
    assert len(seen) == len(routes) * len(attackers)
