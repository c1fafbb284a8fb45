"""Serving a service's app with granian (one process, the event loop on uvloop where available)."""

from __future__ import annotations

import os

from granian import Granian
from granian.constants import Interfaces


def serve(target: str, *, default_port: int) -> None:
    """`target` is the import path of the app factory, e.g. "auth.main:create_app"."""
    Granian(
        target,
        factory=True,
        address=os.environ.get("WEBDPRO_HOST", "127.0.0.1"),
        port=int(os.environ.get("WEBDPRO_PORT", default_port)),
        interface=Interfaces.ASGI,
        workers=int(os.environ.get("WEBDPRO_WORKERS", "1")),
        log_access=False,
        backlog=2048,
    ).serve()
