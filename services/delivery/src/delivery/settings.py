from __future__ import annotations

from webdpro_core.settings import BaseSettings


class DeliverySettings(BaseSettings, frozen=True, kw_only=True):
    service: str = "delivery"
    port: int = 8106
    # Location points: how far ahead of our clock a point may be (phones drift) and how old a point in a batch
    # may be (a phone that was offline sends what it kept).
    location_max_future_seconds: float = 30.0
    location_max_age_seconds: float = 6 * 3600.0
    # Positions are buffered in the process and written every this many seconds (one write per agent at most);
    # who is active is looked up again (one query per merchant) when the process's snapshot is this old.
    location_flush_seconds: float = 1.0
    agent_status_ttl_seconds: float = 2.0
    # One trail point per agent per this many seconds; trail points live this long (DynamoDB TTL).
    trail_interval_seconds: int = 15
    trail_ttl_seconds: int = 7 * 24 * 3600
    # Auto-assignment: a last position older than this does not count for "nearest".
    location_fresh_seconds: float = 1800.0
    # Photo proof: the presigned upload's lifetime and the largest photo accepted.
    upload_expires_seconds: int = 900
    proof_max_bytes: int = 5 * 1024 * 1024
    # How long a merchant's link to a proof photo works.
    proof_view_seconds: int = 300
