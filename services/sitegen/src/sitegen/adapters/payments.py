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

from webdpro_core.errors import Unavailable
from webdpro_observability import get_logger
from webdpro_tenancy import ServiceTokens

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


def _unavailable(detail: str) -> Unavailable:
    return Unavailable(detail, code="PAYMENTS_UNAVAILABLE", title="Payments are unavailable")


class PaymentsClient:
    def __init__(
        self, base_url: str, tokens: ServiceTokens, timeout: float, http: httpx.AsyncClient | None = None
    ) -> None:
        self._url = base_url.rstrip("/") + "/api/payments/internal/publish-charges"
        self._tokens = tokens
        self._http = http or httpx.AsyncClient(timeout=timeout)

    async def close(self) -> None:
        await self._http.aclose()

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
        try:
            resp = await self._http.post(self._url, json=body, headers=self._tokens.header())
        except httpx.HTTPError as exc:
            log.warning("payments.unreachable", error=repr(exc))
            raise _unavailable("Payments could not be reached; please try again") from exc
        if resp.status_code not in (200, 201):
            log.warning("payments.failed", status=resp.status_code, body=resp.text[:300])
            raise _unavailable("The publish charge could not be opened right now; please try again")
        try:
            answer = _decode.decode(resp.content)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            log.error("payments.bad_answer", error=str(exc))
            raise _unavailable("Payments answered in an unexpected way") from exc
        pp = answer.platform_payment
        if not answer.covered and (pp is None or not isinstance(pp.get("platformPaymentId"), str)):
            log.error("payments.no_payment", publication_id=publication_id)
            raise _unavailable("Payments answered without a payment to make")
        return msgspec.to_builtins(answer)  # camelCase keys
