"""The scheduler publishes EventBridge-like ticks to the scheduler topic with the platform's envelope."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime

import msgspec

from webdpro_local.provision import provision_changes
from webdpro_local.scheduler import DAILY_SETTLEMENT, INVENTORY_SCAN, fire_once, next_daily, run_scheduler


def test_next_daily_is_the_next_ist_wall_clock_time():
    assert next_daily("23:30", datetime(2026, 1, 1, 17, 59, tzinfo=UTC)) == datetime(
        2026, 1, 1, 18, 0, tzinfo=UTC
    )
    assert next_daily("23:30", datetime(2026, 1, 1, 18, 0, tzinfo=UTC)) == datetime(
        2026, 1, 2, 18, 0, tzinfo=UTC
    )
    assert next_daily("00:15", datetime(2026, 1, 1, 18, 40, tzinfo=UTC)) == datetime(
        2026, 1, 1, 18, 45, tzinfo=UTC
    )


async def _queue_on_scheduler_topic(clients, name: str) -> str:
    sns, sqs = await clients.get("sns"), await clients.get("sqs")
    topic = next(
        t["TopicArn"]
        for t in (await sns.list_topics())["Topics"]
        if t["TopicArn"].endswith(":webdpro-scheduler-events")
    )
    url = (await sqs.create_queue(QueueName=name))["QueueUrl"]
    arn = (await sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"]))["Attributes"][
        "QueueArn"
    ]
    await sns.subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"}
    )
    return url


async def _drain(clients, url: str, want: int, timeout: float = 5.0) -> list[dict]:
    sqs = await clients.get("sqs")
    got: list[dict] = []
    deadline = asyncio.get_running_loop().time() + timeout
    while len(got) < want and asyncio.get_running_loop().time() < deadline:
        resp = await sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0, MessageAttributeNames=["All"]
        )
        got += resp.get("Messages", [])
        await asyncio.sleep(0.05)
    return got


async def test_fire_once_publishes_the_envelope_with_attributes(settings, clients):
    await provision_changes(settings, clients=clients)
    url = await _queue_on_scheduler_topic(clients, "sched-once")
    sent = await fire_once(settings, INVENTORY_SCAN)
    await fire_once(settings, DAILY_SETTLEMENT)

    messages = await _drain(clients, url, 2)
    bodies = {json.loads(m["Body"])["type"]: m for m in messages}
    assert set(bodies) == {INVENTORY_SCAN, DAILY_SETTLEMENT}
    scan = json.loads(bodies[INVENTORY_SCAN]["Body"])
    assert scan == sent
    assert set(scan) == {"id", "type", "version", "occurred_at", "tenant_id", "source", "trace", "data"}
    assert scan["version"] == 1 and scan["tenant_id"] is None and scan["source"] == "scheduler"
    assert scan["occurred_at"].endswith("Z") and scan["data"]["scheduledFor"].endswith("Z")
    assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-01", scan["trace"])
    attrs = bodies[INVENTORY_SCAN]["MessageAttributes"]
    assert attrs["type"]["StringValue"] == INVENTORY_SCAN
    assert attrs["traceparent"]["StringValue"] == scan["trace"]


async def test_scans_tick_on_the_configured_interval(settings, clients):
    await provision_changes(settings, clients=clients)
    url = await _queue_on_scheduler_topic(clients, "sched-ticks")
    fast = msgspec.structs.replace(settings, scan_interval_seconds=0.25)
    stop = asyncio.Event()
    runner = asyncio.ensure_future(run_scheduler(fast, stop))
    try:
        # Wait for the ticks rather than a fixed time: on a busy laptop the first publish can be slow.
        ticks = [json.loads(m["Body"]) for m in await _drain(clients, url, 3, timeout=10)]
    finally:
        stop.set()
        await asyncio.wait_for(runner, 5)
    assert len(ticks) >= 3 and {t["type"] for t in ticks} == {INVENTORY_SCAN}
    times = sorted(t["data"]["scheduledFor"] for t in ticks)
    assert len(set(times)) == len(times)  # one tick per slot
