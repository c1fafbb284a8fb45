"""The consumer's use case: every event → its audit row and read-model changes (one SQL transaction)."""

from __future__ import annotations

from typing import Any

from admin.domain.projection import project
from admin.service.deps import Deps
from webdpro_core import clock


async def ingest(deps: Deps, event: dict[str, Any]) -> bool:
    """→ True when the event was new (a replay changes nothing and answers False)."""
    return await deps.reporting.record(project(event, clock.iso()))
