"""Access-token verification from a cached JWKS — no call to auth on the request path.

- RS256 only (an `alg: none` or HS256 token is refused before any key is looked at).
- The JWKS is fetched once and cached; an unknown `kid` refetches it (key rotation), at most once per
  `min_refresh_seconds` so a flood of forged kids cannot hammer auth.
- A verified token's claims are cached by the token string until it expires: verifying the same bearer token
  on every request of a session then costs a dictionary lookup, not an RSA operation.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from typing import Any

import httpx
import jwt
from jwt.algorithms import RSAAlgorithm

from webdpro_core.errors import Unauthorized
from webdpro_tenancy.caller import Caller

_ALGORITHMS = ["RS256"]


def caller_from_claims(claims: dict[str, Any]) -> Caller:
    groups = claims.get("cognito:groups") or []
    if isinstance(groups, str):
        groups = [groups]
    return Caller(
        sub=str(claims["sub"]),
        groups=tuple(groups),
        tenant_id=claims.get("custom:tenant_id") or None,
        phone_number=claims.get("phone_number"),
        email=claims.get("email"),
        token_id=claims.get("jti"),
        expires_at=int(claims.get("exp", 0)),
    )


class KeySet:
    """Public keys by kid, loaded from a JWKS document."""

    def __init__(self) -> None:
        self.keys: dict[str, Any] = {}

    def load(self, jwks: dict[str, Any]) -> None:
        keys = {}
        for jwk in jwks.get("keys", []):
            if jwk.get("kty") == "RSA" and jwk.get("kid"):
                keys[jwk["kid"]] = RSAAlgorithm.from_jwk(jwk)
        self.keys = keys


class TokenVerifier:
    def __init__(
        self,
        *,
        issuer: str,
        jwks_url: str | None = None,
        keys: KeySet | None = None,
        http: httpx.AsyncClient | None = None,
        min_refresh_seconds: float = 30.0,
        cache_size: int = 10_000,
    ) -> None:
        self.issuer = issuer
        self.jwks_url = jwks_url
        self.keyset = keys or KeySet()
        self._http = http
        self._min_refresh = min_refresh_seconds
        self._last_refresh = 0.0
        self._lock = asyncio.Lock()
        self._cache: OrderedDict[str, Caller] = OrderedDict()
        self._cache_size = cache_size

    async def refresh(self, force: bool = False) -> None:
        if self.jwks_url is None:
            return
        async with self._lock:
            if not force and time.monotonic() - self._last_refresh < self._min_refresh:
                return
            client = self._http or httpx.AsyncClient(timeout=5)
            try:
                resp = await client.get(self.jwks_url)
                resp.raise_for_status()
                self.keyset.load(resp.json())
                self._last_refresh = time.monotonic()
            finally:
                if self._http is None:
                    await client.aclose()

    async def verify(self, token: str) -> Caller:
        cached = self._cache.get(token)
        if cached is not None:
            if cached.expires_at > time.time():
                return cached
            self._cache.pop(token, None)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthorized("The token is malformed", code="TOKEN_INVALID") from exc
        if header.get("alg") not in _ALGORITHMS:
            raise Unauthorized("The token's algorithm is not accepted", code="TOKEN_INVALID")
        kid = header.get("kid")
        key = self.keyset.keys.get(kid)
        if key is None:
            try:
                await self.refresh()
            except httpx.HTTPError as exc:
                raise Unauthorized("Signing keys are unavailable", code="TOKEN_UNVERIFIABLE") from exc
            key = self.keyset.keys.get(kid)
            if key is None:
                raise Unauthorized("The token was signed by an unknown key", code="TOKEN_INVALID")
        try:
            claims = jwt.decode(
                token,
                key=key,
                algorithms=_ALGORITHMS,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "sub", "iss"], "verify_aud": False},
                leeway=5,
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("The token has expired", code="TOKEN_EXPIRED") from exc
        except jwt.PyJWTError as exc:
            raise Unauthorized("The token is not valid", code="TOKEN_INVALID") from exc
        if claims.get("token_use") != "access":
            raise Unauthorized("An access token is required", code="TOKEN_INVALID")
        caller = caller_from_claims(claims)
        self._remember(token, caller)
        return caller

    def _remember(self, token: str, caller: Caller) -> None:
        self._cache[token] = caller
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
