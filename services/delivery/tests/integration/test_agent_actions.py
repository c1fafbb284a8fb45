"""An agent's actions out of order, the delivery code's five tries, photo proof, and cash rules."""

import httpx
import pytest

pytestmark = pytest.mark.integration

API = "/api/delivery"


async def _assigned(world, events, *, method="COD", amount=12_000):
    m = world.merchant()
    store = await world.store(m)
    agent = await world.agent(m, on_shift=True)
    order_id = await world.order(m, store, method=method, amount=amount)
    e = await events.wait("delivery.assigned", order_id)
    return m, store, agent, order_id, e.data["assignment_id"]


async def test_transitions_out_of_order_are_409(client, world, events):
    m, _, agent, order_id, a = await _assigned(world, events)
    code = await world.code(m, order_id)
    url = f"{API}/assignments/{a}"
    before = await client.post(f"{url}/delivered", json={"code": code}, headers=agent.headers)
    assert before.status_code == 409 and before.json()["code"] == "INVALID_TRANSITION"
    cash_early = await client.post(
        f"{url}/cash-collected", json={"amountPaise": 12_000}, headers=agent.headers
    )
    assert cash_early.status_code == 409 and cash_early.json()["code"] == "INVALID_TRANSITION"
    assert (await client.post(f"{url}/picked", headers=agent.headers)).status_code == 200
    twice = await client.post(f"{url}/picked", headers=agent.headers)
    assert twice.status_code == 409 and twice.json()["code"] == "INVALID_TRANSITION"
    assert twice.headers["content-type"].startswith("application/problem+json")
    # Cash before the doorstep code is fine (the customer pays, then reads the code out).
    cash = await client.post(f"{url}/cash-collected", json={"amountPaise": 12_000}, headers=agent.headers)
    assert cash.status_code == 200 and cash.json()["status"] == "PICKED_UP" and cash.json()["open"] is True
    again = await client.post(f"{url}/cash-collected", json={"amountPaise": 12_000}, headers=agent.headers)
    assert again.status_code == 409 and again.json()["code"] == "CASH_ALREADY_RECORDED"
    fail = await client.post(f"{url}/failed", json={"reason": "refused"}, headers=agent.headers)
    assert fail.status_code == 409 and fail.json()["code"] == "CASH_ALREADY_RECORDED"
    done = await client.post(f"{url}/delivered", json={"code": code}, headers=agent.headers)
    assert done.status_code == 200 and done.json()["open"] is False
    again = await client.post(f"{url}/delivered", json={"code": code}, headers=agent.headers)
    assert again.status_code == 409
    rec = (await client.get(f"{API}/agents/{agent.agent_id}/cod", headers=m.headers)).json()
    assert rec["collectedPaise"] == 12_000 and rec["discrepancyPaise"] == 0 and rec["pendingPaise"] == 0
    cod = await events.wait("cod.collected", order_id)
    assert cod.data["discrepancy_paise"] == 0 and cod.data["due_paise"] == 12_000


async def test_bad_bodies_are_422_with_the_field(client, world, events):
    _, _, agent, _, a = await _assigned(world, events)
    url = f"{API}/assignments/{a}"
    await client.post(f"{url}/picked", headers=agent.headers)
    cases = [
        ("delivered", {}, "PROOF_REQUIRED"),
        ("delivered", {"code": "1234", "photoKey": "x"}, "PROOF_REQUIRED"),
        ("delivered", {"code": "12a4"}, "VALIDATION_FAILED"),
        ("delivered", {"code": "1234", "extra": True}, "VALIDATION_FAILED"),
        ("cash-collected", {"amountPaise": -1}, "VALIDATION_FAILED"),
        ("cash-collected", {"amountPaise": 10.5}, "VALIDATION_FAILED"),
        ("cash-collected", {"amountPaise": None}, "VALIDATION_FAILED"),
        ("failed", {"reason": "x" * 301}, "VALIDATION_FAILED"),
        ("proof-upload", {"contentType": "application/pdf"}, "VALIDATION_FAILED"),
    ]
    for action, payload, code in cases:
        r = await client.post(f"{url}/{action}", json=payload, headers=agent.headers)
        assert r.status_code == 422, (action, payload, r.text)
        assert r.json()["code"] == code and r.json()["errors"], (action, payload, r.json())
    garbage = await client.post(f"{url}/delivered", content=b"{not json", headers=agent.headers)
    assert garbage.status_code in (400, 422) and garbage.json()["code"]
    missing = await client.post(f"{API}/assignments/asg_nope/picked", headers=agent.headers)
    assert missing.status_code == 404 and missing.json()["code"] == "ASSIGNMENT_NOT_FOUND"


