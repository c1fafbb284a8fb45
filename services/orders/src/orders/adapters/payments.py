"""The payments service's internal checkout API (service token): for a UPI / ONLINE order it opens the Razorpay
order the customer pays. The customer is waiting, so this is HTTP with a timeout; payments down, slow or failing
(5xx, 401/403, a malformed answer) is 503 `PAYMENTS_UNAVAILABLE` for the customer and no order is made.

Idempotent by our order id on the payments side (the Razorpay receipt), so a retried checkout that reuses the
order id gets the same Razorpay order back.
"""

from __future__ import annotations

from typing import Any

import httpx
import msgspec

from webdpro_core.errors import Unavailable
from webdpro_observability import get_logger, inject_context
from webdpro_tenancy import ServiceTokens

log = get_logger(__name__)


class PaymentAnswer(msgspec.Struct, rename="camel"):
    key_id: str
    razorpay_order_id: str
    amount_paise: int
    currency: str
    checkout_js_url: str | None = None


_decode = msgspec.json.Decoder(PaymentAnswer)


def _unavailable(detail: str) -> Unavailable:
    return Unavailable(detail, code="PAYMENTS_UNAVAILABLE", title="Payments are unavailable")


class PaymentsClient:
    def __init__(
        self, base_url: str, tokens: ServiceTokens, timeout: float, http: httpx.AsyncClient | None = None
    ) -> None:
        self._url = base_url.rstrip("/") + "/api/payments/internal/checkouts"
        self._tokens = tokens
        self._http = http or httpx.AsyncClient(timeout=timeout)

    async def close(self) -> None:
        await self._http.aclose()

    async def open_checkout(
        self,
        *,
        order_id: str,
        tenant_id: str,
        store_id: str,
        amount_paise: int,
        method: str,
        customer_phone: str | None,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "orderId": order_id,
            "tenantId": tenant_id,
            "storeId": store_id,
            "amountPaise": amount_paise,
            "method": method,
        }
        if customer_phone:
            body["customerPhone"] = customer_phone
        try:
            # The order's trace travels with the call: payments keeps it on the payment (capture → payout).
            headers = inject_context(dict(self._tokens.header()))
            resp = await self._http.post(self._url, json=body, headers=headers)
        except httpx.HTTPError as exc:
            log.warning("payments.unreachable", error=repr(exc))
            raise _unavailable("Payments could not be reached; please try again") from exc
        if resp.status_code not in (200, 201):
            log.warning("payments.failed", status=resp.status_code, body=resp.text[:300])
            raise _unavailable("The payment could not be opened right now; please try again")
        try:
            answer = _decode.decode(resp.content)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            log.error("payments.bad_answer", error=str(exc))
            raise _unavailable("Payments answered in an unexpected way") from exc
        if answer.amount_paise != amount_paise:
            log.error("payments.amount_mismatch", order_id=order_id, theirs=answer.amount_paise)
            raise _unavailable("The payment was opened for another amount")
        return msgspec.to_builtins(
            answer
        )  # camelCase: keyId, razorpayOrderId, amountPaise, currency, checkoutJsUrl
