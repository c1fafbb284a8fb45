import asyncio

import pytest

pytestmark = pytest.mark.integration


def bearer(tokens: dict) -> dict:
    return {"authorization": f"Bearer {tokens['accessToken']}"}


async def _request(client, destination, ip="10.0.0.1"):
    channel = "email" if "@" in destination else "sms"
    return await client.post(
        "/api/auth/otp/request",
        json={"channel": channel, "destination": destination},
        headers={"x-forwarded-for": ip},
    )


async def test_merchant_first_login_creates_user_and_tenant(client, login, phone):
    tokens = await login(phone, "BUSINESS_OWNER")
    assert tokens["tokenType"] == "Bearer" and tokens["expiresIn"] == 900
    me = (await client.get("/api/auth/me", headers=bearer(tokens))).json()
    assert me["role"] == "BUSINESS_OWNER" and me["phoneNumber"] == phone and me["tenantId"].startswith("tnt_")
    again = await login(phone, "BUSINESS_OWNER")
    me2 = (await client.get("/api/auth/me", headers=bearer(again))).json()
    assert me2["userId"] == me["userId"] and me2["tenantId"] == me["tenantId"]


async def test_request_answers_the_same_for_unknown_destinations(client, phone):
    r = await _request(client, phone, ip="10.1.0.1")
    assert r.status_code == 202
    assert set(r.json()) == {"challengeId", "expiresIn", "resendAfter"}
    assert r.json()["expiresIn"] == 600 and r.json()["resendAfter"] == 30


async def test_code_is_usable_once(client, read_code, phone):
    await _request(client, phone, ip="10.1.0.2")
    code = read_code(phone)
    body = {"destination": phone, "code": code, "role": "CUSTOMER"}
    assert (await client.post("/api/auth/otp/verify", json=body)).status_code == 200
    again = await client.post("/api/auth/otp/verify", json=body)
    assert again.status_code == 422 and again.json()["code"] == "OTP_USED"


async def test_five_wrong_tries_lock_the_code(client, read_code, phone):
    # (Litestar's test client serves one request at a time; true concurrency is in tests/e2e/test_concurrency.py.)
    await _request(client, phone, ip="10.1.0.3")
    code = read_code(phone)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    body = {"destination": phone, "code": wrong, "role": "CUSTOMER"}
    answers = await asyncio.gather(*(client.post("/api/auth/otp/verify", json=body) for _ in range(9)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(422) == 5 and statuses.count(429) == 4
    right = await client.post("/api/auth/otp/verify", json={**body, "code": code})
    assert right.status_code == 429 and right.json()["code"] == "OTP_TOO_MANY_ATTEMPTS"


async def test_expired_code_is_refused(client, read_code, repo, phone):
    await _request(client, phone, ip="10.1.0.4")
    await repo.table.update(
        {"PK": f"OTP#{phone}", "SK": "CHALLENGE"}, "SET expires_at = :t", values={":t": 1}
    )
    r = await client.post(
        "/api/auth/otp/verify", json={"destination": phone, "code": read_code(phone), "role": "CUSTOMER"}
    )
    assert r.status_code == 422 and r.json()["code"] == "OTP_EXPIRED"


async def test_resend_gap_and_hourly_cap_answer_429_with_retry_after(client, phone):
    assert (await _request(client, phone, ip="10.2.0.1")).status_code == 202
    too_soon = await _request(client, phone, ip="10.2.0.1")
    assert too_soon.status_code == 429 and too_soon.json()["code"] == "OTP_RESEND_TOO_SOON"
    assert 0 < int(too_soon.headers["retry-after"]) <= 30
    # per client address: five sends an hour, whatever the destination
    ip = "10.2.0.2"
    for i in range(5):
        assert (await _request(client, f"+9197{i:08d}", ip=ip)).status_code == 202
    capped = await _request(client, "+919700000099", ip=ip)
    assert capped.status_code == 429 and capped.json()["code"] == "OTP_SEND_LIMIT"
    assert int(capped.headers["retry-after"]) > 3000


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"channel": "sms", "destination": "12345"}, 422, "INVALID_PHONE", "destination"),
        ({"channel": "email", "destination": "raj@"}, 422, "INVALID_EMAIL", "destination"),
        ({"channel": "fax", "destination": "+919876543210"}, 422, "VALIDATION_FAILED", "channel"),
        ({"destination": "+919876543210"}, 422, "VALIDATION_FAILED", "channel"),
        ({"channel": "sms", "destination": "+919876543210", "extra": 1}, 422, "VALIDATION_FAILED", "extra"),
    ],
)
async def test_bad_requests_are_problems_with_code_and_field(client, body, status, code, field):
    r = await client.post("/api/auth/otp/request", json=body)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["code"] == code and problem["errors"][0]["field"] == field


async def test_unknown_role_and_wrong_role_for_destination(client, phone):
    r = await client.post(
        "/api/auth/otp/verify", json={"destination": phone, "code": "123456", "role": "ROOT"}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "role"
    r = await client.post(
        "/api/auth/otp/verify", json={"destination": "raj@example.in", "code": "123456", "role": "CUSTOMER"}
    )
    assert r.status_code == 403 and r.json()["code"] == "ROLE_NOT_ALLOWED"
    r = await client.post(
        "/api/auth/otp/verify",
        json={"destination": "raj@example.in", "code": "123456", "role": "SUPER_ADMIN"},
    )
    assert r.status_code == 403 and r.json()["code"] == "ROLE_NOT_ALLOWED"


async def test_not_json_is_a_problem_not_a_500(client):
    r = await client.post(
        "/api/auth/otp/request", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code in (400, 422) and r.headers["content-type"].startswith("application/problem+json")


async def test_founder_signs_in_by_allowlisted_email(client, login):
    tokens = await login("Founder@WebdPro.in", "SUPER_ADMIN")
    me = (await client.get("/api/auth/me", headers=bearer(tokens))).json()
    assert me["role"] == "SUPER_ADMIN" and me["email"] == "founder@webdpro.in" and me["tenantId"] is None


async def test_send_failure_answers_503_and_records_nothing(repo, settings, phone):
    from auth.service import login
    from auth.service.deps import Deps
    from webdpro_aws.clients import AwsClients
    from webdpro_aws.messaging import Notifier
    from webdpro_core.errors import Unavailable

    dead = AwsClients(type(settings)(aws_endpoint_url="http://127.0.0.1:9"))  # nothing listens on port 9
    deps = Deps(
        settings=settings,
        repo=repo,
        notifier=Notifier(dead, mail_from="a@webdpro.in", sms_sender_id="X"),
        keys=None,  # type: ignore[arg-type]  # not reached: the send fails first
        outbox=None,  # type: ignore[arg-type]
        pepper=b"pepper",
    )
    try:
        with pytest.raises(Unavailable) as exc:
            await login.request_otp(deps, "sms", phone, "10.3.0.1")
    finally:
        await dead.close()
    assert exc.value.status == 503 and exc.value.code == "OTP_DELIVERY_FAILED"
    assert await repo.get_challenge(phone) is None
    assert (await repo.get_sends(f"DEST#{phone}"))[0] == []
    assert (await repo.get_sends("IP#10.3.0.1"))[0] == []
