"""The event envelope every service publishes and consumes.

Consumers ignore fields they do not know, so a producer may add fields to `data` without breaking anyone.
"""

from __future__ import annotations

from typing import Any

import msgspec

from webdpro_core import clock, ids
from webdpro_observability import current_traceparent


class Envelope(msgspec.Struct, kw_only=True, frozen=True):
    id: str
    type: str  # past tense, dotted: "order.placed"
    version: int = 1
    occurred_at: str
    tenant_id: str | None
    source: str  # the producing service
    trace: str | None = None  # W3C traceparent of the producing span
    data: dict[str, Any] = {}


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Envelope)


def new_event(type: str, data: Any, *, tenant_id: str | None, source: str, version: int = 1) -> Envelope:
    payload = msgspec.to_builtins(data) if not isinstance(data, dict) else data
    return Envelope(
        id=ids.new_id("evt"),
        type=type,
        version=version,
        occurred_at=clock.iso(),
        tenant_id=tenant_id,
        source=source,
        trace=current_traceparent(),
        data=payload,
    )


def encode(event: Envelope) -> bytes:
    return _encoder.encode(event)


def decode(raw: bytes | str) -> Envelope:
    return _decoder.decode(raw)
