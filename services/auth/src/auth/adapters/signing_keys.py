"""RS256 signing keys kept in Secrets Manager as `{"active": kid, "keys": [{kid, pem, createdAt}]}`.

The first start creates the secret; `python -m auth.rotate_keys` adds a new active key and keeps the previous
ones in the JWKS, so tokens signed before a rotation stay valid until they expire. A running service re-reads
the secret every few minutes and picks the rotation up by itself.
"""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from webdpro_core import clock, ids

_KEEP_KEYS = 3


def _new_key() -> dict[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return {"kid": ids.new_id("key"), "pem": pem, "createdAt": clock.iso()}


class SigningKeys:
    def __init__(self, clients: Any, secret_name: str, reload_seconds: int = 300) -> None:
        self.reload_seconds = reload_seconds
        self.clients = clients
        self.secret_name = secret_name
        self._private: dict[str, Any] = {}
        self._active = ""
        self._jwks: dict[str, Any] = {"keys": []}
        self._loaded_at = 0.0

    async def load(self) -> None:
        sm = await self.clients.get("secretsmanager")
        try:
            doc = json.loads((await sm.get_secret_value(SecretId=self.secret_name))["SecretString"])
        except ClientError as err:
            if err.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            doc = {"active": "", "keys": []}
            first = _new_key()
            doc = {"active": first["kid"], "keys": [first]}
            try:
                await sm.create_secret(Name=self.secret_name, SecretString=json.dumps(doc))
            except ClientError as create_err:  # another instance created it first: use theirs
                if create_err.response["Error"]["Code"] != "ResourceExistsException":
                    raise
                doc = json.loads((await sm.get_secret_value(SecretId=self.secret_name))["SecretString"])
        self._apply(doc)

    def _apply(self, doc: dict[str, Any]) -> None:
        private = {k["kid"]: serialization.load_pem_private_key(k["pem"].encode(), None) for k in doc["keys"]}
        jwks = []
        for kid, key in private.items():
            jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
            jwks.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
        self._private, self._active, self._jwks = private, doc["active"], {"keys": jwks}
        self._loaded_at = time.monotonic()

    async def maybe_reload(self) -> None:
        if time.monotonic() - self._loaded_at > self.reload_seconds:
            await self.load()

    async def rotate(self) -> str:
        sm = await self.clients.get("secretsmanager")
        doc = json.loads((await sm.get_secret_value(SecretId=self.secret_name))["SecretString"])
        new = _new_key()
        doc = {"active": new["kid"], "keys": [new, *doc["keys"]][:_KEEP_KEYS]}
        await sm.put_secret_value(SecretId=self.secret_name, SecretString=json.dumps(doc))
        self._apply(doc)
        return new["kid"]

    @property
    def jwks(self) -> dict[str, Any]:
        return self._jwks

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(
            claims, self._private[self._active], algorithm="RS256", headers={"kid": self._active}
        )
