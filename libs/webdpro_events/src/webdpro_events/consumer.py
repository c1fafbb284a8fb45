"""The SQS consumer loop of a service.

- Long-polls its queue, handles up to `concurrency` messages at once, deletes only what succeeded
  (partial batch failure); failures come back after a short visibility timeout and, after 5 receives, SQS moves
  them to the DLQ (the queue's redrive policy). A `PermanentError` goes to the DLQ at once.
- Idempotent by event id: the handler's writes and a conditional put of `EVENT#<id>` commit in one transaction,
  so a redelivered message changes nothing. Side effects outside DynamoDB (an SMS, an HTTP call) must be
  idempotent on their own (keyed by the event id).
- The trace continues from the producer's `traceparent`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
import structlog

from webdpro_aws.dynamo import Table, TransactionCancelled
from webdpro_core import clock
from webdpro_events.envelope import Envelope, decode
from webdpro_events.outbox import Outbox, UnitOfWork
from webdpro_observability import extract_context, get_logger, tracer

log = get_logger(__name__)

Handler = Callable[[Envelope, UnitOfWork], Awaitable[None]]

_PROCESSED_TTL_SECONDS = 15 * 24 * 3600


class PermanentError(Exception):
    """The message can never succeed (bad data): send it to the DLQ instead of retrying."""


def processed_key(event_id: str) -> dict[str, str]:
    return {"PK": f"EVENT#{event_id}", "SK": "PROCESSED"}


class Consumer:
    def __init__(
        self,
        *,
        sqs: Any,
        queue_url: str,
        dlq_url: str | None,
        handlers: dict[str, Handler],
        table: Table,
        outbox: Outbox,
        concurrency: int = 10,
        wait_seconds: int = 10,
        default: Handler | None = None,
    ) -> None:
        """`default`: the handler of every type without its own in `handlers` (a catch-all consumer such as
        the admin's audit log); without it such types are acknowledged and skipped."""
        self.sqs = sqs
        self.queue_url = queue_url
        self.dlq_url = dlq_url
        self.handlers = handlers
        self.default = default
        self.table = table
        self.outbox = outbox
        self.wait_seconds = wait_seconds
        self._slots = asyncio.Semaphore(concurrency)
        self.concurrency = concurrency

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                resp = await self.sqs.receive_message(
                    QueueUrl=self.queue_url,
                    MaxNumberOfMessages=min(10, self.concurrency),
                    WaitTimeSeconds=self.wait_seconds,
                    MessageAttributeNames=["All"],
                    MessageSystemAttributeNames=["ApproximateReceiveCount"],
                )
                messages = resp.get("Messages", [])
                if messages:
                    await self.process_batch(messages)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the emulator restarting must not kill the loop
                log.warning("consumer.poll_error", error=str(exc))
                await asyncio.sleep(1)

    async def process_batch(self, messages: list[dict[str, Any]]) -> list[str]:
        """Handle a batch; delete the successes; return the message ids that failed."""
        results = await asyncio.gather(*(self._guarded(m) for m in messages))
        done = [m for m, ok in zip(messages, results, strict=True) if ok]
        if done:
            await self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
            )
        return [m["MessageId"] for m, ok in zip(messages, results, strict=True) if not ok]

    async def _guarded(self, message: dict[str, Any]) -> bool:
        async with self._slots:
            try:
                await self.handle(message["Body"])
                return True
            except PermanentError as exc:
                log.error("consumer.permanent_failure", error=str(exc), message_id=message["MessageId"])
                await self._dead_letter(message, str(exc))
                return True
            except Exception as exc:
                receives = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
                log.warning("consumer.retry", error=repr(exc), receives=receives)
                # Back off before the next try instead of waiting the whole visibility timeout.
                await self.sqs.change_message_visibility(
                    QueueUrl=self.queue_url,
                    ReceiptHandle=message["ReceiptHandle"],
                    VisibilityTimeout=min(2**receives, 60),
                )
                return False

    async def _dead_letter(self, message: dict[str, Any], reason: str) -> None:
        if self.dlq_url:
            await self.sqs.send_message(
                QueueUrl=self.dlq_url,
                MessageBody=message["Body"],
                MessageAttributes={"error": {"DataType": "String", "StringValue": reason[:256]}},
            )

    async def handle(self, body: str | bytes) -> None:
        try:
            event = decode(body)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise PermanentError(f"not an event envelope: {exc}") from exc
        handler = self.handlers.get(event.type, self.default)
        if handler is None:
            return  # not for us (a filter policy wider than our handlers): acknowledged
        if await self.table.get(processed_key(event.id)) is not None:
            return
        parent = extract_context({"traceparent": event.trace}) if event.trace else None
        with (
            structlog.contextvars.bound_contextvars(
                event_id=event.id, event_type=event.type, tenant_id=event.tenant_id
            ),
            tracer().start_as_current_span(f"consume {event.type}", context=parent),
        ):
            uow = self.outbox.begin()
            marker = uow.tx.put(
                self.table.name,
                {
                    **processed_key(event.id),
                    "type": event.type,
                    "expires_at": clock.epoch() + _PROCESSED_TTL_SECONDS,
                },
                condition="attribute_not_exists(PK)",
            )
            await handler(event, uow)
            try:
                await uow.commit()
            except TransactionCancelled as exc:
                if exc.failed(marker):
                    log.info("consumer.duplicate", event_id=event.id)
                    return
                raise
            log.info("consumer.handled")
