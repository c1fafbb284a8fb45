"""What the use cases need, wired once in bootstrap."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from payments.adapters.razorpay import RazorpayClient
from payments.adapters.repository import PaymentsRepository
from payments.domain.splits import parse_plan_bps
from payments.settings import PaymentsSettings
from webdpro_events import Outbox


@dataclass
class RazorpayKeys:
    key_id: str
    key_secret: str
    webhook_secret: str


@dataclass
class Deps:
    settings: PaymentsSettings
    repo: PaymentsRepository
    razorpay: RazorpayClient
    outbox: Outbox
    keys: RazorpayKeys
    phone_key: bytes
    plan_bps: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.plan_bps:
            self.plan_bps = parse_plan_bps(self.settings.platform_cut_bps)

    def bps_for(self, plan: str | None) -> int:
        return self.plan_bps.get((plan or "STANDARD").upper(), self.plan_bps["STANDARD"])

    def phone_hash(self, phone: str) -> str:
        return hmac.new(self.phone_key, phone.encode(), hashlib.sha256).hexdigest()[:40]

    @property
    def checkout_js_url(self) -> str:
        if self.settings.checkout_js_url:
            return self.settings.checkout_js_url
        base = self.settings.razorpay_base_url.rstrip("/")
        if base == "https://api.razorpay.com":
            return "https://checkout.razorpay.com/v1/checkout.js"
        return f"{base}/v1/checkout.js"
