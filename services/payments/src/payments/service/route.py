"""Route splits and refunds: the transfer on capture (on hold), its release on delivery, the refund and reversal
on cancellation, and partial refunds.

Every Razorpay call here is made before our write and is safe to repeat (the client's lookups and idempotency
keys); our write is then one transaction (payment state at the version read + ledger entries + events). If the
write fails, the handler is retried and the Razorpay call finds what the first attempt did.
"""

from __future__ import annotations

from typing import Any

from payments.adapters.razorpay import RazorpayError, RazorpayRefused
from payments.domain.money import MoneyError, OrderMoney
from payments.service.common import emit, in_payment_trace, payment_not_found, refused, unavailable
from payments.service.deps import Deps
from webdpro_aws.dynamo import TransactionCancelled
from webdpro_core import clock
from webdpro_core.errors import Conflict, Problem
from webdpro_observability import get_logger

log = get_logger(__name__)


class Retry(Exception):
    """Our write lost a race with another change of the same payment: the caller retries from a fresh read."""


def _money(payment: dict[str, Any]) -> OrderMoney:
    return OrderMoney.from_dict(payment["money"])


def _transfer_data(payment: dict[str, Any], amount: int) -> dict[str, Any]:
    return {
        "order_id": payment["order_id"],
        "store_id": payment.get("store_id"),
        "tenant_id": payment["tenant_id"],
        "payment_id": payment.get("payment_id"),
        "transfer_id": payment.get("transfer_id"),
        "account_id": payment.get("transfer_account"),
        "amount_paise": amount,
    }


async def _commit(uow: Any) -> None:
    try:
        await uow.commit()
    except TransactionCancelled as exc:
        raise Retry(str(exc)) from exc


# --------------------------------------------------------------------------------------------- transfer
@in_payment_trace("payment.transfer")
async def create_transfer(deps: Deps, payment: dict[str, Any]) -> str:
    """After a capture: send the merchant's share to their linked account, on hold until delivery."""
    if payment.get("purpose", "ORDER") != "ORDER" or payment["status"] != "CAPTURED":
        return "not-an-order"
    money = _money(payment)
    if money.transfer_paise or payment.get("order_status") != "OPEN":
        return "nothing-to-do"
    merchant = await deps.repo.merchant(payment["tenant_id"])
    account = merchant.get("linked_account_id")
    amount = money.transfer_amount()
    if not account or amount <= 0:
        return "accrues"  # not on Route yet: the share stays MERCHANT_PENDING, then MERCHANT_PAYABLE
    try:
        t = await deps.razorpay.transfer_from_payment(
            payment["payment_id"], account=account, amount=amount, order_id=payment["order_id"]
        )
    except RazorpayRefused as exc:
        log.error("route.transfer_refused", order_id=payment["order_id"], error=str(exc))
        return "refused"  # the share accrues instead; settlement pays it
    state, e = money.transfer_created(amount, t["id"])
    uow = deps.outbox.begin()
    deps.repo.update_payment(
        uow.tx,
        payment,
        {
            "money": state.to_dict(),
            "transfer_id": t["id"],
            "transfer_account": account,
            "transfer_status": "ON_HOLD",
        },
    )
    deps.repo.post(uow.tx, payment["tenant_id"], [e])
    emit(
        uow,
        "transfer.created",
        payment["tenant_id"],
        {
            **_transfer_data({**payment, "transfer_id": t["id"], "transfer_account": account}, amount),
            "on_hold": True,
        },
    )
    await _commit(uow)
    log.info("route.transfer_created", order_id=payment["order_id"], transfer_id=t["id"], amount=amount)
    return "created"


# --------------------------------------------------------------------------------------------- delivery
@in_payment_trace("payment.release")
async def delivered(deps: Deps, payment: dict[str, Any]) -> str:
    if payment.get("order_status") == "DELIVERED":
        return "already"
    if payment["status"] != "CAPTURED":
        raise Retry("delivered before the capture was recorded")
    money = _money(payment)
    if money.held_paise and payment.get("transfer_id"):
        await deps.razorpay.release(payment["transfer_id"])
    state, entries = money.deliver(f"deliver-{payment['order_id']}")
    uow = deps.outbox.begin()
    changes: dict[str, Any] = {
        "money": state.to_dict(),
        "order_status": "DELIVERED",
        "delivered_at": clock.iso(),
    }
    if money.held_paise:
        changes["transfer_status"] = "RELEASED"
    deps.repo.update_payment(uow.tx, payment, changes)
    deps.repo.post(uow.tx, payment["tenant_id"], entries)
    if money.held_paise:
        emit(uow, "transfer.released", payment["tenant_id"], _transfer_data(payment, money.held_paise))
    await _commit(uow)
    return "released" if money.held_paise else "accrued"


