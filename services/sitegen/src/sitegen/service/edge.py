"""Live serving by host: what CloudFront + S3 + the edge function do in AWS, as one in-process use case.

A request names its store by host (`X-Forwarded-Host` from the gateway, `x-webdpro-host` from CloudFront's edge
function). The host → release map (adapters/hosts.py) says which release of which store the host serves:

- LIVE → the file from release `version`; "/" is index.html, "/about" is about.html. A miss under `assets/` is
  looked up in `previous_version` (a page of the old release loaded just before a blue-green switch still gets
  its hashed assets); any other miss is the release's own 404.html with 404.
- SUSPENDED → "This store is unavailable" with 503 (no Retry-After: nobody knows when; never cached).
- unknown / RESERVED / OFFLINE → the platform's "No store here" with 404.

Headers: hashed assets (`assets/` files whose name has a `.<8+ hex>.` segment) are immutable for a year; HTML is
short-lived (60 s, must revalidate) with an ETag (release version + path) answered by 304 on If-None-Match; other
files (sitemap.xml, robots.txt, favicon, unhashed assets) live 300 s. Text is gzip-compressed when the client
accepts it (`Vary: Accept-Encoding`); brotli is not offered because no brotli library is installed.

Two in-process caches keep the hot path free of AWS calls:
- HostCache: host → map entry for `host_ttl` seconds (1 s: a switch is visible within a second), negative
  answers too, one lookup in flight per host, bounded in entries.
- FileCache: (store, version, path) → bytes, precompressed once, LRU bounded by total bytes. Releases are
  immutable, so an entry (or a remembered miss) is never stale.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

SAFE_PATH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,200}$")
_HASHED_NAME = re.compile(r"\.[0-9a-f]{8,}\.")
_HOST = re.compile(
    r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)

HASHED_CACHE = "public, max-age=31536000, immutable"
HTML_CACHE = "public, max-age=60, must-revalidate"
OTHER_CACHE = "public, max-age=300"
NO_STORE = "no-store"

_COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")
_MIN_GZIP = 256  # bytes; below this the gzip header costs more than it saves


# --- pure rules -----------------------------------------------------------------------------------------------


def normalize_host(raw: str | None) -> str | None:
    """`Curam.LocalHost:8080` → `curam.localhost`; the first of a comma list; None when it is no host name."""
    if not raw:
        return None
    host = raw.split(",", 1)[0].strip().lower()
    if host.startswith("["):  # an IPv6 literal is never a store
        return None
    host = host.split(":", 1)[0].rstrip(".")
    return host if _HOST.match(host) else None


def resolve_path(raw: str) -> str | None:
    """The release file a URL path names: "" or "/" → index.html, "dir/" → dir/index.html; None when unsafe."""
    path = raw.strip("/") if raw.strip("/") else "index.html"
    if raw.endswith("/") and path != "index.html":
        path += "/index.html"
    if not SAFE_PATH.match(path) or ".." in path or "//" in path:
        return None
    return path


def html_fallback(path: str) -> str | None:
    """ "about" → "about.html" (pretty URLs); None when the last segment already has an extension."""
    return None if "." in path.rsplit("/", 1)[-1] else path + ".html"


def is_hashed_asset(path: str) -> bool:
    return path.startswith("assets/") and bool(_HASHED_NAME.search(path.rsplit("/", 1)[-1]))


def cache_control(path: str, content_type: str) -> str:
    if is_hashed_asset(path):
        return HASHED_CACHE
    if content_type.startswith("text/html"):
        return HTML_CACHE
    return OTHER_CACHE


def make_etag(store_id: str, version: int, path: str) -> str:
    digest = hashlib.blake2s(f"{store_id}/{path}".encode(), digest_size=6).hexdigest()
    return f'"v{version}-{digest}"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 weak comparison; the gzip variant's tag (`…-gz"`) matches its identity twin."""
    if not if_none_match:
        return False
    base = etag.strip('"')
    for tag in if_none_match.split(","):
        tag = tag.strip()
        if tag == "*":
            return True
        tag = tag.removeprefix("W/").strip('"').removesuffix("-gz")
        if tag == base:
            return True
    return False


