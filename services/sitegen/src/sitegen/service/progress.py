"""Progress of a generation as numbered events in the table, so the SSE stream can resume after any event id
(`Last-Event-ID`) and any instance can serve it."""

from __future__ import annotations

from typing import Any

from sitegen.service.deps import Deps
from webdpro_core import clock


class Progress:
    def __init__(self, deps: Deps, tenant_id: str, store_id: str, start: int = 0) -> None:
        self.deps = deps
        self.tenant_id = tenant_id
        self.store_id = store_id
        self.seq = start

    async def emit(self, stage: str, percent: int, **detail: Any) -> None:
        self.seq += 1
        await self.deps.repo.add_progress(
            self.tenant_id,
            self.store_id,
            self.seq,
            {"stage": stage, "percent": percent, "detail": detail, "at": clock.iso()},
        )
