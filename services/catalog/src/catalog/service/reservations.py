"""Reservations (the orders service's internal API): hold stock for an order, confirm it, release it.

reserve: one consistent batch read of the products (price, mode, state), then ONE TransactWriteItems: the
reservation record (put-if-absent: idempotent by order id) and one conditional decrement per stock item
(`stock_qty >= :q`, per variant, per slot), the product's state checked in the same condition. All or nothing;
never below zero under any concurrency. On the happy path that is 2 AWS calls (the store's tenant is cached).

Holds expire: the inventory scan and any out-of-stock answer first release the store's expired holds (the stock
comes back, `reservation.expired` tells the orders service). The order events `order.confirmed` /
`order.cancelled` and the internal confirm / release routes do the same thing, whichever comes first.
"""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta
from typing import Any

from catalog.adapters.repository import sku_key
from catalog.domain import inventory
from catalog.domain import reservation as rules
from catalog.service.deps import Deps
from webdpro_aws.dynamo import Transaction, TransactionCancelled
from webdpro_core import clock
from webdpro_core.errors import Conflict, NotFound
from webdpro_events import new_event
from webdpro_observability import get_logger

log = get_logger(__name__)

_CONFLICT_RETRIES = 6


def _store_not_found() -> NotFound:
    return NotFound("No such store", code="STORE_NOT_FOUND")


def _res_not_found() -> NotFound:
    return NotFound("No reservation for this order", code="RESERVATION_NOT_FOUND")


async def _store(deps: Deps, store_id: str, tenant_id: str | None = None) -> dict[str, Any]:
    owner = await deps.repo.tenant_of(store_id)
    if owner is None or (tenant_id is not None and owner != tenant_id):
        raise _store_not_found()
    store = await deps.repo.get_store(owner, store_id)
    if store is None or store.get("status", "active") != "active":
        raise _store_not_found()
    return store


def view(res: dict[str, Any]) -> dict[str, Any]:
    return {
        "order_id": res["order_id"],
        "store_id": res["store_id"],
        "status": res["status"],
        "expires_at": res["expires_at_iso"],
        "items": [
            {
                "product_id": i["product_id"],
                "variant_id": i.get("variant_id"),
                "slot_id": i.get("slot_id"),
                "name": i["name"],
                "unit_price_paise": int(i["unit_price_paise"]),
                "quantity": int(i["quantity"]),
                "line_total_paise": int(i["line_total_paise"]),
            }
            for i in res["items"]
        ],
        "total_paise": int(res["total_paise"]),
    }


def _counters(items: list[dict[str, Any]]) -> dict[str, dict[tuple[str, ...], int]]:
    """product → counter → quantity, from a reservation's stored items."""
    out: dict[str, dict[tuple[str, ...], int]] = {}
    for i in items:
        counter = tuple(i["counter"])
        by = out.setdefault(i["product_id"], {})
        by[counter] = by.get(counter, 0) + int(i["quantity"])
    return out


# ---- reserve ---------------------------------------------------------------------------------------------
async def reserve(
    deps: Deps, store_id: str, *, order_id: str, tenant_id: str, lines: list[rules.Line], hold_seconds: int
) -> tuple[dict[str, Any], bool]:
    """→ (reservation view, created). The same order id returns the existing reservation (created=False)."""
    for line in lines:
        rules.check_quantity(line)
    owner = await deps.repo.tenant_of(store_id)
    if owner is None or owner != tenant_id:
        raise _store_not_found()
    swept = False
    for attempt in range(_CONFLICT_RETRIES):
        try:
            return await _try_reserve(deps, owner, store_id, order_id, lines, hold_seconds)
        except rules.OutOfStock:
            # Expired holds may be sitting on the stock: return them, then try once more.
            if swept or not await sweep_store(deps, owner, store_id):
                raise
            swept = True
        except _Contention:
            await asyncio.sleep(random.uniform(0.005, 0.02) * (attempt + 1))
    raise Conflict("The items are in high demand; try again", code="RESERVATION_CONTENDED")


class _Contention(Exception):
    """DynamoDB cancelled the transaction for a concurrent transaction on the same item: retry."""


