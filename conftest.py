"""Session fixtures shared by every integration test: one local AWS emulator process on a free port,
provisioned from deploy/resources.toml, with the environment pointing every service's settings at it."""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from webdpro_local.procs import free_port, running_server

ROOT = Path(__file__).parent


def wait_http(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up in {timeout}s")


@pytest.fixture(scope="session")
def aws_emulator() -> Iterator[str]:
    """The endpoint URL of a provisioned emulator; AWS_* and WEBDPRO_* variables are set for the session."""
    port = free_port()
    env = {
        **os.environ,
        "WEBDPRO_AWS_PORT": str(port),
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "ap-south-1",
    }
    endpoint = f"http://127.0.0.1:{port}"
    with running_server("AWS emulator", "webdpro_local.emulator", env, f"{endpoint}/moto-api/", timeout=30):
        os.environ.update(
            AWS_ENDPOINT_URL=endpoint,
            AWS_ACCESS_KEY_ID="test",
            AWS_SECRET_ACCESS_KEY="test",
            AWS_DEFAULT_REGION="ap-south-1",
            WEBDPRO_ENV="test",
            WEBDPRO_LOG_LEVEL="WARNING",
        )
        from webdpro_core.settings import BaseSettings, load
        from webdpro_local.provision import provision

        asyncio.run(provision(load(BaseSettings)))
        yield endpoint


def sent_messages(endpoint: str) -> list[dict[str, str]]:
    """SMS and emails the emulator 'sent', oldest first: [{to, body}]."""
    data = httpx.get(f"{endpoint}/moto-api/data.json", timeout=5).json()
    out = [{"to": m["phone_number"], "body": m["message"]} for m in data.get("sns", {}).get("SMS", [])]
    for m in data.get("ses", {}).get("Message", []):
        out.extend({"to": to, "body": m["body"]} for to in m["destinations"].get("ToAddresses", []))
    return out


@pytest.fixture(scope="session")
def read_code(aws_emulator):
    """The latest OTP sent to a phone number (E.164) or email, read from the emulator."""

    def _read(to: str) -> str:
        bodies = [m["body"] for m in sent_messages(aws_emulator) if m["to"] == to]
        if not bodies:
            raise AssertionError(f"no message was sent to {to}")
        return re.search(r"\b(\d{6})\b", bodies[-1]).group(1)

    return _read


class TokenMint:
    """Signs real RS256 access tokens with a test key; `keyset` verifies them (set it on an app's verifier)."""

    issuer = "https://auth.webdpro.in"

    def __init__(self) -> None:
        import json as _json

        from cryptography.hazmat.primitives.asymmetric import rsa
        from jwt.algorithms import RSAAlgorithm

        from webdpro_tenancy import KeySet

        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.keyset = KeySet()
        jwk = _json.loads(RSAAlgorithm.to_jwk(self._key.public_key()))
        self.keyset.load({"keys": [{**jwk, "kid": "test-key"}]})

    def verifier(self):
        from webdpro_tenancy import TokenVerifier

        return TokenVerifier(issuer=self.issuer, keys=self.keyset)

    def token(
        self, role: str, *, sub: str | None = None, tenant_id: str | None = None, phone: str | None = None
    ) -> str:
        import jwt

        from webdpro_core import ids

        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": sub or ids.new_id("usr"),
            "iat": now,
            "exp": now + 900,
            "token_use": "access",
            "cognito:groups": [role],
        }
        if tenant_id:
            claims["custom:tenant_id"] = tenant_id
        if phone:
            claims["phone_number"] = phone
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": "test-key"})

    def headers(self, role: str, **kw) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token(role, **kw)}"}


@pytest.fixture(scope="session")
def mint() -> TokenMint:
    return TokenMint()
