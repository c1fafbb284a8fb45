"""The founder's actions. Each is an event on the admin topic, committed through the outbox; the services that
act on it (sitegen, orders, auth) consume it, and the admin's own consumer writes it to the audit log and the
stores read model like any other event. Nothing here moves money."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from admin.domain.identity import InvalidIdentity, normalize_email, normalize_phone
from admin.domain.projection import DELETED, SUSPENDED
from admin.service.deps import Deps
from admin.service.queries import all_stores
from webdpro_core import clock, ids
from webdpro_core.errors import NotFound, ValidationProblem
from webdpro_events import Envelope, new_event

SOURCE = "admin"
TENANT_BANNED = "tenant banned"
_PER_TRANSACTION = 90  # DynamoDB transactions hold at most 100 items; one event is one outbox row


async def _live_store(deps: Deps, store_id: str) -> dict[str, Any]:
    store = await deps.reporting.store(store_id)
    if store is None or store["status"] == DELETED:
        raise NotFound("No such store", code="STORE_NOT_FOUND")
    return store


async def _emit(deps: Deps, events: list[Envelope]) -> None:
    for start in range(0, len(events), _PER_TRANSACTION):
        uow = deps.outbox.begin()
        for event in events[start : start + _PER_TRANSACTION]:
            uow.emit(event)
        await uow.commit()


def _answer(event: Envelope, **extra: Any) -> dict[str, Any]:
    return {"actionId": event.id, "type": event.type, **extra}


def _suspension(store: dict[str, Any], reason: str, actor: str) -> Envelope:
    return new_event(
        "store.suspended",
        {"tenant_id": store["tenant_id"], "store_id": store["store_id"], "reason": reason, "actor": actor},
        tenant_id=store["tenant_id"],
        source=SOURCE,
    )


async def suspend(deps: Deps, store_id: str, reason: str, actor: str) -> dict[str, Any]:
    store = await _live_store(deps, store_id)
    event = _suspension(store, reason, actor)
    await _emit(deps, [event])
    return _answer(event, storeId=store_id)


async def unsuspend(deps: Deps, store_id: str, reason: str | None, actor: str) -> dict[str, Any]:
    store = await _live_store(deps, store_id)
    data = {"tenant_id": store["tenant_id"], "store_id": store_id, "actor": actor}
    if reason:
        data["reason"] = reason
    event = new_event("store.unsuspended", data, tenant_id=store["tenant_id"], source=SOURCE)
    await _emit(deps, [event])
    return _answer(event, storeId=store_id)


async def delete(deps: Deps, store_id: str, reason: str | None, actor: str) -> dict[str, Any]:
    store = await _live_store(deps, store_id)
    purge_after = clock.iso(clock.now() + timedelta(days=deps.settings.deleted_retention_days))
    data = {"tenant_id": store["tenant_id"], "store_id": store_id, "purge_after": purge_after, "actor": actor}
    if reason:
        data["reason"] = reason
    event = new_event("store.deleted", data, tenant_id=store["tenant_id"], source=SOURCE)
    await _emit(deps, [event])
    return _answer(event, storeId=store_id, purgeAfter=purge_after)


async def ban(
    deps: Deps,
    *,
    phone: str | None,
    email: str | None,
    tenant_id: str | None,
    reason: str,
    actor: str,
) -> dict[str, Any]:
    given = [
        (k, v) for k, v in (("phone", phone), ("email", email), ("tenantId", tenant_id)) if v is not None
    ]
    if len(given) != 1:
        raise ValidationProblem(
            "Give exactly one of phone, email or tenantId", code="BAN_TARGET_REQUIRED", field="body"
        )
    kind, raw = given[0]
    suspensions: list[Envelope] = []
    if kind == "phone":
        try:
            value = normalize_phone(raw)
        except InvalidIdentity as exc:
            raise ValidationProblem(
                "Not a valid mobile number (E.164, e.g. +919812345678)", code="PHONE_INVALID", field="phone"
            ) from exc
        ban_tenant = None
    elif kind == "email":
        try:
            value = normalize_email(raw)
        except InvalidIdentity as exc:
            raise ValidationProblem("Not a valid email address", code="EMAIL_INVALID", field="email") from exc
        ban_tenant = None
    else:
        value = ban_tenant = raw
        stores = await all_stores(deps, raw)
        if await deps.reporting.tenant(raw) is None and not stores:
            raise NotFound("No such tenant", code="TENANT_NOT_FOUND")
        suspensions = [
            _suspension(s, TENANT_BANNED, actor) for s in stores if s["status"] not in (DELETED, SUSPENDED)
        ]
    ban_id = ids.new_id("ban")
    event = new_event(
        "admin.ban_issued",
        {
            "ban_id": ban_id,
            "kind": "tenant" if kind == "tenantId" else kind,
            "value": value,
            "tenant_id": ban_tenant,
            "reason": reason,
            "actor": actor,
        },
        tenant_id=ban_tenant,
        source=SOURCE,
    )
    await _emit(deps, [event, *suspensions])
    return _answer(event, banId=ban_id, suspendedStores=[e.data["store_id"] for e in suspensions])
