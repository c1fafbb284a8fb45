"""The emulator's configuration, read once from the environment (see the package docstring for the variables)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_PORT = 4579
DEFAULT_TOKEN = "hostinger_local_token"
DEFAULT_AVAILABILITY_RATE = 10  # Hostinger: "Endpoint has rate limit of 10 requests per minute."


def _names(raw: str) -> frozenset[str]:
    return frozenset(x.strip().lower() for x in raw.replace(";", ",").split(",") if x.strip())


@dataclass
class Config:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    token: str = DEFAULT_TOKEN
    # Per token and fixed one-minute window (Laravel's throttle, as Hostinger's API answers): 0 = no limit.
    availability_rate_per_minute: int = DEFAULT_AVAILABILITY_RATE
    rate_per_minute: int = 0  # every other API request; Hostinger does not publish its general limit
    taken: frozenset[str] = field(
        default_factory=frozenset
    )  # extra taken names ("acme") or domains ("acme.in")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        env = os.environ if environ is None else environ

        def get(name: str, default: str = "") -> str:
            return env.get(f"WEBDPRO_REGISTRAR_{name}", "") or default

        return cls(
            host=get("HOST", "127.0.0.1"),
            port=int(get("PORT", str(DEFAULT_PORT))),
            token=get("TOKEN", DEFAULT_TOKEN),
            availability_rate_per_minute=int(
                get("AVAILABILITY_RATE_PER_MINUTE", str(DEFAULT_AVAILABILITY_RATE))
            ),
            rate_per_minute=int(get("RATE_PER_MINUTE", "0")),
            taken=_names(get("TAKEN")),
        )
