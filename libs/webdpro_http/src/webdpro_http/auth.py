"""Litestar glue for token verification: a guard per group and a `caller` dependency.

The verifier lives in `app.state.verifier`; the guard verifies the bearer token once per request and keeps
the Caller in the connection's state, so the dependency is a lookup.
"""

from __future__ import annotations

from collections.abc import Callable

from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler

from webdpro_core.errors import Forbidden, Unauthorized
from webdpro_tenancy import Caller, ServiceTokens, TokenVerifier


def bearer_token(connection: ASGIConnection) -> str:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("A bearer token is required", code="TOKEN_MISSING")
    return token.strip()


async def authenticate(connection: ASGIConnection) -> Caller:
    caller = connection.scope.get("caller")  # type: ignore[call-overload]
    if caller is None:
        verifier: TokenVerifier = connection.app.state.verifier
        caller = await verifier.verify(bearer_token(connection))
        connection.scope["caller"] = caller  # type: ignore[typeddict-unknown-key]
    return caller


def requires(*groups: str) -> Callable:
    """A guard: the caller must hold one of `groups` (403 otherwise; 401 without a valid token)."""

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        caller = await authenticate(connection)
        if groups and not caller.has(*groups):
            raise Forbidden("This route is not open to your role", code="ROLE_FORBIDDEN")

    return guard


async def provide_caller(request: ASGIConnection) -> Caller:
    return await authenticate(request)


async def requires_service(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """A guard for `/internal/…` routes: a valid service token (`app.state.service_tokens`)."""
    tokens: ServiceTokens = connection.app.state.service_tokens
    tokens.verify(bearer_token(connection))
