"""The public storefront read API (no token): products of a published store, fast and cacheable.

Every answer carries a weak ETag from the store's catalog version (bumped by every merchant change the
storefront shows) and `Cache-Control: public, max-age=30`; `If-None-Match` with the current tag answers 304
after one read. Pages are also kept in a small in-process cache keyed by that version, so a busy storefront
costs one DynamoDB read per request. Stock counts move with every checkout without bumping the version: they
are as fresh as the cache (seconds); the reservation at checkout is what decides.
"""

from __future__ import annotations

import time
from typing import Any

from catalog.domain import products
from catalog.service.deps import Deps
from webdpro_core.errors import NotFound

_MAX_ENTRIES = 4096


async def _store(deps: Deps, store_id: str) -> dict[str, Any]:
    tenant = await deps.repo.tenant_of(store_id)
    store = await deps.repo.get_store(tenant, store_id) if tenant else None
    if store is None or store.get("status", "active") != "active":
        raise NotFound("No such store", code="STORE_NOT_FOUND")
    return store


def etag_of(store: dict[str, Any]) -> str:
    return f'W/"{store["store_id"]}.{int(store.get("catalog_version", 0))}"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """Weak comparison (RFC 9110 §13.1.2): W/"x" matches "x" and W/"x"."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in if_none_match.split(","))


async def _cached(deps: Deps, key: tuple, load):
    hit = deps.cache.get(key)
    now = time.monotonic()
    if hit is not None and now - hit[0] < deps.settings.public_cache_seconds:
        return hit[1]
    value = await load()
    if len(deps.cache) >= _MAX_ENTRIES:
        deps.cache.clear()
    deps.cache[key] = (now, value)
    return value


async def products_page(
    deps: Deps,
    store_id: str,
    *,
    category: str | None,
    cursor: str | None,
    limit: int,
    if_none_match: str | None,
) -> tuple[str, dict[str, Any] | None]:
    """→ (etag, body) — body None means 304 Not Modified."""
    store = await _store(deps, store_id)
    etag = etag_of(store)
    if matches(if_none_match, etag):
        return etag, None

    async def load() -> dict[str, Any]:
        items, next_cursor = await deps.repo.list_products(
            store["tenant_id"], store_id, limit=limit, cursor=cursor, category=category
        )
        return {
            "store_id": store_id,
            "catalog_version": int(store.get("catalog_version", 0)),
            "items": [products.view(p, merchant=False) for p in items],
            "next_cursor": next_cursor,
        }

    key = ("list", store_id, store.get("catalog_version", 0), category, cursor, limit)
    return etag, await _cached(deps, key, load)


async def product(
    deps: Deps, store_id: str, product_id: str, *, if_none_match: str | None
) -> tuple[str, dict[str, Any] | None]:
    store = await _store(deps, store_id)
    etag = etag_of(store)
    if matches(if_none_match, etag):
        return etag, None

    async def load() -> dict[str, Any] | None:
        item = await deps.repo.get_product(store["tenant_id"], store_id, product_id)
        if item is None or item.get("status") != "active":
            return None
        return products.view(item, merchant=False)

    key = ("product", store_id, store.get("catalog_version", 0), product_id)
    body = await _cached(deps, key, load)
    if body is None:
        raise NotFound("No such product", code="PRODUCT_NOT_FOUND")
    return etag, body


async def categories(deps: Deps, store_id: str, *, if_none_match: str | None) -> tuple[str, dict | None]:
    store = await _store(deps, store_id)
    etag = etag_of(store)
    if matches(if_none_match, etag):
        return etag, None

    async def load() -> dict[str, Any]:
        cats = await deps.repo.list_categories(store["tenant_id"], store_id)
        return {
            "store_id": store_id,
            "items": [{"category_id": c["category_id"], "slug": c["slug"], "name": c["name"]} for c in cats],
        }

    return etag, await _cached(deps, ("categories", store_id, store.get("catalog_version", 0)), load)


async def tenant_of_public(deps: Deps, store_id: str) -> str:
    return (await _store(deps, store_id))["tenant_id"]
