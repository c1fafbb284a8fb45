"""OTP login: request a code, verify it as a role, get tokens.

`request_otp` answers the same whether or not an account exists. Rate limits are reserved before the send and
released if the send fails, so a failed send leaves nothing recorded. `verify_otp` spends one try atomically
before comparing (safe under concurrent tries) and consumes the challenge with a conditional write (usable once).
"""

from __future__ import annotations

from typing import Any

from auth.domain import otp
from auth.domain.identity import mask, normalize
from auth.domain.roles import check_role_for
from auth.service.deps import Deps
from auth.service.tokens import is_banned, start_session, token_response
from webdpro_aws.dynamo import Transaction, TransactionCancelled, strip_keys
from webdpro_aws.messaging import DeliveryFailed
from webdpro_core import clock, ids
from webdpro_core.errors import Conflict, Forbidden, TooManyRequests, Unavailable, ValidationProblem
from webdpro_events import new_event
from webdpro_observability import get_logger
from webdpro_tenancy import BUSINESS_OWNER, DELIVERY_AGENT

log = get_logger(__name__)


async def _reserve_send(deps: Deps, key: str, now: int, *, per_destination: bool) -> None:
    for _ in range(5):  # optimistic concurrency on the send log
        sends, version = await deps.repo.get_sends(key)
        decision = otp.decide_send(sends, now, enforce_resend_gap=per_destination)
        if not decision.allowed:
            detail = (
                "Please wait before asking for another code"
                if decision.reason == "OTP_RESEND_TOO_SOON"
                else "Too many codes were requested; try again later"
            )
            raise TooManyRequests(detail, code=decision.reason, retry_after=decision.retry_after)
        if await deps.repo.save_sends(key, [*otp.prune(sends, now), now], version, now + otp.WINDOW_SECONDS):
            return
    raise TooManyRequests("Too many concurrent requests", code="OTP_SEND_LIMIT", retry_after=1)


async def _release_send(deps: Deps, key: str, now: int) -> None:
    for _ in range(5):
        sends, version = await deps.repo.get_sends(key)
        if now not in sends:
            return
        remaining = list(sends)
        remaining.remove(now)
        if await deps.repo.save_sends(key, remaining, version, now + otp.WINDOW_SECONDS):
            return


async def request_otp(deps: Deps, channel: str, destination: str, client_ip: str) -> dict[str, Any]:
    channel, destination = normalize(destination, channel)
    now = clock.epoch()
    await _reserve_send(deps, f"DEST#{destination}", now, per_destination=True)
    try:
        await _reserve_send(deps, f"IP#{client_ip}", now, per_destination=False)
    except TooManyRequests:
        await _release_send(deps, f"DEST#{destination}", now)
        raise
    challenge_id = ids.new_id("otp")
    code = otp.new_code()
    body = f"{code} is your WebdPro sign-in code. It expires in 10 minutes. Never share it with anyone."
    try:
        await deps.notifier.deliver(channel, destination, "Your WebdPro sign-in code", body)
    except DeliveryFailed as exc:
        await _release_send(deps, f"DEST#{destination}", now)
        await _release_send(deps, f"IP#{client_ip}", now)
        log.warning("otp.delivery_failed", channel=channel, to=mask(destination), error=str(exc))
        raise Unavailable(
            "The code could not be sent right now; please try again", code="OTP_DELIVERY_FAILED"
        ) from exc
    tx = Transaction()
    deps.repo.put_challenge(
        tx,
        {
            "destination": destination,
            "challenge_id": challenge_id,
            "channel": channel,
            "code_hash": otp.hash_code(deps.pepper, challenge_id, code),
            "attempts": 0,
            "used": False,
            "created_at": now,
            "expires_at": now + otp.CODE_TTL_SECONDS,
        },
    )
    await tx.commit(deps.repo.table.client)
    log.info("otp.sent", channel=channel, to=mask(destination))
    return {
        "challengeId": challenge_id,
        "expiresIn": otp.CODE_TTL_SECONDS,
        "resendAfter": otp.RESEND_AFTER_SECONDS,
    }


