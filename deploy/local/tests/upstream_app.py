"""A tiny upstream service for the gateway tests (raw ASGI, served by granian in its own process).

Mounted like a real service under /api/svc/ (and as sitegen's edge, /api/sitegen/edge/…, an echo too): healthz,
an echo of what arrived, a slow event stream,
an /internal/ route that must never be reachable through the gateway, and a page with its own CSP.
"""

from __future__ import annotations

import asyncio
import json


async def _send(send, status, body: bytes, headers):
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            msg = await receive()
            if msg["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif msg["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    path = scope["path"]
    json_ct = [(b"content-type", b"application/json")]
    if path == "/api/svc/healthz":
        await _send(send, 200, b'{"status":"ok"}', json_ct)
    elif path.startswith(("/api/svc/echo", "/api/sitegen/edge")):  # the latter: a store page (host routing)
        body = b""
        while True:
            msg = await receive()
            body += msg.get("body", b"")
            if not msg.get("more_body"):
                break
        payload = {
            "method": scope["method"],
            "path": path,
            "raw_path": scope.get("raw_path", b"").decode("latin-1"),
            "query": scope["query_string"].decode("latin-1"),
            "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in scope["headers"]],
            "body": body.decode("latin-1"),
        }
        await _send(send, 201, json.dumps(payload).encode(), [*json_ct, (b"x-upstream", b"yes")])
    elif path == "/api/svc/sse":
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")],
            }
        )
        for i in range(3):
            await send(
                {
                    "type": "http.response.body",
                    "body": f"id: {i}\ndata: tick {i}\n\n".encode(),
                    "more_body": True,
                }
            )
            await asyncio.sleep(0.4)
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    elif path == "/api/svc/page":
        await _send(
            send,
            200,
            b"<p>hi</p>",
            [(b"content-type", b"text/html"), (b"content-security-policy", b"default-src 'self'")],
        )
    elif path.startswith("/api/svc/internal"):
        await _send(send, 200, b'{"secret":true}', json_ct)
    else:
        await _send(send, 404, b'{"status":404}', json_ct)
