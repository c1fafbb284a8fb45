"""A customer is found by their verified phone, hashed exactly as the orders service hashes it (a keyed
HMAC-SHA256 with the platform key `orders/customer-key`, first 40 hex digits): the hash its events carry."""

from __future__ import annotations

import hashlib
import hmac


def phone_hash(key: bytes, phone: str) -> str:
    return hmac.new(key, phone.strip().encode(), hashlib.sha256).hexdigest()[:40]
