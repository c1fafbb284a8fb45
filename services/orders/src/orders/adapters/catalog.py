"""The catalog's internal reservation API (service token). The customer is waiting, so this is HTTP, with a
short timeout: a catalog that is down, slow or failing (5xx) is 503 for the customer and no order is made.

The catalog's own problems (OUT_OF_STOCK naming the product and what is left, PRODUCT_NOT_FOUND,
PRODUCT_UNAVAILABLE, SLOT_IN_PAST, validation) reach the customer unchanged.
"""

from __future__ import annotations

from typing import Any

import httpx
import msgspec

from webdpro_core.errors import FieldError, Problem, Unavailable
from webdpro_observability import get_logger
from webdpro_tenancy import InternalClient, ServiceTokens

log = get_logger(__name__)

_PASS_THROUGH = {400, 404, 409, 422}


class ReservedLine(msgspec.Struct, rename="camel"):
    product_id: str
    name: str
    unit_price_paise: int
    quantity: int
    line_total_paise: int
    variant_id: str | None = None
    slot_id: str | None = None


class Reservation(msgspec.Struct, rename="camel"):
    order_id: str
    status: str
    items: list[ReservedLine]
    total_paise: int
    expires_at: str | None = None


_decode_reservation = msgspec.json.Decoder(Reservation)


class CatalogClient:
    def __init__(
        self, base_url: str, tokens: ServiceTokens, timeout: float, http: httpx.AsyncClient | None = None
    ) -> None:
        # In the order's trace: catalog's reservation events join the order's chain.
        self._api = InternalClient(
            base_url, "catalog", tokens, timeout, title="The catalog is unavailable", http=http
        )

    async def close(self) -> None:
        await self._api.close()

    async def reserve(
        self, store_id: str, order_id: str, tenant_id: str, items: list[dict[str, Any]], hold_seconds: int
    ) -> Reservation:
        resp = await self._api.post(
            f"/stores/{store_id}/reservations",
            {"orderId": order_id, "tenantId": tenant_id, "items": items, "holdSeconds": hold_seconds},
        )
        if resp.status_code in (200, 201):
            return self._api.decode(resp, _decode_reservation)
        raise self._problem_from(resp)

    async def release(self, store_id: str, order_id: str) -> bool:
        """Best effort (the hold expires by itself anyway); True when the catalog confirmed it."""
        try:
            resp = await self._api.post(f"/stores/{store_id}/reservations/{order_id}/release")
        except Unavailable:
            return False
        return resp.status_code < 300

    def _problem_from(self, resp: httpx.Response) -> Problem:
        body: dict[str, Any] = {}
        try:
            parsed = resp.json()
            body = parsed if isinstance(parsed, dict) else {}
        except ValueError:
            pass
        if resp.status_code not in _PASS_THROUGH:
            # 5xx, or 401/403 (our service token refused: our fault, not the customer's).
            log.warning("catalog.failed", status=resp.status_code, code=body.get("code"))
            return self._api.unavailable("The catalog could not take the order right now; please try again")
        errors = [
            FieldError(str(e.get("field", "body")), str(e.get("message", "")))
            for e in body.get("errors", []) or []
            if isinstance(e, dict)
        ]
        return Problem(
            str(body.get("detail") or body.get("title") or "The catalog refused the order"),
            status=resp.status_code,
            code=str(body.get("code") or "CATALOG_REFUSED"),
            title=str(body.get("title") or "The order cannot be placed"),
            errors=errors,
        )
