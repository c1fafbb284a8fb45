"""Location ingestion: the hot path (every agent's phone sends a point every few seconds, or a batch after being
offline).

A request makes no database call: the batch is checked (shape by the request struct, time here), the agent's
status is looked up in this process's snapshot of the merchant's agents, and the newest point goes into a buffer
(one slot per agent: a newer point replaces an older one; a point older than the one this process last wrote is
not written again), with the trail samples (at most one point per agent per sampling interval). Every
`location_flush_seconds` the buffer is written with BatchWriteItem, 25 items a call: the database sees at most one
position write per agent per interval, whatever the phones send.

What it costs: a position reaches the merchant and the customer up to one interval late, and a crash loses at
most one interval of positions (the next point replaces them anyway). Who is active is looked up again every
`agent_status_ttl_seconds` (one query per merchant, also just before a flush writes), so a removed agent's
requests are refused with 403 AGENT_REMOVED, and their points dropped, at most that long after the removal.
Two instances holding points of the same agent may write them in either order; the next flush puts the newest
back (a phone sends every few seconds).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from delivery.adapters.repository import DeliveryRepository
from delivery.domain.location import Fix, check_batch, trail_samples
from delivery.settings import DeliverySettings
from webdpro_core import clock
from webdpro_core.errors import Forbidden
from webdpro_observability import get_logger
from webdpro_tenancy import Caller

log = get_logger(__name__)

_MAX_TRACKED = 50_000  # agents whose newest trail bucket this process remembers


@dataclass(frozen=True, slots=True)
class _Snapshot:
    statuses: dict[str, str]
    taken: float  # time.monotonic()


class PositionBuffer:
    def __init__(self, repo: DeliveryRepository, settings: DeliverySettings) -> None:
        self.repo = repo
        self.settings = settings
        self.pending: dict[tuple[str, str], dict[str, Any]] = {}
        self.trail: list[tuple[str, str, dict[str, Any]]] = []
        self.buckets: OrderedDict[tuple[str, str], int] = OrderedDict()
        self.written: OrderedDict[tuple[str, str], str] = OrderedDict()  # the `at` last written per agent
        self.snapshots: dict[str, _Snapshot] = {}
        self._inflight: dict[str, asyncio.Future] = {}
        self._background: set[asyncio.Task] = set()
        self._flushing = asyncio.Lock()

    # --- who may send -------------------------------------------------------------------------------------
    async def status(self, tenant_id: str, agent_id: str) -> str | None:
        """The agent's status from this process's snapshot. A stale snapshot still answers while a fresh one is
        fetched in the background (requests never wait for that query), except for an agent the snapshot does not
        know, who may have joined a moment ago."""
        snap = self.snapshots.get(tenant_id)
        now = time.monotonic()
        if snap is None:
            snap = await self._refresh(tenant_id)
        elif agent_id not in snap.statuses:
            if now - snap.taken > min(self.settings.agent_status_ttl_seconds, 0.5):
                snap = await self._refresh(tenant_id)
        elif now - snap.taken > self.settings.agent_status_ttl_seconds and tenant_id not in self._inflight:
            task = asyncio.create_task(self._refresh(tenant_id))
            self._background.add(task)
            task.add_done_callback(self._refreshed)
        return snap.statuses.get(agent_id)

    def _refreshed(self, task: asyncio.Task) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("location.status_refresh_failed", error=repr(task.exception()))

    async def _refresh(self, tenant_id: str) -> _Snapshot:
        """One query per merchant at a time; the requests that arrive meanwhile share its answer."""
        inflight = self._inflight.get(tenant_id)
        if inflight is not None:
            return await asyncio.shield(inflight)
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._inflight[tenant_id] = future
        try:
            fresh = _Snapshot(await self.repo.agent_statuses(tenant_id), time.monotonic())
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no warning when nobody else was waiting
            raise
        except BaseException:
            future.cancel()
            raise
        finally:
            self._inflight.pop(tenant_id, None)
        self.snapshots[tenant_id] = fresh
        future.set_result(fresh)
        return fresh

    def forget(self, tenant_id: str) -> None:
        """Look the merchant's agents up again on the next request (a write was refused)."""
        self.snapshots.pop(tenant_id, None)

    # --- taking points ------------------------------------------------------------------------------------
    def offer(self, tenant_id: str, agent_id: str, batch: list[Fix]) -> dict[str, Any]:
        key = (tenant_id, agent_id)
        newest = batch[-1].stored()
        held = self.pending.get(key)
        written = self.written.get(key)
        if (held is None or held["at"] < newest["at"]) and (written is None or written < newest["at"]):
            self.pending[key] = newest
        known = self.buckets.get(key)
        samples, last = trail_samples(batch, known, self.settings.trail_interval_seconds)
        if (
            not samples
            and known is not None
            and batch[0].epoch // self.settings.trail_interval_seconds < known
        ):
            # An older batch than the trail holds (a phone catching up): it fills an earlier stretch.
            samples, _ = trail_samples(batch, None, self.settings.trail_interval_seconds)
        self.trail.extend((tenant_id, agent_id, f.stored()) for f in samples)
        if last is not None and (known is None or last > known):
            self.buckets[key] = last
            self.buckets.move_to_end(key)
            while len(self.buckets) > _MAX_TRACKED:
                self.buckets.popitem(last=False)
        return newest

    # --- writing them -------------------------------------------------------------------------------------
    async def flush(self) -> int:
        """Write what is buffered; returns how many positions were written. If the write fails, it all goes
        back into the buffer (behind anything newer that came meanwhile) for the next flush."""
        async with self._flushing:
            pending, self.pending = self.pending, {}
            trail, self.trail = self.trail, []
            if not pending and not trail:
                return 0
            ttl = self.settings.agent_status_ttl_seconds
            active: dict[str, dict[str, str]] = {}
            for tenant_id in {t for t, _ in pending} | {t for t, _, _ in trail}:
                snap = self.snapshots.get(tenant_id)
                if snap is None or time.monotonic() - snap.taken > ttl:
                    snap = await self._refresh(tenant_id)
                active[tenant_id] = snap.statuses
            positions = [(t, a, fix) for (t, a), fix in pending.items() if active[t].get(a) == "active"]
            trail = [(t, a, p) for t, a, p in trail if active[t].get(a) == "active"]
            try:
                await self.repo.write_positions(positions, trail, self.settings.trail_ttl_seconds)
            except Exception as exc:
                log.warning("location.write_failed", error=repr(exc), positions=len(positions))
                for t, a, fix in positions:
                    held = self.pending.get((t, a))
                    if held is None or held["at"] < fix["at"]:
                        self.pending[(t, a)] = fix
                self.trail[:0] = trail
                return 0
            for t, a, fix in positions:
                self.written[(t, a)] = fix["at"]
                self.written.move_to_end((t, a))
            while len(self.written) > _MAX_TRACKED:
                self.written.popitem(last=False)
            return len(positions)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.settings.location_flush_seconds)
            try:
                await self.flush()
            except Exception as exc:  # keep flushing; a blip of the database must not stop it
                log.warning("location.flush_error", error=repr(exc))


async def ingest(positions: PositionBuffer, caller: Caller, fixes: list[Fix]) -> dict[str, Any]:
    if not caller.tenant_id:
        raise Forbidden("This token carries no tenant", code="TENANT_REQUIRED")
    s = positions.settings
    batch = check_batch(
        fixes, clock.now(), max_future_s=s.location_max_future_seconds, max_age_s=s.location_max_age_seconds
    )
    status = await positions.status(caller.tenant_id, caller.sub)
    if status == "removed":
        raise Forbidden("This agent was removed by the merchant", code="AGENT_REMOVED")
    if status != "active":
        raise Forbidden(
            "This agent is not known to the delivery service yet; try again in a moment", code="AGENT_UNKNOWN"
        )
    newest = positions.offer(caller.tenant_id, caller.sub, batch)
    return {"accepted": len(batch), "position_at": newest["at"]}
