"""structlog set up once per process: JSON lines carrying service, trace and request ids.

Request-scoped fields (request_id, tenant_id) are bound with structlog.contextvars by the HTTP middleware and the
event consumer; trace/span ids are read from the current OpenTelemetry span on every line.
"""

from __future__ import annotations

import contextvars
import logging
import sys

import structlog
from opentelemetry import trace

# The request id of the request being served: one ContextVar set per request (cheaper than binding structlog
# context variables on the hot path), added to every line by `_add_request_id`.
REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def _add_request_id(_logger, _name, event_dict):
    request_id = REQUEST_ID.get()
    if request_id is not None:
        event_dict.setdefault("request_id", request_id)
    return event_dict


def _add_trace_ids(_logger, _name, event_dict):
    ctx = trace.get_current_span().get_span_context()
    if ctx.is_valid:
        event_dict.setdefault("trace_id", format(ctx.trace_id, "032x"))
        event_dict.setdefault("span_id", format(ctx.span_id, "016x"))
    return event_dict


def configure_logging(service: str, level: str = "INFO", json: bool = True) -> None:
    lvl = logging.getLevelName(level.upper())
    if not isinstance(lvl, int):
        lvl = logging.INFO
    renderer = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            _add_request_id,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _add_trace_ids,
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(lvl),
        logger_factory=structlog.WriteLoggerFactory(file=sys.stdout),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.bind_contextvars(service=service)
    # Libraries that log through stdlib logging (botocore, granian) stay quiet unless they warn.
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    for noisy in (
        "httpx",
        "httpcore",
        "botocore",
        "aiobotocore",
    ):  # one INFO line per outbound call otherwise
        logging.getLogger(noisy).setLevel(max(lvl, logging.WARNING))


def get_logger(name: str | None = None):
    return structlog.get_logger(name)
