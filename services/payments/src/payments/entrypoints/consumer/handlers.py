"""Events that move money. Each handler runs inside the consumer's unit of work (the processed marker commits
with the handler's own writes where it writes through `uow`); the money use cases commit their own transaction
after their Razorpay call, conditional on the payment's version, so a redelivered message changes nothing.

- own `payments.webhook_received` → apply the stored Razorpay webhook;
- own `payment.captured` → the Route transfer of the merchant's share, on hold;
- orders `order.delivered` → release the held transfer (or accrue the share to the balance);
- orders `order.cancelled` → refund what was captured and reverse the held transfer;
- delivery `cod.collected` → the COD ledger entry (in the consumer's transaction);
- scheduler `schedule.daily_settlement` → settle every merchant for the (IST) day;
- sitegen `domain.purchase_failed` / `publication.refund_due` → the publication's platform payment refunded in full
  (once per payment id),
  `platform_payment.refunded`; an unknown or another tenant's payment id goes to the DLQ.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from payments.adapters.razorpay import RazorpayError, RazorpayRefused
from payments.service import cash, publish_charges, route, settlement, webhooks
from payments.service.deps import Deps
from webdpro_events import Envelope, Handler, PermanentError, UnitOfWork
from webdpro_observability import get_logger

log = get_logger(__name__)


def _ids(event: Envelope) -> tuple[str, str]:
    tenant = event.data.get("tenant_id") or event.tenant_id
    order_id = event.data.get("order_id")
    if not tenant or not order_id:
        raise PermanentError(f"{event.type} without tenant_id / order_id")
    return str(tenant), str(order_id)


async def _with_payment(deps: Deps, event: Envelope, act: Callable[[dict[str, Any]], Awaitable[str]]) -> None:
    tenant, order_id = _ids(event)
    for _ in range(5):
        payment = await deps.repo.get_payment(tenant, order_id)
        if payment is None:
            log.info("payments.no_payment_for_order", order_id=order_id, event_type=event.type)
            return  # a COD order, or another tenant's id: nothing of ours to move
        try:
            outcome = await act(payment)
            log.info("payments.handled", order_id=order_id, event_type=event.type, outcome=outcome)
            return
        except route.Retry:
            continue  # the payment changed under us: read it again
        except RazorpayRefused as exc:
            raise PermanentError(f"Razorpay refused {event.type} for {order_id}: {exc}") from exc
        except RazorpayError:
            raise  # transient: the message comes back after a back-off
    raise route.Retry(f"{event.type}: the payment of {order_id} kept changing")


def handlers(get_deps: Callable[[], Deps]) -> dict[str, Handler]:
    async def on_webhook_received(event: Envelope, _uow: UnitOfWork) -> None:
        wid = event.data.get("webhook_id")
        if not wid:
            raise PermanentError("payments.webhook_received without webhook_id")
        outcome = await webhooks.process(get_deps(), str(wid))
        log.info("webhook.processed", webhook_id=wid, outcome=outcome)

    async def on_payment_captured(event: Envelope, _uow: UnitOfWork) -> None:
        deps = get_deps()
        await _with_payment(deps, event, lambda p: route.create_transfer(deps, p))

    async def on_order_delivered(event: Envelope, _uow: UnitOfWork) -> None:
        deps = get_deps()
        await _with_payment(deps, event, lambda p: route.delivered(deps, p))

    async def on_order_cancelled(event: Envelope, _uow: UnitOfWork) -> None:
        deps = get_deps()
        reason = str(event.data.get("reason") or "ORDER_CANCELLED")
        await _with_payment(deps, event, lambda p: route.cancelled(deps, p, reason))

    async def on_cod_collected(event: Envelope, uow: UnitOfWork) -> None:
        tenant, _ = _ids(event)
        if event.data.get("amount_paise") is None:
            raise PermanentError("cod.collected without amount_paise")
        try:
            await cash.collected(get_deps(), uow, tenant, event.data)
        except ValueError as exc:
            raise PermanentError(f"cod.collected: {exc}") from exc

    async def on_daily_settlement(event: Envelope, _uow: UnitOfWork) -> None:
        data = event.data
        await settlement.run_all(
            get_deps(), data.get("scheduledFor") or data.get("scheduled_for") or event.occurred_at
        )

    async def on_publication_refund(event: Envelope, _uow: UnitOfWork) -> None:
        data = event.data
        tenant = data.get("tenant_id") or event.tenant_id
        if not tenant or not data.get("platform_payment_id"):
            raise PermanentError(f"{event.type} without tenant_id / platform_payment_id")
        if event.tenant_id and data.get("tenant_id") and event.tenant_id != data["tenant_id"]:
            raise PermanentError(f"{event.type}: the envelope's tenant is not the data's")
        try:
            outcome = await publish_charges.refund_publication(get_deps(), str(tenant), data)
        except publish_charges.UnknownPayment as exc:
            raise PermanentError(f"{event.type}: {exc}") from exc
        except RazorpayRefused as exc:
            raise PermanentError(f"Razorpay refused the refund: {exc}") from exc
        log.info("publish_charge.refund", platform_payment_id=data["platform_payment_id"], outcome=outcome)

    return {
        "payments.webhook_received": on_webhook_received,
        "domain.purchase_failed": on_publication_refund,
        "publication.refund_due": on_publication_refund,  # any other paid publication that never went live
        "payment.captured": on_payment_captured,
        "order.delivered": on_order_delivered,
        "order.cancelled": on_order_cancelled,
        "cod.collected": on_cod_collected,
        "schedule.daily_settlement": on_daily_settlement,
    }
