"""Request and response bodies (camelCase on the wire). Unknown fields in requests are refused."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

Destination = Annotated[str, msgspec.Meta(min_length=3, max_length=254)]
Role = Literal["SUPER_ADMIN", "BUSINESS_OWNER", "DELIVERY_AGENT", "CUSTOMER"]


class Request(msgspec.Struct, rename="camel", forbid_unknown_fields=True, kw_only=True):
    pass


class OtpRequest(Request):
    channel: Literal["sms", "email"]
    destination: Destination


class OtpChallenge(msgspec.Struct, rename="camel"):
    challenge_id: str
    expires_in: int
    resend_after: int


class OtpVerify(Request):
    destination: Destination
    code: Annotated[str, msgspec.Meta(min_length=1, max_length=12)]
    role: Role


class Tokens(msgspec.Struct, rename="camel"):
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"


class RefreshRequest(Request):
    refresh_token: Annotated[str, msgspec.Meta(min_length=10, max_length=200)]


class LogoutRequest(Request):
    refresh_token: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class Me(msgspec.Struct, rename="camel"):
    user_id: str
    role: str
    groups: list[str]
    tenant_id: str | None
    phone_number: str | None
    email: str | None


class AgentInvite(Request):
    phone: Destination
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=80, pattern=r"\S")]


class Agent(msgspec.Struct, rename="camel"):
    agent_id: str
    name: str
    phone: str
    status: str
    invited_at: str
    joined_at: str | None = None
    removed_at: str | None = None


class AgentPage(msgspec.Struct, rename="camel"):
    items: list[Agent]
    next_cursor: str | None


class BanRequest(Request):
    reason: Annotated[str, msgspec.Meta(min_length=3, max_length=500)]
    phone: Annotated[str, msgspec.Meta(max_length=32)] | None = None
    email: Annotated[str, msgspec.Meta(max_length=254)] | None = None
    tenant_id: Annotated[str, msgspec.Meta(max_length=64)] | None = None


class Ban(msgspec.Struct, rename="camel"):
    subject: str
    kind: str
    reason: str
    banned_at: str
    sessions_revoked: int