async def verify_otp(deps: Deps, destination: str, code: str, role: str) -> dict[str, Any]:
    channel, destination = normalize(destination)
    check_role_for(role, channel, destination, deps.settings.admin_allowlist)
    if not (len(code) == 6 and code.isdigit()):
        raise ValidationProblem("The code is 6 digits", code="INVALID_CODE_FORMAT", field="code")
    now = clock.epoch()
    challenge = await deps.repo.get_challenge(destination)
    if challenge is None:
        raise ValidationProblem(
            "No code was requested for this destination", code="OTP_NOT_REQUESTED", field="code"
        )
    if challenge["used"]:
        raise ValidationProblem(
            "This code was already used; request a new one", code="OTP_USED", field="code"
        )
    if int(challenge["expires_at"]) <= now:
        raise ValidationProblem("This code has expired; request a new one", code="OTP_EXPIRED", field="code")
    spent = await deps.repo.spend_attempt(destination, challenge["challenge_id"], otp.MAX_ATTEMPTS, now)
    if spent is None:
        raise TooManyRequests(
            "Too many wrong codes; request a new one",
            code="OTP_TOO_MANY_ATTEMPTS",
            retry_after=otp.RESEND_AFTER_SECONDS,
        )
    if not otp.code_matches(deps.pepper, challenge["challenge_id"], code, challenge["code_hash"]):
        left = otp.MAX_ATTEMPTS - int(spent["attempts"])
        raise ValidationProblem(f"The code is wrong ({left} tries left)", code="OTP_INVALID", field="code")
    if not await deps.repo.consume_challenge(destination, challenge["challenge_id"]):
        raise ValidationProblem(
            "This code was already used; request a new one", code="OTP_USED", field="code"
        )
    return await _sign_in(deps, channel, destination, role, now)


async def _sign_in(deps: Deps, channel: str, destination: str, role: str, now: int) -> dict[str, Any]:
    if await deps.repo.get_ban(destination):
        raise Forbidden("This account is banned", code="ACCOUNT_BANNED")
    user = await deps.repo.user_for(role, destination)
    uow = deps.outbox.begin()
    if user is None:
        user = await _register(deps, uow, channel, destination, role)
    elif user.get("status") != "active":
        raise Forbidden("This account can no longer sign in", code="ACCOUNT_DISABLED")
    if await is_banned(deps, user):
        raise Forbidden("This account is banned", code="ACCOUNT_BANNED")
    refresh = start_session(deps, uow.tx, user, now)
    try:
        await uow.commit()
    except TransactionCancelled as exc:
        # A concurrent first login created the same user: sign in as that one.
        raise Conflict("Sign-in raced with another; please retry", code="SIGN_IN_CONFLICT") from exc
    return token_response(deps, user, refresh, now)


async def _register(deps: Deps, uow, channel: str, destination: str, role: str) -> dict[str, Any]:
    user_id = ids.new_id("usr")
    tenant_id: str | None = None
    if role == DELIVERY_AGENT:
        agent = await _accept_invite(deps, uow, destination)
        user_id, tenant_id = agent["agent_id"], agent["tenant_id"]
    user = {
        "user_id": user_id,
        "role": role,
        "destination": destination,
        "phone_number": destination if channel == "sms" else None,
        "email": destination if channel == "email" else None,
        "tenant_id": tenant_id,
        "status": "active",
        "created_at": clock.iso(),
    }
    if role == BUSINESS_OWNER:
        tenant_id = ids.new_id("tnt")
        user["tenant_id"] = tenant_id
        deps.repo.add_tenant(uow.tx, {"tenant_id": tenant_id, "owner_id": user_id, "created_at": clock.iso()})
        uow.emit(
            new_event(
                "tenant.created",
                {"tenant_id": tenant_id, "owner_id": user_id},
                tenant_id=tenant_id,
                source="auth",
            )
        )
    deps.repo.add_user(uow.tx, user)
    uow.emit(
        new_event(
            "user.registered",
            {
                "user_id": user_id,
                "role": role,
                "tenant_id": tenant_id,
                "phone_number": user["phone_number"],
                "email": user["email"],
            },
            tenant_id=tenant_id,
            source="auth",
        )
    )
    return user


async def _accept_invite(deps: Deps, uow, phone: str) -> dict[str, Any]:
    invites = [i for i in await deps.repo.invites_for(phone) if i["status"] in ("invited", "active")]
    if not invites:
        raise Forbidden("No merchant has invited this number as a delivery agent", code="AGENT_NOT_INVITED")
    invite = max(invites, key=lambda i: i["invited_at"])
    if invite["status"] == "invited":
        accepted = {**strip_keys(invite), "status": "active", "joined_at": clock.iso()}
        deps.repo.put_agent(uow.tx, accepted, expect_status="invited")
        uow.emit(
            new_event(
                "agent.joined",
                {
                    "agent_id": invite["agent_id"],
                    "tenant_id": invite["tenant_id"],
                    "name": invite["name"],
                    "phone_number": phone,
                },
                tenant_id=invite["tenant_id"],
                source="auth",
            )
        )
    return invite
