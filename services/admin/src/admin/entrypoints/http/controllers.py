"""HTTP ↔ use cases. Every route is the founder's: SUPER_ADMIN only (403 for any other role, 401 without a
token). Reads are aggregates; the actions answer 202 with the id of the event that carries them."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, delete, get, post
from litestar.params import Parameter, QueryParameter

from admin.adapters.reporting import AuditQuery
from admin.entrypoints.http import schemas as s
from admin.service import actions, queries
from admin.service.deps import Deps
from webdpro_http import requires
from webdpro_tenancy import SUPER_ADMIN, Caller

PathId = Annotated[str, Parameter(max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]
Limit = Annotated[int, Parameter(ge=1, le=200)]
Cursor = Annotated[str | None, Parameter(max_length=512)]
IdQuery = Annotated[str | None, Parameter(max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]
Text = Annotated[str | None, Parameter(max_length=64)]
When = Annotated[str | None, Parameter(max_length=40)]


class AdminController(Controller):
    tags = ["founder"]
    guards = [requires(SUPER_ADMIN)]

    # --- audit log
    @get("/audit")
    async def audit(
        self,
        deps: Deps,
        tenant_id: Annotated[str | None, QueryParameter(name="tenantId", max_length=64)] = None,
        store_id: Annotated[str | None, QueryParameter(name="storeId", max_length=64)] = None,
        event_type: Annotated[str | None, QueryParameter(name="type", max_length=64)] = None,
        trace_id: Annotated[str | None, QueryParameter(name="traceId", max_length=32)] = None,
        since: Annotated[str | None, QueryParameter(name="from", max_length=40)] = None,
        until: Annotated[str | None, QueryParameter(name="to", max_length=40)] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> dict[str, Any]:
        q = AuditQuery(
            tenant_id=tenant_id,
            store_id=store_id,
            type=event_type,
            trace_id=trace_id.lower() if trace_id else None,
            since=queries.instant(since, "from"),
            until=queries.instant(until, "to", end=True),
            cursor=cursor,
            limit=limit,
        )
        return await queries.audit(deps, q)

    # --- metrics
    @get("/metrics/overview")
    async def overview(
        self,
        deps: Deps,
        since: Annotated[str | None, QueryParameter(name="from", max_length=40)] = None,
        until: Annotated[str | None, QueryParameter(name="to", max_length=40)] = None,
    ) -> dict[str, Any]:
        return await queries.overview(deps, queries.day(since, "from"), queries.day(until, "to"))

    @get("/metrics/ai-usage")
    async def ai_usage(
        self,
        deps: Deps,
        since: Annotated[str | None, QueryParameter(name="from", max_length=40)] = None,
        until: Annotated[str | None, QueryParameter(name="to", max_length=40)] = None,
    ) -> dict[str, Any]:
        return await queries.ai_usage(deps, queries.day(since, "from"), queries.day(until, "to"))

    # --- tenants and stores
    @get("/tenants")
    async def tenants(self, deps: Deps, limit: Limit = 50, cursor: Cursor = None) -> dict[str, Any]:
        return await queries.tenants(deps, limit, cursor)

    @get("/tenants/{tenant_id:str}")
    async def tenant(self, deps: Deps, tenant_id: PathId) -> dict[str, Any]:
        return await queries.tenant(deps, tenant_id)

    @get("/stores")
    async def stores(
        self,
        deps: Deps,
        status: Annotated[str | None, Parameter(max_length=32, pattern=r"^[A-Z_]+$")] = None,
        tenant_id: Annotated[str | None, QueryParameter(name="tenantId", max_length=64)] = None,
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> dict[str, Any]:
        return await queries.stores(deps, status, tenant_id, limit, cursor)

    # --- actions
    @post("/stores/{store_id:str}/suspend", status_code=202)
    async def suspend(
        self, caller: Caller, deps: Deps, store_id: PathId, data: s.SuspendRequest
    ) -> dict[str, Any]:
        return await actions.suspend(deps, store_id, data.reason, caller.sub)

    @post("/stores/{store_id:str}/unsuspend", status_code=202)
    async def unsuspend(
        self, caller: Caller, deps: Deps, store_id: PathId, data: s.ReasonRequest | None = None
    ) -> dict[str, Any]:
        return await actions.unsuspend(deps, store_id, data.reason if data else None, caller.sub)

    @delete("/stores/{store_id:str}", status_code=202)
    async def delete_store(self, caller: Caller, deps: Deps, store_id: PathId) -> dict[str, Any]:
        return await actions.delete(deps, store_id, None, caller.sub)

    @post("/bans", status_code=202)
    async def ban(self, caller: Caller, deps: Deps, data: s.BanRequest) -> dict[str, Any]:
        return await actions.ban(
            deps,
            phone=data.phone,
            email=data.email,
            tenant_id=data.tenant_id,
            reason=data.reason,
            actor=caller.sub,
        )


ROUTES = [AdminController]
