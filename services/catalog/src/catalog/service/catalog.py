"""The merchant's catalog: products, categories, stock adjustments and their history, menu availability,
variants, slots and images. Always within the caller's tenant; every change that the storefront shows bumps the
store's catalog version (the public ETag) in the same transaction."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import msgspec

from catalog.domain import contacts, inventory, products
from catalog.service.deps import Deps
from catalog.service.stores import store_of
from webdpro_aws.dynamo import Transaction, TransactionCancelled
from webdpro_core import clock, ids
from webdpro_core.errors import Conflict, NotFound, ValidationProblem
from webdpro_events import new_event

_MAX_RETRIES = 8


def _not_found() -> NotFound:
    return NotFound("No such product", code="PRODUCT_NOT_FOUND")


async def product_of(deps: Deps, tenant_id: str, store_id: str, product_id: str) -> dict[str, Any]:
    product = await deps.repo.get_product(tenant_id, store_id, product_id)
    if product is None or product.get("status") == "deleted":
        raise _not_found()
    return product


def _offset(store: dict[str, Any]) -> int:
    return int(store.get("utc_offset_minutes", inventory.DEFAULT_UTC_OFFSET_MINUTES))


async def _commit(deps: Deps, tx: Transaction, events: list | None = None) -> None:
    uow = deps.outbox.begin()
    uow.tx = tx
    for e in events or []:
        uow.emit(e)
    await uow.commit()


# ---- categories ------------------------------------------------------------------------------------------
async def list_categories(deps: Deps, tenant_id: str, store_id: str) -> list[dict[str, Any]]:
    await store_of(deps, tenant_id, store_id)
    return await deps.repo.list_categories(tenant_id, store_id)


async def create_category(deps: Deps, tenant_id: str, store_id: str, name: dict, slug: str | None) -> dict:
    await store_of(deps, tenant_id, store_id)
    existing = await deps.repo.list_categories(tenant_id, store_id)
    slug = slug or products.slugify(name["en"])
    if any(c.get("slug") == slug for c in existing):
        raise Conflict("A category with this slug exists", code="CATEGORY_EXISTS", field="slug")
    category = {
        "category_id": ids.new_id("cat"),
        "slug": slug,
        "name": {"en": name["en"], "hi": name.get("hi") or name["en"]},
        "created_at": clock.iso(deps.now()),
    }
    tx = Transaction()
    deps.repo.put_category(tx, tenant_id, store_id, category, new=True)
    deps.repo.bump_version(tx, tenant_id, store_id)
    await deps.repo.commit(tx)
    return category


async def update_category(deps: Deps, tenant_id: str, store_id: str, category_id: str, changes: dict) -> dict:
    await store_of(deps, tenant_id, store_id)
    category = await deps.repo.get_category(tenant_id, store_id, category_id)
    if category is None:
        raise NotFound("No such category", code="CATEGORY_NOT_FOUND")
    category = {k: v for k, v in category.items() if k not in ("PK", "SK")}
    if "name" in changes:
        category["name"] = {
            "en": changes["name"]["en"],
            "hi": changes["name"].get("hi") or changes["name"]["en"],
        }
    if "slug" in changes:
        others = await deps.repo.list_categories(tenant_id, store_id)
        if any(c.get("slug") == changes["slug"] and c["category_id"] != category_id for c in others):
            raise Conflict("A category with this slug exists", code="CATEGORY_EXISTS", field="slug")
        category["slug"] = changes["slug"]
    tx = Transaction()
    deps.repo.put_category(tx, tenant_id, store_id, category, new=False)
    deps.repo.bump_version(tx, tenant_id, store_id)
    await deps.repo.commit(tx)
    return category


async def delete_category(deps: Deps, tenant_id: str, store_id: str, category_id: str) -> None:
    await store_of(deps, tenant_id, store_id)
    if await deps.repo.get_category(tenant_id, store_id, category_id) is None:
        raise NotFound("No such category", code="CATEGORY_NOT_FOUND")
    used, _ = await deps.repo.list_products(
        tenant_id, store_id, limit=1, cursor=None, category=category_id, statuses=("active", "inactive")
    )
    if used:
        raise Conflict("Products still use this category", code="CATEGORY_IN_USE")
    tx = Transaction()
    deps.repo.delete_category(tx, tenant_id, store_id, category_id)
    deps.repo.bump_version(tx, tenant_id, store_id)
    try:
        await deps.repo.commit(tx)
    except TransactionCancelled as exc:
        raise NotFound("No such category", code="CATEGORY_NOT_FOUND") from exc


# ---- products --------------------------------------------------------------------------------------------
async def list_products(
    deps: Deps,
    tenant_id: str,
    store_id: str,
    *,
    limit: int,
    cursor: str | None,
    category: str | None,
    status: str | None,
) -> tuple[list[dict], str | None]:
    await store_of(deps, tenant_id, store_id)
    statuses = (status,) if status else ("active", "inactive")
    items, next_cursor = await deps.repo.list_products(
        tenant_id, store_id, limit=limit, cursor=cursor, category=category, statuses=statuses
    )
    return [products.view(p, merchant=True) for p in items], next_cursor


async def get_product(deps: Deps, tenant_id: str, store_id: str, product_id: str) -> dict:
    await store_of(deps, tenant_id, store_id)
    return products.view(await product_of(deps, tenant_id, store_id, product_id), merchant=True)


async def _check_category(deps: Deps, tenant_id: str, store_id: str, category_id: str | None) -> None:
    if category_id and await deps.repo.get_category(tenant_id, store_id, category_id) is None:
        raise ValidationProblem(
            "No such category in this store", code="CATEGORY_NOT_FOUND", field="categoryId"
        )


async def create_product(deps: Deps, tenant_id: str, store_id: str, body: dict[str, Any]) -> dict:
    """`body`: snake_case fields of the create request (name, price_paise, inventory {mode, …}, …)."""
    store = await store_of(deps, tenant_id, store_id)
    await _check_category(deps, tenant_id, store_id, body.get("category_id"))
    inv = dict(body["inventory"])
    if inv.get("mode") == "variants":
        inv["variants"] = [{**v, "id": v.get("id") or ids.new_id("var")} for v in inv.get("variants", [])]
        skus = [v["sku"] for v in inv["variants"]]
        if len(set(skus)) != len(skus):
            raise ValidationProblem("SKUs must be unique", code="DUPLICATE_SKU", field="inventory.variants")
    spec_raw = {
        **{
            k: v
            for k, v in body.items()
            if v is not None and k not in ("inventory", "supplier_phone", "supplier_email")
        },
        "id": ids.new_id("prd"),
        "slug": body.get("slug") or products.slugify(body["name"]["en"]),
        "inventory": inv,
    }
    try:
        spec = msgspec.convert(spec_raw, products.ProductSpec)
    except msgspec.ValidationError as exc:
        raise ValidationProblem(str(exc), code="VALIDATION_FAILED", field="inventory") from exc
    now = clock.iso(deps.now())
    item = products.product_item(spec, mode=store["inventory_mode"], position=0, now=now)
    supplier = contacts.contact(body.get("supplier_phone"), body.get("supplier_email"), prefix="supplier")
    if supplier:
        item["supplier"] = supplier
    tx = Transaction()
    deps.repo.put_product(tx, tenant_id, store_id, item)
    deps.repo.bump_version(tx, tenant_id, store_id)
    await _commit(deps, tx, [_product_event("product.created", tenant_id, store_id, item)])
    return products.view(item, merchant=True)


def _product_event(kind: str, tenant_id: str, store_id: str, item: dict[str, Any]):
    return new_event(
        kind,
        {
            "store_id": store_id,
            "tenant_id": tenant_id,
            "product_id": item["product_id"],
            "name": (item.get("name") or {}).get("en"),
            "price_paise": item.get("price_paise"),
            "status": item.get("status"),
        },
        tenant_id=tenant_id,
        source="catalog",
    )


_PATCHABLE = (
    "name",
    "description",
    "slug",
    "price_paise",
    "mrp_paise",
    "unit",
    "category_id",
    "image_url",
    "status",
    "low_stock_threshold",
    "reorder_qty",
)


async def update_product(deps: Deps, tenant_id: str, store_id: str, product_id: str, changes: dict) -> dict:
    """`changes`: only the fields the request set (None = clear a nullable field)."""
    await store_of(deps, tenant_id, store_id)
    product = await product_of(deps, tenant_id, store_id, product_id)
    sets: dict[str, Any] = {}
    removes: list[str] = []
    for field in _PATCHABLE:
        if field not in changes:
            continue
        value = changes[field]
        if field in ("name", "description") and value is not None:
            value = {"en": value["en"], "hi": value.get("hi") or value["en"]}
        if field in ("low_stock_threshold", "reorder_qty") and product["mode"] not in ("stock", "variants"):
            raise ValidationProblem(
                "Only counted stock has thresholds", code="NOT_APPLICABLE", field=_camel(field)
            )
        if value is None:
            if field in ("mrp_paise", "category_id", "image_url"):
                removes.append(field)
                continue
            raise ValidationProblem(
                f"{_camel(field)} cannot be null", code="VALIDATION_FAILED", field=_camel(field)
            )
        sets[field] = value
    if "category_id" in sets:
        await _check_category(deps, tenant_id, store_id, sets["category_id"])
    price = sets.get("price_paise", product["price_paise"])
    mrp = None if "mrp_paise" in removes else sets.get("mrp_paise", product.get("mrp_paise"))
    if mrp is not None and int(mrp) < int(price):
        raise ValidationProblem("The MRP cannot be below the price", code="MRP_BELOW_PRICE", field="mrpPaise")
    if "supplier_phone" in changes or "supplier_email" in changes:
        current = product.get("supplier") or {}
        supplier = contacts.contact(
            changes.get("supplier_phone", current.get("phone")),
            changes.get("supplier_email", current.get("email")),
            prefix="supplier",
        )
        if supplier:
            sets["supplier"] = supplier
        else:
            removes.append("supplier")
    if product["mode"] == "menu" and changes.get("menu"):
        menu = {**(product.get("menu") or {}), **changes["menu"]}
        sets["menu"] = menu
    if product["mode"] == "slots" and changes.get("slots"):
        merged = {**(product.get("slots") or {}), **changes["slots"]}
        try:
            spec = msgspec.convert(merged, products.SlotInv)
            sets["slots"] = products.inventory_fields(spec)["slots"]
        except msgspec.ValidationError as exc:
            raise ValidationProblem(str(exc), code="VALIDATION_FAILED", field="slots") from exc
    if not sets and not removes:
        return products.view(product, merchant=True)
    sets["updated_at"] = clock.iso(deps.now())
    tx = Transaction()
    deps.repo.update_product(tx, tenant_id, store_id, product_id, sets, removes=tuple(removes))
    deps.repo.bump_version(tx, tenant_id, store_id)
    updated = {**product, **sets}
    for r in removes:
        updated.pop(r, None)
    try:
        await _commit(deps, tx, [_product_event("product.updated", tenant_id, store_id, updated)])
    except TransactionCancelled as exc:
        raise _not_found() from exc
    return products.view(await product_of(deps, tenant_id, store_id, product_id), merchant=True)


def _camel(field: str) -> str:
    head, *rest = field.split("_")
    return head + "".join(p.title() for p in rest)


async def delete_product(deps: Deps, tenant_id: str, store_id: str, product_id: str) -> None:
    """Soft delete: gone from the storefront and from new orders; held stock still comes back on release."""
    await store_of(deps, tenant_id, store_id)
    product = await product_of(deps, tenant_id, store_id, product_id)
    tx = Transaction()
    deps.repo.update_product(
        tx, tenant_id, store_id, product_id, {"status": "deleted", "updated_at": clock.iso(deps.now())}
    )
    deps.repo.bump_version(tx, tenant_id, store_id)
    try:
        await _commit(deps, tx, [_product_event("product.deleted", tenant_id, store_id, product)])
    except TransactionCancelled as exc:
        raise _not_found() from exc


# ---- stock -----------------------------------------------------------------------------------------------
async def adjust_stock(
    deps: Deps,
    tenant_id: str,
    store_id: str,
    product_id: str,
    *,
    delta: int,
    reason: str,
    variant_id: str | None,
    by: str,
    source: str = "manual",
    extra_tx=None,
) -> dict[str, Any]:
    """Add or remove stock with a movement record. Optimistic: the count read is the count written against,
    so the movement's before/after are exact even while checkouts take stock concurrently (retried)."""
    await store_of(deps, tenant_id, store_id)
    for _ in range(_MAX_RETRIES):
        product = await product_of(deps, tenant_id, store_id, product_id)
        mode = product["mode"]
        if mode not in ("stock", "variants"):
            raise ValidationProblem(
                f"A {mode} product has no stock count", code="NO_STOCK_COUNT", field="delta"
            )
        if mode == "variants" and not variant_id:
            raise ValidationProblem("Name the variant", code="VARIANT_REQUIRED", field="variantId")
        if mode == "stock" and variant_id:
            raise ValidationProblem(
                "This product has no variants", code="VARIANT_NOT_APPLICABLE", field="variantId"
            )
        before = inventory.available_of(product, variant_id)
        if before is None or (
            variant_id and (product.get("variants") or {}).get(variant_id, {}).get("status") == "deleted"
        ):
            raise NotFound("No such variant", code="VARIANT_NOT_FOUND", field="variantId")
        after = inventory.adjusted(before, delta)
        tx = Transaction()
        key = deps.repo.product_key(tenant_id, store_id, product_id)
        if mode == "stock":
            tx.update(
                deps.repo.name,
                key,
                "SET stock_qty = :after",
                condition="stock_qty = :before",
                values={":after": after, ":before": before},
            )
        else:
            tx.update(
                deps.repo.name,
                key,
                "SET variants.#v.stock_qty = :after",
                condition="variants.#v.stock_qty = :before",
                names={"#v": variant_id},
                values={":after": after, ":before": before},
            )
        movement = {
            "movement_id": ids.new_id("mov"),
            "product_id": product_id,
            "variant_id": variant_id,
            "delta": delta,
            "reason": reason,
            "source": source,
            "qty_before": before,
            "qty_after": after,
            "by": by,
            "at": clock.iso(deps.now()),
        }
        deps.repo.add_movement(tx, tenant_id, store_id, movement)
        deps.repo.bump_version(tx, tenant_id, store_id)
        events = [
            new_event(
                "inventory.adjusted",
                {
                    "store_id": store_id,
                    "tenant_id": tenant_id,
                    "product_id": product_id,
                    "variant_id": variant_id,
                    "delta": delta,
                    "qty_after": after,
                    "reason": reason,
                    "source": source,
                },
                tenant_id=tenant_id,
                source="catalog",
            )
        ]
        if extra_tx is not None:
            events.extend(extra_tx(tx))
        try:
            await _commit(deps, tx, events)
            return movement
        except TransactionCancelled as exc:
            if not exc.failed(0):
                raise Conflict("The stock changed meanwhile; try again", code="STOCK_CHANGED") from exc
            continue  # the count moved under us (a checkout): read again
    raise Conflict("The stock is changing too fast; try again", code="STOCK_CHANGED")


