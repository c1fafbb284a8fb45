"""Who the customer is: their verified phone from the token, hashed for keys."""

from __future__ import annotations

from orders.domain.customer import phone_hash
from orders.service.deps import Deps
from webdpro_core.errors import Forbidden
from webdpro_tenancy import Caller


def identify(deps: Deps, caller: Caller) -> tuple[str, str]:
    """(phone, phone hash); a customer token without a verified phone cannot order."""
    if not caller.phone_number:
        raise Forbidden("A verified mobile number is required", code="PHONE_REQUIRED")
    return caller.phone_number, phone_hash(deps.phone_key, caller.phone_number)