async def _try_reserve(
    deps: Deps, tenant_id: str, store_id: str, order_id: str, lines: list[rules.Line], hold_seconds: int
) -> tuple[dict[str, Any], bool]:
    # The store (open for orders?) and the products in one read round trip.
    store, found = await deps.repo.get_store_and_products(
        tenant_id, store_id, [ln.product_id for ln in lines]
    )
    if store is None or store.get("status", "active") != "active":
        raise _store_not_found()
    now = deps.now()
    now_local = inventory.local_now(int(store.get("utc_offset_minutes", 330)), now)
    priced = [rules.price_line(ln, found.get(ln.product_id), now_local) for ln in lines]
    rules.check_capacity(priced)
    # A pre-check from the consistent read: a sold-out item answers without a write (hot products stay cheap).
    # The transaction below is still what guarantees the invariant.
    for (pid, counter), qty in rules.merged_demand(priced).items():
        if counter[0] in ("stock", "variant"):
            have = inventory.available_of(found[pid], counter[1] if counter[0] == "variant" else None) or 0
            if have < qty:
                existing = await deps.repo.get_reservation(tenant_id, store_id, order_id)
                if existing is not None:
                    return view(existing), False
                raise _out_of_stock(priced, pid, counter, have)

    expires = now + timedelta(seconds=hold_seconds)
    items = [
        {
            "product_id": p.line.product_id,
            "variant_id": p.line.variant_id,
            "slot_id": p.line.slot_id,
            "name": p.name,
            "unit_price_paise": p.unit_price_paise,
            "quantity": p.line.quantity,
            "line_total_paise": p.line_total_paise,
            "counter": list(p.counter),
            "capacity": p.capacity or None,
        }
        for p in priced
    ]
    res = {
        "order_id": order_id,
        "store_id": store_id,
        "tenant_id": tenant_id,
        "status": rules.HELD,
        "items": items,
        "total_paise": sum(p.line_total_paise for p in priced),
        "created_at": clock.iso(now),
        "expires_at_iso": clock.iso(expires),
    }
    tx = Transaction()
    res_index = deps.repo.put_reservation(tx, res)
    demand: dict[str, dict[tuple[str, ...], int]] = {}
    capacities: dict[str, dict[tuple[str, ...], int]] = {}
    for (pid, counter), qty in rules.merged_demand(priced).items():
        demand.setdefault(pid, {})[counter] = qty
        cap = next(p.capacity for p in priced if p.line.product_id == pid and p.counter == counter)
        capacities.setdefault(pid, {})[counter] = cap
    op_of: dict[int, tuple[str, tuple[str, ...] | None]] = {}
    today = now_local.date().isoformat()
    for pid, counters in demand.items():
        for index, counter in deps.repo.take(
            tx, tenant_id, store_id, pid, counters, today=today, capacities=capacities[pid]
        ):
            op_of[index] = (pid, counter)
    try:
        await deps.repo.commit(tx)
    except TransactionCancelled as exc:
        if exc.failed(res_index):
            existing = await deps.repo.get_reservation(tenant_id, store_id, order_id)
            if existing is not None:
                return view(existing), False
        if any(r == "TransactionConflict" for r in exc.reasons):
            raise _Contention from exc
        for index, (pid, counter) in op_of.items():
            if exc.failed(index):
                raise await _explain(deps, store, priced, pid, counter, now_local) from exc
        raise
    return view(res), True


def _out_of_stock(
    priced: list[rules.Priced], pid: str, counter: tuple[str, ...], have: int
) -> rules.OutOfStock:
    p = next(x for x in priced if x.line.product_id == pid and x.counter == counter)
    return rules.OutOfStock(
        index=p.line.index,
        product_id=pid,
        name=p.name,
        available=max(0, have),
        variant_id=p.line.variant_id,
        slot_id=p.line.slot_id,
    )


async def _explain(
    deps: Deps, store: dict[str, Any], priced: list[rules.Priced], pid: str, counter, now_local
) -> Exception:
    """Why an item's conditional write failed, from a fresh read: out of stock (with what is left), or the
    product became unavailable meanwhile."""
    tenant_id, store_id = store["tenant_id"], store["store_id"]
    product = await deps.repo.get_product(tenant_id, store_id, pid)
    first = next(x for x in priced if x.line.product_id == pid)
    if counter is None:
        try:
            rules.price_line(first.line, product, now_local)
        except Exception as exc:  # the product's state is the reason
            return exc
        # The product item's condition covers its stock counters too: find the short one.
        for p in priced:
            if p.line.product_id == pid and p.counter[0] in ("stock", "variant"):
                have = inventory.available_of(product, p.line.variant_id) or 0
                need = sum(
                    x.line.quantity for x in priced if x.line.product_id == pid and x.counter == p.counter
                )
                if have < need:
                    return _out_of_stock(priced, pid, p.counter, have)
        return _out_of_stock(priced, pid, first.counter, inventory.available_of(product) or 0)
    slot = await deps.repo.get_slot(tenant_id, store_id, pid, counter[1])
    return _out_of_stock(priced, pid, counter, int(slot["remaining"]) if slot else 0)


# ---- confirm / release -----------------------------------------------------------------------------------
async def get(deps: Deps, store_id: str, order_id: str) -> dict[str, Any]:
    store = await _store(deps, store_id)
    res = await deps.repo.get_reservation(store["tenant_id"], store_id, order_id)
    if res is None:
        raise _res_not_found()
    return view(res)


