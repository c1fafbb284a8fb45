"""Admin integration fixtures.

- `pg_dsn`: a fresh PostgreSQL database on the local server (postgresql://postgres@127.0.0.1:5432/test, trust
  auth; WEBDPRO_TEST_POSTGRES_DSN overrides), created for the session and dropped after it.
- `reporting`: the repository on BOTH databases (parametrised): the same contract tests run against each.
- `client`: the admin app (Litestar's AsyncTestClient, `mint` tokens) on the AWS emulator, its consumer on the
  real admin queue (subscribed to every topic) and its reporting database a session SQLite file.
- `bus`: publishes what the other services would, and reads what the admin publishes from a queue of the
  test's own subscribed to the admin topic.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from admin.adapters.reporting import open_reporting
from admin.bootstrap import build_app
from admin.settings import AdminSettings
from webdpro_aws.clients import AwsClients
from webdpro_aws.manifest import Names, load_manifest
from webdpro_core.settings import load
from webdpro_events import Envelope, SnsPublisher, decode, topic_arn

ADMIN_PG = os.environ.get("WEBDPRO_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
async def pg_dsn():
    name = f"admin_test_{uuid.uuid4().hex[:10]}"
    root = await asyncpg.connect(ADMIN_PG)
    try:
        await root.execute(f'CREATE DATABASE "{name}"')
    finally:
        await root.close()
    base, _, _ = ADMIN_PG.rpartition("/")
    yield f"{base}/{name}"
    root = await asyncpg.connect(ADMIN_PG)
    try:
        await root.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await root.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def reporting(request, tmp_path, pg_dsn):
    if request.param == "postgresql":
        repo = await open_reporting(pg_dsn, "")
        # Each test starts empty: the tables are truncated (the migrations stay applied).
        async with repo.sql.transaction() as tx:
            await tx.execute("TRUNCATE audit, tenants, stores, daily_metrics, ai_usage")
    else:
        repo = await open_reporting("", str(tmp_path / "admin.sqlite3"))
    yield repo
    await repo.close()


def envelope(event_type: str, data: dict[str, Any], **kw: Any) -> dict[str, Any]:
    """An event as the consumer sees it (the envelope's fields as a dict)."""
    return {
        "id": kw.get("id") or f"evt_{uuid.uuid4().hex}",
        "type": event_type,
        "source": kw.get("source", event_type.split(".")[0]),
        "tenant_id": kw.get("tenant_id", data.get("tenant_id")),
        "occurred_at": kw.get("occurred_at")
        or time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time())),
        "trace": kw.get("trace"),
        "data": data,
    }


# ------------------------------------------------------------------------------------------------ the app
@pytest.fixture(scope="session")
def settings(aws_emulator, tmp_path_factory) -> AdminSettings:
    path = tmp_path_factory.mktemp("admin-reporting") / "admin.sqlite3"
    return load(AdminSettings, reporting_path=str(path), reporting_dsn="")


@pytest.fixture(scope="session")
async def client(settings, mint):
    app = build_app(settings, verifier=mint.verifier(), consume=True)
    async with AsyncTestClient(app, base_url="http://test.local", timeout=60) as c:
        c.app_state = app.state
        yield c


@pytest.fixture(scope="session")
async def aws(settings):
    clients = AwsClients(settings)
    yield clients
    await clients.close()


@pytest.fixture(scope="session")
def names(settings) -> Names:
    return Names(load_manifest(), settings.resource_prefix)


@pytest.fixture(scope="session")
def founder(mint) -> dict[str, str]:
    return mint.headers("SUPER_ADMIN")


class Bus:
    """Publishes what the other services would, and reads what the admin publishes (a queue of the test's own
    subscribed to the admin topic)."""

    def __init__(self, aws, names, region: str, sqs, queue_url: str) -> None:
        self.aws, self.names, self.region, self.sqs, self.queue_url = aws, names, region, sqs, queue_url
        self.seen: list[Envelope] = []

    async def publish(self, topic: str, event: Envelope) -> None:
        arn = await topic_arn(self.aws, self.names.topic(topic), self.region)
        await SnsPublisher(await self.aws.get("sns"), arn).publish(event)

    async def drain(self) -> None:
        resp = await self.sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
        )
        messages = resp.get("Messages", [])
        self.seen.extend(decode(m["Body"]) for m in messages)
        if messages:
            await self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
            )

    async def published(
        self, event_type: str, store_id: str | None = None, *, where=None, n: int = 1, timeout: float = 20
    ) -> list[Envelope]:
        """The admin's events of `event_type` (for `store_id`, or matching `where`), once `n` have arrived."""
        deadline = time.monotonic() + timeout
        while True:
            found = [
                e
                for e in self.seen
                if e.type == event_type
                and (store_id is None or e.data.get("store_id") == store_id)
                and (where is None or where(e))
            ]
            if len(found) >= n:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{event_type} for {store_id} not published: {[e.type for e in self.seen]}"
                )
            await self.drain()


@pytest.fixture(scope="session")
async def bus(aws, names, settings):
    sqs, sns = await aws.get("sqs"), await aws.get("sns")
    url = (await sqs.create_queue(QueueName=f"test-admin-out-{uuid.uuid4().hex[:8]}"))["QueueUrl"]
    arn = (await sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"]))["Attributes"][
        "QueueArn"
    ]
    topic = await topic_arn(aws, names.topic("admin"), settings.aws_region)
    await sns.subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"}
    )
    yield Bus(aws, names, settings.aws_region, sqs, url)
    await sqs.delete_queue(QueueUrl=url)


async def until(probe, what: str, timeout: float = 20):
    """Poll `probe` (an async callable) until it answers something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)
