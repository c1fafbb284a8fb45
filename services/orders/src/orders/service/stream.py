"""The merchant's live order stream: the store's feed, from a Last-Event-ID (or from now), then every new entry.

Woken at once by this instance's commits (the hub) and polling the feed every `stream_poll_seconds` for what
other instances wrote. Entries are read with a few seconds of look-back and de-duplicated, because an event id
(its time) is taken a little before its transaction commits: two concurrent checkouts can land out of id order.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from orders.domain.feed import floor_id, time_of
from orders.service.deps import Deps
from webdpro_core import clock
from webdpro_observability import get_logger

log = get_logger(__name__)

LOOK_BACK = timedelta(seconds=5)


def _valid_event_id(value: str | None) -> str | None:
    if not value or not value.startswith("evt_"):
        return None
    try:
        time_of(value)
    except ValueError:
        return None
    return value


async def entries(
    deps: Deps, tenant_id: str, store_id: str, last_event_id: str | None
) -> AsyncIterator[dict[str, Any] | None]:
    """Feed entries as they come; None now and then = time for a keep-alive comment."""
    s = deps.settings
    start = _valid_event_id(last_event_id) or floor_id("evt", clock.now() - timedelta(seconds=1))
    low_water = start
    sent: set[str] = set()
    wake = deps.hub.subscribe(tenant_id, store_id)
    last_beat = time.monotonic()
    try:
        while True:
            wake.clear()
            for entry in await deps.repo.feed_after(tenant_id, store_id, low_water):
                if entry["id"] in sent or entry["id"] <= start:
                    continue
                sent.add(entry["id"])
                yield entry
            if sent:
                low_water = max(start, floor_id("evt", time_of(max(sent)) - LOOK_BACK))
                sent = {i for i in sent if i > low_water}
            if time.monotonic() - last_beat >= s.stream_keepalive_seconds:
                last_beat = time.monotonic()
                yield None
            try:
                await asyncio.wait_for(wake.wait(), timeout=s.stream_poll_seconds)
            except TimeoutError:
                pass
    finally:
        deps.hub.unsubscribe(tenant_id, store_id, wake)
