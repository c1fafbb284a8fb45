"""The live edge's rules without I/O: host and path normalisation, cache headers, hashed assets, ETags,
Accept-Encoding, and the two in-process caches (fed by fakes)."""

from __future__ import annotations

import asyncio
import gzip

import pytest

from sitegen.service.edge import (
    HASHED_CACHE,
    HTML_CACHE,
    OTHER_CACHE,
    FileCache,
    HostCache,
    LiveEdge,
    accepts_gzip,
    cache_control,
    etag_matches,
    html_fallback,
    is_hashed_asset,
    make_etag,
    normalize_host,
    prepare,
    resolve_path,
)


@pytest.mark.parametrize(
    ("raw", "host"),
    [
        ("curam.localhost:8080", "curam.localhost"),
        ("Curam.LocalHost", "curam.localhost"),
        ("shop.example.in.", "shop.example.in"),
        ("curam.localhost, proxy.internal", "curam.localhost"),
        ("", None),
        (None, None),
        ("[::1]:8080", None),
        ("bad_host!", None),
        ("-leading.example", None),
    ],
)
def test_host_is_lowercased_without_port(raw, host):
    assert normalize_host(raw) == host


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        ("/", "index.html"),
        ("", "index.html"),
        ("about", "about"),
        ("/about/", "about/index.html"),
        ("assets/styles.3f2a9c1b.css", "assets/styles.3f2a9c1b.css"),
        ("../secret", None),
        ("assets/../../x", None),
        (".env", None),
        ("a//b", None),
        ("x" * 300, None),
        ("page%20one", None),
    ],
)
def test_paths_are_resolved_safely(raw, path):
    assert resolve_path(raw) == path


def test_pretty_urls_fall_back_to_html_only_without_an_extension():
    assert html_fallback("about") == "about.html"
    assert html_fallback("blog/post") == "blog/post.html"
    assert html_fallback("sitemap.xml") is None


@pytest.mark.parametrize(
    ("path", "hashed"),
    [
        ("assets/styles.3f2a9c1b.css", True),
        ("assets/app.0123456789abcdef.js", True),
        ("assets/img/hero.deadbeef.png", True),
        ("assets/styles.css", False),
        ("assets/app.3F2A9C1B.js", False),  # upper-case hex is not our hashing
        ("assets/app.3f2a9c1.js", False),  # 7 hex digits
        ("styles.3f2a9c1b.css", False),  # not under assets/
        ("about.html", False),
    ],
)
def test_hashed_assets(path, hashed):
    assert is_hashed_asset(path) is hashed


def test_cache_lifetimes():
    assert cache_control("assets/styles.3f2a9c1b.css", "text/css; charset=utf-8") == HASHED_CACHE
    assert "immutable" in HASHED_CACHE and "max-age=31536000" in HASHED_CACHE
    assert cache_control("index.html", "text/html; charset=utf-8") == HTML_CACHE
    assert "max-age=60" in HTML_CACHE and "must-revalidate" in HTML_CACHE
    for path, ctype in (
        ("sitemap.xml", "application/xml"),
        ("robots.txt", "text/plain"),
        ("assets/a.css", "text/css"),
    ):
        assert cache_control(path, ctype) == OTHER_CACHE == "public, max-age=300"


def test_etag_depends_on_version_and_path_and_matches_either_encoding():
    tag = make_etag("sto_1", 3, "index.html")
    assert tag != make_etag("sto_1", 4, "index.html") and tag != make_etag("sto_1", 3, "about.html")
    assert etag_matches(tag, tag)
    assert etag_matches(f"W/{tag}", tag)
    assert etag_matches(tag[:-1] + '-gz"', tag)
    assert etag_matches(f'"other", {tag}', tag)
    assert etag_matches("*", tag)
    assert not etag_matches(make_etag("sto_1", 4, "index.html"), tag)
    assert not etag_matches(None, tag)


@pytest.mark.parametrize(
    ("header", "ok"),
    [
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("gzip;q=0", False),
        ("identity", False),
        ("*", True),
        ("*;q=0", False),
        (None, False),
        ("GZIP", True),
    ],
)
def test_accept_encoding(header, ok):
    assert accepts_gzip(header) is ok


def test_text_is_precompressed_once_and_small_or_binary_files_are_not():
    big = prepare("s", 1, "index.html", b"<p>sabzi</p>" * 200, "text/html; charset=utf-8")
    assert big.gzipped is not None and gzip.decompress(big.gzipped) == big.body
    assert prepare("s", 1, "a.css", b"a{}", "text/css").gzipped is None
    assert prepare("s", 1, "a.png", b"\x89PNG" * 500, "image/png").gzipped is None


