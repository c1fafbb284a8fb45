"""Publishing envelopes to the producing service's SNS topic.

The `type` message attribute drives the subscribers' filter policies; `traceparent` carries the trace across
the hop (the envelope's own `trace` field keeps it too, for raw-delivery consumers that read only the body).
"""

from __future__ import annotations

from typing import Any

from webdpro_events.envelope import Envelope, encode


def _attributes(event: Envelope) -> dict[str, Any]:
    attrs: dict[str, Any] = {"type": {"DataType": "String", "StringValue": event.type}}
    if event.trace:
        attrs["traceparent"] = {"DataType": "String", "StringValue": event.trace}
    if event.tenant_id:
        attrs["tenant_id"] = {"DataType": "String", "StringValue": event.tenant_id}
    return attrs


class SnsPublisher:
    def __init__(self, sns_client: Any, topic_arn: str) -> None:
        self.sns = sns_client
        self.topic_arn = topic_arn

    async def publish(self, event: Envelope) -> None:
        await self.sns.publish(
            TopicArn=self.topic_arn,
            Message=encode(event).decode(),
            MessageAttributes=_attributes(event),
        )

    async def publish_many(self, events: list[Envelope]) -> list[Envelope]:
        """Publish in batches of 10; returns the events that failed (to stay in the outbox)."""
        failed: list[Envelope] = []
        for start in range(0, len(events), 10):
            chunk = events[start : start + 10]
            resp = await self.sns.publish_batch(
                TopicArn=self.topic_arn,
                PublishBatchRequestEntries=[
                    {"Id": str(i), "Message": encode(e).decode(), "MessageAttributes": _attributes(e)}
                    for i, e in enumerate(chunk)
                ],
            )
            failed.extend(chunk[int(f["Id"])] for f in resp.get("Failed", []))
        return failed


async def topic_arn(clients: Any, name: str, region: str) -> str:
    """The ARN of a topic by name, from the caller's account (no CreateTopic rights needed)."""
    sts = await clients.get("sts")
    account = (await sts.get_caller_identity())["Account"]
    return f"arn:aws:sns:{region}:{account}:{name}"
