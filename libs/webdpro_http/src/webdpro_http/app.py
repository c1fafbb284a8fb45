"""The app factory every service uses: routes under `/api/<service>`, OpenAPI at `/api/<service>/schema`,
`GET /api/<service>/healthz`, problem+json errors, request context, and a token verifier in app state."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from litestar import Litestar, Router, get
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin

from webdpro_http.auth import provide_caller
from webdpro_http.context import RequestContextMiddleware
from webdpro_http.problems import EXCEPTION_HANDLERS


@get("/healthz", include_in_schema=False, sync_to_thread=False)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


def create_app(
    *,
    service: str,
    route_handlers: Sequence[Any],
    lifespan: Sequence[Callable[[Litestar], AbstractAsyncContextManager]] = (),
    dependencies: dict[str, Provide] | None = None,
    state: dict[str, Any] | None = None,
    version: str = "0.1.0",
    request_max_body_size: int = 1_048_576,
) -> Litestar:
    from litestar.datastructures import State

    api = Router(path=f"/api/{service}", route_handlers=[healthz, *route_handlers])
    return Litestar(
        route_handlers=[api],
        lifespan=list(lifespan),
        dependencies={"caller": Provide(provide_caller), **(dependencies or {})},
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        middleware=[RequestContextMiddleware],
        openapi_config=OpenAPIConfig(
            title=f"WebdPro {service}",
            version=version,
            path=f"/api/{service}/schema",
            render_plugins=[JsonRenderPlugin()],
        ),
        state=State(state or {}),
        request_max_body_size=request_max_body_size,
        debug=False,
    )
