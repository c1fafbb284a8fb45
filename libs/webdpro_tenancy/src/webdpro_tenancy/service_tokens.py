"""Service-to-service tokens for `/internal/…` routes (never exposed by the gateway).

`svc1.<caller service>.<expiry epoch>.<hex HMAC-SHA256>` keyed with the platform's internal key (Secrets Manager
`internal/service-key`, generated at provisioning). Short-lived and cheap to verify; in AWS the same routes sit
behind IAM-authorised private integrations as well.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from webdpro_core.errors import Unauthorized

_PREFIX = "svc1"


class ServiceTokens:
    def __init__(self, key: bytes, service: str) -> None:
        self._key = key
        self.service = service
        self._header: dict[str, str] = {}
        self._header_until = 0.0

    def _sign(self, caller: str, expires: int) -> str:
        return hmac.new(self._key, f"{_PREFIX}.{caller}.{expires}".encode(), hashlib.sha256).hexdigest()

    def issue(self, ttl_seconds: int = 300) -> str:
        expires = int(time.time()) + ttl_seconds
        return f"{_PREFIX}.{self.service}.{expires}.{self._sign(self.service, expires)}"

    def header(self) -> dict[str, str]:
        """The Authorization header for a call to another service: one 5-minute token reused for 4 minutes."""
        now = time.time()
        if now >= self._header_until:
            self._header = {"authorization": f"Bearer {self.issue(ttl_seconds=300)}"}
            self._header_until = now + 240
        return self._header

    def verify(self, token: str) -> str:
        """The calling service's name, or Unauthorized."""
        parts = (token or "").split(".")
        if len(parts) != 4 or parts[0] != _PREFIX or not parts[2].isdigit():
            raise Unauthorized("A service token is required", code="SERVICE_TOKEN_INVALID")
        _, caller, expires, signature = parts
        if not hmac.compare_digest(self._sign(caller, int(expires)), signature):
            raise Unauthorized("A service token is required", code="SERVICE_TOKEN_INVALID")
        if int(expires) < time.time():
            raise Unauthorized("The service token has expired", code="SERVICE_TOKEN_EXPIRED")
        return caller
