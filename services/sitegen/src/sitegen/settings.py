from __future__ import annotations

from webdpro_core.settings import BaseSettings


class SitegenSettings(BaseSettings, frozen=True, kw_only=True):
    service: str = "sitegen"
    port: int = 8102
    # Model ids in fallback order; empty = the offline generator alone (the local default).
    text_model_ids: str = ""
    image_model_ids: str = ""
    bedrock_endpoint_url: str | None = None  # the local stand-in; None = AWS
    model_timeout_seconds: float = 30.0
    # Where people reach the platform (the gateway locally, CloudFront/API Gateway in AWS).
    public_base_url: str = "http://127.0.0.1:8080"
    checkout_js_url: str = "https://checkout.razorpay.com/v1/checkout.js"
    preview_ttl_seconds: int = 7 * 24 * 3600
    daily_generation_cap: int = 20  # generations per tenant per day (AI quota)
    generation_timeout_seconds: int = 300
    # The live edge (service/edge.py): how long a host → release entry is trusted (a blue-green switch shows
    # within this), and the byte budget of its in-process cache of release files (gzip copies included).
    edge_host_ttl_seconds: float = 1.0
    edge_cache_bytes: int = 64 * 1024 * 1024
    # A deleted store's item is kept this long, then DynamoDB TTL purges it (the legal retention period).
    deleted_retention_days: int = 180

    @property
    def text_models(self) -> list[str]:
        return [m.strip() for m in self.text_model_ids.split(",") if m.strip()]

    @property
    def image_models(self) -> list[str]:
        return [m.strip() for m in self.image_model_ids.split(",") if m.strip()]
