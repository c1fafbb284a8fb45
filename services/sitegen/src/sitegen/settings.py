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
    # Publishing (service/publish.py, service/saga.py). Free subdomains live under `sites_domain` ("" = the
    # platform domain); a live store's URL is `site_url_template` with its host (locally http://{host}:8080/).
    sites_domain: str = ""
    site_url_template: str = "https://{host}/"
    publish_hold_seconds: int = 2 * 3600  # a host claimed by an unpaid publication is held this long
    # The payments service's internal publish-charge API (service token).
    payments_url: str = "http://127.0.0.1:8105"
    payments_timeout_seconds: float = 8.0
    # Saga: retryable step failures back off base, 2 base, 4 base … capped, at most `saga_max_attempts` tries;
    # a runner holds a publication's lease this long (renewed at every write); the sweeper resumes stuck ones.
    saga_backoff_base_seconds: float = 1.0
    saga_backoff_cap_seconds: float = 60.0
    saga_max_attempts: int = 8
    saga_lease_seconds: int = 120
    saga_sweep_seconds: float = 5.0
    saga_max_runs: int = 10  # runners that took the publication up; past this a crashing saga ends FAILED
    sms_sender_id: str = "WEBDPR"
    # The live edge (service/edge.py): how long a host → release entry is trusted (a blue-green switch shows
    # within this), and the byte budget of its in-process cache of release files (gzip copies included).
    edge_host_ttl_seconds: float = 1.0
    edge_cache_bytes: int = 64 * 1024 * 1024
    # A deleted store's item is kept this long, then DynamoDB TTL purges it (the legal retention period).
    deleted_retention_days: int = 180
    # Custom domains: the registrar (Hostinger's API; the local emulator via WEBDPRO_REGISTRAR_BASE_URL/_TOKEN).
    registrar_base_url: str = "https://developers.hostinger.com"
    registrar_token: str = ""  # a secret
    registrar_timeout_seconds: float = 10.0
    registrar_payment_method_id: int | None = None  # None → the account's default payment method
    domain_setup_fee_paise: int = 49900  # added to the registrar's first-year price
    domain_tlds: str = "in,com,co.in,store"
    edge_origin_domain: str = ""  # CloudFront's origin for custom domains; "" → edge.<platform_domain>

    @property
    def text_models(self) -> list[str]:
        return [m.strip() for m in self.text_model_ids.split(",") if m.strip()]

    @property
    def domain_tld_list(self) -> list[str]:
        return [t.strip().lower().lstrip(".") for t in self.domain_tlds.split(",") if t.strip()]

    @property
    def edge_origin(self) -> str:
        return self.edge_origin_domain or f"edge.{self.platform_domain}"

    @property
    def sites_parent_domain(self) -> str:
        return (self.sites_domain or self.platform_domain).strip(".").lower()

    def site_url(self, host: str) -> str:
        return self.site_url_template.format(host=host)

    @property
    def image_models(self) -> list[str]:
        return [m.strip() for m in self.image_model_ids.split(",") if m.strip()]
