"""Creating what the customer (or the merchant, for a platform fee) pays: a Razorpay order whose `receipt` is our
own id, once.

Idempotent by our id: a payment record that exists answers at once (200); otherwise Razorpay is asked for an order
with that receipt (`GET /v1/orders?receipt=`) and only if there is none one is created (the client retries 5xx and
timeouts, looking the receipt up again before each retry). The record, its lookups and nothing else are written in
one transaction; a concurrent twin that wrote first wins and its record is the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from payments.adapters.razorpay import RazorpayError, RazorpayRefused
from payments.domain.money import OrderMoney
from payments.service.common import checkout_answer, refused, unavailable
from payments.service.deps import Deps
from webdpro_aws.dynamo import Transaction, TransactionCancelled
from webdpro_core import clock
from webdpro_core.errors import Conflict
from webdpro_observability import current_traceparent, get_logger

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class CheckoutCommand:
    order_id: str
    tenant_id: str
    store_id: str
    amount_paise: int
    method: str
    customer_phone: str | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    status_code: int
    body: dict[str, Any]


def _same(payment: dict[str, Any], cmd: CheckoutCommand) -> None:
    if payment["tenant_id"] != cmd.tenant_id or payment.get("store_id") != cmd.store_id:
        raise Conflict("This order id belongs to another store", code="ORDER_ID_REUSED", field="orderId")
    if int(payment["amount_paise"]) != cmd.amount_paise:
        raise Conflict(
            f"This order was opened for {payment['amount_paise']} paise, not {cmd.amount_paise}",
            code="AMOUNT_MISMATCH",
            field="amountPaise",
        )


async def open_order(deps: Deps, cmd: CheckoutCommand) -> Answer:
    tenant_of = await deps.repo.tenant_of_order(cmd.order_id)
    if tenant_of is not None and tenant_of != cmd.tenant_id:
        raise Conflict("This order id belongs to another store", code="ORDER_ID_REUSED", field="orderId")
    existing = await deps.repo.get_payment(cmd.tenant_id, cmd.order_id)
    if existing is not None:
        _same(existing, cmd)
        return Answer(200, checkout_answer(deps, existing))
    notes = {
        "purpose": "ORDER",
        "order_id": cmd.order_id,
        "tenant_id": cmd.tenant_id,
        "store_id": cmd.store_id,
    }
    payment = await create(
        deps,
        tenant_id=cmd.tenant_id,
        own_id=cmd.order_id,
        amount_paise=cmd.amount_paise,
        notes=notes,
        fields={
            "store_id": cmd.store_id,
            "purpose": "ORDER",
            "method": cmd.method,
            "customer_phone_hash": deps.phone_hash(cmd.customer_phone) if cmd.customer_phone else None,
        },
    )
    if payment.get("_existing"):
        _same(payment, cmd)
        return Answer(200, checkout_answer(deps, payment))
    return Answer(201, checkout_answer(deps, payment))


async def create(
    deps: Deps,
    *,
    tenant_id: str,
    own_id: str,
    amount_paise: int,
    notes: dict[str, str],
    fields: dict[str, Any],
    tx_extra: Any = None,
) -> dict[str, Any]:
    """Create (once) the Razorpay order for `own_id` and our payment record; returns the record."""
    try:
        rzp = await deps.razorpay.create_order(amount=amount_paise, receipt=own_id, notes=notes)
    except RazorpayError as exc:
        raise unavailable(exc) from exc
    except RazorpayRefused as exc:
        raise refused(exc) from exc
    if int(rzp.get("amount", -1)) != amount_paise:
        # An order with our receipt but another amount: never let the customer pay the wrong amount.
        log.error("checkout.razorpay_amount_mismatch", order_id=own_id, theirs=rzp.get("amount"))
        raise Conflict(
            "The payment was opened for another amount", code="AMOUNT_MISMATCH", field="amountPaise"
        )
    payment = {
        "tenant_id": tenant_id,
        "order_id": own_id,
        "amount_paise": amount_paise,
        "currency": "INR",
        "razorpay_order_id": rzp["id"],
        "status": "CREATED",
        "order_status": "OPEN",
        "money": OrderMoney(own_id).to_dict(),
        "version": 0,
        "created_at": clock.iso(),
        # The order's trace (orders' checkout request → our /internal/checkouts): later actions continue it.
        "trace": current_traceparent(),
        **{k: v for k, v in fields.items() if v is not None},
    }
    tx = Transaction()
    deps.repo.put_payment(tx, payment)
    if tx_extra is not None:
        tx_extra(tx, payment)
    try:
        await tx.commit(deps.repo.table.client)
    except TransactionCancelled:
        twin = await deps.repo.get_payment(tenant_id, own_id)
        if twin is None:
            raise
        return {**twin, "_existing": True}
    log.info("checkout.opened", order_id=own_id, razorpay_order_id=rzp["id"], amount=amount_paise)
    return payment