def test_file_cache_is_bounded_by_total_bytes_lru():
    cache = FileCache(max_bytes=3000)
    files = {n: prepare("s", 1, n, b"x" * 700, "image/png") for n in ("a", "b", "c", "d")}
    for name, item in files.items():
        cache.put(("s", 1, name), item)
        if name == "b":
            assert cache.get(("s", 1, "a")) is files["a"]  # touch a: b is now the oldest
    assert cache.bytes <= 3000
    assert cache.get(("s", 1, "b")) is None and cache.get(("s", 1, "a")) is files["a"]
    cache.put(("s", 1, "gone"), False)
    assert cache.get(("s", 1, "gone")) is False  # a remembered miss


class FakeHosts:
    def __init__(self, entries: dict) -> None:
        self.entries = entries
        self.calls = 0

    async def get(self, host: str):
        self.calls += 1
        await asyncio.sleep(0.001)
        return self.entries.get(host)


async def test_host_cache_keeps_answers_for_the_ttl_then_asks_again():
    now = [0.0]
    hosts = FakeHosts({"a.localhost": {"status": "LIVE"}})
    cache = HostCache(hosts.get, ttl=1.0, clock=lambda: now[0])
    results = await asyncio.gather(*(cache.get("a.localhost") for _ in range(20)))
    assert all(r == {"status": "LIVE"} for r in results) and hosts.calls == 1  # one lookup in flight
    assert await cache.get("nobody.localhost") is None and hosts.calls == 2
    assert await cache.get("nobody.localhost") is None and hosts.calls == 2  # misses are cached too
    hosts.entries["a.localhost"] = {"status": "SUSPENDED"}
    now[0] = 1.5
    assert await cache.get("a.localhost") == {"status": "SUSPENDED"}


async def test_host_cache_is_bounded():
    hosts = FakeHosts({})
    cache = HostCache(hosts.get, ttl=60, max_entries=5)
    for i in range(12):
        await cache.get(f"h{i}.localhost")
    assert len(cache) == 5


class FakeStorage:
    def __init__(self, releases: dict) -> None:
        self.releases = releases
        self.reads = 0

    async def read_release_file(self, store_id, version, path):
        self.reads += 1
        body = self.releases.get((store_id, version, path))
        return (
            None
            if body is None
            else (body, "text/html; charset=utf-8" if path.endswith(".html") else "text/css")
        )


def _edge(entry: dict | None, releases: dict) -> tuple[LiveEdge, FakeStorage]:
    storage = FakeStorage(releases)
    return LiveEdge(FakeHosts({"curam.localhost": entry} if entry else {}), storage), storage


async def test_live_edge_serves_from_memory_after_the_first_read():
    edge, storage = _edge(
        {"status": "LIVE", "store_id": "s", "version": 2}, {("s", 2, "index.html"): b"<h1>home</h1>"}
    )
    first = await edge.serve("curam.localhost:8080", "/")
    second = await edge.serve("curam.localhost", "")
    assert first.status == second.status == 200 and first.body == b"<h1>home</h1>"
    assert storage.reads == 1


async def test_live_edge_states_and_fallbacks():
    releases = {
        ("s", 2, "index.html"): b"home",
        ("s", 2, "about.html"): b"about",
        ("s", 2, "404.html"): b"missing",
        ("s", 1, "assets/app.aaaaaaaa.css"): b"old css",
    }
    edge, _ = _edge({"status": "LIVE", "store_id": "s", "version": 2, "previous_version": 1}, releases)
    assert (await edge.serve("curam.localhost", "about")).body == b"about"
    old = await edge.serve("curam.localhost", "assets/app.aaaaaaaa.css")
    assert old.status == 200 and old.body == b"old css" and old.cache == HASHED_CACHE
    nope = await edge.serve("curam.localhost", "nope")
    assert (nope.status, nope.body, nope.cache) == (404, b"missing", HTML_CACHE)
    assert (await edge.serve("curam.localhost", "../etc/passwd")).status == 404
    assert (await edge.serve("curam.localhost", "about.html")).body == b"about"
    # An old page's non-asset is never taken from the previous release.
    assert (await edge.serve("curam.localhost", "old.html")).status == 404

    for status, code in (("SUSPENDED", 503), ("RESERVED", 404), ("OFFLINE", 404)):
        edge, _ = _edge({"status": status, "store_id": "s", "version": 2}, releases)
        reply = await edge.serve("curam.localhost", "/")
        assert reply.status == code and reply.cache == "no-store" and not reply.is_site_page
    unknown, _ = _edge(None, releases)
    assert b"No store here" in (await unknown.serve("curam.localhost", "/")).body
