"""continue_trace: a later action on an entity runs in the trace stored on it."""

from webdpro_events import new_event
from webdpro_observability import continue_trace, current_traceparent, server_span

STORED = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
STORED_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


def _trace_id(traceparent: str | None) -> str | None:
    return traceparent.split("-")[1] if traceparent else None


def test_inside_it_the_current_trace_is_the_stored_one_and_events_carry_it():
    with server_span("POST /api/orders/accept", {}):  # the new request: a trace of its own
        request_trace = _trace_id(current_traceparent())
        assert request_trace is not None and request_trace != STORED_TRACE_ID
        with continue_trace(STORED, "order.accept"):
            inside = current_traceparent()
            event = new_event("order.accepted", {"order_id": "ord_1"}, tenant_id="t1", source="orders")
        after = current_traceparent()
    assert _trace_id(inside) == STORED_TRACE_ID
    assert inside != STORED  # a span of its own (new span id) whose parent is the stored one
    assert _trace_id(event.trace) == STORED_TRACE_ID
    assert _trace_id(after) == request_trace  # the request's trace is back once the action ends


def test_without_a_stored_trace_nothing_changes():
    with server_span("GET /x", {}):
        before = current_traceparent()
        for missing in (None, "", "not-a-traceparent", "00-" + "0" * 32 + "-" + "0" * 16 + "-01"):
            with continue_trace(missing, "order.accept") as span:
                assert span is None
                assert current_traceparent() == before
                event = new_event("order.accepted", {}, tenant_id="t1", source="orders")
            assert event.trace == before


def test_outside_any_request_the_stored_trace_is_still_continued():
    assert current_traceparent() is None
    with continue_trace(STORED, "sweeper.expire"):
        assert _trace_id(current_traceparent()) == STORED_TRACE_ID
    assert current_traceparent() is None


def test_when_spans_are_recorded_the_action_is_a_child_of_the_stored_span_linked_to_the_request(monkeypatch):
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from webdpro_observability import tracing

    exporter = InMemorySpanExporter()
    provider = TracerProvider()  # local: the process-wide provider is left alone
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(tracing, "_recording", True)
    monkeypatch.setattr(tracing, "tracer", lambda name="webdpro": provider.get_tracer(name))

    with server_span("POST /api/payments/verify", {}) as request:
        with continue_trace(STORED, "payment.capture"):
            assert _trace_id(current_traceparent()) == STORED_TRACE_ID
    spans = {s.name: s for s in exporter.get_finished_spans()}
    action = spans["payment.capture"]
    assert format(action.context.trace_id, "032x") == STORED_TRACE_ID
    assert format(action.parent.span_id, "016x") == "00f067aa0ba902b7"
    assert [link.context.span_id for link in action.links] == [request.get_span_context().span_id]
