"""Bans for abuse (the founder's action): a phone, an email or a whole tenant. Banned destinations cannot sign
in (403) and their sessions are revoked; `user.banned` lets other services react (e.g. suspend stores)."""

from __future__ import annotations

from typing import Any

from auth.domain.identity import normalize_email, normalize_phone
from auth.service.deps import Deps
from webdpro_core import clock
from webdpro_core.errors import ValidationProblem
from webdpro_events import new_event


async def ban(
    deps: Deps, *, phone: str | None, email: str | None, tenant_id: str | None, reason: str, by: str
):
    given = [v for v in (phone, email, tenant_id) if v]
    if len(given) != 1:
        raise ValidationProblem(
            "Give exactly one of phone, email or tenantId", code="BAN_SUBJECT", field="phone"
        )
    if phone:
        kind, subject = "phone", normalize_phone(phone, field="phone")
    elif email:
        kind, subject = "email", normalize_email(email, field="email")
    else:
        kind, subject = "tenant", str(tenant_id)
    record: dict[str, Any] = {
        "subject": subject,
        "kind": kind,
        "reason": reason,
        "banned_by": by,
        "banned_at": clock.iso(),
    }
    uow = deps.outbox.begin()
    deps.repo.put_ban(uow.tx, record)
    uow.emit(
        new_event(
            "user.banned",
            {"kind": kind, "subject": subject, "reason": reason, "tenant_id": tenant_id},
            tenant_id=tenant_id,
            source="auth",
        )
    )
    await uow.commit()
    revoked = 0
    if kind != "tenant":
        for user in await deps.repo.users_with(subject):
            revoked += await deps.repo.revoke_all_sessions(user["user_id"], "banned")
    return {**record, "sessionsRevoked": revoked}
