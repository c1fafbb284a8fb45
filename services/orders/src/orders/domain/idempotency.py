"""Idempotency-Key rules for checkout (pure).

A key belongs to one customer. The first request claims it (an IN_PROGRESS record with a lease); its answer is
stored with the order, atomically. Later requests with the same key:
- another body (fingerprint) → 409 IDEMPOTENCY_KEY_REUSED;
- same body, COMPLETED → the stored answer, again;
- same body, IN_PROGRESS and the lease still running → wait for the answer (then 409 REQUEST_IN_PROGRESS);
- same body, IN_PROGRESS and the lease run out (its owner died) → take over, with the same order id, so the
  catalog's reservation (idempotent by order id) is the same one.
"""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum
from typing import Any

import msgspec

from webdpro_core.errors import Conflict, Problem

IN_PROGRESS = "IN_PROGRESS"
COMPLETED = "COMPLETED"

_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces (Stripe's and the IETF draft's range)


class Verdict(StrEnum):
    REPLAY = "replay"
    WAIT = "wait"
    TAKE_OVER = "take_over"


def check_key(key: str | None) -> str:
    if key is None or not key.strip():
        raise Problem(
            "The Idempotency-Key header is required for checkout",
            status=400,
            code="IDEMPOTENCY_KEY_REQUIRED",
            title="Idempotency-Key required",
            field="Idempotency-Key",
        )
    key = key.strip()
    if not _KEY.match(key):
        raise Problem(
            "The Idempotency-Key must be 1 to 255 printable characters without spaces",
            status=400,
            code="IDEMPOTENCY_KEY_INVALID",
            title="Idempotency-Key invalid",
            field="Idempotency-Key",
        )
    return key


def fingerprint(store_id: str, request: Any) -> str:
    """A stable digest of what was asked: the store and the decoded request (ignored fields such as a price
    left out; key order does not matter)."""
    body = msgspec.json.encode({"store_id": store_id, "request": request}, order="sorted")
    return hashlib.sha256(body).hexdigest()


def judge(record: dict[str, Any], fp: str, now: int) -> Verdict:
    """What to do with a request whose key already has `record`."""
    if record.get("fingerprint") != fp:
        raise Conflict(
            "This Idempotency-Key was already used with a different request",
            code="IDEMPOTENCY_KEY_REUSED",
            field="Idempotency-Key",
        )
    if record.get("state") == COMPLETED:
        return Verdict.REPLAY
    if int(record.get("lease_until", 0)) <= now:
        return Verdict.TAKE_OVER
    return Verdict.WAIT


def still_running() -> Conflict:
    return Conflict(
        "A request with this Idempotency-Key is still being processed; retry shortly",
        code="REQUEST_IN_PROGRESS",
        headers={"Retry-After": "1"},
    )
