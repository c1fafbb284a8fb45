"""Completing a payment: `/verify` (the checkout signature) and the webhook worker both end here, and whichever
comes first captures; the other changes nothing.

The capture is ONE transaction: the payment moves CREATED/FAILED → CAPTURED (conditional on the version it was
read at), the ledger entry and its balances, and the event (`payment.captured` for an order; `publish.paid` /
`domain.paid` for a platform fee). A concurrent second capture fails its condition, re-reads, sees CAPTURED with
the same payment id and answers like the first: exactly one `payment.captured` per payment.

A second, different successful payment for an order already captured (the customer paid twice) is refunded in
full at once, and a capture that arrives after the order was cancelled is captured (the money did move) and then
refunded in full: the customer is never left charged for nothing.
"""

from __future__ import annotations

from typing import Any

from payments.domain import signatures
from payments.domain.fees import PAID_EVENT, Purpose, fee_entry
from payments.domain.money import OrderMoney
from payments.service.common import captured_data, emit, in_payment_trace, payment_not_found
from payments.service.deps import Deps
from webdpro_aws.dynamo import TransactionCancelled
from webdpro_core import clock
from webdpro_core.errors import Problem
from webdpro_observability import get_logger
from webdpro_tenancy import BUSINESS_OWNER, Caller

log = get_logger(__name__)

CAPTURABLE = ("CREATED", "FAILED")


class Mismatch(Problem):
    status = 400
    code = "PAYMENT_MISMATCH"
    title = "The payment does not match the order"


async def verify(
    deps: Deps, caller: Caller, order_id: str, razorpay_order_id: str, payment_id: str, signature: str
) -> dict[str, Any]:
    tenant = await deps.repo.tenant_of_order(order_id)
    payment = await deps.repo.get_payment(tenant, order_id) if tenant else None
    if payment is None or not _may_verify(deps, caller, payment):
        raise payment_not_found()
    if razorpay_order_id != payment.get("razorpay_order_id"):
        raise Mismatch(
            "razorpayOrderId is not this order's Razorpay order",
            code="ORDER_MISMATCH",
            field="razorpayOrderId",
        )
    if not signatures.checkout_ok(deps.keys.key_secret, razorpay_order_id, payment_id, signature):
        raise Problem(
            "The payment signature does not match",
            status=400,
            code="SIGNATURE_INVALID",
            field="razorpaySignature",
        )
    captured = await capture(deps, payment, payment_id, via="verify")
    return {
        "orderId": order_id,
        "status": captured["status"],
        "paymentId": captured.get("payment_id"),
        "amountPaise": captured["amount_paise"],
    }


def _may_verify(deps: Deps, caller: Caller, payment: dict[str, Any]) -> bool:
    if caller.has(BUSINESS_OWNER):
        return caller.tenant_id == payment["tenant_id"]
    wanted = payment.get("customer_phone_hash")
    if wanted is None:  # a customer's order opened without a phone: the signature is the proof
        return payment.get("purpose", "ORDER") == "ORDER"
    return bool(caller.phone_number) and deps.phone_hash(caller.phone_number or "") == wanted


@in_payment_trace("payment.capture")
async def capture(
    deps: Deps,
    payment: dict[str, Any],
    payment_id: str,
    *,
    via: str,
    amount_paise: int | None = None,
    razorpay_method: str | None = None,
) -> dict[str, Any]:
    """Capture `payment` with Razorpay's `payment_id` once; returns the payment as it now is."""
    for _ in range(5):
        if payment["status"] == "CAPTURED":
            if payment.get("payment_id") != payment_id:
                await _second_payment(deps, payment, payment_id, amount_paise)
            return payment
        if amount_paise is not None and amount_paise != int(payment["amount_paise"]):
            log.error(
                "capture.amount_mismatch",
                order_id=payment["order_id"],
                paid=amount_paise,
                due=payment["amount_paise"],
            )
            raise Mismatch(f"{amount_paise} paise paid for an order of {payment['amount_paise']}")
        try:
            done = await _capture_once(deps, payment, payment_id, via, razorpay_method)
        except TransactionCancelled:
            fresh = await deps.repo.get_payment(payment["tenant_id"], payment["order_id"])
            if fresh is None:
                raise
            payment = fresh
            continue
        if done.get("order_status") == "CANCELLED":
            from payments.service.route import refund_all  # late capture of a cancelled order: give it back

            await refund_all(deps, done, reason="ORDER_CANCELLED_BEFORE_CAPTURE")
        return done
    raise Problem("The payment is changing; try again", status=409, code="PAYMENT_BUSY")


