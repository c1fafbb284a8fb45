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

from webdpro_observability import get_logger
from webdpro_tenancy import InternalClient, ServiceTokens

log = get_logger(__name__)


class PaymentAnswer(msgspec.Struct, rename="camel"):
    key_id: str
    razorpay_order_id: str
    amount_paise: int
    currency: str
    checkout_js_url: str | None = None


_decode = msgspec.json.Decoder(PaymentAnswer)


class PaymentsClient:
    def __init__(
        self, base_url: str, tokens: ServiceTokens, timeout: float, http: httpx.AsyncClient | None = None
    ) -> None:
        self._api = InternalClient(
            base_url, "payments", tokens, timeout, title="Payments are unavailable", http=http
        )

    async def close(self) -> None:
        await self._api.close()

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
        # The order's trace travels with the call: payments keeps it on the payment (capture → payout).
        resp = await self._api.post("/checkouts", body)
        if resp.status_code not in (200, 201):
            log.warning("payments.failed", status=resp.status_code, body=resp.text[:300])
            raise self._api.unavailable("The payment could not be opened right now; please try again")
        answer = self._api.decode(resp, _decode)
        if answer.amount_paise != amount_paise:
            log.error("payments.amount_mismatch", order_id=order_id, theirs=answer.amount_paise)
            raise self._api.unavailable("The payment was opened for another amount")
        return msgspec.to_builtins(
            answer
        )  # camelCase: keyId, razorpayOrderId, amountPaise, currency, checkoutJsUrl
