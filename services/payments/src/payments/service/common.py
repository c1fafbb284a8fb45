"""Small helpers shared by the use cases: events, problems, the checkout answer."""

from __future__ import annotations

from typing import Any

from payments.adapters.razorpay import RazorpayError, RazorpayRefused
from payments.service.deps import Deps
from webdpro_core.errors import NotFound, Problem, Unavailable
from webdpro_events import UnitOfWork, new_event

SOURCE = "payments"


def emit(uow: UnitOfWork, event_type: str, tenant_id: str | None, data: dict[str, Any]) -> None:
    uow.emit(new_event(event_type, data, tenant_id=tenant_id, source=SOURCE))


def payment_not_found() -> NotFound:
    return NotFound("No such payment", code="PAYMENT_NOT_FOUND", field="orderId")


def unavailable(exc: RazorpayError) -> Unavailable:
    return Unavailable(
        "Razorpay could not be reached; please try again", code="RAZORPAY_UNAVAILABLE", title=str(exc)[:100]
    )


def refused(exc: RazorpayRefused) -> Problem:
    return Problem(exc.description, status=422, code="RAZORPAY_REFUSED", title="Razorpay refused the request")


def checkout_answer(deps: Deps, payment: dict[str, Any]) -> dict[str, Any]:
    return {
        "keyId": deps.keys.key_id,
        "razorpayOrderId": payment["razorpay_order_id"],
        "amountPaise": payment["amount_paise"],
        "currency": "INR",
        "checkoutJsUrl": deps.checkout_js_url,
    }


def captured_data(payment: dict[str, Any]) -> dict[str, Any]:
    return {
        "order_id": payment["order_id"],
        "store_id": payment.get("store_id"),
        "tenant_id": payment["tenant_id"],
        "payment_id": payment["payment_id"],
        "razorpay_order_id": payment.get("razorpay_order_id"),
        "amount_paise": payment["amount_paise"],
        "method": payment.get("method"),
        # The platform's cut of this online order (the founder's revenue figures read it from here, once).
        "platform_cut_paise": int((payment.get("money") or {}).get("platform_paise", 0)),
    }