async def movements(
    deps: Deps, tenant_id: str, store_id: str, product_id: str, limit: int, cursor: str | None
):
    await store_of(deps, tenant_id, store_id)
    product = await deps.repo.get_product(tenant_id, store_id, product_id)
    if product is None:
        raise _not_found()
    return await deps.repo.list_movements(tenant_id, store_id, product_id, limit, cursor)


# ---- menu ------------------------------------------------------------------------------------------------
async def set_availability(
    deps: Deps, tenant_id: str, store_id: str, product_id: str, changes: dict[str, Any]
) -> dict[str, Any]:
    store = await store_of(deps, tenant_id, store_id)
    product = await product_of(deps, tenant_id, store_id, product_id)
    if product["mode"] != "menu":
        raise ValidationProblem(
            "Only menu items have availability", code="NOT_A_MENU_ITEM", field="available"
        )
    menu = dict(product.get("menu") or {})
    sets: dict[str, Any] = {}
    removes: list[str] = []
    if "available" in changes:
        menu["available"] = bool(changes["available"])
    if "hours" in changes:
        hours = changes["hours"]
        if hours is not None:
            if hours["from"] == hours["to"]:
                raise ValidationProblem(
                    "Opening and closing are the same", code="INVALID_HOURS", field="hours"
                )
            menu["hours"] = {"from": hours["from"], "to": hours["to"]}
        else:
            menu.pop("hours", None)
    sets["menu"] = menu
    if "sold_out_today" in changes:
        if changes["sold_out_today"]:
            sets["sold_out_on"] = inventory.local_today(_offset(store), deps.now()).isoformat()
        else:
            removes.append("sold_out_on")
    sets["updated_at"] = clock.iso(deps.now())
    tx = Transaction()
    deps.repo.update_product(tx, tenant_id, store_id, product_id, sets, removes=tuple(removes))
    deps.repo.bump_version(tx, tenant_id, store_id)
    updated = {**product, **sets}
    for r in removes:
        updated.pop(r, None)
    await _commit(deps, tx, [_product_event("product.updated", tenant_id, store_id, updated)])
    return products.view(updated, merchant=True)


