"""Auth's consumer: its own events mirror users and groups into the Cognito user pool (off the login path); the
founder's bans arrive from admin (`admin.ban_issued`)."""

from __future__ import annotations

from collections.abc import Callable

from auth.adapters.cognito import CognitoMirror
from auth.service import bans
from auth.service.deps import Deps
from webdpro_core.errors import Problem
from webdpro_events import Envelope, Handler, PermanentError, UnitOfWork
from webdpro_observability import get_logger

log = get_logger(__name__)


def handlers(cognito: CognitoMirror, get_deps: Callable[[], Deps] | None = None) -> dict[str, Handler]:
    async def on_user_registered(event: Envelope, _uow: UnitOfWork) -> None:
        d = event.data
        attributes = {"custom:tenant_id": d.get("tenant_id") or ""}
        if d.get("phone_number"):
            attributes["phone_number"] = d["phone_number"]
        if d.get("email"):
            attributes["email"] = d["email"]
        await cognito.upsert_user(d["user_id"], d["role"], attributes)

    async def on_agent_removed(event: Envelope, _uow: UnitOfWork) -> None:
        await cognito.disable_user(event.data["agent_id"])

    async def on_ban_issued(event: Envelope, uow: UnitOfWork) -> None:
        if get_deps is None:
            raise RuntimeError("auth's consumer was started without its deps")
        try:
            outcome = await bans.ban_issued(get_deps(), uow, event.data)
        except (ValueError, Problem) as exc:  # an unknown kind, an invalid phone or email: never retried
            raise PermanentError(f"admin.ban_issued: {exc}") from exc
        log.info("ban.issued", ban_id=event.data.get("ban_id"), outcome=outcome)

    out: dict[str, Handler] = {"user.registered": on_user_registered, "agent.removed": on_agent_removed}
    if get_deps is not None:
        out["admin.ban_issued"] = on_ban_issued
    return out
