"""Who may log in as what.

- SUPER_ADMIN: by email only, and only addresses on the configured allowlist.
- BUSINESS_OWNER: by mobile (or email); the first login creates the user and a tenant.
- DELIVERY_AGENT: by mobile, only with a pending or accepted invite from a merchant (the token carries its tenant).
- CUSTOMER: by mobile, no signup.
"""

from __future__ import annotations

from webdpro_core.errors import Forbidden, ValidationProblem
from webdpro_tenancy import BUSINESS_OWNER, CUSTOMER, DELIVERY_AGENT, ROLES, SUPER_ADMIN


def check_role_for(role: str, channel: str, destination: str, admin_allowlist: frozenset[str]) -> None:
    if role not in ROLES:
        raise ValidationProblem(f"role must be one of {', '.join(ROLES)}", code="INVALID_ROLE", field="role")
    if role == SUPER_ADMIN and (channel != "email" or destination not in admin_allowlist):
        raise Forbidden("This address cannot sign in as a platform admin", code="ROLE_NOT_ALLOWED")
    if role in (DELIVERY_AGENT, CUSTOMER) and channel != "sms":
        raise Forbidden(f"{role} signs in with a mobile number", code="ROLE_NOT_ALLOWED")
    if role == BUSINESS_OWNER and channel not in ("sms", "email"):
        raise Forbidden("Merchants sign in with a mobile number or email", code="ROLE_NOT_ALLOWED")
