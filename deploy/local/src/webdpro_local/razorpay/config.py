"""The emulator's configuration, read once from the environment (see the package docstring for the variables)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_PORT = 4578
DEFAULT_KEY_ID = "rzp_test_webdpro"
DEFAULT_KEY_SECRET = "webdpro_local_secret"
DEFAULT_WEBHOOK_SECRET = "webdpro_webhook_secret"
DEFAULT_RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0, 4.0)  # seconds between webhook attempts: 6 tries in all


def _floats(raw: str, default: tuple[float, ...]) -> tuple[float, ...]:
    raw = raw.strip()
    if not raw:
        return default
    if raw.lower() == "none":
        return ()
    return tuple(float(x) for x in raw.split(",") if x.strip())


def _bool(raw: str, default: bool) -> bool:
    raw = raw.strip().lower()
    if not raw:
        return default
    return raw in {"1", "true", "yes", "on"}


def _urls(raw: str) -> list[str]:
    if raw.strip().lower() in {"", "none"}:
        return []
    return [u.strip() for u in raw.split(",") if u.strip()]


@dataclass
class Config:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    key_id: str = DEFAULT_KEY_ID
    key_secret: str = DEFAULT_KEY_SECRET
    webhook_urls: list[str] = field(default_factory=list)
    webhook_secret: str = DEFAULT_WEBHOOK_SECRET
    webhook_timeout: float = 5.0
    webhook_retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS
    auto_capture: bool = True
    public_url: str = (
        ""  # where browsers reach this server (short_url, hosted pages); default http://host:port
    )
    account_id: str = ""  # the merchant's own `acc_…` (webhook `account_id`, direct transfers' `source`)
    subscription_retries: int = 3  # failed renewal charges retried this often, then `halted`
    subscription_retry_seconds: int = 86_400  # emulator-clock time between renewal retries
    explicit_public_url: bool = False  # set: checkout.js names public_url; else the Host the browser used

    def __post_init__(self) -> None:
        self.explicit_public_url = self.explicit_public_url or bool(self.public_url)
        if not self.public_url:
            self.public_url = f"http://{self.host}:{self.port}"
        self.public_url = self.public_url.rstrip("/")
        if not self.account_id:
            # Stable per key id, so a restarted emulator keeps the same merchant account.
            digest = hashlib.sha256(self.key_id.encode()).hexdigest()
            alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
            self.account_id = "acc_" + "".join(
                alphabet[int(digest[i : i + 2], 16) % 62] for i in range(0, 28, 2)
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        env = os.environ if environ is None else environ

        def get(name: str, default: str = "") -> str:
            return env.get(f"WEBDPRO_RAZORPAY_{name}", "") or default

        return cls(
            host=get("HOST", "127.0.0.1"),
            port=int(get("PORT", str(DEFAULT_PORT))),
            key_id=get("KEY_ID", DEFAULT_KEY_ID),
            key_secret=get("KEY_SECRET", DEFAULT_KEY_SECRET),
            webhook_urls=_urls(get("WEBHOOK_URL")),
            webhook_secret=get("WEBHOOK_SECRET", DEFAULT_WEBHOOK_SECRET),
            webhook_timeout=float(get("WEBHOOK_TIMEOUT", "5")),
            webhook_retry_delays=_floats(get("WEBHOOK_RETRY_DELAYS"), DEFAULT_RETRY_DELAYS),
            auto_capture=_bool(get("AUTO_CAPTURE"), True),
            public_url=get("PUBLIC_URL"),
            account_id=get("ACCOUNT_ID"),
            subscription_retries=int(get("SUBSCRIPTION_RETRIES", "3")),
            subscription_retry_seconds=int(get("SUBSCRIPTION_RETRY_SECONDS", "86400")),
        )
