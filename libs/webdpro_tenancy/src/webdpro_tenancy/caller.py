"""Who is calling: the verified claims of an access token, in the shape every service uses."""

from __future__ import annotations

import msgspec

SUPER_ADMIN = "SUPER_ADMIN"
BUSINESS_OWNER = "BUSINESS_OWNER"
DELIVERY_AGENT = "DELIVERY_AGENT"
CUSTOMER = "CUSTOMER"
ROLES = (SUPER_ADMIN, BUSINESS_OWNER, DELIVERY_AGENT, CUSTOMER)


class Caller(msgspec.Struct, frozen=True, kw_only=True):
    sub: str
    groups: tuple[str, ...]
    tenant_id: str | None = None  # the merchant tenant (owners and their agents); None for customers/founder
    phone_number: str | None = None
    email: str | None = None
    token_id: str | None = None  # jti
    expires_at: int = 0

    def has(self, *groups: str) -> bool:
        return any(g in self.groups for g in groups)

    @property
    def role(self) -> str:
        return self.groups[0] if self.groups else ""
