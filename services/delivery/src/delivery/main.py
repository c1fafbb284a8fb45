"""Process entry points: `webdpro-delivery` serves the app; granian imports `create_app` as a factory."""

from __future__ import annotations

from litestar import Litestar

from webdpro_http.serve import serve


def create_app() -> Litestar:
    from delivery.bootstrap import build_app

    return build_app()


def run() -> None:
    serve("delivery.main:create_app", default_port=8106)
