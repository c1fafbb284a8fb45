"""Transactional outbox.

A state change and its events are written in ONE TransactWriteItems (the events as outbox rows in the service's
own table). Right after the commit the events are published and their rows deleted; if the process dies in
between, the relay finds the rows and publishes them. Publishing twice is harmless: consumers are idempotent.

Rows live under `PK = OUTBOX#<shard>` so the relay reads a few small partitions instead of scanning the table.
"""

from __future__ import annotations

import asyncio
import zlib
from datetime import timedelta

from webdpro_aws.dynamo import Table, Transaction
from webdpro_core import clock
from webdpro_events.envelope import Envelope, decode, encode
from webdpro_events.publisher import SnsPublisher
from webdpro_observability import get_logger

log = get_logger(__name__)

SHARDS = 4
_RETENTION_SECONDS = 7 * 24 * 3600


def _key(event: Envelope) -> dict[str, str]:
    shard = zlib.crc32(event.id.encode()) % SHARDS
    return {"PK": f"OUTBOX#{shard}", "SK": event.id}


class UnitOfWork:
    """The writes of one use case and the events they cause; `commit()` makes both durable together."""

    def __init__(self, outbox: Outbox) -> None:
        self._outbox = outbox
        self.tx = Transaction()
        self.events: list[Envelope] = []

    def emit(self, event: Envelope) -> None:
        self.events.append(event)

    async def commit(self) -> None:
        await self._outbox.commit(self.tx, self.events)


class Outbox:
    def __init__(self, table: Table, publisher: SnsPublisher) -> None:
        self.table = table
        self.publisher = publisher
        self._flushing: set[asyncio.Task] = set()

    def begin(self) -> UnitOfWork:
        return UnitOfWork(self)

    def stage(self, tx: Transaction, event: Envelope) -> None:
        tx.put(
            self.table.name,
            {
                **_key(event),
                "event": encode(event).decode(),
                "expires_at": clock.epoch() + _RETENTION_SECONDS,
            },
        )

    async def commit(self, tx: Transaction, events: list[Envelope]) -> None:
        """Commit the writes and their events; publishing happens right after, off the caller's path (the
        request answers once the transaction is durable — the relay covers a crash before the publish)."""
        for event in events:
            self.stage(tx, event)
        await tx.commit(self.table.client)
        if events:
            task = asyncio.create_task(self.flush(events))
            self._flushing.add(task)
            task.add_done_callback(self._flushing.discard)

    async def drain(self) -> None:
        """Wait for the publishes in flight (at shutdown, and in tests that read the topic at once)."""
        while self._flushing:
            await asyncio.gather(*list(self._flushing), return_exceptions=True)

    async def flush(self, events: list[Envelope]) -> None:
        """Publish now; whatever fails stays in the outbox for the relay."""
        try:
            failed = await self.publisher.publish_many(events)
            failed_ids = {e.id for e in failed}
            await self.table.delete_many([_key(e) for e in events if e.id not in failed_ids])
        except Exception as exc:
            log.warning("outbox.publish_failed", error=str(exc), count=len(events))

    async def relay_once(self, min_age_seconds: float = 2.0) -> int:
        """Publish rows left behind (older than `min_age_seconds`, so the inline flush is not raced)."""
        sent = 0
        cutoff = clock.iso(clock.now() - timedelta(seconds=min_age_seconds))
        for shard in range(SHARDS):
            rows = await self.table.query_all(f"OUTBOX#{shard}")
            pending = [decode(r["event"]) for r in rows]
            pending = [e for e in pending if e.occurred_at <= cutoff]
            if not pending:
                continue
            await self.flush(pending)
            sent += len(pending)
            log.info("outbox.relayed", shard=shard, count=len(pending))
        return sent

    async def run_relay(self, stop: asyncio.Event, interval: float = 1.0) -> None:
        while not stop.is_set():
            try:
                await self.relay_once()
            except Exception as exc:  # keep relaying; a broken emulator must not kill the service
                log.warning("outbox.relay_error", error=str(exc))
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval)
            except TimeoutError:
                pass
