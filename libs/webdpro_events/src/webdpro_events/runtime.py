"""Wiring of a service's event machinery from the manifest: its topic publisher, outbox (+ relay) and the
consumer of its queue, started and stopped with the app's lifespan."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from webdpro_aws.dynamo import Table
from webdpro_aws.manifest import Names
from webdpro_events.consumer import Consumer, Handler
from webdpro_events.outbox import Outbox
from webdpro_events.publisher import SnsPublisher, topic_arn


class EventRuntime:
    def __init__(self, *, clients: Any, names: Names, service: str, table: Table, region: str) -> None:
        self.clients = clients
        self.names = names
        self.service = service
        self.table = table
        self.region = region
        self.outbox: Outbox | None = None
        self.consumer: Consumer | None = None
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task] = []

    async def start(
        self, handlers: dict[str, Handler], *, consume: bool = True, default: Handler | None = None
    ) -> Outbox:
        """`default` handles every event type that `handlers` does not name (see `Consumer`)."""
        sns = await self.clients.get("sns")
        arn = await topic_arn(self.clients, self.names.topic(self.service), self.region)
        self.outbox = Outbox(self.table, SnsPublisher(sns, arn))
        self._tasks.append(asyncio.create_task(self.outbox.run_relay(self._stop), name="outbox-relay"))
        if consume and self.service in self.names.manifest.queues:
            sqs = await self.clients.get("sqs")
            queue_url = (await sqs.get_queue_url(QueueName=self.names.queue(self.service)))["QueueUrl"]
            dlq_url = (await sqs.get_queue_url(QueueName=self.names.dlq(self.service)))["QueueUrl"]
            self.consumer = Consumer(
                sqs=sqs,
                queue_url=queue_url,
                dlq_url=dlq_url,
                handlers=handlers,
                default=default,
                table=self.table,
                outbox=self.outbox,
            )
            self._tasks.append(asyncio.create_task(self.consumer.run(self._stop), name="consumer"))
        return self.outbox

    async def stop(self) -> None:
        self._stop.set()
        if self.outbox is not None:
            await self.outbox.drain()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
