"""Settings of the local platform (emulator, provisioning, gateway, scheduler, supervisor).

Every field is `WEBDPRO_<FIELD>` in the environment (see webdpro_core.settings). All ports are configurable so a
test run can start a second platform beside a developer's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from webdpro_core.settings import BaseSettings, load


class LocalSettings(BaseSettings, kw_only=True, frozen=True):
    aws_port: int = 4566
    gateway_port: int = 8080
    port_base: int = 8100  # service i listens on port_base + i (auth 8101, sitegen 8102, ...)
    services: str = ""  # comma list of services to run; empty = every service whose package is installed
    service_urls: str = ""  # "auth=http://127.0.0.1:8101,..." overrides the registry's route table
    gateway_max_body: int = 1_048_576
    # Token bucket per client IP. The defaults are API Gateway's own account throttle (10,000 rps, burst 5,000):
    # above what the local gateway can serve (~4k req/s on 2 cores), so a benchmark from one client is never
    # throttled, while a runaway loop still is. Lower them to exercise 429s; a rate of 0 turns throttling off.
    gateway_rate_rps: float = 10_000.0
    gateway_burst: int = 5_000
    gateway_upstream_timeout: float = 30.0  # seconds to wait for an upstream's response head
    # The gateway's own host names besides 127.0.0.1, localhost and ::1 (comma list). A request for any other
    # host is a published store: its pages go to sitegen's edge (/api/sitegen/edge/...), its /api/ to the services.
    gateway_hosts: str = ""
    cors_origins: str = (
        "http://localhost:5173,http://127.0.0.1:5173,http://localhost:3000,http://127.0.0.1:3000"
    )
    scan_interval_seconds: float = 300.0
    settlement_time: str = "23:30"  # HH:MM in IST (Asia/Kolkata)

    @property
    def emulator_url(self) -> str:
        return self.aws_endpoint_url or f"http://127.0.0.1:{self.aws_port}"

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    @property
    def gateway_host_list(self) -> list[str]:
        return [h.strip().lower() for h in self.gateway_hosts.split(",") if h.strip()]

    @property
    def service_list(self) -> list[str]:
        return [s.strip() for s in self.services.split(",") if s.strip()]


def load_local(environ: Mapping[str, str] | None = None, **overrides: Any) -> LocalSettings:
    """LocalSettings with the emulator as the AWS endpoint and fake credentials unless set otherwise:
    the local tools must never reach real AWS by accident."""
    s = load(LocalSettings, environ, **overrides)
    fill: dict[str, Any] = {}
    if not s.aws_endpoint_url:
        fill["aws_endpoint_url"] = f"http://127.0.0.1:{s.aws_port}"
    if not s.aws_access_key_id:
        fill["aws_access_key_id"] = "test"
        fill["aws_secret_access_key"] = "test"
    if fill:
        s = load(LocalSettings, environ, **{**overrides, **fill})
    return s
