"""A store's catalog comes into being from `store.generated`; the merchant then manages its settings."""

from __future__ import annotations

from typing import Any

import msgspec

from catalog.domain import contacts, products
from catalog.service.deps import Deps
from webdpro_aws.dynamo import Transaction, TransactionCancelled
from webdpro_core import clock
from webdpro_core.errors import NotFound, ValidationProblem
from webdpro_events import PermanentError, UnitOfWork, new_event
from webdpro_observability import get_logger

log = get_logger(__name__)

DEFAULT_UTC_OFFSET = 330


async def store_of(deps: Deps, tenant_id: str | None, store_id: str) -> dict[str, Any]:
    """The caller's own store, or 404 (another tenant's store is not found, never shown)."""
    store = await deps.repo.get_store(tenant_id, store_id) if tenant_id else None
    if store is None:
        raise NotFound("No such store", code="STORE_NOT_FOUND")
    return store


async def import_generated(deps: Deps, data: dict[str, Any], uow: UnitOfWork) -> bool:
    """Create a store's categories, products and inventory from `store.generated`. Idempotent: a store whose
    import finished is left alone; an import interrupted half-way is completed (every write is put-if-absent).
    Returns False when there was nothing to do."""
    try:
        spec = products.parse_store_generated(data)
    except msgspec.ValidationError as exc:
        raise PermanentError(f"store.generated breaks the contract: {exc}") from exc
    now = clock.iso(deps.now())
    # Validate everything before the first write: a bad event writes nothing.
    try:
        items = [
            products.product_item(p, mode=spec.inventory_mode, position=i, now=now)
            for i, p in enumerate(spec.products)
        ]
    except (ValidationProblem, ValueError) as exc:
        raise PermanentError(f"store.generated has an invalid product: {exc}") from exc
    ids = [p["product_id"] for p in items]
    if len(set(ids)) != len(ids):
        raise PermanentError("store.generated repeats a product id")

    owner = await deps.repo.tenant_of(spec.store_id)
    if owner is not None and owner != spec.tenant_id:
        raise PermanentError(f"store {spec.store_id} belongs to another tenant")
    store = await deps.repo.get_store(spec.tenant_id, spec.store_id)
    if store is not None and store.get("imported"):
        return False
    if store is None:
        supplier = None
        if spec.supplier_contact:
            try:
                supplier = contacts.contact(spec.supplier_contact.phone, spec.supplier_contact.email)
            except ValidationProblem:
                log.warning("import.bad_supplier_contact", store_id=spec.store_id)
        store = {
            "store_id": spec.store_id,
            "tenant_id": spec.tenant_id,
            "name": spec.name,
            "sector": spec.sector,
            "inventory_mode": spec.inventory_mode,
            "status": "active",
            "supplier": supplier,
            "lead_time_days": deps.settings.default_lead_time_days,
            "utc_offset_minutes": DEFAULT_UTC_OFFSET,
            "catalog_version": 0,
            "imported": False,
            "created_at": now,
        }
        tx = Transaction()
        deps.repo.add_store(tx, store)
        try:
            await deps.repo.commit(tx)
        except TransactionCancelled:
            pass  # a concurrent delivery created it: carry on, every following write is put-if-absent

    pk = f"T#{spec.tenant_id}#S#{spec.store_id}"
    for c in spec.categories:
        await deps.repo.put_if_absent(
            {
                "PK": pk,
                "SK": f"CATEGORY#{c.id}",
                "category_id": c.id,
                "slug": c.slug,
                "name": {"en": c.name.en, "hi": c.name.hi or c.name.en},
                "created_at": now,
            }
        )
    for item in items:
        await deps.repo.put_if_absent({"PK": pk, "SK": f"PRODUCT#{item['product_id']}", **item})

    uow.tx.update(
        deps.repo.name,
        {"PK": pk, "SK": "STORE"},
        "SET imported = :t, imported_at = :now ADD catalog_version :one",
        condition="attribute_exists(PK) AND imported = :f",
        values={":t": True, ":f": False, ":now": now, ":one": 1},
    )
    uow.emit(
        new_event(
            "catalog.store_imported",
            {
                "store_id": spec.store_id,
                "tenant_id": spec.tenant_id,
                "inventory_mode": spec.inventory_mode,
                "products": len(items),
                "categories": len(spec.categories),
            },
            tenant_id=spec.tenant_id,
            source="catalog",
        )
    )
    return True


