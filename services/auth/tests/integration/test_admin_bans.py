"""The founder's bans arriving as `admin.ban_issued` (published on admin's topic, consumed by auth's queue)."""

import asyncio
import time

import pytest

from auth.domain.identity import normalize
from webdpro_core import ids
from webdpro_events import SnsPublisher, new_event, topic_arn

pytestmark = pytest.mark.integration


def bearer(tokens: dict) -> dict:
    return {"authorization": f"Bearer {tokens['accessToken']}"}


@pytest.fixture
def issue_ban(aws, names, settings):
    async def _issue(
        kind: str, value: str, *, ban_id: str | None = None, tenant_id: str | None = None
    ) -> str:
        ban_id = ban_id or ids.new_id("ban")
        sns = await aws.get("sns")
        arn = await topic_arn(aws, names.topic("admin"), settings.aws_region)
        data = {
            "ban_id": ban_id,
            "kind": kind,
            "value": value,
            "tenant_id": tenant_id or (value if kind == "tenant" else None),
            "reason": "fraudulent orders",
            "actor": "usr_founder",
        }
        await SnsPublisher(sns, arn).publish(
            new_event("admin.ban_issued", data, tenant_id=data["tenant_id"], source="admin")
        )
        return ban_id

    return _issue


async def _until(probe, what: str, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)


async def _refused_refresh(client, tokens: dict) -> dict:
    """Refresh with the latest token until auth refuses it (each success hands out the next token)."""
    current = tokens["refreshToken"]

    async def probe():
        nonlocal current
        r = await client.post("/api/auth/token/refresh", json={"refreshToken": current})
        if r.status_code == 200:
            current = r.json()["refreshToken"]
            return None
        return r

    r = await _until(probe, "the refresh token to be refused")
    assert r.status_code == 401, r.text
    return {"status": r.status_code, "code": r.json()["code"], "token": current}


async def _verify(client, read_code, skip_resend_gap, destination: str, role: str):
    channel, normalized = normalize(destination)
    await skip_resend_gap(destination)
    r = await client.post(
        "/api/auth/otp/request",
        json={"channel": channel, "destination": destination},
        headers={"x-forwarded-for": f"10.77.{int(time.time()) % 250}.{len(destination) % 250}"},
    )
    assert r.status_code == 202, r.text
    return await client.post(
        "/api/auth/otp/verify",
        json={"destination": destination, "code": read_code(normalized), "role": role},
    )


async def test_a_phone_ban_refuses_an_existing_session_and_the_next_otp_login(
    client, login, phone, issue_ban, read_code, skip_resend_gap
):
    victim = await login(phone, "CUSTOMER")
    await issue_ban("phone", phone)
    refused = await _refused_refresh(client, victim)
    assert refused["code"] in ("REFRESH_INVALID", "ACCOUNT_BANNED")
    r = await _verify(client, read_code, skip_resend_gap, phone, "CUSTOMER")
    assert r.status_code == 403 and r.json()["code"] == "ACCOUNT_BANNED"
    # The same phone as a merchant is banned too (the ban is on the phone, whatever the role).
    r = await _verify(client, read_code, skip_resend_gap, phone, "BUSINESS_OWNER")
    assert r.status_code == 403


async def test_a_phone_banned_before_it_registers_can_never_sign_in(
    client, phone, issue_ban, repo, read_code, skip_resend_gap
):
    await issue_ban("phone", phone)
    await _until(lambda: repo.get_ban(phone), "the ban to be recorded")
    r = await _verify(client, read_code, skip_resend_gap, phone, "CUSTOMER")
    assert r.status_code == 403 and r.json()["code"] == "ACCOUNT_BANNED"
    assert await repo.user_for("CUSTOMER", phone) is None


async def test_an_email_ban_and_its_replay(client, login, issue_ban, repo, read_code, skip_resend_gap):
    email = f"{ids.new_id('m')}@curam.example"
    victim = await login(email, "BUSINESS_OWNER")
    ban_id = await issue_ban("email", email.upper())  # normalised like a login
    await _refused_refresh(client, victim)
    first = await repo.get_ban(email)
    assert first["ban_id"] == ban_id and first["kind"] == "email"
    await issue_ban("email", email, ban_id=ban_id)  # the same ban again: nothing new is recorded
    await asyncio.sleep(2)
    assert (await repo.get_ban(email))["banned_at"] == first["banned_at"]
    r = await _verify(client, read_code, skip_resend_gap, email, "BUSINESS_OWNER")
    assert r.status_code == 403


async def test_a_tenant_ban_covers_the_owner_and_the_agents(
    client, login, phone, issue_ban, repo, read_code, skip_resend_gap
):
    owner = await login(phone, "BUSINESS_OWNER")
    tenant = (await client.get("/api/auth/me", headers=bearer(owner))).json()["tenantId"]
    agent_phone = phone.replace("+9198", "+9179")
    invite = await client.post(
        "/api/auth/agents/invites", json={"phone": agent_phone, "name": "Ravi"}, headers=bearer(owner)
    )
    assert invite.status_code == 201, invite.text
    agent = await login(agent_phone, "DELIVERY_AGENT")
    bystander = await login(phone.replace("+9198", "+9178"), "BUSINESS_OWNER")

    second_session = await login(phone, "BUSINESS_OWNER")

    await issue_ban("tenant", tenant)
    await _refused_refresh(client, owner)
    # The other sessions are ended by the ban itself (never presented since), not only refused at refresh.
    for session in (second_session, agent):
        family_id = session["refreshToken"].split(".", 1)[0]
        family = await repo.get_family(family_id)
        assert family["revoked"] is True and family["revoked_reason"] == "banned"
    assert (await _refused_refresh(client, agent))["status"] == 401
    r = await _verify(client, read_code, skip_resend_gap, phone, "BUSINESS_OWNER")
    assert r.status_code == 403 and r.json()["code"] == "ACCOUNT_BANNED"
    # Another tenant is untouched.
    ok = await client.post("/api/auth/token/refresh", json={"refreshToken": bystander["refreshToken"]})
    assert ok.status_code == 200