# --------------------------------------------------------------------------------------------- refunds
@in_payment_trace("payment.refund")
async def refund(
    deps: Deps,
    payment: dict[str, Any],
    amount: int,
    *,
    key: str,
    reason: str,
    order_status: str | None = None,
) -> dict[str, Any]:
    """Refund `amount` of a captured payment once per `key` (reversing the held transfer first)."""
    money = _money(payment)
    for r in await deps.repo.refunds(payment["tenant_id"], payment["order_id"]):
        if r["key"] == key:
            return r  # this refund was made already
    try:
        plan = money.plan_refund(amount)
    except MoneyError as exc:
        status = 409 if exc.code in ("REFUND_TOO_LARGE", "NOT_CAPTURED") else 422
        raise Problem(str(exc), status=status, code=exc.code, field="amountPaise") from exc
    if plan.reverse_paise:
        try:
            await deps.razorpay.reverse(
                payment["transfer_id"], plan.reverse_paise, reversed_before=money.transfer_reversed_paise
            )
        except RazorpayRefused as exc:
            if not plan.from_released:
                raise
            # The linked account has paid it out: the platform advances the refund, the merchant owes it.
            log.warning("refund.reversal_refused", order_id=payment["order_id"], error=str(exc))
            plan = money.plan_refund(amount, reverse_released=False)
    rf = await deps.razorpay.refund(
        payment["payment_id"],
        amount=amount,
        key=key,
        notes={"order_id": payment["order_id"], "reason": reason[:200]},
    )
    state, entries = money.refunded(plan, key)
    record = {
        "key": key,
        "refund_id": rf.get("id"),
        "amount_paise": amount,
        "platform_paise": plan.platform_paise,
        "merchant_paise": plan.merchant_paise,
        "reversed_paise": plan.reverse_paise,
        "status": rf.get("status", "pending"),
        "reason": reason,
        "created_at": clock.iso(),
    }
    uow = deps.outbox.begin()
    changes: dict[str, Any] = {"money": state.to_dict(), "refunded_paise": state.refunded_paise}
    if order_status:
        changes["order_status"] = order_status
    if plan.reverse_paise:
        changes["transfer_status"] = "REVERSED" if state.held_paise == 0 else "PARTIALLY_REVERSED"
    deps.repo.update_payment(uow.tx, payment, changes)
    deps.repo.put_refund(uow.tx, payment["tenant_id"], payment["order_id"], record)
    deps.repo.post(uow.tx, payment["tenant_id"], entries)
    if plan.reverse_paise:
        emit(uow, "transfer.reversed", payment["tenant_id"], _transfer_data(payment, plan.reverse_paise))
    if record["status"] == "processed":
        emit(uow, "refund.processed", payment["tenant_id"], refund_data(payment, record, state))
    await _commit(uow)
    log.info("refund.created", order_id=payment["order_id"], amount=amount, refund_id=rf.get("id"))
    return record


def refund_data(
    payment: dict[str, Any], record: dict[str, Any], state: OrderMoney | None = None
) -> dict[str, Any]:
    state = state or _money(payment)
    return {
        "order_id": payment["order_id"],
        "store_id": payment.get("store_id"),
        "tenant_id": payment["tenant_id"],
        "payment_id": payment.get("payment_id"),
        "refund_id": record.get("refund_id"),
        "amount_paise": record["amount_paise"],
        "refunded_total_paise": state.refunded_paise,
        "full": state.refundable_paise == 0,
        "reason": record.get("reason"),
    }


async def refund_processed(deps: Deps, tenant_id: str, order_id: str, refund_id: str) -> None:
    """Razorpay says a refund is processed (webhook): `refund.processed` once, if not announced at creation."""
    payment = await deps.repo.get_payment(tenant_id, order_id)
    if payment is None:
        return
    for r in await deps.repo.refunds(tenant_id, order_id):
        if r.get("refund_id") == refund_id and r.get("status") != "processed":
            uow = deps.outbox.begin()
            deps.repo.mark_refund_processed(uow.tx, tenant_id, order_id, r["key"])
            emit(uow, "refund.processed", tenant_id, refund_data(payment, {**r, "status": "processed"}))
            try:
                await uow.commit()
            except TransactionCancelled:
                return


async def refund_all(deps: Deps, payment: dict[str, Any], *, reason: str) -> dict[str, Any] | None:
    for _ in range(5):
        money = _money(payment)
        if payment["status"] != "CAPTURED" or money.refundable_paise == 0:
            return None
        try:
            return await refund(
                deps,
                payment,
                money.refundable_paise,
                key=f"cancel-{payment['order_id']}",
                reason=reason,
                order_status="CANCELLED",
            )
        except Retry:
            payment = await deps.repo.get_payment(payment["tenant_id"], payment["order_id"]) or payment
    raise Retry("the payment kept changing")


@in_payment_trace("payment.cancel")
async def cancelled(deps: Deps, payment: dict[str, Any], reason: str) -> str:
    """The order was cancelled: refund what was captured (reversing the held transfer); an unpaid order is
    marked so that a payment arriving later is refunded at once."""
    if payment["status"] != "CAPTURED":
        if payment.get("order_status") != "CANCELLED":
            uow = deps.outbox.begin()
            deps.repo.update_payment(uow.tx, payment, {"order_status": "CANCELLED"})
            await _commit(uow)
        return "marked"
    if payment.get("order_status") == "DELIVERED":
        return "delivered"  # a delivered order is not cancelled; refunds go through the merchant's route
    await refund_all(deps, payment, reason=reason)
    return "refunded"


async def merchant_refund(
    deps: Deps, tenant_id: str, order_id: str, amount: int, key: str | None, reason: str | None
) -> dict[str, Any]:
    payment = await deps.repo.get_payment(tenant_id, order_id)
    if payment is None or payment.get("purpose", "ORDER") != "ORDER":
        raise payment_not_found()
    if payment["status"] != "CAPTURED":
        raise Conflict("Only a captured payment can be refunded", code="NOT_CAPTURED")
    key = f"m-{key}" if key else f"m-{order_id}-{_money(payment).refunded_paise}-{amount}"
    for _ in range(5):
        try:
            return await refund(deps, payment, amount, key=key, reason=reason or "refund by the store")
        except RazorpayError as exc:
            raise unavailable(exc) from exc
        except RazorpayRefused as exc:
            raise refused(exc) from exc
        except Retry:
            payment = await deps.repo.get_payment(tenant_id, order_id) or payment
    raise Conflict("The payment is changing; try again", code="PAYMENT_BUSY")
