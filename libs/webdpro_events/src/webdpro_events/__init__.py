"""Events: the envelope, SNS publishing, the transactional outbox and its relay, the idempotent SQS consumer."""

from webdpro_events.consumer import Consumer, Handler, PermanentError
from webdpro_events.envelope import Envelope, decode, encode, new_event
from webdpro_events.outbox import Outbox, UnitOfWork
from webdpro_events.publisher import SnsPublisher, topic_arn
from webdpro_events.runtime import EventRuntime

__all__ = [
    "Consumer",
    "Envelope",
    "EventRuntime",
    "Handler",
    "Outbox",
    "PermanentError",
    "SnsPublisher",
    "UnitOfWork",
    "decode",
    "encode",
    "new_event",
    "topic_arn",
]
