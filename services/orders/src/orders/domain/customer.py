"""Customers are keyed by their verified mobile, hashed with a platform key (a bare SHA-256 of a 10-digit number
is reversible by trying them all)."""

from __future__ import annotations

import hashlib
import hmac


def phone_hash(key: bytes, phone: str) -> str:
    return hmac.new(key, phone.strip().encode(), hashlib.sha256).hexdigest()[:40]
