"""Request bodies (camelCase on the wire). Unknown fields are refused."""

from __future__ import annotations

from typing import Annotated

import msgspec

Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"\S")]
Target = Annotated[str, msgspec.Meta(min_length=1, max_length=254)]


class Request(msgspec.Struct, rename="camel", forbid_unknown_fields=True, kw_only=True):
    pass


class SuspendRequest(Request):
    reason: Reason


class ReasonRequest(Request):
    reason: Reason | None = None


class BanRequest(Request):
    reason: Reason
    phone: Target | None = None
    email: Target | None = None
    tenant_id: (
        Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")] | None
    ) = None
