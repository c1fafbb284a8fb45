"""Per-request context as raw ASGI middleware (cheap on the hot path): the request id, a server span that
continues the caller's W3C trace, and structlog context variables for every log line of the request."""

from __future__ import annotations

import structlog
from opentelemetry import trace
from opentelemetry.trace import SpanKind

from webdpro_core import ids
from webdpro_observability import extract_context, tracer


class RequestContextMiddleware:
    def __init__(self, app) -> None:
        self.app = app
        self._tracer = tracer("webdpro.http")

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        request_id = headers.get("x-request-id") or ids.new_id("req")
        parent = extract_context(headers) if "traceparent" in headers else None
        raw_id = request_id.encode("latin-1")
        span_name = f"{scope['method']} {scope['path']}"
        with (
            structlog.contextvars.bound_contextvars(request_id=request_id),
            self._tracer.start_as_current_span(span_name, context=parent, kind=SpanKind.SERVER) as span,
        ):

            async def send_with_id(message) -> None:
                if message["type"] == "http.response.start":
                    message.setdefault("headers", [])
                    message["headers"] = [*message["headers"], (b"x-request-id", raw_id)]
                    span.set_attribute("http.status_code", message["status"])
                await send(message)

            await self.app(scope, receive, send_with_id)


def current_trace_id() -> str | None:
    ctx = trace.get_current_span().get_span_context()
    return format(ctx.trace_id, "032x") if ctx.is_valid else None
