"""The fault switch: make the next requests fail or answer slowly, and make refunds / renewal charges fail.

`POST /_emulator/faults` takes any of these keys (each call adds to what is armed; `{"clear": true}` or
`DELETE /_emulator/faults` disarms everything):

    {"next_n_requests": 2, "status": 503, "delay_ms": 0, "paths": "/v1/orders", "methods": "POST",
     "process": false, "code": null, "description": null}
        The next N API requests whose path starts with `paths` (default: every `/v1/` and `/v2/` API path) and
        whose method is in `methods` (default: any) are answered with `status` and Razorpay's error body for it
        (5xx → SERVER_ERROR, 502/504 → GATEWAY_ERROR), after `delay_ms`. With `"process": true` the request is
        carried out first and only its answer is replaced — Razorpay did the work but the client saw a 5xx.
        Without `status` the request is carried out normally and its answer is held back `delay_ms` (a slow
        answer whose work is already done when the client gives up).
    {"webhooks": {"duplicate": true, "reorder": true, "drop": 1}}   see webhooks.WebhookFaults
    {"refunds": {"fail": 1, "pending": true}}
        `fail`: the next N refunds are created `pending` and then fail (`refund.failed`, amount given back);
        `pending`: refunds stay `pending` until the next tick (~0.25 s) or clock advance, then `processed`.
    {"subscription_charges": {"fail": 2}}   the next N renewal charges fail.
    {"transfers": {"fail": 1}}   the next N transfers end `failed` (`transfer.failed`) instead of `processed`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from webdpro_local.razorpay.errors import invalid


@dataclass
class RequestFault:
    remaining: int
    status: int | None = None
    delay_ms: int = 0
    paths: str | None = None
    methods: frozenset[str] | None = None
    process: bool = False
    code: str | None = None
    description: str | None = None

    def matches(self, method: str, path: str) -> bool:
        if self.remaining <= 0:
            return False
        if self.methods is not None and method not in self.methods:
            return False
        if self.paths is not None:
            return path.startswith(self.paths)
        return is_api_path(path)

    def to_dict(self) -> dict[str, Any]:
        return {
            "next_n_requests": self.remaining,
            "status": self.status,
            "delay_ms": self.delay_ms,
            "paths": self.paths,
            "methods": sorted(self.methods) if self.methods else None,
            "process": self.process,
        }


def is_api_path(path: str) -> bool:
    return (path.startswith(("/v1/", "/v2/"))) and path != "/v1/checkout.js"


class Faults:
    def __init__(self) -> None:
        self.requests: list[RequestFault] = []
        self.refund_fail = 0
        self.refund_pending = False
        self.charge_fail = 0
        self.transfer_fail = 0

    def clear(self) -> None:
        self.__init__()  # type: ignore[misc]

    def take(self, method: str, path: str) -> RequestFault | None:
        if path.startswith("/_emulator"):
            return None
        for fault in self.requests:
            if fault.matches(method, path):
                fault.remaining -= 1
                self.requests = [f for f in self.requests if f.remaining > 0]
                return fault
        return None

    def arm(self, body: dict[str, Any]) -> None:
        if body.get("clear"):
            self.clear()
        if "next_n_requests" in body:
            n = body["next_n_requests"]
            status = body.get("status")
            delay = body.get("delay_ms", 0) or 0
            if not isinstance(n, int) or n < 1:
                raise invalid("next_n_requests must be a positive integer", "next_n_requests")
            if status is not None and (not isinstance(status, int) or not 400 <= status <= 599):
                raise invalid("status must be an HTTP error status (400-599)", "status")
            if not isinstance(delay, int | float) or delay < 0:
                raise invalid("delay_ms must be a non-negative number", "delay_ms")
            methods = body.get("methods")
            if isinstance(methods, str):
                methods = [m for m in methods.replace(",", " ").split() if m]
            self.requests.append(
                RequestFault(
                    remaining=n,
                    status=status,
                    delay_ms=int(delay),
                    paths=body.get("paths") or None,
                    methods=frozenset(m.upper() for m in methods) if methods else None,
                    process=bool(body.get("process", False)),
                    code=body.get("code"),
                    description=body.get("description"),
                )
            )
        refunds = body.get("refunds")
        if isinstance(refunds, dict):
            self.refund_fail = int(refunds.get("fail", self.refund_fail) or 0)
            self.refund_pending = bool(refunds.get("pending", self.refund_pending))
        transfers = body.get("transfers")
        if isinstance(transfers, dict):
            self.transfer_fail = int(transfers.get("fail", self.transfer_fail) or 0)
        charges = body.get("subscription_charges")
        if isinstance(charges, dict):
            self.charge_fail = int(charges.get("fail", self.charge_fail) or 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "requests": [f.to_dict() for f in self.requests],
            "refunds": {"fail": self.refund_fail, "pending": self.refund_pending},
            "subscription_charges": {"fail": self.charge_fail},
            "transfers": {"fail": self.transfer_fail},
        }
