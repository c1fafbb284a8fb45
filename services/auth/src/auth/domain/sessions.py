"""Refresh tokens: opaque, rotating, grouped in families. Presenting a token that is not the family's current
one means it was stolen or replayed: the whole family is revoked."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from webdpro_core import ids
from webdpro_core.errors import Unauthorized

ACCESS_TTL_SECONDS = 15 * 60
REFRESH_TTL_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True, slots=True)
class RefreshToken:
    family_id: str
    secret: str

    def __str__(self) -> str:
        return f"{self.family_id}.{self.secret}"

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.secret.encode()).hexdigest()


def new_family() -> RefreshToken:
    return RefreshToken(ids.new_id("rtf"), secrets.token_urlsafe(32))


def rotate(token: RefreshToken) -> RefreshToken:
    return RefreshToken(token.family_id, secrets.token_urlsafe(32))


def parse(raw: str) -> RefreshToken:
    family, sep, secret = (raw or "").partition(".")
    if not sep or not family.startswith("rtf_") or len(secret) < 20 or len(raw) > 200:
        raise Unauthorized("The refresh token is not valid", code="REFRESH_INVALID")
    return RefreshToken(family, secret)