async def _capture_once(
    deps: Deps, payment: dict[str, Any], payment_id: str, via: str, razorpay_method: str | None
) -> dict[str, Any]:
    tenant = payment["tenant_id"]
    purpose = payment.get("purpose", "ORDER")
    uow = deps.outbox.begin()
    now = clock.iso()
    changes: dict[str, Any] = {
        "status": "CAPTURED",
        "payment_id": payment_id,
        "captured_at": now,
        "captured_via": via,
    }
    if razorpay_method:
        changes["razorpay_method"] = razorpay_method
    if purpose == "ORDER":
        merchant = await deps.repo.merchant(tenant)
        money, e = OrderMoney.from_dict(payment["money"]).capture(
            int(payment["amount_paise"]), deps.bps_for(merchant.get("plan")), payment_id
        )
        changes["money"] = money.to_dict()
        changes["platform_bps"] = deps.bps_for(merchant.get("plan"))
        entries = [e]
    else:
        entries = [
            fee_entry(payment_id, int(payment["amount_paise"]), Purpose(purpose), payment.get("store_id"))
        ]
    deps.repo.update_payment(uow.tx, {**payment}, changes)
    deps.repo.post(uow.tx, tenant, entries)
    done = {**payment, **changes, "version": int(payment.get("version", 0)) + 1}
    if purpose == "ORDER":
        emit(uow, "payment.captured", tenant, captured_data(done))
    else:
        emit(uow, PAID_EVENT[Purpose(purpose)], tenant, fee_data(done))
    await uow.commit()
    log.info("payment.captured", order_id=payment["order_id"], payment_id=payment_id, via=via)
    return done


def fee_data(payment: dict[str, Any]) -> dict[str, Any]:
    data = {
        "tenant_id": payment["tenant_id"],
        "store_id": payment.get("store_id"),
        "platform_payment_id": payment["order_id"],
        "purpose": payment.get("purpose"),
        "payment_id": payment.get("payment_id"),
        "amount_paise": payment["amount_paise"],
    }
    data.update(payment.get("details") or {})
    return data


async def _second_payment(
    deps: Deps, payment: dict[str, Any], payment_id: str, amount_paise: int | None
) -> None:
    """The customer paid twice for one order: the second payment goes back in full (once, by its id)."""
    from payments.adapters.razorpay import RazorpayError, RazorpayRefused

    amount = amount_paise or int(payment["amount_paise"])
    log.warning("capture.second_payment", order_id=payment["order_id"], payment_id=payment_id)
    try:
        await deps.razorpay.refund(
            payment_id, amount=amount, key=f"dup-{payment_id}", notes={"order_id": payment["order_id"]}
        )
    except (RazorpayError, RazorpayRefused) as exc:
        log.error("capture.second_payment_refund_failed", payment_id=payment_id, error=str(exc))
        raise


@in_payment_trace("payment.fail")
async def failed(deps: Deps, payment: dict[str, Any], payment_id: str, reason: str | None) -> None:
    """A failed attempt: the order may still be paid (the customer tries again); `payment.failed` once per
    Razorpay payment id."""
    if payment["status"] != "CREATED" and payment["status"] != "FAILED":
        return
    if payment.get("last_failed_payment_id") == payment_id:
        return
    uow = deps.outbox.begin()
    deps.repo.update_payment(
        uow.tx, payment, {"status": "FAILED", "last_failed_payment_id": payment_id, "failure_reason": reason}
    )
    if payment.get("purpose", "ORDER") == "ORDER":
        emit(
            uow,
            "payment.failed",
            payment["tenant_id"],
            {
                "order_id": payment["order_id"],
                "store_id": payment.get("store_id"),
                "tenant_id": payment["tenant_id"],
                "payment_id": payment_id,
                "razorpay_order_id": payment.get("razorpay_order_id"),
                "amount_paise": payment["amount_paise"],
                "reason": reason,
            },
        )
    try:
        await uow.commit()
    except TransactionCancelled:
        return  # moved meanwhile (captured, or the same failure recorded by a twin)
