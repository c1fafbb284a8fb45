"""The live edge: `GET|HEAD /api/sitegen/edge/{path}` serves the published store whose host is in
`X-Forwarded-Host` (the local gateway) or `x-webdpro-host` (CloudFront's edge function). Public and
unauthenticated; the rules are in sitegen.service.edge."""

from __future__ import annotations

from litestar import Controller, Request, Response, route
from litestar.enums import HttpMethod

from sitegen.entrypoints.http.preview import site_headers
from sitegen.service.deps import Deps
from sitegen.service.edge import LiveEdge


class EdgeController(Controller):
    tags = ["edge"]

    @route(
        ["/edge", "/edge/{file_path:path}"],
        http_method=[HttpMethod.GET, HttpMethod.HEAD],
        include_in_schema=False,
    )
    async def edge(
        self, request: Request, deps: Deps, edge: LiveEdge, file_path: str = "/"
    ) -> Response[bytes]:
        h = request.headers
        reply = await edge.serve(
            h.get("x-webdpro-host") or h.get("x-forwarded-host") or h.get("host"),
            file_path,
            accept_encoding=h.get("accept-encoding"),
            if_none_match=h.get("if-none-match"),
        )
        headers = site_headers(
            reply.content_type, cache=reply.cache, checkout_js_url=deps.settings.checkout_js_url
        )
        headers.update(reply.headers)
        body = b"" if request.method == HttpMethod.HEAD else reply.body
        if request.method == HttpMethod.HEAD and reply.status != 304:
            headers["Content-Length"] = str(len(reply.body))
        return Response(body, status_code=reply.status, media_type=reply.content_type, headers=headers)
