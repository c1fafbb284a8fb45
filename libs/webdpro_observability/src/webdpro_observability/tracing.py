"""OpenTelemetry tracing: one provider per process; W3C trace context in HTTP headers and in SNS/SQS message
attributes (`traceparent`), so one trace spans order → payment → delivery → payout.

A business entity (order, payment, delivery) keeps the traceparent current when it was created; a later request
acting on it (the merchant accepts, the agent delivers, Razorpay's webhook captures) runs that action inside
`continue_trace(entity["trace"], "<action>")`, so its events carry the entity's trace id, not the request's.

Spans are recorded and exported only when an exporter is configured (WEBDPRO_OTEL_EXPORTER=console locally; in
AWS the ADOT collector with the X-Ray id generator/propagator, set in the task definition). With none, spans are
non-recording: they still carry trace ids into logs and across every hop, at a fraction of the cost per request.
WEBDPRO_OTEL_SAMPLE_RATIO (default 1.0) samples root traces when exporting.
"""

from __future__ import annotations

import contextlib
import os
import random
from collections.abc import Iterator, Mapping, MutableMapping

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

_propagator = TraceContextTextMapPropagator()
_random = random.Random()  # ids, not secrets: the SDK uses the same generator kind
_configured = False
_recording = False


def configure_tracing(service: str) -> None:
    global _configured, _recording
    if _configured:
        return
    exporting = os.environ.get("WEBDPRO_OTEL_EXPORTER") == "console"
    _recording = exporting
    ratio = float(os.environ.get("WEBDPRO_OTEL_SAMPLE_RATIO", "1.0")) if exporting else 0.0
    provider = TracerProvider(
        resource=Resource.create({"service.name": f"webdpro-{service}"}),
        sampler=ParentBased(TraceIdRatioBased(ratio)),
    )
    if exporting:
        provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
    trace.set_tracer_provider(provider)
    _configured = True


def tracer(name: str = "webdpro") -> trace.Tracer:
    return trace.get_tracer(name)


def inject_context(carrier: MutableMapping[str, str]) -> MutableMapping[str, str]:
    """Write the current trace context (traceparent/tracestate) into headers or message attributes."""
    _propagator.inject(carrier)
    return carrier


def extract_context(carrier: Mapping[str, str]) -> otel_context.Context:
    return _propagator.extract(carrier)


def current_traceparent() -> str | None:
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    return carrier.get("traceparent")


@contextlib.contextmanager
def server_span(name: str, carrier: Mapping[str, str]) -> Iterator[trace.Span]:
    """The span of one request, continuing the caller's trace when `carrier` has a traceparent.

    When nothing records spans, a bare non-recording span (new ids, or the caller's trace id) is made directly:
    the same trace context reaches logs and outgoing hops without the SDK's per-span machinery on the hot path.
    """
    parent = extract_context(carrier) if carrier else None
    if _recording:
        with tracer("webdpro.http").start_as_current_span(
            name, context=parent, kind=trace.SpanKind.SERVER
        ) as span:
            yield span
        return
    caller = trace.get_current_span(parent).get_span_context() if parent is not None else None
    trace_id = caller.trace_id if caller is not None and caller.is_valid else _random.getrandbits(128)
    span = trace.NonRecordingSpan(trace.SpanContext(trace_id, _random.getrandbits(64), is_remote=False))
    token = otel_context.attach(trace.set_span_in_context(span, parent))
    try:
        yield span
    finally:
        otel_context.detach(token)


@contextlib.contextmanager
def continue_trace(traceparent: str | None, name: str) -> Iterator[trace.Span | None]:
    """Continue the trace stored on an entity: inside, the current span is a child of `traceparent` (so
    `current_traceparent()` and every event made here carry the entity's trace id). The span it interrupts (the
    request's own) is recorded as a link when spans are recorded. No traceparent, or an invalid one: nothing
    changes and None is yielded.
    """
    parent = extract_context({"traceparent": traceparent}) if traceparent else None
    stored = trace.get_current_span(parent).get_span_context() if parent is not None else None
    if stored is None or not stored.is_valid:
        yield None
        return
    current = trace.get_current_span().get_span_context()
    if current.trace_id == stored.trace_id:  # already in the entity's trace (a consumer of its event)
        yield trace.get_current_span()
        return
    if _recording:
        links = [trace.Link(current)] if current.is_valid else None
        with tracer("webdpro.entity").start_as_current_span(name, context=parent, links=links) as span:
            yield span
        return
    span = trace.NonRecordingSpan(
        trace.SpanContext(
            stored.trace_id, _random.getrandbits(64), is_remote=False, trace_flags=stored.trace_flags
        )
    )
    token = otel_context.attach(trace.set_span_in_context(span, parent))
    try:
        yield span
    finally:
        otel_context.detach(token)
