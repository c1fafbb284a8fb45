"""The store directory: which tenant a store belongs to (from sitegen's store.generated), and whether it may take
new orders (the founder's store.suspended / store.unsuspended / store.deleted)."""

from __future__ import annotations

import time
from typing import Any

from orders.service.deps import Deps
from webdpro_core import clock
from webdpro_core.errors import Conflict, NotFound
from webdpro_events import UnitOfWork
from webdpro_observability import get_logger

log = get_logger(__name__)

# Short enough that a suspension reaches every instance within seconds (only the consuming instance drops its
# copy at once); long enough that a busy store costs one directory read per instance every few seconds.
_CACHE_SECONDS = 5.0
_cache: dict[str, tuple[float, dict[str, Any]]] = {}

ACTIVE, SUSPENDED, DELETED = "ACTIVE", "SUSPENDED", "DELETED"
_STATUS_OF_EVENT = {"store.suspended": SUSPENDED, "store.unsuspended": ACTIVE, "store.deleted": DELETED}


def not_found() -> NotFound:
    return NotFound("No such store", code="STORE_NOT_FOUND", field="storeId")


async def store(deps: Deps, store_id: str) -> dict[str, Any]:
    """A store's directory entry (cached a few seconds), or 404."""
    hit = _cache.get(store_id)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    entry = await deps.repo.get_store(store_id)
    if entry is None:
        raise not_found()
    _cache[store_id] = (time.monotonic() + _CACHE_SECONDS, entry)
    return entry


async def open_store(deps: Deps, store_id: str) -> dict[str, Any]:
    """A store that takes new orders (cart changes, checkout): a suspended or deleted one is 409."""
    entry = await store(deps, store_id)
    if entry.get("status", ACTIVE) in (SUSPENDED, DELETED):
        raise Conflict(
            "This store is not taking orders right now",
            code="STORE_UNAVAILABLE",
            field="storeId",
        )
    return entry


async def merchant_store(deps: Deps, tenant_id: str, store_id: str) -> dict[str, Any]:
    """A store of the caller's tenant; another tenant's store is 404, like one that does not exist."""
    entry = await store(deps, store_id)
    if entry["tenant_id"] != tenant_id:
        raise not_found()
    return entry


def record(deps: Deps, uow: UnitOfWork, data: dict[str, Any], tenant_id: str) -> None:
    deps.repo.put_store(
        uow.tx,
        {
            "store_id": data["store_id"],
            "tenant_id": tenant_id,
            "name": str(data.get("name") or data["store_id"])[:200],
            "updated_at": clock.iso(),
        },
    )
    _cache.pop(data["store_id"], None)


class WrongTenant(Exception):
    """The event names a tenant the store does not belong to."""


async def status_changed(
    deps: Deps, uow: UnitOfWork, event_type: str, data: dict[str, Any], tenant_id: str, at: str
) -> str:
    """Apply the founder's action to the entry. Out-of-order events: the newest (`at`, the event's time) wins;
    a deleted store stays deleted. Existing orders are untouched: only new carts and checkouts are refused."""
    store_id = str(data["store_id"])
    status = _STATUS_OF_EVENT[event_type]
    entry = await deps.repo.get_store(store_id)
    if entry is None:
        # Not generated yet as far as we know: a refusal is recorded so the entry is born with it.
        if status == ACTIVE:
            return "unknown-store"
        deps.repo.set_store_status(uow.tx, tenant_id, store_id, status, data.get("reason"), at)
        return "recorded-before-the-store"
    if entry["tenant_id"] != tenant_id:
        raise WrongTenant(f"{event_type}: store {store_id} is not tenant {tenant_id}'s")
    current = entry.get("status", ACTIVE)
    if current == DELETED and status != DELETED:
        return "deleted-stays-deleted"
    if entry.get("status_at") and str(entry["status_at"]) > at:
        return "stale"
    if current == status:
        return "already"
    deps.repo.set_store_status(uow.tx, tenant_id, store_id, status, data.get("reason"), at)
    _cache.pop(store_id, None)
    log.info("store.status_changed", store_id=store_id, status=status)
    return status
