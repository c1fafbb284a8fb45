"""structlog JSON logs and OpenTelemetry spans whose context crosses HTTP and SNS/SQS hops."""

from webdpro_observability.logging import REQUEST_ID, configure_logging, get_logger
from webdpro_observability.tracing import (
    configure_tracing,
    continue_trace,
    current_traceparent,
    extract_context,
    inject_context,
    server_span,
    tracer,
)

__all__ = [
    "REQUEST_ID",
    "configure_logging",
    "configure_tracing",
    "continue_trace",
    "current_traceparent",
    "extract_context",
    "get_logger",
    "inject_context",
    "server_span",
    "tracer",
]
