"""The local stand-in for EventBridge schedules: publishes the timed events to the `scheduler` SNS topic.

- `schedule.inventory_scan` every WEBDPRO_SCAN_INTERVAL_SECONDS (default 300; like `rate(5 minutes)`, the first
  one fires one interval after start),
- `schedule.daily_settlement` once a day at WEBDPRO_SETTLEMENT_TIME ("HH:MM" in IST, default 23:30).

The envelope has the platform's event fields (id, type, version, occurred_at, tenant_id, source, trace, data) and
the `type` / `traceparent` message attributes subscribers filter on. It is built here, not with webdpro_events, to
keep this process small and independent of the services' libraries.

Entry: `python -m webdpro_local.scheduler` (runs forever), or
`python -m webdpro_local.scheduler --once inventory_scan|daily_settlement` (publish one now and exit).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import secrets
import signal
import sys
import time
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from webdpro_aws.clients import AwsClients
from webdpro_aws.manifest import Names, load_manifest
from webdpro_core import clock, ids
from webdpro_local.settings import LocalSettings, load_local

IST = timezone(timedelta(hours=5, minutes=30), "IST")  # India has no DST: a fixed offset is exact
INVENTORY_SCAN = "schedule.inventory_scan"
DAILY_SETTLEMENT = "schedule.daily_settlement"
TOPIC_KEY = "scheduler"


def new_traceparent() -> str:
    # Each tick starts its own trace, so the scan or settlement it triggers is one trace across services.
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"


def envelope(event_type: str, scheduled_for: datetime, trace: str | None = None) -> dict[str, Any]:
    return {
        "id": ids.new_id("evt"),
        "type": event_type,
        "version": 1,
        "occurred_at": clock.iso(),
        "tenant_id": None,
        "source": "scheduler",
        "trace": trace,
        "data": {"scheduledFor": clock.iso(scheduled_for)},
    }


def next_daily(at: str, now: datetime) -> datetime:
    """The next instant (UTC) when the IST wall clock shows `at` ("HH:MM"), strictly after `now`."""
    hour, minute = (int(x) for x in at.split(":", 1))
    local = now.astimezone(IST)
    candidate = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate.astimezone(UTC)


async def topic_arn(clients: AwsClients, name: str) -> str:
    sns = await clients.get("sns")
    async for page in sns.get_paginator("list_topics").paginate():
        for t in page.get("Topics", []):
            if t["TopicArn"].rsplit(":", 1)[-1] == name:
                return t["TopicArn"]
    raise LookupError(f"SNS topic {name} does not exist; run `python -m webdpro_local.provision` first")


async def publish(clients: AwsClients, arn: str, event_type: str, scheduled_for: datetime) -> dict[str, Any]:
    trace = new_traceparent()
    event = envelope(event_type, scheduled_for, trace)
    attrs = {"type": {"DataType": "String", "StringValue": event_type}}
    if trace:
        attrs["traceparent"] = {"DataType": "String", "StringValue": trace}
    sns = await clients.get("sns")
    await sns.publish(TopicArn=arn, Message=json.dumps(event, separators=(",", ":")), MessageAttributes=attrs)
    return event


class Scheduler:
    def __init__(self, settings: LocalSettings, clients: AwsClients) -> None:
        self.settings = settings
        self.clients = clients
        manifest = load_manifest(settings.resource_manifest)
        self.topic_name = Names(manifest, settings.resource_prefix).topic(TOPIC_KEY)
        self._arn: str | None = None

    async def arn(self) -> str:
        if self._arn is None:
            self._arn = await topic_arn(self.clients, self.topic_name)
        return self._arn

    async def fire(self, event_type: str, scheduled_for: datetime) -> None:
        try:
            event = await publish(self.clients, await self.arn(), event_type, scheduled_for)
        except Exception as exc:  # the emulator may be restarting: report and keep the schedule going
            print(
                f"scheduler: {event_type} for {clock.iso(scheduled_for)} not published: {exc!r}",
                file=sys.stderr,
            )
            return
        print(
            f"scheduler: published {event_type} {event['id']} for {event['data']['scheduledFor']}", flush=True
        )

    async def scans(self) -> None:
        interval = self.settings.scan_interval_seconds
        start_mono, start_wall = time.monotonic(), clock.now()
        n = 0
        while True:
            n += 1
            # Ticks on a fixed grid from the start: a slow publish never makes the schedule drift.
            await asyncio.sleep(max(0.0, start_mono + n * interval - time.monotonic()))
            await self.fire(INVENTORY_SCAN, start_wall + timedelta(seconds=n * interval))

    async def settlements(self) -> None:
        while True:
            due = next_daily(self.settings.settlement_time, clock.now())
            # Sleep in bounded steps so a suspended laptop or a clock change cannot oversleep by much.
            while (left := (due - clock.now()).total_seconds()) > 0:  # noqa: ASYNC110 - wall-clock deadline
                await asyncio.sleep(min(left, 60.0))
            await self.fire(DAILY_SETTLEMENT, due)

    async def run(self) -> None:
        await asyncio.gather(self.scans(), self.settlements())


async def run_scheduler(settings: LocalSettings, stop: asyncio.Event | None = None) -> None:
    """Run until `stop` is set (or forever)."""
    clients = AwsClients(settings)
    try:
        task = asyncio.ensure_future(Scheduler(settings, clients).run())
        if stop is None:
            await task
            return
        waiter = asyncio.ensure_future(stop.wait())
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        for t in (task, waiter):
            t.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(task, waiter, return_exceptions=True)
    finally:
        await clients.close()


async def fire_once(settings: LocalSettings, event_type: str) -> dict[str, Any]:
    """Publish one tick now (tests and developers use it to avoid waiting for the schedule)."""
    clients = AwsClients(settings)
    try:
        s = Scheduler(settings, clients)
        return await publish(clients, await s.arn(), event_type, clock.now())
    finally:
        await clients.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m webdpro_local.scheduler")
    parser.add_argument(
        "--once", choices=["inventory_scan", "daily_settlement"], help="publish one tick and exit"
    )
    args = parser.parse_args(argv)
    settings = load_local()
    if args.once:
        event = asyncio.run(fire_once(settings, f"schedule.{args.once}"))
        print(json.dumps(event))
        return

    async def forever() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        print(
            f"scheduler: scan every {settings.scan_interval_seconds:g}s, settlement daily at "
            f"{settings.settlement_time} IST",
            flush=True,
        )
        await run_scheduler(settings, stop)

    asyncio.run(forever())


if __name__ == "__main__":
    main()
