"""Merchant routes: generate, list, read, follow progress, edit the draft."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

import msgspec
from litestar import Controller, Request, get, patch, post
from litestar.params import Parameter
from litestar.response import ServerSentEvent, ServerSentEventMessage

from sitegen.entrypoints.http import schemas as s
from sitegen.service import drafts, stores
from sitegen.service.deps import Deps
from webdpro_core.errors import Forbidden
from webdpro_http import requires
from webdpro_tenancy import BUSINESS_OWNER, Caller


def _tenant(caller: Caller) -> str:
    if not caller.tenant_id:
        raise Forbidden("This token carries no tenant", code="TENANT_REQUIRED")
    return caller.tenant_id


class StoreController(Controller):
    path = "/stores"
    tags = ["stores"]
    guards = [requires(BUSINESS_OWNER)]

    @post("/", status_code=202)
    async def create(
        self, caller: Caller, data: s.CreateStore, deps: Deps, generations: stores.Generations
    ) -> dict:
        store = await stores.create_store(deps, generations, _tenant(caller), data.prompt)
        return {"storeId": store["store_id"], "status": store["status"]}

    @get("/")
    async def list_stores(
        self,
        caller: Caller,
        deps: Deps,
        limit: Annotated[int, Parameter(ge=1, le=100)] = 50,
        cursor: Annotated[str | None, Parameter(max_length=512)] = None,
    ) -> dict:
        items, next_cursor = await deps.repo.list_stores(_tenant(caller), limit, cursor)
        shown = [i for i in items if i.get("status") != "DELETED"]  # deleted by the founder
        return {"items": [stores.public_view(deps, i) for i in shown], "nextCursor": next_cursor}

    @get("/{store_id:str}")
    async def get_one(self, caller: Caller, store_id: str, deps: Deps) -> dict:
        return stores.public_view(
            deps, await stores.get_store(deps, _tenant(caller), store_id), with_brief=True
        )

    @get("/{store_id:str}/events")
    async def progress(self, caller: Caller, store_id: str, request: Request, deps: Deps) -> ServerSentEvent:
        tenant = _tenant(caller)
        await stores.get_store(deps, tenant, store_id)
        last = request.headers.get("last-event-id", "0")
        start = int(last) if last.isdigit() else 0
        return ServerSentEvent(_progress_stream(deps, tenant, store_id, start))

    @get("/{store_id:str}/versions")
    async def versions(self, caller: Caller, store_id: str, deps: Deps) -> dict:
        items = await drafts.versions(deps, _tenant(caller), store_id)
        return {
            "items": [
                {"version": int(v["version"]), "summary": v["summary"], "createdAt": v["created_at"]}
                for v in items
            ]
        }

    @patch("/{store_id:str}/draft")
    async def edit(self, caller: Caller, store_id: str, data: s.EditDraft, deps: Deps) -> dict:
        saved = await drafts.apply_edits(
            deps, _tenant(caller), store_id, [(e.path, e.value) for e in data.edits]
        )
        return stores.public_view(deps, saved)

    @post("/{store_id:str}/draft/rewrite", status_code=200)
    async def rewrite(self, caller: Caller, store_id: str, data: s.Rewrite, deps: Deps) -> dict:
        saved = await drafts.rewrite(deps, _tenant(caller), store_id, data.path, data.instruction)
        return stores.public_view(deps, saved)

    @post("/{store_id:str}/draft/images/{image_id:str}/regenerate", status_code=200)
    async def regenerate(
        self, caller: Caller, store_id: str, image_id: str, data: s.RegenerateImage, deps: Deps
    ) -> dict:
        saved = await drafts.regenerate_image(deps, _tenant(caller), store_id, image_id, data.prompt)
        return stores.public_view(deps, saved)

    @post("/{store_id:str}/draft/revert", status_code=200)
    async def revert(self, caller: Caller, store_id: str, data: s.Revert, deps: Deps) -> dict:
        saved = await drafts.revert(deps, _tenant(caller), store_id, data.version)
        return stores.public_view(deps, saved)


_FINAL = {"ready", "failed", "live", "publish_failed"}  # generation ends, publishing ends


async def _progress_stream(
    deps: Deps, tenant: str, store_id: str, after: int
) -> AsyncIterator[ServerSentEventMessage]:
    """Stages as they are recorded; ends after `ready`/`failed`. Polls the table (any instance can serve it)."""
    idle = 0
    while True:
        events = await deps.repo.progress_after(tenant, store_id, after)
        for e in events:
            after = int(e["seq"])
            payload = {
                "stage": e["stage"],
                "percent": int(e["percent"]),
                "detail": e.get("detail") or {},
                "at": e["at"],
            }
            yield ServerSentEventMessage(
                data=msgspec.json.encode(payload).decode(),
                event="progress",
                id=str(after),
            )
            if e["stage"] in _FINAL:
                return
        idle = 0 if events else idle + 1
        if idle and idle % 50 == 0:
            yield ServerSentEventMessage(comment="keep-alive")
        if idle > 3000:  # ~10 minutes with nothing new: let the client reconnect
            return
        await asyncio.sleep(0.2)
