"""The founder's actions on a store (admin topic), applied in sitegen:

- `store.suspended` {tenant_id, store_id, reason} → store SUSPENDED with `suspended_reason` (the merchant sees it
  in GET /stores/{id}), the status it had kept in `status_before`; every host of the store serves the
  "store unavailable" page (HostMap SUSPENDED). Edits and publishing answer 409 STORE_SUSPENDED.
- `store.unsuspended` → back to `status_before`; the store's hosts serve their release again (LIVE; a host that
  never went live goes back to RESERVED).
- `store.deleted` → store DELETED (404 to the merchant, gone from their list), hosts OFFLINE (the subdomain is
  free to claim again: HostMap.claim accepts OFFLINE), and `expires_at` = now + `deleted_retention_days` (180 by
  default, the legal retention period) so DynamoDB TTL purges the store item then. The draft versions, release
  files and publication records are left to their own retention.

Each handler runs in the consumer's unit of work (idempotent by event id). Beyond that, each is idempotent by
state: a replay, or the same action sent twice with new ids, changes nothing; an event older than the last one
applied (SNS/SQS do not keep order) is ignored, so a late `store.suspended` never undoes a later unsuspension.
The host writes come first and the store write commits with the processed marker: a crash in between is
repaired by the redelivery. The store is written with a conditional update on the status just read, so a
concurrent change (a publish switching it LIVE) makes the transaction fail and the event is retried.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sitegen.adapters.hosts import HostMap
from sitegen.adapters.repository import store_key
from sitegen.service.deps import Deps
from webdpro_core import clock
from webdpro_core.errors import Conflict
from webdpro_events import Envelope, Handler, PermanentError, UnitOfWork
from webdpro_observability import get_logger

log = get_logger(__name__)

SUSPENDED, DELETED = "SUSPENDED", "DELETED"
_DAY = 24 * 3600


def refuse_if_suspended(store: dict[str, Any]) -> None:
    """Edits, publish and republish of a suspended store: 409 STORE_SUSPENDED, with the founder's reason."""
    if store.get("status") == SUSPENDED:
        reason = store.get("suspended_reason")
        raise Conflict(
            "This store is suspended"
            + (f": {reason}" if reason else "")
            + "; it cannot be changed or published",
            code="STORE_SUSPENDED",
        )


def _hosts(deps: Deps) -> HostMap:
    return getattr(deps, "hosts", None) or HostMap(deps.repo.table)


def _ids(event: Envelope) -> tuple[str, str]:
    tenant = event.data.get("tenant_id") or event.tenant_id
    store_id = event.data.get("store_id")
    if not tenant or not store_id:
        raise PermanentError(f"{event.type} without tenant_id / store_id")
    return str(tenant), str(store_id)


def _stale(store: dict[str, Any], event: Envelope) -> bool:
    last = store.get("admin_action_at")
    return bool(last) and event.occurred_at < str(last)


def _write(
    deps: Deps, uow: UnitOfWork, store: dict[str, Any], fields: dict[str, Any], remove: list[str]
) -> None:
    """SET `fields` (REMOVE `remove`) on the store item if its status is still the one read."""
    names = {f"#f{i}": k for i, k in enumerate(fields)}
    values = {f":v{i}": v for i, v in enumerate(fields.values())}
    expr = "SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(fields)))
    if remove:
        names.update({f"#r{i}": k for i, k in enumerate(remove)})
        expr += " REMOVE " + ", ".join(f"#r{i}" for i in range(len(remove)))
    names["#seen"] = "status"
    values[":seen"] = store["status"]
    uow.tx.update(
        deps.repo.name,
        store_key(store["tenant_id"], store["store_id"]),
        expr,
        condition="#seen = :seen",
        names=names,
        values=values,
    )


async def _set_hosts(deps: Deps, store: dict[str, Any], status_for: Any) -> None:
    """For each host of the store, the status `status_for(entry)` names (None: leave it)."""
    hosts = _hosts(deps)
    for host in store.get("hosts") or []:
        entry = await hosts.get(host, consistent=True)
        if entry is None or entry.get("store_id") != store["store_id"]:
            continue  # never ours, or already freed and claimed by another store
        target = status_for(entry)
        if target is not None and entry.get("status") != target:
            await hosts.set_status(host, store_id=store["store_id"], status=target)