async def confirm(
    deps: Deps, store_id: str, order_id: str, *, tenant_id: str | None = None
) -> dict[str, Any]:
    store = await _store_any_status(deps, store_id, tenant_id)
    for _ in range(_CONFLICT_RETRIES):
        res = await deps.repo.get_reservation(store["tenant_id"], store_id, order_id)
        if res is None:
            raise _res_not_found()
        if res["status"] == rules.CONFIRMED:
            return view(res)
        now = deps.now()
        day = inventory.local_today(int(store.get("utc_offset_minutes", 330)), now).isoformat()
        tx = Transaction()
        deps.repo.set_reservation_status(
            tx,
            res,
            expect=res["status"],
            status=rules.CONFIRMED,
            extra={"confirmed_at": clock.iso(now), "sales_day": day},
        )
        _record_sales(deps, tx, res, day, +1)
        take_ops: dict[int, tuple[str, Any]] = {}
        if res["status"] == rules.RELEASED:
            # The hold lapsed before the order was confirmed: take the stock again, or refuse.
            for pid, counters in _counters(res["items"]).items():
                caps = {c: _capacity(res, pid, c) for c in counters}
                for index, counter in deps.repo.take(
                    tx, store["tenant_id"], store_id, pid, counters, today=day, capacities=caps
                ):
                    take_ops[index] = (pid, counter)
        try:
            await deps.repo.commit(tx)
        except TransactionCancelled as exc:
            if exc.failed(0):
                continue  # its status changed under us: look again
            if any(r == "TransactionConflict" for r in exc.reasons):
                await asyncio.sleep(0.01)
                continue
            raise Conflict(
                "The hold on this order's stock expired and the stock is gone", code="RESERVATION_EXPIRED"
            ) from exc
        return view({**res, "status": rules.CONFIRMED})
    raise Conflict("The reservation is changing; try again", code="RESERVATION_CONTENDED")


def _capacity(res: dict[str, Any], pid: str, counter: tuple[str, ...]) -> int:
    for i in res["items"]:
        if i["product_id"] == pid and tuple(i["counter"]) == counter:
            return int(i.get("capacity") or 1_000_000)
    return 0


def _record_sales(deps: Deps, tx: Transaction, res: dict[str, Any], day: str, sign: int) -> None:
    """Daily sales per SKU (the forecasts' input): counted stock and variants only."""
    per_sku: dict[str, int] = {}
    for i in res["items"]:
        if i["counter"][0] in ("stock", "variant"):
            sku = sku_key(i["product_id"], i.get("variant_id"))
            per_sku[sku] = per_sku.get(sku, 0) + int(i["quantity"])
    ttl = clock.epoch() + deps.settings.sales_retention_days * 86400
    for sku, qty in per_sku.items():
        deps.repo.add_sales(tx, res["tenant_id"], res["store_id"], day, sku, sign * qty, ttl)


async def _store_any_status(deps: Deps, store_id: str, tenant_id: str | None) -> dict[str, Any]:
    owner = await deps.repo.tenant_of(store_id)
    if owner is None or (tenant_id is not None and owner != tenant_id):
        raise _store_not_found()
    store = await deps.repo.get_store(owner, store_id)
    if store is None:
        raise _store_not_found()
    return store


async def release(
    deps: Deps, store_id: str, order_id: str, *, reason: str = "cancelled", tenant_id: str | None = None
) -> dict[str, Any]:
    store = await _store_any_status(deps, store_id, tenant_id)
    for _ in range(_CONFLICT_RETRIES):
        res = await deps.repo.get_reservation(store["tenant_id"], store_id, order_id)
        if res is None:
            raise _res_not_found()
        if res["status"] == rules.RELEASED:
            return view(res)
        if await _release(deps, res, reason):
            return view({**res, "status": rules.RELEASED})
    raise Conflict("The reservation is changing; try again", code="RESERVATION_CONTENDED")


async def _release(deps: Deps, res: dict[str, Any], reason: str) -> bool:
    """Release one reservation (HELD or CONFIRMED) and give its stock back, atomically. False: it changed."""
    now = deps.now()
    uow = deps.outbox.begin()
    deps.repo.set_reservation_status(
        uow.tx,
        res,
        expect=res["status"],
        status=rules.RELEASED,
        extra={"released_at": clock.iso(now), "release_reason": reason},
    )
    for pid, counters in _counters(res["items"]).items():
        deps.repo.give_back(uow.tx, res["tenant_id"], res["store_id"], pid, counters)
    if res["status"] == rules.CONFIRMED and res.get("sales_day"):
        _record_sales(deps, uow.tx, res, res["sales_day"], -1)
    if reason == "expired":
        uow.emit(
            new_event(
                "reservation.expired",
                {"order_id": res["order_id"], "store_id": res["store_id"], "tenant_id": res["tenant_id"]},
                tenant_id=res["tenant_id"],
                source="catalog",
            )
        )
    try:
        await uow.commit()
    except TransactionCancelled as exc:
        if exc.failed(0) or any(r == "TransactionConflict" for r in exc.reasons):
            return False
        raise
    return True


async def sweep_store(deps: Deps, tenant_id: str, store_id: str) -> int:
    """Release the store's holds whose time is up; returns how many."""
    now_iso = clock.iso(deps.now())
    released = 0
    for hold in await deps.repo.expired_holds(tenant_id, store_id, now_iso):
        res = await deps.repo.get_reservation(tenant_id, store_id, hold["order_id"])
        if res is None or res["status"] != rules.HELD or res["expires_at_iso"] >= now_iso:
            continue
        if await _release(deps, res, "expired"):
            released += 1
            log.info("reservation.expired", order_id=res["order_id"], store_id=store_id)
    return released
