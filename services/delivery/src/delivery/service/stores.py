"""Stores: the directory (from sitegen's store.generated, and from the first order event of a store) and the
merchant's delivery settings per store."""

from __future__ import annotations

from typing import Any

from delivery.domain.store import StoreSettings
from delivery.service.deps import Deps
from delivery.service.events import emit
from webdpro_aws.dynamo import TransactionCancelled
from webdpro_core.errors import NotFound
from webdpro_events import UnitOfWork


def store_not_found() -> NotFound:
    return NotFound("No such store", code="STORE_NOT_FOUND", field="storeId")


def record(deps: Deps, uow: UnitOfWork, tenant_id: str, store_id: str, name: str | None) -> None:
    deps.repo.record_store(uow.tx, tenant_id, store_id, name)


async def merchant_store(deps: Deps, tenant_id: str, store_id: str) -> dict[str, Any]:
    """The caller's store, or 404 (another tenant's store is not found)."""
    store = await deps.repo.get_store(tenant_id, store_id)
    if store is None:
        raise store_not_found()
    return store


async def settings_of(deps: Deps, tenant_id: str, store_id: str) -> tuple[dict[str, Any], StoreSettings]:
    store = await merchant_store(deps, tenant_id, store_id)
    return store, StoreSettings.of(store)


async def update_settings(
    deps: Deps, tenant_id: str, store_id: str, settings: StoreSettings
) -> tuple[dict[str, Any], StoreSettings]:
    store = await merchant_store(deps, tenant_id, store_id)
    uow = deps.outbox.begin()
    deps.repo.put_settings(uow.tx, tenant_id, store_id, settings.stored())
    emit(
        uow,
        "delivery.settings_updated",
        tenant_id,
        {"store_id": store_id, "tenant_id": tenant_id, **settings.stored()},
    )
    try:
        await uow.commit()
    except TransactionCancelled as exc:
        raise store_not_found() from exc
    return {**store, **settings.stored()}, settings
