from __future__ import annotations

from webdpro_core.settings import BaseSettings


class PaymentsSettings(BaseSettings, frozen=True, kw_only=True):
    service: str = "payments"
    port: int = 8105
    # Razorpay: the local emulator by default; https://api.razorpay.com in AWS. The key pair and the webhook
    # secret default to the emulator's; in AWS they come from Secrets Manager (`payments/razorpay`, a JSON
    # {"key_id","key_secret","webhook_secret"}), which wins over these when it exists.
    razorpay_base_url: str = "http://127.0.0.1:4578"
    razorpay_key_id: str = "rzp_test_webdpro"
    razorpay_key_secret: str = "webdpro_local_secret"
    razorpay_webhook_secret: str = "webdpro_webhook_secret"
    # Where the browser loads Checkout from; empty = `<razorpay_base_url>/v1/checkout.js` locally and
    # https://checkout.razorpay.com/v1/checkout.js against the real API.
    checkout_js_url: str = ""
    razorpay_timeout_seconds: float = 5.0
    razorpay_retries: int = 3
    razorpay_backoff_seconds: float = 0.2
    # The platform's cut of online and COD orders, in basis points per plan (a tenant is SUBSCRIBED while its
    # Razorpay subscription is active, STANDARD otherwise).
    platform_cut_bps: str = "STANDARD=500,SUBSCRIBED=250"
    # The delivery cut of a COD order (the collecting agent's), in basis points of the amount due.
    cod_delivery_cut_bps: int = 200
    # A settlement pays a positive balance out only from this amount (Razorpay's minimum transfer is ₹1).
    minimum_payout_paise: int = 100
    # Platform fees (paise).
    store_publish_paise: int = 49_900
    republish_paise: int = 19_900
    domain_setup_paise: int = 29_900
    domain_default_price_paise: int = 79_900
    subscription_monthly_paise: int = 99_900
    subscription_total_count: int = 12
