"""Token verification (cached JWKS), the caller context and role guards, service tokens and the client of
another service's /internal/ routes."""

from webdpro_tenancy.caller import (
    BUSINESS_OWNER,
    CUSTOMER,
    DELIVERY_AGENT,
    ROLES,
    SUPER_ADMIN,
    Caller,
)
from webdpro_tenancy.internal import InternalClient
from webdpro_tenancy.service_tokens import ServiceTokens
from webdpro_tenancy.tokens import KeySet, TokenVerifier, caller_from_claims

__all__ = [
    "BUSINESS_OWNER",
    "CUSTOMER",
    "DELIVERY_AGENT",
    "ROLES",
    "SUPER_ADMIN",
    "Caller",
    "InternalClient",
    "KeySet",
    "ServiceTokens",
    "TokenVerifier",
    "caller_from_claims",
]
