from __future__ import annotations

from webdpro_core.settings import BaseSettings


class CatalogSettings(BaseSettings, frozen=True, kw_only=True):
    service: str = "catalog"
    port: int = 8103
    sms_sender_id: str = "WEBDPR"
    # Where product images are served from; empty → `<AWS endpoint or S3>/<bucket>` (fine locally).
    media_base_url: str = ""
    # Reservations: the default and the bounds of a hold.
    hold_seconds: int = 900
    # The inventory scan: days of sales history it reads, and the default supplier lead time.
    history_days: int = 28
    default_lead_time_days: int = 2
    # The public storefront's in-process page cache (seconds); pages are also keyed by the catalog version.
    public_cache_seconds: float = 10.0
    # Sales counters are kept this long (TTL).
    sales_retention_days: int = 120
