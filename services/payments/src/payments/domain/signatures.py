"""Razorpay's signatures (hex HMAC-SHA256), compared in constant time."""

from __future__ import annotations

import hashlib
import hmac


def sign(secret: str | bytes, message: str | bytes) -> str:
    key = secret.encode() if isinstance(secret, str) else secret
    msg = message.encode() if isinstance(message, str) else message
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


def _matches(expected: str, given: str | None) -> bool:
    if not given:
        return False
    return hmac.compare_digest(expected.encode(), given.strip().lower().encode())


def checkout_ok(
    key_secret: str, razorpay_order_id: str, razorpay_payment_id: str, signature: str | None
) -> bool:
    """Checkout success: HMAC(key_secret, order_id + "|" + payment_id)."""
    return _matches(sign(key_secret, f"{razorpay_order_id}|{razorpay_payment_id}"), signature)


def subscription_ok(key_secret: str, payment_id: str, subscription_id: str, signature: str | None) -> bool:
    return _matches(sign(key_secret, f"{payment_id}|{subscription_id}"), signature)


def webhook_ok(webhook_secret: str, raw_body: bytes, signature: str | None) -> bool:
    """A webhook: HMAC(webhook_secret, the raw body exactly as received)."""
    return _matches(sign(webhook_secret, raw_body), signature)