# ---- variants --------------------------------------------------------------------------------------------
async def add_variant(deps: Deps, tenant_id: str, store_id: str, product_id: str, body: dict) -> dict:
    await store_of(deps, tenant_id, store_id)
    product = await product_of(deps, tenant_id, store_id, product_id)
    if product["mode"] != "variants":
        raise ValidationProblem("This product has no variants", code="VARIANT_NOT_APPLICABLE", field="sku")
    variants = product.get("variants") or {}
    live = [v for v in variants.values() if v.get("status", "active") != "deleted"]
    if any(v.get("sku") == body["sku"] for v in live):
        raise Conflict("A variant with this SKU exists", code="DUPLICATE_SKU", field="sku")
    variant = {
        "variant_id": ids.new_id("var"),
        "sku": body["sku"],
        "size": body.get("size"),
        "colour": body.get("colour"),
        "price_paise": body.get("price_paise"),
        "stock_qty": int(body.get("stock_qty") or 0),
        "position": len(variants),
        "status": "active",
    }
    tx = Transaction()
    tx.update(
        deps.repo.name,
        deps.repo.product_key(tenant_id, store_id, product_id),
        "SET variants.#v = :v, updated_at = :now",
        condition="attribute_exists(PK) AND attribute_not_exists(variants.#v)",
        names={"#v": variant["variant_id"]},
        values={":v": variant, ":now": clock.iso(deps.now())},
    )
    deps.repo.bump_version(tx, tenant_id, store_id)
    await _commit(deps, tx)
    return products.view(await product_of(deps, tenant_id, store_id, product_id), merchant=True)


