"""HTTP ↔ use cases. Controllers translate and nothing else."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.params import Parameter

from auth.entrypoints.http import schemas as s
from auth.service import agents, bans, login, tokens
from auth.service.deps import Deps
from webdpro_core.errors import Forbidden
from webdpro_http import requires
from webdpro_tenancy import BUSINESS_OWNER, SUPER_ADMIN, Caller


def _client_ip(request: Request) -> str:
    # The gateway (API Gateway in AWS) appends the client's address; the first hop is the client.
    forwarded = request.headers.get("x-forwarded-for")
    if forwarded:
        return forwarded.split(",")[0].strip()[:64]
    return request.client.host if request.client else "unknown"


class OtpController(Controller):
    path = "/otp"
    tags = ["login"]

    @post("/request", status_code=202)
    async def request_code(self, request: Request, data: s.OtpRequest, deps: Deps) -> s.OtpChallenge:
        result = await login.request_otp(deps, data.channel, data.destination, _client_ip(request))
        return msgspec.convert(result, s.OtpChallenge)

    @post("/verify", status_code=200)
    async def verify(self, data: s.OtpVerify, deps: Deps) -> s.Tokens:
        result = await login.verify_otp(deps, data.destination, data.code, data.role)
        return msgspec.convert(result, s.Tokens)


class TokenController(Controller):
    tags = ["tokens"]

    @post("/token/refresh", status_code=200)
    async def refresh(self, data: s.RefreshRequest, deps: Deps) -> s.Tokens:
        return msgspec.convert(await tokens.refresh(deps, data.refresh_token), s.Tokens)

    # /logout and /me need only a valid token: the `caller` dependency verifies it (no group guard to run).
    @post("/logout", status_code=204)
    async def logout(self, caller: Caller, deps: Deps, data: s.LogoutRequest | None = None) -> None:
        await tokens.logout(deps, caller.sub, data.refresh_token if data else None)

    @get("/me")
    async def me(self, caller: Caller) -> s.Me:
        return s.Me(
            user_id=caller.sub,
            role=caller.role,
            groups=list(caller.groups),
            tenant_id=caller.tenant_id,
            phone_number=caller.phone_number,
            email=caller.email,
        )

    @get("/.well-known/jwks.json", cache=False)
    async def jwks(self, deps: Deps) -> dict[str, Any]:
        await deps.keys.maybe_reload()
        return deps.keys.jwks


class AgentController(Controller):
    path = "/agents"
    tags = ["agents"]
    guards = [requires(BUSINESS_OWNER)]

    @post("/invites", status_code=201)
    async def invite(self, caller: Caller, data: s.AgentInvite, deps: Deps) -> s.Agent:
        return _agent(await agents.invite(deps, _tenant(caller), data.phone, data.name))

    @get("/")
    async def list_agents(
        self,
        caller: Caller,
        deps: Deps,
        limit: Annotated[int, Parameter(ge=1, le=100)] = 50,
        cursor: Annotated[str | None, Parameter(max_length=512)] = None,
    ) -> s.AgentPage:
        items, next_cursor = await deps.repo.list_agents(_tenant(caller), limit, cursor)
        return s.AgentPage(items=[_agent(a) for a in items], next_cursor=next_cursor)

    @delete("/{agent_id:str}", status_code=204)
    async def remove(self, caller: Caller, agent_id: str, deps: Deps) -> None:
        await agents.remove(deps, _tenant(caller), agent_id)


class BanController(Controller):
    path = "/bans"
    tags = ["bans"]
    guards = [requires(SUPER_ADMIN)]

    @post("/", status_code=201)
    async def ban(self, caller: Caller, data: s.BanRequest, deps: Deps) -> s.Ban:
        result = await bans.ban(
            deps,
            phone=data.phone,
            email=data.email,
            tenant_id=data.tenant_id,
            reason=data.reason,
            by=caller.sub,
        )
        return s.Ban(
            subject=result["subject"],
            kind=result["kind"],
            reason=result["reason"],
            banned_at=result["banned_at"],
            sessions_revoked=result["sessionsRevoked"],
        )


def _tenant(caller: Caller) -> str:
    if not caller.tenant_id:
        raise Forbidden("This token carries no tenant", code="TENANT_REQUIRED")
    return caller.tenant_id


def _agent(a: dict[str, Any]) -> s.Agent:
    return s.Agent(**agents.public(a))


ROUTES = [OtpController, TokenController, AgentController, BanController]
