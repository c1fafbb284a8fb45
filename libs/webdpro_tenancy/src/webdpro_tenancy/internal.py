"""Calling another service's /internal/ routes while a user waits for the answer.

Every call carries the service token and the current trace context (the other service's events join the caller's
trace). What goes wrong on the way — the service unreachable or timing out, an answer that does not decode — is
503 `<SERVICE>_UNAVAILABLE` to the user: the fault is ours, never theirs. Status codes stay the caller's to read,
since each API refuses in its own words.
"""

from __future__ import annotations

from typing import Any, TypeVar

import httpx
import msgspec

from webdpro_core.errors import Unavailable
from webdpro_observability import get_logger, inject_context
from webdpro_tenancy.service_tokens import ServiceTokens

log = get_logger(__name__)
T = TypeVar("T")


class InternalClient:
    def __init__(
        self,
        base_url: str,
        service: str,
        tokens: ServiceTokens,
        timeout: float,
        *,
        title: str,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.service = service
        self.base = f"{base_url.rstrip('/')}/api/{service}/internal"
        self.code = f"{service.upper()}_UNAVAILABLE"
        self.title = title
        self._tokens = tokens
        self._http = http or httpx.AsyncClient(timeout=timeout)

    async def close(self) -> None:
        await self._http.aclose()

    def unavailable(self, detail: str) -> Unavailable:
        return Unavailable(detail, code=self.code, title=self.title)

    async def post(self, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        """POST `body` to `<base>/api/<service>/internal<path>`; unreachable → 503."""
        try:
            headers = inject_context(dict(self._tokens.header()))
            return await self._http.post(self.base + path, json=body or {}, headers=headers)
        except httpx.HTTPError as exc:
            log.warning(f"{self.service}.unreachable", path=path, error=repr(exc))
            raise self.unavailable(
                f"The {self.service} service could not be reached; please try again"
            ) from exc

    def decode(self, resp: httpx.Response, decoder: msgspec.json.Decoder[T]) -> T:
        """The answer's body as the caller's struct; anything else → 503."""
        try:
            return decoder.decode(resp.content)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            log.error(f"{self.service}.bad_answer", status=resp.status_code, error=str(exc))
            raise self.unavailable(f"The {self.service} service answered in an unexpected way") from exc
