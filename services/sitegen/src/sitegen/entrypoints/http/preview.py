"""Public, unauthenticated reads: the draft preview (an unguessable, expiring link) and model-made images."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from litestar import Controller, Response, get

from sitegen.service.deps import Deps
from webdpro_core import clock
from webdpro_core.errors import NotFound

_SAFE_PATH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,200}$")
_NAME = re.compile(r"^[a-z0-9_-]{3,80}$")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def site_csp(checkout_js_url: str) -> str:
    """The page may run only our own script and Razorpay's checkout (the emulator's locally); model or merchant
    text can never add one."""
    checkout = _origin(checkout_js_url)
    return (
        "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; "
        f"script-src 'self' {checkout}; connect-src 'self' {checkout}; frame-src {checkout} https:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'"
    )


def site_headers(content_type: str, *, cache: str, checkout_js_url: str) -> dict[str, str]:
    headers = {"Cache-Control": cache, "X-Content-Type-Options": "nosniff"}
    if content_type.startswith("text/html"):
        headers["Content-Security-Policy"] = site_csp(checkout_js_url)
    return headers


class PreviewController(Controller):
    tags = ["preview"]

    @get(["/preview/{token:str}", "/preview/{token:str}/{file_path:path}"], include_in_schema=True)
    async def preview(self, token: str, deps: Deps, file_path: str = "/") -> Response[bytes]:
        link = await deps.repo.get_preview(token) if len(token) <= 64 else None
        if link is None or int(link["expires_at"]) <= clock.epoch():
            raise NotFound("This preview link does not exist or has expired", code="PREVIEW_NOT_FOUND")
        store = await deps.repo.get_store(link["tenant_id"], link["store_id"])
        if store is None or int(store.get("version", 0)) < 1:
            raise NotFound("This preview is not ready", code="PREVIEW_NOT_FOUND")
        path = file_path.strip("/") or "index.html"
        if path.endswith("/"):
            path += "index.html"
        if not _SAFE_PATH.match(path) or ".." in path:
            raise NotFound("No such page", code="PAGE_NOT_FOUND")
        found = await deps.storage.read_site_file(store["store_id"], int(store["version"]), path)
        if found is None and "." not in path.rsplit("/", 1)[-1]:
            found = await deps.storage.read_site_file(
                store["store_id"], int(store["version"]), path + ".html"
            )
        status = 200
        if found is None:
            found = await deps.storage.read_site_file(store["store_id"], int(store["version"]), "404.html")
            status = 404
            if found is None:
                raise NotFound("No such page", code="PAGE_NOT_FOUND")
        body, content_type = found
        headers = site_headers(
            content_type, cache="private, no-store", checkout_js_url=deps.settings.checkout_js_url
        )
        headers["X-Robots-Tag"] = "noindex"  # drafts are never indexed
        return Response(body, status_code=status, media_type=content_type, headers=headers)

    @get("/media/{store_id:str}/{name:str}")
    async def media(self, store_id: str, name: str, deps: Deps) -> Response[bytes]:
        stem = name.removesuffix(".png")
        if deps.media is None or not _NAME.match(store_id) or not _NAME.match(stem):
            raise NotFound("No such image", code="IMAGE_NOT_FOUND")
        found = await deps.media.read(store_id, stem)
        if found is None:
            raise NotFound("No such image", code="IMAGE_NOT_FOUND")
        return Response(
            found[0], media_type="image/png", headers={"Cache-Control": "public, max-age=31536000, immutable"}
        )