async def test_five_wrong_codes_lock_the_code_and_a_photo_still_proves_it(client, world, events, aws, names):
    m, _, agent, order_id, a = await _assigned(world, events, method="UPI")
    code = await world.code(m, order_id)
    wrong = "0000" if code != "0000" else "1111"
    url = f"{API}/assignments/{a}"
    await client.post(f"{url}/picked", headers=agent.headers)
    lefts = []
    for _ in range(5):
        r = await client.post(f"{url}/delivered", json={"code": wrong}, headers=agent.headers)
        assert r.status_code == 422 and r.json()["code"] == "DELIVERY_CODE_WRONG"
        lefts.append(r.json()["detail"])
    assert "4 tries left" in lefts[0] and "0 tries left" in lefts[-1]
    locked = await client.post(f"{url}/delivered", json={"code": code}, headers=agent.headers)
    assert locked.status_code == 409 and locked.json()["code"] == "DELIVERY_CODE_LOCKED"

    # Not an online order's cash: 409.
    cash = await client.post(f"{url}/cash-collected", json={"amountPaise": 1}, headers=agent.headers)
    assert cash.status_code == 409 and cash.json()["code"] == "NOT_CASH_ON_DELIVERY"

    # Photo proof: presigned PUT straight to S3, then "delivered" names the key.
    up = await client.post(f"{url}/proof-upload", json={"contentType": "image/jpeg"}, headers=agent.headers)
    assert up.status_code == 200, up.text
    ticket = up.json()
    assert ticket["photoKey"].startswith(f"delivery-proofs/{m.tenant}/{a}/")
    not_yet = await client.post(
        f"{url}/delivered", json={"photoKey": ticket["photoKey"]}, headers=agent.headers
    )
    assert not_yet.status_code == 422 and not_yet.json()["code"] == "PHOTO_NOT_UPLOADED"
    elsewhere = await client.post(
        f"{url}/delivered",
        json={"photoKey": f"delivery-proofs/{m.tenant}/asg_other/x.jpg"},
        headers=agent.headers,
    )
    assert elsewhere.status_code == 422 and elsewhere.json()["errors"][0]["field"] == "photoKey"
    async with httpx.AsyncClient() as plain:
        put = await plain.put(
            ticket["uploadUrl"], content=b"\xff\xd8\xff" + b"0" * 2000, headers=ticket["headers"]
        )
    assert put.status_code == 200, put.text
    done = await client.post(f"{url}/delivered", json={"photoKey": ticket["photoKey"]}, headers=agent.headers)
    assert done.status_code == 200 and done.json()["proof"] == "photo" and done.json()["collectPaise"] == 0
    e = await events.wait("delivery.delivered", order_id)
    assert e.data["proof"] == "photo"
    detail = (await client.get(f"{API}/deliveries/{a}", headers=m.headers)).json()
    assert detail["proof"] == "photo" and detail["proofUrl"]
    async with httpx.AsyncClient() as plain:
        seen = await plain.get(detail["proofUrl"])
    assert seen.status_code == 200 and seen.content.startswith(b"\xff\xd8\xff")
    # Another upload after delivery: nothing left to prove.
    late = await client.post(f"{url}/proof-upload", json={"contentType": "image/png"}, headers=agent.headers)
    assert late.status_code == 409


async def test_a_photo_that_is_not_an_image_or_too_large_is_refused(client, world, events, settings):
    _, _, agent, _, a = await _assigned(world, events)
    url = f"{API}/assignments/{a}"
    await client.post(f"{url}/picked", headers=agent.headers)
    up = (
        await client.post(f"{url}/proof-upload", json={"contentType": "image/png"}, headers=agent.headers)
    ).json()
    async with httpx.AsyncClient() as plain:
        # S3 refuses another content type than the one signed; the emulator does not check it, so the service's
        # own check of the stored object is what refuses it here.
        text = await plain.put(up["uploadUrl"], content=b"hello", headers={"Content-Type": "text/plain"})
    if text.status_code == 200:
        r = await client.post(f"{url}/delivered", json={"photoKey": up["photoKey"]}, headers=agent.headers)
        assert r.status_code == 422 and r.json()["code"] == "PHOTO_NOT_AN_IMAGE"
    async with httpx.AsyncClient() as plain:
        big = b"\x89PNG" + b"0" * settings.proof_max_bytes
        assert (await plain.put(up["uploadUrl"], content=big, headers=up["headers"])).status_code == 200
    r = await client.post(f"{url}/delivered", json={"photoKey": up["photoKey"]}, headers=agent.headers)
    assert r.status_code == 422 and r.json()["code"] == "PHOTO_TOO_LARGE"


async def test_cash_with_a_shortfall_is_recorded_with_the_discrepancy(client, world, events, deps):
    m, store, agent, order_id, a = await _assigned(world, events, amount=48_000)
    s = await client.put(f"{API}/stores/{store}/settings", json={"agentCutBps": 1000}, headers=m.headers)
    assert s.status_code == 200 and s.json()["agentCutBps"] == 1000
    url = f"{API}/assignments/{a}"
    await client.post(f"{url}/picked", headers=agent.headers)
    code = await world.code(m, order_id)
    await client.post(f"{url}/delivered", json={"code": code}, headers=agent.headers)
    # Delivered, cash not recorded: still on the agent's list with what to collect; pending in reconciliation.
    mine = (await client.get(f"{API}/me/assignments", headers=agent.headers)).json()["items"]
    assert [(x["assignmentId"], x["collectPaise"]) for x in mine] == [(a, 48_000)]
    pending = (await client.get(f"{API}/cod", headers=m.headers)).json()
    assert pending["pendingPaise"] == 48_000 and pending["agents"][0]["agentId"] == agent.agent_id
    delivered = await events.wait("delivery.delivered", order_id)
    assert delivered.data["agent_cut_paise"] == 4_800
    r = await client.post(f"{url}/cash-collected", json={"amountPaise": 47_000}, headers=agent.headers)
    assert r.status_code == 200
    cod = await events.wait("cod.collected", order_id)
    assert cod.data["discrepancy_paise"] == -1_000 and cod.data["delivery_cut_paise"] == 4_800
    closed = (await client.get(f"{API}/me/assignments?open=false", headers=agent.headers)).json()["items"]
    assert [x["assignmentId"] for x in closed] == [a]
    rec = (await client.get(f"{API}/cod", headers=m.headers)).json()
    assert (rec["duePaise"], rec["collectedPaise"], rec["discrepancyPaise"], rec["pendingPaise"]) == (
        48_000,
        47_000,
        -1_000,
        0,
    )
    agents = (await client.get(f"{API}/agents", headers=m.headers)).json()["items"]
    assert agents[0]["cashCollectedPaise"] == 47_000 and agents[0]["codToday"]["collectedPaise"] == 47_000
