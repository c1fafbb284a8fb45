"""Auth's own events, consumed to mirror users and groups into the Cognito user pool (off the login path)."""

from __future__ import annotations

from auth.adapters.cognito import CognitoMirror
from webdpro_events import Envelope, Handler, UnitOfWork


def handlers(cognito: CognitoMirror) -> dict[str, Handler]:
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

    return {"user.registered": on_user_registered, "agent.removed": on_agent_removed}
