"""Shifts: an agent starts or ends one. Starting a shift also hands them (and any other free agent) the merchant's
packed orders that auto-assignment found nobody for, oldest first, so the agent's list is ready when the answer
comes back."""

from __future__ import annotations

from typing import Any

from delivery.service import agents, assign
from delivery.service.deps import Deps
from webdpro_observability import get_logger
from webdpro_tenancy import Caller

log = get_logger(__name__)


async def set_shift(deps: Deps, caller: Caller, on_shift: bool) -> dict[str, Any]:
    agent = await agents.set_shift(deps, caller, on_shift)
    if on_shift:
        try:
            count = await assign.on_shift(deps, agent["tenant_id"])
        except Exception as exc:  # the shift is on either way; the orders wait for the next chance
            log.warning("shift.waiting_orders_not_assigned", error=repr(exc))
        else:
            if count:
                log.info("shift.took_waiting_orders", agent_id=agent["agent_id"], count=count)
    return agent
