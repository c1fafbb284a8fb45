"""Location ingestion: the hot path (agents' phones send a point every few seconds, or a batch after being
offline).

Per request: the batch is checked (shape by the request struct, time here), the newest point is kept as the
agent's last position with ONE conditional update (only if the agent is active and the point is newer than the
stored one), and the trail gets at most one point per agent per sampling interval (written only when this
process has not written that interval yet, so most requests make no second write). No read on the success path;
the agent's status is part of the write's condition, so a removed agent's still-valid token is refused.
"""

from __future__ import annotations

from typing import Any

from delivery.domain.location import Fix, check_batch, trail_samples
from delivery.service.deps import Deps
from webdpro_core import clock
from webdpro_core.errors import Forbidden
from webdpro_tenancy import Caller

_MAX_TRACKED = 50_000  # agents whose newest trail bucket this process remembers


async def ingest(deps: Deps, caller: Caller, fixes: list[Fix]) -> dict[str, Any]:
    if not caller.tenant_id:
        raise Forbidden("This token carries no tenant", code="TENANT_REQUIRED")
    s = deps.settings
    batch = check_batch(
        fixes, clock.now(), max_future_s=s.location_max_future_seconds, max_age_s=s.location_max_age_seconds
    )
    tenant, agent_id = caller.tenant_id, caller.sub
    newest = batch[-1].stored()
    kept = await deps.repo.update_position(tenant, agent_id, newest)
    if not kept:
        position = await deps.repo.get_position(tenant, agent_id)
        status = (position or {}).get("status")
        if status == "removed":
            raise Forbidden("This agent was removed by the merchant", code="AGENT_REMOVED")
        if status != "active":
            raise Forbidden(
                "This agent is not known to the delivery service yet; try again in a moment",
                code="AGENT_UNKNOWN",
            )
        # An older batch than the position we hold (a phone catching up): still good for the trail.
    await _sample(deps, tenant, agent_id, batch, catching_up=not kept)
    return {"accepted": len(batch), "kept": kept, "position_at": newest["at"]}


async def _sample(deps: Deps, tenant: str, agent_id: str, batch: list[Fix], *, catching_up: bool) -> None:
    key = f"{tenant}/{agent_id}"
    buckets = deps.trail_buckets
    known = buckets.get(key)
    # A batch older than what we hold fills an earlier stretch of the trail: sampled within itself only.
    samples, newest = trail_samples(
        batch, None if catching_up else known, deps.settings.trail_interval_seconds
    )
    if not samples:
        return
    await deps.repo.put_trail(
        tenant, agent_id, [f.stored() for f in samples], deps.settings.trail_ttl_seconds
    )
    if newest is not None and (known is None or newest > known):
        buckets[key] = newest
        buckets.move_to_end(key)
        while len(buckets) > _MAX_TRACKED:
            buckets.popitem(last=False)
