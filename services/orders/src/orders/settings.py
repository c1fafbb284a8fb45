from __future__ import annotations

from webdpro_core.settings import BaseSettings


class OrdersSettings(BaseSettings, frozen=True, kw_only=True):
    service: str = "orders"
    port: int = 8104
    # The catalog's internal reservation API (never exposed by the gateway; service token).
    catalog_url: str = "http://127.0.0.1:8103"
    catalog_timeout_seconds: float = 3.0
    # The payments service's internal checkout (UPI / ONLINE orders get their Razorpay order there; service token).
    # Its own Razorpay calls retry, so it gets a longer timeout than the catalog.
    payments_url: str = "http://127.0.0.1:8105"
    payments_timeout_seconds: float = 8.0
    # An online order not paid within this window is cancelled and its stock released.
    payment_timeout_seconds: int = 900
    # The catalog holds the stock this much longer than the payment window, so a payment captured in the last
    # second still finds its hold when the confirmation arrives.
    hold_grace_seconds: int = 60
    # How often each instance looks for unpaid orders past their deadline (cheap; idempotent across instances).
    sweep_interval_seconds: float = 15.0
    # Delivery fee until the delivery service's per-store settings take over: a flat fee, waived from a total.
    delivery_fee_paise: int = 0
    free_delivery_from_paise: int = 0
    # Idempotency records live a day; a concurrent duplicate waits this long for the first answer.
    idempotency_ttl_seconds: int = 86_400
    idempotency_wait_seconds: float = 8.0
    idempotency_lease_seconds: int = 30
    # The merchant's live order stream: how often it re-reads the store's feed (other instances' changes) and
    # how often it sends a keep-alive comment.
    stream_poll_seconds: float = 0.5
    stream_keepalive_seconds: float = 15.0