def accepts_gzip(accept_encoding: str | None) -> bool:
    if not accept_encoding:
        return False
    star = False
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        if name.strip() == "gzip":
            return q > 0
        if name.strip() == "*":
            star = q > 0
    return star


def compressible(content_type: str) -> bool:
    return content_type.startswith(_COMPRESSIBLE)


# --- caches ---------------------------------------------------------------------------------------------------


class HostCache:
    """host → HostMap entry (or None) for `ttl` seconds; at most one lookup in flight per host."""

    def __init__(
        self,
        lookup: Callable[[str], Awaitable[dict[str, Any] | None]],
        *,
        ttl: float = 1.0,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lookup = lookup
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, dict[str, Any] | None]] = OrderedDict()
        self._inflight: dict[str, asyncio.Future] = {}

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, host: str) -> dict[str, Any] | None:
        now = self._clock()
        hit = self._entries.get(host)
        if hit is not None and hit[0] > now:
            return hit[1]
        pending = self._inflight.get(host)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._inflight[host] = future
        try:
            entry = await self._lookup(host)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it, nobody else needs to
            raise
        finally:
            self._inflight.pop(host, None)
        self._store(host, entry)
        future.set_result(entry)
        return entry

    def _store(self, host: str, entry: dict[str, Any] | None) -> None:
        self._entries[host] = (self._clock() + self.ttl, entry)
        self._entries.move_to_end(host)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)


@dataclass(frozen=True, slots=True)
class CachedFile:
    body: bytes
    content_type: str
    etag: str
    gzipped: bytes | None = None  # None: not worth compressing

    @property
    def size(self) -> int:
        return len(self.body) + (len(self.gzipped) if self.gzipped is not None else 0) + 200


_MISS_SIZE = 100  # what a remembered miss is charged against the budget


def prepare(store_id: str, version: int, path: str, body: bytes, content_type: str) -> CachedFile:
    gzipped = None
    if compressible(content_type) and len(body) >= _MIN_GZIP:
        packed = gzip.compress(body, compresslevel=9, mtime=0)
        if len(packed) < len(body):
            gzipped = packed
    return CachedFile(body, content_type, make_etag(store_id, version, path), gzipped)


@dataclass
class FileCache:
    """(store, version, path) → CachedFile, or a remembered miss (False); LRU bounded by total bytes."""

    max_bytes: int = 64 * 1024 * 1024
    max_file_bytes: int = 8 * 1024 * 1024  # a bigger file is served but not kept
    _items: OrderedDict[tuple[str, int, str], CachedFile | bool] = field(default_factory=OrderedDict)
    bytes: int = 0

    def get(self, key: tuple[str, int, str]) -> CachedFile | bool | None:
        """The file, False for a known miss, None when not cached."""
        item = self._items.get(key)
        if item is not None:
            self._items.move_to_end(key)
        return item

    def put(self, key: tuple[str, int, str], item: CachedFile | bool) -> None:
        size = item.size if isinstance(item, CachedFile) else _MISS_SIZE
        if size > self.max_file_bytes:
            return
        old = self._items.pop(key, None)
        if old is not None:
            self.bytes -= old.size if isinstance(old, CachedFile) else _MISS_SIZE
        self._items[key] = item
        self.bytes += size
        while self.bytes > self.max_bytes and self._items:
            _, dropped = self._items.popitem(last=False)
            self.bytes -= dropped.size if isinstance(dropped, CachedFile) else _MISS_SIZE

    def __len__(self) -> int:
        return len(self._items)


