import pytest

pytestmark = pytest.mark.integration


def bearer(tokens: dict) -> dict:
    return {"authorization": f"Bearer {tokens['accessToken']}"}


async def test_refresh_rotates_and_reuse_revokes_the_family(client, login, phone):
    first = await login(phone, "CUSTOMER")
    r = await client.post("/api/auth/token/refresh", json={"refreshToken": first["refreshToken"]})
    assert r.status_code == 200
    second = r.json()
    assert second["refreshToken"] != first["refreshToken"]
    reused = await client.post("/api/auth/token/refresh", json={"refreshToken": first["refreshToken"]})
    assert reused.status_code == 401 and reused.json()["code"] == "REFRESH_REUSED"
    # the thief's reuse ended the family: the legitimate latest token is dead too
    after = await client.post("/api/auth/token/refresh", json={"refreshToken": second["refreshToken"]})
    assert after.status_code == 401


async def test_logout_ends_the_session(client, login, phone):
    tokens = await login(phone, "CUSTOMER")
    r = await client.post(
        "/api/auth/logout", json={"refreshToken": tokens["refreshToken"]}, headers=bearer(tokens)
    )
    assert r.status_code == 204
    r = await client.post("/api/auth/token/refresh", json={"refreshToken": tokens["refreshToken"]})
    assert r.status_code == 401


async def test_invited_agent_signs_in_with_the_merchants_tenant_and_only_the_merchant_sees_them(
    client, login, phone
):
    owner = await login(phone, "BUSINESS_OWNER")
    other_owner = await login(phone.replace("+9198", "+9187"), "BUSINESS_OWNER")
    agent_phone = phone.replace("+9198", "+9176")

    r = await client.post("/api/auth/otp/request", json={"channel": "sms", "destination": agent_phone})
    assert r.status_code == 202  # same answer before any invite
    r = await client.post(
        "/api/auth/otp/verify", json={"destination": agent_phone, "code": "000000", "role": "DELIVERY_AGENT"}
    )
    assert r.status_code in (403, 422)

    invite = await client.post(
        "/api/auth/agents/invites", json={"phone": agent_phone, "name": "Suresh"}, headers=bearer(owner)
    )
    assert invite.status_code == 201, invite.text
    agent_id = invite.json()["agentId"]
    dup = await client.post(
        "/api/auth/agents/invites", json={"phone": agent_phone, "name": "Suresh"}, headers=bearer(owner)
    )
    assert dup.status_code == 409

    agent = await login(agent_phone, "DELIVERY_AGENT", ip="10.5.0.1")
    me = (await client.get("/api/auth/me", headers=bearer(agent))).json()
    owner_me = (await client.get("/api/auth/me", headers=bearer(owner))).json()
    assert (
        me["userId"] == agent_id and me["tenantId"] == owner_me["tenantId"] and me["role"] == "DELIVERY_AGENT"
    )

    listed = (await client.get("/api/auth/agents", headers=bearer(owner))).json()["items"]
    assert [a["agentId"] for a in listed] == [agent_id] and listed[0]["status"] == "active"
    assert (await client.get("/api/auth/agents", headers=bearer(other_owner))).json()["items"] == []
    stranger = await client.delete(f"/api/auth/agents/{agent_id}", headers=bearer(other_owner))
    assert stranger.status_code == 404

    customer = await login(phone.replace("+9198", "+9165"), "CUSTOMER")
    assert (await client.get("/api/auth/agents", headers=bearer(customer))).status_code == 403
    assert (await client.get("/api/auth/agents", headers=bearer(agent))).status_code == 403

    assert (await client.delete(f"/api/auth/agents/{agent_id}", headers=bearer(owner))).status_code == 204
    refused = await client.post("/api/auth/token/refresh", json={"refreshToken": agent["refreshToken"]})
    assert refused.status_code == 401
    r = await client.post(
        "/api/auth/otp/request",
        json={"channel": "sms", "destination": agent_phone},
        headers={"x-forwarded-for": "10.5.0.2"},
    )
    assert r.status_code in (202, 429)


async def test_ban_refuses_login_and_revokes_sessions(client, login, phone):
    founder = await login("founder@webdpro.in", "SUPER_ADMIN")
    victim = await login(phone, "CUSTOMER")
    owner = await login(phone.replace("+9198", "+9194"), "BUSINESS_OWNER")
    assert (
        await client.post("/api/auth/bans", json={"phone": phone, "reason": "abuse"}, headers=bearer(owner))
    ).status_code == 403
    r = await client.post(
        "/api/auth/bans", json={"phone": phone, "reason": "fraudulent orders"}, headers=bearer(founder)
    )
    assert r.status_code == 201 and r.json()["sessionsRevoked"] >= 1
    refresh = await client.post("/api/auth/token/refresh", json={"refreshToken": victim["refreshToken"]})
    assert refresh.status_code == 401
    with pytest.raises(AssertionError):
        await login(phone, "CUSTOMER")


async def test_key_rotation_keeps_old_tokens_valid_and_signs_new_ones_with_the_new_key(
    client, signing_keys, login, phone
):
    import jwt

    before = await login(phone, "CUSTOMER")
    new_kid = await signing_keys.rotate()  # what `python -m auth.rotate_keys` does
    jwks = (await client.get("/api/auth/.well-known/jwks.json")).json()
    assert new_kid in [k["kid"] for k in jwks["keys"]] and len(jwks["keys"]) >= 2
    assert (await client.get("/api/auth/me", headers=bearer(before))).status_code == 200
    after = await login(phone.replace("+9198", "+9193"), "CUSTOMER")
    assert jwt.get_unverified_header(after["accessToken"])["kid"] == new_kid
    assert (await client.get("/api/auth/me", headers=bearer(after))).status_code == 200
