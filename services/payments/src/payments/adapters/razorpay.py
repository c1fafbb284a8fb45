"""Razorpay's REST API over async httpx (Basic auth `key_id:key_secret`). The same code talks to
`https://api.razorpay.com` and to the local emulator; only the base URL differs.

Retries: a 5xx, a 429, a timeout or a connection error is retried with exponential back-off (`retries` times),
and never creates anything twice:
- orders: before every retry of a create, `GET /v1/orders?receipt=` looks for the order the failed attempt may
  have made (the receipt is our own unique id), and returns it if it exists;
- refunds: `X-Refund-Idempotency` (the same key on every attempt);
- direct transfers: `X-Transfer-Idempotency`;
- transfers from a payment (no idempotency header at Razorpay): `GET /v1/payments/{id}/transfers` first, and a
  transfer whose notes carry our order id is the one already made;
- linked accounts: found by `reference_id` in our table before creating (one per tenant).
A 4xx is Razorpay refusing the request: `RazorpayRefused` with its error code and description, not retried.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
from typing import Any

import httpx

from webdpro_observability import get_logger

log = get_logger(__name__)

_RETRYABLE = {429, 500, 502, 503, 504}


def idempotency_header(key: str) -> str:
    """Our keys (`cancel-<orderId>`, a settlement id…) → what Razorpay accepts in X-Refund-Idempotency and
    X-Transfer-Idempotency (10..36 of [A-Za-z0-9_-]): a stable 32-character digest, the same on every retry."""
    return "k" + hashlib.sha256(key.encode()).hexdigest()[:31]


class RazorpayError(Exception):
    """Razorpay could not be reached or kept failing (5xx / timeouts) after the retries."""


class RazorpayRefused(Exception):
    """Razorpay answered 4xx: the request itself is wrong (unknown id, bad amount, already refunded…)."""

    def __init__(self, status: int, code: str, description: str, field: str | None = None) -> None:
        super().__init__(f"{status} {code}: {description}")
        self.status = status
        self.code = code
        self.description = description
        self.field = field


class RazorpayClient:
    def __init__(
        self,
        base_url: str,
        key_id: str,
        key_secret: str,
        *,
        timeout: float = 5.0,
        retries: int = 3,
        backoff: float = 0.2,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.key_id = key_id
        self._retries = retries
        self._backoff = backoff
        self._http = http or httpx.AsyncClient(
            base_url=self.base_url,
            auth=httpx.BasicAuth(key_id, key_secret),
            timeout=timeout,
            headers={"content-type": "application/json"},
        )

    async def close(self) -> None:
        await self._http.aclose()

    # --- plumbing ---
    async def _once(self, method: str, path: str, **kw: Any) -> httpx.Response:
        return await self._http.request(method, path, **kw)

    async def _call(self, method: str, path: str, *, before_retry: Any = None, **kw: Any) -> dict[str, Any]:
        """One logical call with retries. `before_retry()` (async) may return the result a failed attempt
        already produced at Razorpay, which ends the call without repeating it."""
        attempt = 0
        while True:
            if attempt and before_retry is not None:
                found = await before_retry()
                if found is not None:
                    log.info("razorpay.found_after_failure", path=path, attempt=attempt)
                    return found
            try:
                resp = await self._once(method, path, **kw)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                failure = f"{type(exc).__name__}"
            else:
                if resp.status_code < 300:
                    return resp.json()
                if resp.status_code not in _RETRYABLE:
                    raise _refused(resp)
                failure = f"HTTP {resp.status_code}"
            attempt += 1
            if attempt > self._retries:
                log.warning("razorpay.gave_up", path=path, method=method, failure=failure)
                raise RazorpayError(f"{method} {path}: {failure} after {attempt} attempts")
            pause = self._backoff * (2 ** (attempt - 1)) * (0.5 + random.random())
            log.info("razorpay.retry", path=path, method=method, failure=failure, pause=round(pause, 3))
            await asyncio.sleep(pause)

    # --- orders ---
    async def order_by_receipt(self, receipt: str) -> dict[str, Any] | None:
        body = await self._call("GET", "/v1/orders", params={"receipt": receipt})
        items = [o for o in body.get("items", []) if o.get("receipt") == receipt]
        return items[0] if items else None

    async def create_order(
        self, *, amount: int, receipt: str, notes: dict[str, str], find_first: bool = True
    ) -> dict[str, Any]:
        """An order for `receipt`, created once: an existing one (from an earlier try) is returned instead."""
        if find_first:
            existing = await self.order_by_receipt(receipt)
            if existing is not None:
                return existing
        return await self._call(
            "POST",
            "/v1/orders",
            json={
                "amount": amount,
                "currency": "INR",
                "receipt": receipt,
                "notes": notes,
                "payment_capture": 1,
            },
            before_retry=lambda: self.order_by_receipt(receipt),
        )

    async def payment(self, payment_id: str) -> dict[str, Any]:
        return await self._call("GET", f"/v1/payments/{payment_id}")

    async def capture(self, payment_id: str, amount: int) -> dict[str, Any]:
        return await self._call(
            "POST", f"/v1/payments/{payment_id}/capture", json={"amount": amount, "currency": "INR"}
        )

    # --- refunds ---
    async def refund(
        self, payment_id: str, *, amount: int, key: str, notes: dict[str, str]
    ) -> dict[str, Any]:
        return await self._call(
            "POST",
            f"/v1/payments/{payment_id}/refund",
            json={"amount": amount, "speed": "normal", "notes": notes, "receipt": key[-40:]},
            headers={"X-Refund-Idempotency": idempotency_header(key)},
        )

    # --- Route ---
    async def create_linked_account(self, body: dict[str, Any]) -> dict[str, Any]:
        return await self._call("POST", "/v2/accounts", json=body)

    async def payment_transfers(self, payment_id: str) -> list[dict[str, Any]]:
        body = await self._call("GET", f"/v1/payments/{payment_id}/transfers")
        return list(body.get("items", []))

    async def transfer_from_payment(
        self, payment_id: str, *, account: str, amount: int, order_id: str, on_hold: bool = True
    ) -> dict[str, Any]:
        async def existing() -> dict[str, Any] | None:
            for t in await self.payment_transfers(payment_id):
                if (t.get("notes") or {}).get("order_id") == order_id and t.get("recipient") == account:
                    return t
            return None

        found = await existing()
        if found is not None:
            return found
        body = await self._call(
            "POST",
            f"/v1/payments/{payment_id}/transfers",
            json={
                "transfers": [
                    {
                        "account": account,
                        "amount": amount,
                        "currency": "INR",
                        "notes": {"order_id": order_id},
                        "on_hold": on_hold,
                    }
                ]
            },
            before_retry=existing,
        )
        if body.get("entity") == "transfer":
            return body
        return body["items"][0]

    async def transfer(self, transfer_id: str) -> dict[str, Any]:
        return await self._call("GET", f"/v1/transfers/{transfer_id}")

    async def release(self, transfer_id: str) -> dict[str, Any]:
        return await self._call("PATCH", f"/v1/transfers/{transfer_id}", json={"on_hold": False})

    async def reverse(self, transfer_id: str, amount: int, *, reversed_before: int) -> dict[str, Any]:
        """Reverse `amount` of a transfer unless an earlier (failed-looking) attempt already did."""

        async def done() -> dict[str, Any] | None:
            t = await self.transfer(transfer_id)
            return t if int(t.get("amount_reversed", 0)) >= reversed_before + amount else None

        return await self._call(
            "POST", f"/v1/transfers/{transfer_id}/reversals", json={"amount": amount}, before_retry=done
        )

    async def direct_transfer(
        self, *, account: str, amount: int, key: str, notes: dict[str, str]
    ) -> dict[str, Any]:
        return await self._call(
            "POST",
            "/v1/transfers",
            json={"account": account, "amount": amount, "currency": "INR", "notes": notes},
            headers={"X-Transfer-Idempotency": idempotency_header(key)},
        )

    # --- subscriptions ---
    async def create_plan(self, *, amount: int, name: str) -> dict[str, Any]:
        return await self._call(
            "POST",
            "/v1/plans",
            json={
                "period": "monthly",
                "interval": 1,
                "item": {"name": name, "amount": amount, "currency": "INR"},
            },
        )

    async def create_subscription(
        self, *, plan_id: str, total_count: int, notes: dict[str, str]
    ) -> dict[str, Any]:
        return await self._call(
            "POST",
            "/v1/subscriptions",
            json={"plan_id": plan_id, "total_count": total_count, "customer_notify": 1, "notes": notes},
        )


def _refused(resp: httpx.Response) -> RazorpayRefused:
    try:
        err = (resp.json() or {}).get("error") or {}
    except ValueError:
        err = {}
    return RazorpayRefused(
        resp.status_code,
        str(err.get("code") or "BAD_REQUEST_ERROR"),
        str(err.get("description") or resp.text[:200]),
        err.get("field"),
    )
