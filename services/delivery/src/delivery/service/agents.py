"""A merchant's agents, as the auth service tells us (agent.invited / joined / removed), and who an agent's
token is.

- invited: known, not yet assignable, no location accepted.
- joined: active; starts off shift.
- removed: final (auth gives a re-invited number a new agent id). Tokens issued before the removal live up to 15
  minutes: every agent route checks the status here and answers 403 AGENT_REMOVED. Their assignments not yet
  picked up are cancelled (and auto-assigned again where the store wants it); a parcel already picked up stays
  theirs on the merchant's list until the merchant reassigns it.
Each change is conditional on the status it starts from, so a late or repeated event changes nothing.
"""

from __future__ import annotations

from typing import Any

from delivery.domain import agents as rules
from delivery.service.deps import Deps
from webdpro_aws.dynamo import TransactionCancelled
from webdpro_core import clock
from webdpro_core.errors import Forbidden, NotFound
from webdpro_events import UnitOfWork
from webdpro_observability import get_logger
from webdpro_tenancy import Caller

log = get_logger(__name__)


def agent_not_found() -> NotFound:
    return NotFound("No such agent", code="AGENT_NOT_FOUND", field="agentId")


def invited(deps: Deps, uow: UnitOfWork, existing: dict | None, data: dict[str, Any], tenant_id: str) -> None:
    if existing is not None:
        return  # joined or removed already (events keep no order), or a repeat
    agent_id = str(data["agent_id"])
    deps.repo.change_agent(
        uow.tx,
        tenant_id,
        agent_id,
        rules.INVITED,
        {"name": data.get("name"), "phone": data.get("phone_number"), "invited_at": clock.iso()},
        from_statuses=(),
    )


def joined(deps: Deps, uow: UnitOfWork, existing: dict | None, data: dict[str, Any], tenant_id: str) -> None:
    if existing is not None and existing.get("status") != rules.INVITED:
        return  # already active, or removed (a late joined must not bring a removed agent back)
    agent_id = str(data["agent_id"])
    deps.repo.change_agent(
        uow.tx,
        tenant_id,
        agent_id,
        rules.ACTIVE,
        {"name": data.get("name"), "phone": data.get("phone_number"), "joined_at": clock.iso()},
        from_statuses=(rules.INVITED,),
    )


async def removed(deps: Deps, tenant_id: str, agent_id: str) -> bool:
    """Mark the agent removed (its own commit, so their open work can be cancelled right after); True if this
    call changed anything."""
    existing = await deps.repo.get_agent(tenant_id, agent_id)
    if existing is not None and existing.get("status") == rules.REMOVED:
        return False
    uow = deps.outbox.begin()
    deps.repo.change_agent(
        uow.tx,
        tenant_id,
        agent_id,
        rules.REMOVED,
        {"on_shift": False, "removed_at": clock.iso()},
        from_statuses=(rules.INVITED, rules.ACTIVE),
    )
    try:
        await uow.commit()
    except TransactionCancelled:
        return False  # removed meanwhile by another delivery of the same event
    log.info("agent.removed", agent_id=agent_id)
    return True


def _tenant(caller: Caller) -> str:
    if not caller.tenant_id:
        raise Forbidden("This token carries no tenant", code="TENANT_REQUIRED")
    return caller.tenant_id


async def me(deps: Deps, caller: Caller) -> dict[str, Any]:
    """The calling agent's record; 403 when removed, or not known here (yet)."""
    tenant = _tenant(caller)
    agent = await deps.repo.get_agent(tenant, caller.sub)
    if agent is None or agent.get("status") == rules.INVITED:
        raise Forbidden(
            "This agent is not known to the delivery service yet; try again in a moment",
            code="AGENT_UNKNOWN",
        )
    if agent.get("status") == rules.REMOVED:
        raise Forbidden("This agent was removed by the merchant", code="AGENT_REMOVED")
    return agent


async def set_shift(deps: Deps, caller: Caller, on_shift: bool) -> dict[str, Any]:
    agent = await me(deps, caller)
    changed = await deps.repo.set_shift(agent["tenant_id"], agent["agent_id"], on_shift)
    if changed is None:
        raise Forbidden("This agent was removed by the merchant", code="AGENT_REMOVED")
    log.info("agent.shift", agent_id=agent["agent_id"], on_shift=on_shift)
    return changed


async def merchant_agent(deps: Deps, tenant_id: str, agent_id: str) -> dict[str, Any]:
    agent = await deps.repo.get_agent(tenant_id, agent_id)
    if agent is None:
        raise agent_not_found()
    return agent
