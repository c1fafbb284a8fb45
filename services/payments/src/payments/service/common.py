"""Small helpers shared by the use cases: events, problems, the checkout answer."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from payments.adapters.razorpay import RazorpayError, RazorpayRefused
from payments.service.deps import Deps
from webdpro_core.errors import NotFound, Problem, Unavailable
from webdpro_events import UnitOfWork, new_event
from webdpro_observability import continue_trace

SOURCE = "payments"

P = ParamSpec("P")
R = TypeVar("R")


def in_payment_trace(
    action: str,
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """A use case on one payment (`fn(deps, payment, ...)`) runs in the trace stored on the payment at checkout:
    whichever request or event starts it (the customer's /verify, Razorpay's webhook, a consumer), its events
    carry the order's trace id."""

    def wrap(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(fn)
        async def run(*args: P.args, **kwargs: P.kwargs) -> R:
            payment = args[1] if len(args) > 1 else kwargs["payment"]
            with continue_trace(payment.get("trace"), action):  # type: ignore[union-attr]
                return await fn(*args, **kwargs)

        return run

    return wrap


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
