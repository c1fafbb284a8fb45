"""Process entry points: `webdpro-admin` serves the app; granian imports `create_app` as a factory."""

from __future__ import annotations

from litestar import Litestar

from webdpro_http.serve import serve


def create_app() -> Litestar:
    from admin.bootstrap import build_app

    return build_app()


def run() -> None:
    serve("admin.main:create_app", default_port=8107)