async def update_variant(
    deps: Deps, tenant_id: str, store_id: str, product_id: str, variant_id: str, changes: dict
) -> dict:
    await store_of(deps, tenant_id, store_id)
    product = await product_of(deps, tenant_id, store_id, product_id)
    variant = (product.get("variants") or {}).get(variant_id)
    if product["mode"] != "variants" or variant is None or variant.get("status") == "deleted":
        raise NotFound("No such variant", code="VARIANT_NOT_FOUND")
    if "sku" in changes and any(
        v.get("sku") == changes["sku"] and k != variant_id and v.get("status") != "deleted"
        for k, v in (product.get("variants") or {}).items()
    ):
        raise Conflict("A variant with this SKU exists", code="DUPLICATE_SKU", field="sku")
    names = {"#v": variant_id}
    values: dict[str, Any] = {":now": clock.iso(deps.now())}
    parts = ["updated_at = :now"]
    for i, field in enumerate(k for k in ("sku", "size", "colour", "price_paise", "status") if k in changes):
        names[f"#f{i}"] = field
        values[f":f{i}"] = changes[field]
        parts.append(f"variants.#v.#f{i} = :f{i}")
    tx = Transaction()
    tx.update(
        deps.repo.name,
        deps.repo.product_key(tenant_id, store_id, product_id),
        "SET " + ", ".join(parts),
        condition="attribute_exists(variants.#v)",
        names=names,
        values=values,
    )
    deps.repo.bump_version(tx, tenant_id, store_id)
    await _commit(deps, tx)
    return products.view(await product_of(deps, tenant_id, store_id, product_id), merchant=True)


