"""Bans for abuse (the founder's action): a phone, an email or a whole tenant. Banned destinations cannot sign
in (403) and their sessions are revoked; `user.banned` lets other services react (e.g. suspend stores).

Two ways in: `POST /bans` (SUPER_ADMIN) and the admin service's `admin.ban_issued` event (the founder console).
A phone or email ban holds even before anyone registered with it (a later OTP verify is refused); a tenant ban
covers every user of the tenant (the owner and the agents): their sessions are revoked and `is_banned` refuses
their refresh and sign-in by their tenant id.
"""

from __future__ import annotations

from typing import Any

from auth.domain.identity import normalize_email, normalize_phone
from auth.service.deps import Deps
from webdpro_core import clock
from webdpro_core.errors import ValidationProblem
from webdpro_events import UnitOfWork, new_event


def subject_of(*, phone: str | None, email: str | None, tenant_id: str | None) -> tuple[str, str]:
    """(kind, normalized subject); a ValidationProblem unless exactly one is given and valid."""
    given = [v for v in (phone, email, tenant_id) if v]
    if len(given) != 1:
        raise ValidationProblem(
            "Give exactly one of phone, email or tenantId", code="BAN_SUBJECT", field="phone"
        )
    if phone:
        return "phone", normalize_phone(phone, field="phone")
    if email:
        return "email", normalize_email(email, field="email")
    return "tenant", str(tenant_id)


def record_ban(
    deps: Deps, uow: UnitOfWork, *, kind: str, subject: str, reason: str, by: str, ban_id: str | None = None
) -> dict[str, Any]:
    """The ban item and `user.banned`, into `uow` (the caller commits)."""
    tenant_id = subject if kind == "tenant" else None
    record: dict[str, Any] = {
        "subject": subject,
        "kind": kind,
        "reason": reason,
        "banned_by": by,
        "banned_at": clock.iso(),
        "ban_id": ban_id,
    }
    deps.repo.put_ban(uow.tx, record)
    uow.emit(
        new_event(
            "user.banned",
            {"kind": kind, "subject": subject, "reason": reason, "tenant_id": tenant_id, "ban_id": ban_id},
            tenant_id=tenant_id,
            source="auth",
        )
    )
    return record


async def revoke_sessions(deps: Deps, kind: str, subject: str) -> int:
    """End the refresh families of everyone the ban covers (idempotent: revoking twice changes nothing)."""
    revoked = 0
    if kind == "tenant":
        for user_id in await deps.repo.tenant_user_ids(subject):
            revoked += await deps.repo.revoke_all_sessions(user_id, "banned")
        return revoked
    for user in await deps.repo.users_with(subject):
        revoked += await deps.repo.revoke_all_sessions(user["user_id"], "banned")
    return revoked


async def ban(
    deps: Deps, *, phone: str | None, email: str | None, tenant_id: str | None, reason: str, by: str
):
    kind, subject = subject_of(phone=phone, email=email, tenant_id=tenant_id)
    uow = deps.outbox.begin()
    record = record_ban(deps, uow, kind=kind, subject=subject, reason=reason, by=by)
    await uow.commit()
    revoked = await revoke_sessions(deps, kind, subject)
    return {**record, "sessionsRevoked": revoked}


async def ban_issued(deps: Deps, uow: UnitOfWork, data: dict[str, Any]) -> str:
    """`admin.ban_issued` {ban_id, kind: phone|email|tenant, value, tenant_id, reason, actor}. The ban and its
    `user.banned` commit with the consumer's processed marker; a second event for the same ban (same ban id)
    records nothing new. Sessions are revoked every time (idempotent)."""
    kind = str(data.get("kind") or "")
    value = data.get("value") or (data.get("tenant_id") if kind == "tenant" else None)
    if kind not in ("phone", "email", "tenant") or not value:
        raise ValueError(f"admin.ban_issued: kind {kind!r} with value {value!r}")
    kind, subject = subject_of(
        phone=value if kind == "phone" else None,
        email=value if kind == "email" else None,
        tenant_id=value if kind == "tenant" else None,
    )
    ban_id = data.get("ban_id")
    existing = await deps.repo.get_ban(subject)
    outcome = "already"
    if existing is None or (ban_id and existing.get("ban_id") != ban_id):
        record_ban(
            deps,
            uow,
            kind=kind,
            subject=subject,
            reason=str(data.get("reason") or "banned by the platform"),
            by=str(data.get("actor") or "admin"),
            ban_id=ban_id,
        )
        outcome = "banned"
    revoked = await revoke_sessions(deps, kind, subject)
    return f"{outcome}:{revoked}"
