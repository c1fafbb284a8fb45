"""Issuing access and refresh tokens, refreshing (with reuse detection) and logging out."""

from __future__ import annotations

from typing import Any

from auth.domain import sessions
from auth.service.deps import Deps
from webdpro_aws.dynamo import Transaction
from webdpro_core import clock, ids
from webdpro_core.errors import Unauthorized


def access_claims(deps: Deps, user: dict[str, Any], now: int) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "iss": deps.settings.token_issuer,
        "sub": user["user_id"],
        "iat": now,
        "exp": now + sessions.ACCESS_TTL_SECONDS,
        "jti": ids.new_id("jti"),
        "token_use": "access",
        "cognito:groups": [user["role"]],
    }
    if user.get("tenant_id"):
        claims["custom:tenant_id"] = user["tenant_id"]
    if user.get("phone_number"):
        claims["phone_number"] = user["phone_number"]
    if user.get("email"):
        claims["email"] = user["email"]
    return claims


def token_response(
    deps: Deps, user: dict[str, Any], refresh: sessions.RefreshToken, now: int
) -> dict[str, Any]:
    return {
        "accessToken": deps.keys.sign(access_claims(deps, user, now)),
        "refreshToken": str(refresh),
        "expiresIn": sessions.ACCESS_TTL_SECONDS,
        "tokenType": "Bearer",
    }


def start_session(deps: Deps, tx: Transaction, user: dict[str, Any], now: int) -> sessions.RefreshToken:
    refresh = sessions.new_family()
    deps.repo.put_family(
        tx,
        {
            "family_id": refresh.family_id,
            "user_id": user["user_id"],
            "current_digest": refresh.digest,
            "generation": 1,
            "revoked": False,
            "created_at": clock.iso(),
            "expires_at": now + sessions.REFRESH_TTL_SECONDS,
        },
    )
    return refresh


async def refresh(deps: Deps, raw_token: str) -> dict[str, Any]:
    presented = sessions.parse(raw_token)
    now = clock.epoch()
    family = await deps.repo.get_family(presented.family_id)
    if family is None or family.get("revoked") or int(family["expires_at"]) <= now:
        raise Unauthorized("The refresh token is no longer valid", code="REFRESH_INVALID")
    if family["current_digest"] != presented.digest:
        # An old token of this family came back: someone holds a copy. End the whole family.
        await deps.repo.revoke_family(presented.family_id, "reuse_detected")
        raise Unauthorized("The refresh token was already used; please sign in again", code="REFRESH_REUSED")
    user = await deps.repo.get_user(family["user_id"])
    if user is None or user.get("status") != "active":
        raise Unauthorized("This account can no longer sign in", code="ACCOUNT_DISABLED")
    if await is_banned(deps, user):
        await deps.repo.revoke_family(presented.family_id, "banned")
        raise Unauthorized("This account can no longer sign in", code="ACCOUNT_BANNED")
    rotated = sessions.rotate(presented)
    if not await deps.repo.rotate_family(presented.family_id, presented.digest, rotated.digest, now):
        await deps.repo.revoke_family(presented.family_id, "reuse_detected")
        raise Unauthorized("The refresh token was already used; please sign in again", code="REFRESH_REUSED")
    return token_response(deps, user, rotated, now)


async def logout(deps: Deps, user_id: str, raw_token: str | None) -> None:
    if raw_token:
        presented = sessions.parse(raw_token)
        family = await deps.repo.get_family(presented.family_id)
        if family is not None and family["user_id"] == user_id:
            await deps.repo.revoke_family(presented.family_id, "logout")
            return
        raise Unauthorized("The refresh token is not valid", code="REFRESH_INVALID")
    await deps.repo.revoke_all_sessions(user_id, "logout")


async def is_banned(deps: Deps, user: dict[str, Any]) -> bool:
    subjects = [user.get("phone_number"), user.get("email"), user.get("tenant_id")]
    for subject in filter(None, subjects):
        if await deps.repo.get_ban(subject):
            return True
    return False