# --- the use case ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EdgeReply:
    status: int
    body: bytes
    content_type: str
    cache: str
    headers: dict[str, str]
    is_site_page: bool  # the store's own bytes (gets the site CSP); False: a platform page


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;margin:0;min-height:100vh;display:grid;place-items:center;
background:#f7f7f5;color:#222}}main{{max-width:32rem;padding:2rem;text-align:center}}
h1{{font-size:1.6rem;margin:0 0 .75rem}}p{{line-height:1.5;color:#555}}</style></head>
<body><main><h1>{title}</h1><p>{text}</p></main></body></html>
"""

NO_STORE_PAGE = _PAGE.format(
    title="No store here",
    text="There is no store at this address. Check the link, or ask the shop for its address.",
).encode()
UNAVAILABLE_PAGE = _PAGE.format(
    title="This store is unavailable",
    text="This store is not taking visitors right now. Please come back later. "
    "If you run this store, sign in to your WebdPro dashboard to see why.",
).encode()
_HTML = "text/html; charset=utf-8"


def platform_page(status: int, body: bytes) -> EdgeReply:
    return EdgeReply(status, body, _HTML, NO_STORE, {}, is_site_page=False)


class LiveEdge:
    """Serves a published store's release by host. `hosts` is the HostMap, `storage` the SiteStorage."""

    def __init__(
        self,
        hosts: Any,
        storage: Any,
        *,
        host_ttl: float = 1.0,
        cache_bytes: int = 64 * 1024 * 1024,
    ) -> None:
        self.storage = storage
        self.host_cache = HostCache(hosts.get, ttl=host_ttl)
        self.files = FileCache(max_bytes=cache_bytes)
        self._loading: dict[tuple[str, int, str], asyncio.Future] = {}

    async def file(self, store_id: str, version: int, path: str) -> CachedFile | None:
        key = (store_id, version, path)
        item = self.files.get(key)
        if item is None:
            pending = self._loading.get(key)
            if pending is not None:
                item = await asyncio.shield(pending)
            else:
                future: asyncio.Future = asyncio.get_running_loop().create_future()
                self._loading[key] = future
                try:
                    found = await self.storage.read_release_file(store_id, version, path)
                    item = prepare(store_id, version, path, *found) if found is not None else False
                except BaseException as exc:
                    future.set_exception(exc)
                    future.exception()
                    raise
                finally:
                    self._loading.pop(key, None)
                self.files.put(key, item)
                future.set_result(item)
        return item if isinstance(item, CachedFile) else None

    async def serve(
        self,
        host: str | None,
        url_path: str,
        *,
        accept_encoding: str | None = None,
        if_none_match: str | None = None,
    ) -> EdgeReply:
        name = normalize_host(host)
        entry = await self.host_cache.get(name) if name else None
        status = entry.get("status") if entry else None
        if status == "SUSPENDED":
            return platform_page(503, UNAVAILABLE_PAGE)
        if status != "LIVE" or entry is None or entry.get("version") is None:
            return platform_page(404, NO_STORE_PAGE)
        store_id, version = str(entry["store_id"]), int(entry["version"])
        path = resolve_path(url_path)
        found = None
        if path is not None:
            found = await self.file(store_id, version, path)
            if found is None and (pretty := html_fallback(path)) is not None:
                found = await self.file(store_id, version, pretty)
            previous = entry.get("previous_version")
            if found is None and path.startswith("assets/") and previous is not None:
                found = await self.file(store_id, int(previous), path)
        if found is None:
            missing = await self.file(store_id, version, "404.html")
            if missing is None:
                return platform_page(404, NO_STORE_PAGE.replace(b"No store here", b"No such page"))
            return self._reply(404, missing, HTML_CACHE, accept_encoding, None)
        assert path is not None
        return self._reply(
            200, found, cache_control(path, found.content_type), accept_encoding, if_none_match
        )

    @staticmethod
    def _reply(
        status: int,
        item: CachedFile,
        cache: str,
        accept_encoding: str | None,
        if_none_match: str | None,
    ) -> EdgeReply:
        headers = {"Vary": "Accept-Encoding"}
        use_gzip = item.gzipped is not None and accepts_gzip(accept_encoding)
        if status == 200:
            headers["ETag"] = item.etag[:-1] + '-gz"' if use_gzip else item.etag
            if etag_matches(if_none_match, item.etag):
                return EdgeReply(304, b"", item.content_type, cache, headers, is_site_page=True)
        if use_gzip:
            headers["Content-Encoding"] = "gzip"
            return EdgeReply(status, item.gzipped or b"", item.content_type, cache, headers, True)
        return EdgeReply(status, item.body, item.content_type, cache, headers, is_site_page=True)