async def _load(deps: Deps, event: Envelope) -> dict[str, Any] | None:
    tenant, store_id = _ids(event)
    store = await deps.repo.get_store(tenant, store_id)
    if store is None:
        log.warning("store.admin_action_for_unknown_store", type=event.type, store_id=store_id)
        return None
    if _stale(store, event):
        log.info("store.admin_action_stale", type=event.type, store_id=store_id)
        return None
    return store


async def suspend(deps: Deps, event: Envelope, uow: UnitOfWork) -> None:
    store = await _load(deps, event)
    if store is None or store["status"] == DELETED:
        return
    await _set_hosts(deps, store, lambda e: None if e.get("status") == "OFFLINE" else SUSPENDED)
    reason = str(event.data.get("reason") or "").strip()[:500] or None
    if store["status"] == SUSPENDED and store.get("suspended_reason") == reason:
        return  # already applied
    now = clock.iso()
    fields: dict[str, Any] = {
        "status": SUSPENDED,
        "suspended_reason": reason,
        "suspended_at": store.get("suspended_at") if store["status"] == SUSPENDED else now,
        "admin_action_at": event.occurred_at,
        "updated_at": now,
        "GSI1PK": f"STATUS#{SUSPENDED}",
        "GSI1SK": now,
    }
    if store["status"] != SUSPENDED:
        fields["status_before"] = store["status"]
    _write(deps, uow, store, fields, [])
    log.info("store.suspended", store_id=store["store_id"], status_before=store["status"])


async def unsuspend(deps: Deps, event: Envelope, uow: UnitOfWork) -> None:
    store = await _load(deps, event)
    if store is None or store["status"] != SUSPENDED:
        return  # not suspended (or deleted): nothing to undo
    back = store.get("status_before") or ("LIVE" if store.get("live_version") else "DRAFT")
    await _set_hosts(
        deps,
        store,
        lambda e: (
            ("LIVE" if e.get("version") is not None else "RESERVED") if e.get("status") == SUSPENDED else None
        ),
    )
    now = clock.iso()
    _write(
        deps,
        uow,
        store,
        {
            "status": back,
            "admin_action_at": event.occurred_at,
            "updated_at": now,
            "GSI1PK": f"STATUS#{back}",
            "GSI1SK": now,
        },
        ["suspended_reason", "suspended_at", "status_before"],
    )
    log.info("store.unsuspended", store_id=store["store_id"], status=back)


async def delete(deps: Deps, event: Envelope, uow: UnitOfWork) -> None:
    store = await _load(deps, event)
    if store is None:
        return
    await _set_hosts(deps, store, lambda _e: "OFFLINE")
    if store["status"] == DELETED:
        return
    now = clock.iso()
    _write(
        deps,
        uow,
        store,
        {
            "status": DELETED,
            "status_before_delete": store["status"],
            "deleted_at": now,
            "deleted_reason": str(event.data.get("reason") or "").strip()[:500] or None,
            "expires_at": clock.epoch() + deps.settings.deleted_retention_days * _DAY,
            "admin_action_at": event.occurred_at,
            "updated_at": now,
            "GSI1PK": f"STATUS#{DELETED}",
            "GSI1SK": now,
        },
        [],
    )
    log.info("store.deleted", store_id=store["store_id"])


def handlers(get_deps: Callable[[], Deps]) -> dict[str, Handler]:
    """The three admin events, for sitegen's consumer (entrypoints/consumer/handlers.py merges them)."""

    async def on_suspended(event: Envelope, uow: UnitOfWork) -> None:
        await suspend(get_deps(), event, uow)

    async def on_unsuspended(event: Envelope, uow: UnitOfWork) -> None:
        await unsuspend(get_deps(), event, uow)

    async def on_deleted(event: Envelope, uow: UnitOfWork) -> None:
        await delete(get_deps(), event, uow)

    return {"store.suspended": on_suspended, "store.unsuspended": on_unsuspended, "store.deleted": on_deleted}