# ---- slots -----------------------------------------------------------------------------------------------
async def slots(
    deps: Deps, tenant_id: str, store_id: str, product_id: str, first: date | None, days: int, *, public: bool
) -> list[dict[str, Any]]:
    store = await deps.repo.get_store(tenant_id, store_id)
    if store is None:
        raise NotFound("No such store", code="STORE_NOT_FOUND")
    product = await product_of(deps, tenant_id, store_id, product_id)
    if public and product.get("status") != "active":
        raise _not_found()
    if product["mode"] != "slots":
        raise ValidationProblem(
            "This product is not booked by slot", code="SLOT_NOT_APPLICABLE", field="productId"
        )
    now_local = inventory.local_now(_offset(store), deps.now())
    first = first or now_local.date()
    config = product.get("slots") or {}
    capacity = inventory.capacity_of(config)
    out = []
    for d in range(days):
        day = first + timedelta(days=d)
        counters = {
            c["slot_start"]: c
            for c in await deps.repo.slot_counters(tenant_id, store_id, product_id, day.isoformat())
        }
        for start in inventory.slot_starts(config, day):
            key = f"{start:%Y-%m-%dT%H:%M}"
            counter = counters.get(key)
            remaining = int(counter["remaining"]) if counter else capacity
            bookable = start > now_local and remaining > 0
            if public and start <= now_local:
                continue
            end = start + timedelta(minutes=int(config["duration_minutes"]))
            out.append(
                {
                    "slot_id": inventory.slot_id(product_id, start),
                    "start": key,
                    "end": f"{end:%Y-%m-%dT%H:%M}",
                    "capacity": int(counter.get("capacity", capacity)) if counter else capacity,
                    "remaining": remaining,
                    "bookable": bookable,
                }
            )
    return out


# ---- images ----------------------------------------------------------------------------------------------
async def image_upload(deps: Deps, tenant_id: str, store_id: str, product_id: str, content_type: str) -> dict:
    from catalog.adapters.media import EXTENSIONS

    await store_of(deps, tenant_id, store_id)
    await product_of(deps, tenant_id, store_id, product_id)
    ext = EXTENSIONS.get(content_type)
    if ext is None:
        raise ValidationProblem(
            f"contentType must be one of {', '.join(EXTENSIONS)}",
            code="UNSUPPORTED_IMAGE",
            field="contentType",
        )
    key = f"stores/{store_id}/products/{product_id}/{ids.new_id('img')}.{ext}"
    upload_url, image_url = await deps.media.upload_url(key, content_type)
    return {
        "upload_url": upload_url,
        "image_url": image_url,
        "content_type": content_type,
        "expires_in": deps.media.expires_seconds,
    }


def parse_day(value: str | None, field: str = "from") -> date | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as exc:
        raise ValidationProblem("A date is YYYY-MM-DD", code="INVALID_DATE", field=field) from exc
