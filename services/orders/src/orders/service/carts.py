"""A customer's cart per store, kept on the server under their verified phone: it follows them across devices.
It holds what and how many; prices are shown from the storefront and charged from the catalog at checkout."""

from __future__ import annotations

from typing import Any

from orders.domain.order import Wanted, merge_lines
from orders.service import directory
from orders.service.deps import Deps
from webdpro_core import clock


def _empty(store_id: str) -> dict[str, Any]:
    return {"store_id": store_id, "items": [], "updated_at": None}


async def get(deps: Deps, phone_hash: str, store_id: str) -> dict[str, Any]:
    await directory.store(deps, store_id)
    return await deps.repo.get_cart(phone_hash, store_id) or _empty(store_id)


async def replace(deps: Deps, phone_hash: str, store_id: str, lines: list[Wanted]) -> dict[str, Any]:
    """PUT semantics: the cart becomes `lines` (merged); an empty list empties it. A suspended or deleted store
    takes no cart changes (409 STORE_UNAVAILABLE); reading the cart still works."""
    store = await directory.open_store(deps, store_id)
    merged = merge_lines(lines) if lines else []
    cart = {
        "store_id": store_id,
        "tenant_id": store["tenant_id"],
        "items": [
            {
                "product_id": w.product_id,
                "variant_id": w.variant_id,
                "slot_id": w.slot_id,
                "quantity": w.quantity,
            }
            for w in merged
        ],
        "updated_at": clock.iso(),
    }
    await deps.repo.put_cart(phone_hash, cart)
    return cart
