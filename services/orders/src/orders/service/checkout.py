"""Checkout: claim the Idempotency-Key, reserve the stock at the catalog (prices come from there), then write the
order, the key's answer, the payment deadline and the events in one transaction.

- Same key, same request → the first answer (also to concurrent duplicates, which wait for it).
- Catalog down / failing → 503, the claim is dropped (a retry with the same key runs again), no order exists.
- A refusal of the request (OUT_OF_STOCK, unknown product, …) is the key's answer: replayed like a success.
- Orders dying after the reservation leaves only the catalog's hold, which expires by itself; a retry with the
  same key takes over the claim after its lease and reuses the order id, so it finds the same hold.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from orders.domain import idempotency as idem
from orders.domain.order import CheckoutCommand, Wanted, events_for_placement, merge_lines, new_order
from orders.domain.pricing import PriceMismatch, breakdown, line_total
from orders.service import directory
from orders.service.customers import identify
from orders.service.deps import Deps
from orders.service.events import commit, stage
from webdpro_aws.dynamo import TransactionCancelled
from webdpro_core import clock, ids
from webdpro_core.errors import Problem, Unavailable
from webdpro_observability import current_traceparent, get_logger
from webdpro_tenancy import Caller

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Answer:
    status_code: int
    body: dict[str, Any]
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class _Claim:
    order_id: str
    owner: str


async def place(deps: Deps, caller: Caller, store_id: str, cmd: CheckoutCommand, key: str | None) -> Answer:
    key = idem.check_key(key)
    phone, customer = identify(deps, caller)
    store = await directory.open_store(
        deps, store_id
    )  # before the key is claimed: retried after unsuspension
    wanted = await _lines(deps, customer, store_id, cmd)
    fp = idem.fingerprint(store_id, cmd)
    claim = await _claim(deps, customer, key, fp)
    if isinstance(claim, Answer):
        return claim
    try:
        return await _place(deps, store, phone, customer, key, claim, cmd, wanted)
    except Problem as problem:
        if problem.status >= 500:
            await deps.repo.release_claim(customer, key, claim.owner)
            raise
        # The request itself was refused: that is this key's answer from now on.
        await _remember_refusal(deps, customer, key, claim.owner, problem)
        raise
    except Exception:
        await deps.repo.release_claim(customer, key, claim.owner)
        raise


async def _lines(deps: Deps, customer: str, store_id: str, cmd: CheckoutCommand) -> list[Wanted]:
    if cmd.items is not None:
        return merge_lines(list(cmd.items))
    cart = await deps.repo.get_cart(customer, store_id)
    saved = [
        Wanted(i["product_id"], int(i["quantity"]), i.get("variant_id"), i.get("slot_id"))
        for i in (cart or {}).get("items", [])
    ]
    return merge_lines(saved)


async def _claim(deps: Deps, customer: str, key: str, fp: str) -> _Claim | Answer:
    s = deps.settings
    owner = ids.new_id("req")
    order_id = ids.new_id("ord")
    give_up = time.monotonic() + s.idempotency_wait_seconds
    pause = 0.05
    while True:
        now = clock.epoch()
        record = {
            "state": idem.IN_PROGRESS,
            "fingerprint": fp,
            "order_id": order_id,
            "owner": owner,
            "lease_until": now + s.idempotency_lease_seconds,
            "created_at": clock.iso(),
            "expires_at": now + s.idempotency_ttl_seconds,
        }
        if await deps.repo.claim(customer, key, record):
            return _Claim(order_id, owner)
        existing = await deps.repo.get_claim(customer, key)
        if existing is not None:
            verdict = idem.judge(existing, fp, now)
            if verdict == idem.Verdict.REPLAY:
                return Answer(int(existing["status_code"]), existing["body"], replayed=True)
            if verdict == idem.Verdict.TAKE_OVER:
                lease = now + s.idempotency_lease_seconds
                if await deps.repo.take_over(customer, key, existing["owner"], owner, lease):
                    log.info("checkout.claim_taken_over", order_id=existing["order_id"])
                    return _Claim(existing["order_id"], owner)
        if time.monotonic() >= give_up:
            raise idem.still_running()
        await asyncio.sleep(pause)
        pause = min(pause * 1.5, 0.25)


async def _place(
    deps: Deps,
    store: dict[str, Any],
    phone: str,
    customer: str,
    key: str,
    claim: _Claim,
    cmd: CheckoutCommand,
    wanted: list[Wanted],
) -> Answer:
    s = deps.settings
    store_id, tenant_id = store["store_id"], store["tenant_id"]
    reservation = await deps.catalog.reserve(
        store_id,
        claim.order_id,
        tenant_id,
        [_wire(w) for w in wanted],
        s.payment_timeout_seconds + s.hold_grace_seconds,
    )
    try:
        lines = [
            {
                "product_id": r.product_id,
                "variant_id": r.variant_id,
                "slot_id": r.slot_id,
                "name": r.name,
                "unit_price_paise": r.unit_price_paise,
                "quantity": r.quantity,
                "line_total_paise": line_total(r.unit_price_paise, r.quantity),
            }
            for r in reservation.items
        ]
        money = breakdown([(r.unit_price_paise, r.quantity) for r in reservation.items], deps.fee_rule)
        if not lines or money.items_paise != reservation.total_paise:
            raise PriceMismatch("the catalog's total does not match its lines")
    except PriceMismatch as exc:
        log.error("checkout.catalog_mismatch", order_id=claim.order_id, error=str(exc))
        await deps.catalog.release(store_id, claim.order_id)
        raise Unavailable("The catalog's prices could not be checked", code="CATALOG_INCONSISTENT") from exc

    now = clock.now()
    online = cmd.payment_method != "COD"
    payment: dict[str, Any] | None = None
    if online:
        # The Razorpay order the customer pays (idempotent by our order id at payments). Payments down → 503,
        # the stock goes back at once and no order exists (a retry with the same key runs again).
        try:
            payment = await deps.payments.open_checkout(
                order_id=claim.order_id,
                tenant_id=tenant_id,
                store_id=store_id,
                amount_paise=money.total_paise,
                method=cmd.payment_method,
                customer_phone=phone,
            )
        except Unavailable:
            await deps.catalog.release(store_id, claim.order_id)
            raise
    order = new_order(
        order_id=claim.order_id,
        tenant_id=tenant_id,
        store_id=store_id,
        store_name=store.get("name", store_id),
        customer_phone=phone,
        customer_phone_hash=customer,
        payment_method=cmd.payment_method,
        lines=lines,
        money=money,
        delivery_address=cmd.delivery_address,
        now=clock.iso(now),
        pay_by=clock.iso(now + timedelta(seconds=s.payment_timeout_seconds)) if online else None,
        trace=current_traceparent(),
    )
    body = {
        "orderId": order["order_id"],
        "status": order["status"],
        "amountPaise": money.total_paise,
        "breakdown": {
            "itemsPaise": money.items_paise,
            "deliveryFeePaise": money.delivery_fee_paise,
            "totalPaise": money.total_paise,
        },
        # What the storefront opens Razorpay Checkout with (UPI / ONLINE); None for COD.
        "payment": payment,
    }
    uow = deps.outbox.begin()
    deps.repo.put_order(uow.tx, order)
    deps.repo.complete_claim(uow.tx, customer, key, claim.owner, 201, body)
    deps.repo.delete_cart(uow.tx, customer, store_id)
    if online:
        deps.repo.add_deadline(uow.tx, order)
    stage(deps, uow, order, events_for_placement(order))
    try:
        await commit(deps, uow, order)
    except TransactionCancelled as exc:
        # Our claim was taken over (we were slower than the lease) or the order already exists: whoever won
        # wrote the answer.
        existing = await deps.repo.get_claim(customer, key)
        if existing is not None and existing.get("state") == idem.COMPLETED:
            return Answer(int(existing["status_code"]), existing["body"], replayed=True)
        raise idem.still_running() from exc
    except Exception as exc:
        log.error("checkout.write_failed", order_id=order["order_id"], error=repr(exc))
        await deps.catalog.release(store_id, claim.order_id)
        raise Unavailable(
            "The order could not be saved; please try again", code="ORDERS_UNAVAILABLE"
        ) from exc
    log.info("checkout.placed", order_id=order["order_id"], status=order["status"], amount=money.total_paise)
    return Answer(201, body)


def _wire(w: Wanted) -> dict[str, Any]:
    item: dict[str, Any] = {"productId": w.product_id, "quantity": w.quantity}
    if w.variant_id:
        item["variantId"] = w.variant_id
    if w.slot_id:
        item["slotId"] = w.slot_id
    return item


async def _remember_refusal(deps: Deps, customer: str, key: str, owner: str, problem: Problem) -> None:
    uow = deps.outbox.begin()
    deps.repo.complete_claim(uow.tx, customer, key, owner, problem.status, problem.to_dict())
    try:
        await uow.commit()
    except Exception as exc:  # the answer is still given; only its replay is lost
        log.warning("checkout.refusal_not_recorded", error=repr(exc))
        await deps.repo.release_claim(customer, key, owner)