def public_store(store: dict[str, Any]) -> dict[str, Any]:
    return {
        "store_id": store["store_id"],
        "name": store.get("name", ""),
        "sector": store.get("sector", ""),
        "inventory_mode": store["inventory_mode"],
        "status": store.get("status", "active"),
        "supplier": store.get("supplier"),
        "alert_contact": store.get("alert_contact"),
        "lead_time_days": int(store.get("lead_time_days", 2)),
        "catalog_version": int(store.get("catalog_version", 0)),
    }


async def update_settings(
    deps: Deps,
    tenant_id: str,
    store_id: str,
    *,
    lead_time_days: int | None,
    alert_phone: str | None,
    alert_email: str | None,
    fields_set: set[str],
) -> dict[str, Any]:
    store = await store_of(deps, tenant_id, store_id)
    changes: dict[str, Any] = {}
    if lead_time_days is not None:
        changes["lead_time_days"] = lead_time_days
    if fields_set & {"alert_phone", "alert_email"}:
        current = store.get("alert_contact") or {}
        phone = alert_phone if "alert_phone" in fields_set else current.get("phone")
        email = alert_email if "alert_email" in fields_set else current.get("email")
        changes["alert_contact"] = contacts.contact(phone, email, prefix="alert") or None
    if not changes:
        return public_store(store)
    return public_store(await deps.repo.update_store(tenant_id, store_id, changes))


async def set_supplier(deps: Deps, tenant_id: str, store_id: str, phone: str | None, email: str | None):
    await store_of(deps, tenant_id, store_id)
    supplier = contacts.contact(phone, email)
    if supplier is None:
        raise ValidationProblem(
            "Give a phone number or an email", code="SUPPLIER_CONTACT_REQUIRED", field="phone"
        )
    return public_store(await deps.repo.update_store(tenant_id, store_id, {"supplier": supplier}))


def remember_merchant(deps: Deps, data: dict[str, Any], uow: UnitOfWork) -> None:
    """`user.registered` of a merchant: where their low-stock alerts go unless a store names another contact."""
    if data.get("role") != "BUSINESS_OWNER" or not data.get("tenant_id"):
        return
    contact = {k: v for k, v in (("phone", data.get("phone_number")), ("email", data.get("email"))) if v}
    if contact:
        deps.repo.put_contact(uow.tx, data["tenant_id"], contact)


# The founder's actions (admin topic). A suspended or deleted store's storefront and reservations answer 404 —
# the live site already shows "store unavailable" and orders refuses the checkout first; this closes the
# public catalog API too. Unsuspended → active again; deleted is final.
FOUNDER_STATUS = {"store.suspended": "suspended", "store.unsuspended": "active", "store.deleted": "deleted"}


async def apply_founder_action(deps: Deps, event_type: str, occurred_at: str, data: dict[str, Any]) -> bool:
    """Idempotent and order-proof: a replay or a late event (older than the last one applied) changes nothing.
    Another tenant's store id, or a store never imported here, is simply not found (False)."""
    store_id, tenant_id = data.get("store_id"), data.get("tenant_id")
    if not store_id or not tenant_id:
        raise PermanentError(f"{event_type} without store_id / tenant_id")
    store = await deps.repo.get_store(str(tenant_id), str(store_id))
    if store is None or store.get("status") == "deleted":
        return False
    last = store.get("founder_action_at")
    if (
        last is not None and last > occurred_at
    ):  # strictly older: a late event (a replay is the consumer's to drop)
        return False
    await deps.repo.update_store(
        str(tenant_id),
        str(store_id),
        {"status": FOUNDER_STATUS[event_type], "founder_action_at": occurred_at},
    )
    log.info("store.founder_action", store_id=store_id, action=event_type)
    return True
