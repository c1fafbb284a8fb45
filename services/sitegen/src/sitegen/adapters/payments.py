"""The payments service's internal publish-charge API (service token). Payments owns the pricing rule (publish /
republish fee unless a subscription covers it; a custom domain adds registrar price + setup fee) and answers
with the amount, its breakdown and — when something is owed — the platform payment the merchant pays.

Idempotent by publication id on the payments side, so asking again for the same publication returns the same
charge. The merchant is waiting: payments down, slow or answering oddly is 503 PAYMENTS_UNAVAILABLE.
"""

from __future__ import annotations

from typing import Any

import httpx
import msgspec

from webdpro_observability import get_logger
from webdpro_tenancy import InternalClient, ServiceTokens

log = get_logger(__name__)


class BreakdownLine(msgspec.Struct, rename="camel"):
    item: str
    amount_paise: int


class Charge(msgspec.Struct, rename="camel"):
    covered: bool
    amount_paise: int
    covered_by: str | None = None
    breakdown: list[BreakdownLine] = []
    # Passed through as payments shapes it (platformPaymentId, razorpayOrderId, amountPaise, keyId, …).
    platform_payment: dict[str, Any] | None = None


_decode = msgspec.json.Decoder(Charge)


class PaymentsClient:
    def __init__(
        self, base_url: str, tokens: ServiceTokens, timeout: float, http: httpx.AsyncClient | None = None
    ) -> None:
        self._api = InternalClient(
            base_url, "payments", tokens, timeout, title="Payments are unavailable", http=http
        )

    async def close(self) -> None:
        await self._api.close()

    async def charge(
        self,
        *,
        tenant_id: str,
        store_id: str,
        publication_id: str,
        kind: str,
        domain: str | None,
        domain_price_paise: int | None,
    ) -> dict[str, Any]:
        """→ {covered, coveredBy, amountPaise, breakdown: [{item, amountPaise}], platformPayment | None}."""
        body = {
            "tenant_id": tenant_id,
            "store_id": store_id,
            "publication_id": publication_id,
            "kind": kind,
            "domain": domain,
            "domain_price_paise": domain_price_paise,
        }
        resp = await self._api.post("/publish-charges", body)
        if resp.status_code not in (200, 201):
            log.warning("payments.failed", status=resp.status_code, body=resp.text[:300])
            raise self._api.unavailable("The publish charge could not be opened right now; please try again")
        answer = self._api.decode(resp, _decode)
        pp = answer.platform_payment
        if not answer.covered and (pp is None or not isinstance(pp.get("platformPaymentId"), str)):
            log.error("payments.no_payment", publication_id=publication_id)
            raise self._api.unavailable("Payments answered without a payment to make")
        return msgspec.to_builtins(answer)  # camelCase keys
