"""The store directory: which tenant a store belongs to (from sitegen's store.generated)."""

from __future__ import annotations

import time
from typing import Any

from orders.service.deps import Deps
from webdpro_core import clock
from webdpro_core.errors import NotFound
from webdpro_events import UnitOfWork

_CACHE_SECONDS = 60.0
_cache: dict[str, tuple[float, dict[str, Any]]] = {}


def not_found() -> NotFound:
    return NotFound("No such store", code="STORE_NOT_FOUND", field="storeId")


async def store(deps: Deps, store_id: str) -> dict[str, Any]:
    """A store's directory entry (cached a minute: a store never changes tenant), or 404."""
    hit = _cache.get(store_id)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    entry = await deps.repo.get_store(store_id)
    if entry is None:
        raise not_found()
    _cache[store_id] = (time.monotonic() + _CACHE_SECONDS, entry)
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
