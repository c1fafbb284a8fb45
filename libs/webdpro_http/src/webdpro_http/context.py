"""Per-request context as raw ASGI middleware (cheap on the hot path): the request id, a server span that
continues the caller's W3C trace, and the request id on every log line of the request."""

from __future__ import annotations

import secrets

from webdpro_observability import REQUEST_ID, server_span


class RequestContextMiddleware:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_id = b""
        carrier: dict[str, str] = {}
        for key, value in scope["headers"]:  # only the three headers we need, not a dict of all of them
            if key == b"x-request-id":
                raw_id = value[:128]
            elif key in (b"traceparent", b"tracestate"):
                carrier[key.decode()] = value.decode("latin-1")
        if not raw_id:
            raw_id = b"req_" + secrets.token_hex(12).encode()
        token = REQUEST_ID.set(raw_id.decode("latin-1"))
        try:
            with server_span(f"{scope['method']} {scope['path']}", carrier) as span:

                async def send_with_id(message) -> None:
                    if message["type"] == "http.response.start":
                        message["headers"] = [*message.get("headers", ()), (b"x-request-id", raw_id)]
                        if span.is_recording():
                            span.set_attribute("http.status_code", message["status"])
                    await send(message)

                await self.app(scope, receive, send_with_id)
        finally:
            REQUEST_ID.reset(token)
