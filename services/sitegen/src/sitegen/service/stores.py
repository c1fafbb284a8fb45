"""Creating, listing and reading a merchant's stores."""

from __future__ import annotations

import asyncio
from typing import Any

from sitegen.domain import safety
from sitegen.service import usage
from sitegen.service.deps import Deps
from sitegen.service.pipeline import mark_failed, preview_url, run_generation
from webdpro_core import clock, ids
from webdpro_core.errors import NotFound
from webdpro_events import new_event
from webdpro_observability import get_logger

log = get_logger(__name__)


class Generations:
    """Generation runs as background tasks of this process (a worker queue in AWS would do the same job)."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task] = set()

    def start(self, coro) -> None:
        task = asyncio.create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def stop(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def create_store(deps: Deps, generations: Generations, tenant_id: str, prompt: str) -> dict[str, Any]:
    try:
        prompt = safety.check_prompt(prompt)
    except Exception:
        await usage.record(
            deps,
            tenant_id,
            [
                usage.usage_record(
                    store_id="", stage="prompt", model_id="safety", operation="screen", outcome="refused"
                )
            ],
        )
        raise
    await usage.take_generation_quota(deps, tenant_id)
    now = clock.iso()
    store = {
        "store_id": ids.new_id("sto"),
        "tenant_id": tenant_id,
        "name": None,
        "status": "GENERATING",
        "prompt": prompt,
        "version": 0,
        "created_at": now,
        "updated_at": now,
    }
    uow = deps.outbox.begin()
    deps.repo.put_store(uow.tx, store, new=True)
    uow.emit(
        new_event(
            "store.generation_started",
            {"store_id": store["store_id"], "tenant_id": tenant_id, "prompt_chars": len(prompt)},
            tenant_id=tenant_id,
            source="sitegen",
        )
    )
    await uow.commit()
    generations.start(run_generation(deps, store, prompt))
    return store


async def get_store(deps: Deps, tenant_id: str, store_id: str) -> dict[str, Any]:
    store = await deps.repo.get_store(tenant_id, store_id)
    if store is None or store.get("status") == "DELETED":  # deleted by the founder: gone for the merchant
        raise NotFound("No such store", code="STORE_NOT_FOUND")
    return store


def public_view(deps: Deps, store: dict[str, Any], *, with_brief: bool = False) -> dict[str, Any]:
    view = {
        "storeId": store["store_id"],
        "name": store.get("name"),
        "status": store["status"],
        "sector": store.get("sector"),
        "inventoryMode": store.get("inventory_mode"),
        "previewUrl": preview_url(deps, store),
        "liveUrl": store.get("live_url"),
        "version": int(store.get("version", 0)),
        "createdAt": store["created_at"],
        "updatedAt": store.get("updated_at"),
        "failureReason": store.get("failure_reason"),
        "suspendedReason": store.get("suspended_reason") if store["status"] == "SUSPENDED" else None,
        # Publishing: the live release keeps serving while the draft moves on (republish to show the draft).
        "liveVersion": None if store.get("live_version") is None else int(store["live_version"]),
        "hosts": list(store.get("hosts") or []),
        "hasUnpublishedChanges": store.get("live_version") is not None
        and int(store.get("version", 0)) != int(store["live_version"]),
        "publication": store.get("publication"),
    }
    if with_brief:
        view["brief"] = store.get("brief")
        view["prompt"] = store.get("prompt")
    return view


async def fail_interrupted(deps: Deps) -> int:
    """At start-up: generations a previous process did not finish are marked FAILED (never stuck)."""
    cutoff = clock.epoch() - deps.settings.generation_timeout_seconds
    stale = [
        s
        for s in await deps.repo.stores_with_status("GENERATING")
        if clock.parse_iso(s["updated_at"]).timestamp() < cutoff
    ]
    for store in stale:
        await mark_failed(deps, store, "generation was interrupted; please try again")
    return len(stale)
