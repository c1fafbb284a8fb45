"""A merchant's delivery agents: invite by phone, list, remove. Always within the caller's tenant."""

from __future__ import annotations

from typing import Any

from auth.domain.identity import normalize_phone
from auth.service.deps import Deps
from webdpro_aws.dynamo import TransactionCancelled, strip_keys
from webdpro_core import clock, ids
from webdpro_core.errors import Conflict, NotFound
from webdpro_events import new_event

_PUBLIC_FIELDS = ("agent_id", "name", "phone", "status", "invited_at", "joined_at", "removed_at")


def public(agent: dict[str, Any]) -> dict[str, Any]:
    return {k: agent.get(k) for k in _PUBLIC_FIELDS}


async def invite(deps: Deps, tenant_id: str, phone: str, name: str) -> dict[str, Any]:
    phone = normalize_phone(phone, field="phone")
    existing = [i for i in await deps.repo.invites_for(phone) if i["tenant_id"] == tenant_id]
    if any(i["status"] in ("invited", "active") for i in existing):
        raise Conflict(
            "This number is already one of your agents", code="AGENT_ALREADY_INVITED", field="phone"
        )
    agent = {
        "agent_id": ids.new_id("agt"),
        "tenant_id": tenant_id,
        "phone": phone,
        "name": name.strip(),
        "status": "invited",
        "invited_at": clock.iso(),
    }
    uow = deps.outbox.begin()
    deps.repo.put_agent(uow.tx, agent, expect_status=None)
    uow.emit(
        new_event(
            "agent.invited",
            {
                "agent_id": agent["agent_id"],
                "tenant_id": tenant_id,
                "name": agent["name"],
                "phone_number": phone,
            },
            tenant_id=tenant_id,
            source="auth",
        )
    )
    await uow.commit()
    return agent


async def remove(deps: Deps, tenant_id: str, agent_id: str) -> None:
    agent = await deps.repo.get_agent(tenant_id, agent_id)
    if agent is None or agent["status"] == "removed":
        raise NotFound("No such agent", code="AGENT_NOT_FOUND")
    uow = deps.outbox.begin()
    removed = strip_keys(agent)
    removed.update(status="removed", removed_at=clock.iso())
    deps.repo.put_agent(uow.tx, removed, expect_status=agent["status"])
    user = await deps.repo.get_user(agent_id)
    if user is not None:
        deps.repo.set_user_status(uow.tx, agent_id, "removed")
    uow.emit(
        new_event(
            "agent.removed",
            {"agent_id": agent_id, "tenant_id": tenant_id},
            tenant_id=tenant_id,
            source="auth",
        )
    )
    try:
        await uow.commit()
    except TransactionCancelled as exc:
        raise Conflict("The agent changed meanwhile; try again", code="AGENT_CHANGED") from exc
    # Refresh is refused from now on; access tokens already issued lapse within 15 minutes.
    await deps.repo.revoke_all_sessions(agent_id, "agent_removed")
