from __future__ import annotations

from webdpro_core.settings import BaseSettings

# USD list prices "prefix=input_per_1k:output_per_1k:per_image" (Bedrock on-demand; the same figures sitegen
# estimates with). sitegen's own offline generator and prompt screen cost nothing.
DEFAULT_AI_PRICES = ";".join(
    [
        "offline=0:0:0",
        "safety=0:0:0",
        "amazon.nova-micro=0.000035:0.00014:0",
        "amazon.nova-lite=0.00006:0.00024:0",
        "amazon.nova-pro=0.0008:0.0032:0",
        "amazon.nova-premier=0.0025:0.0125:0",
        "amazon.titan-text=0.0002:0.0006:0",
        "meta.llama3=0.00072:0.00072:0",
        "anthropic.claude-3-haiku=0.00025:0.00125:0",
        "anthropic.claude-3-5-haiku=0.0008:0.004:0",
        "anthropic.claude-3-5-sonnet=0.003:0.015:0",
        "anthropic.claude-3-7-sonnet=0.003:0.015:0",
        "mistral.mistral-large=0.004:0.012:0",
        "amazon.titan-image-generator=0:0:0.01",
        "amazon.nova-canvas=0:0:0.04",
        "stability.stable-diffusion-xl=0:0:0.04",
        "stability.sd3=0:0:0.08",
        "stability.stable-image-core=0:0:0.04",
        "stability.stable-image-ultra=0:0:0.14",
        "default=0.003:0.015:0.04",
    ]
)


class AdminSettings(BaseSettings, frozen=True, kw_only=True):
    service: str = "admin"
    port: int = 8107
    # The reporting database: PostgreSQL when a DSN is set (WEBDPRO_REPORTING_DSN, e.g.
    # postgresql://admin@db:5432/reporting), the embedded SQLite file at `reporting_path` otherwise.
    reporting_dsn: str = ""
    reporting_path: str = ".data/admin.sqlite3"
    reporting_pool_size: int = 5
    # Estimated AI cost (see DEFAULT_AI_PRICES) and the rupee rate it converts with.
    ai_prices: str = DEFAULT_AI_PRICES
    usd_to_paise: int = 8400
    # A deleted store's data is kept this long, then purged (the `purge_after` of store.deleted).
    deleted_retention_days: int = 180
