"""In-process wake-ups for the merchant's live stream: a commit on this instance wakes the streams of that store
at once; they then read the store's feed (which also carries what other instances wrote)."""

from __future__ import annotations

import asyncio
from collections import defaultdict


class StoreHub:
    def __init__(self) -> None:
        self._waiters: dict[tuple[str, str], set[asyncio.Event]] = defaultdict(set)

    def subscribe(self, tenant_id: str, store_id: str) -> asyncio.Event:
        event = asyncio.Event()
        self._waiters[(tenant_id, store_id)].add(event)
        return event

    def unsubscribe(self, tenant_id: str, store_id: str, event: asyncio.Event) -> None:
        waiters = self._waiters.get((tenant_id, store_id))
        if waiters is not None:
            waiters.discard(event)
            if not waiters:
                self._waiters.pop((tenant_id, store_id), None)

    def notify(self, tenant_id: str, store_id: str) -> None:
        for event in self._waiters.get((tenant_id, store_id), ()):
            event.set()
