"""The live edge through the sitegen app, against releases and host entries written with the repository classes
(as the publish saga writes them): pages by host, pretty URLs, the store's 404 page, gzip, 304, cache lifetimes,
the previous release's assets after a blue-green switch, suspended / offline / unknown hosts."""

from __future__ import annotations

import asyncio

import pytest

from sitegen.adapters.hosts import HostMap
from sitegen.adapters.storage import SiteStorage
from sitegen.settings import SitegenSettings
from webdpro_aws.clients import AwsClients
from webdpro_aws.dynamo import Table
from webdpro_aws.manifest import Names, load_manifest
from webdpro_core import ids
from webdpro_core.settings import load

pytestmark = pytest.mark.integration

EDGE = "/api/sitegen/edge"
CSS_V1 = "assets/styles.1111aaaa.css"
CSS_V2 = "assets/styles.2222bbbb.css"


def release(version: int, css: str) -> dict[str, bytes]:
    page = (
        f'<!doctype html><html><head><link rel="stylesheet" href="/{css}"></head>'
        f"<body><h1>Curam v{version}</h1>{'<p>Fresh sabzi daily, delivered in Andheri.</p>' * 40}</body></html>"
    )
    return {
        "index.html": page.encode(),
        "about.html": f"<h1>About Curam v{version}</h1>".encode(),
        "404.html": b"<h1>Curam: this page is not on our shelf</h1>",
        "sitemap.xml": b"<?xml version='1.0'?><urlset></urlset>",
        css: b"body{color:#14532d}" * 50,
    }


@pytest.fixture(scope="session")
async def aws(aws_emulator):
    settings = load(SitegenSettings)
    names = Names(load_manifest(settings.resource_manifest), settings.resource_prefix)
    clients = AwsClients(settings)
    table = Table(await clients.get("dynamodb"), names.table("sitegen"))
    yield HostMap(table), SiteStorage(clients, names.bucket("sites"))
    await clients.close()


@pytest.fixture
async def live(aws):
    """A store with release 1 live on a fresh host; returns (host, store_id, tenant_id)."""
    hosts, storage = aws
    store_id, tenant_id = ids.new_id("sto"), ids.new_id("tnt")
    host = f"{store_id.replace('_', '-')}.localhost"
    await storage.write_release(store_id, 1, release(1, CSS_V1))
    await hosts.claim(host, tenant_id=tenant_id, store_id=store_id, kind="subdomain", hold_seconds=600)
    await hosts.switch(host, store_id=store_id, from_version=None, to_version=1)
    return host, store_id, tenant_id


def on(host: str, **extra: str) -> dict[str, str]:
    return {"x-forwarded-host": f"{host}:8080", **extra}


async def test_pages_by_host_with_pretty_urls_and_cache_headers(client, live):
    host, _, _ = live
    home = await client.get(f"{EDGE}/", headers=on(host))
    assert home.status_code == 200 and "<h1>Curam v1</h1>" in home.text
    assert home.headers["content-type"].startswith("text/html")
    assert home.headers["cache-control"] == "public, max-age=60, must-revalidate"
    assert home.headers["etag"]
    assert "script-src 'self'" in home.headers["content-security-policy"]
    assert "x-robots-tag" not in home.headers  # live pages are indexable
    assert home.headers["vary"] == "Accept-Encoding"

    about = await client.get(f"{EDGE}/about", headers=on(host))
    assert about.status_code == 200 and about.text == "<h1>About Curam v1</h1>"
    assert (await client.get(f"{EDGE}/about.html", headers=on(host))).text == about.text

    css = await client.get(f"{EDGE}/{CSS_V1}", headers=on(host))
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert css.headers["cache-control"] == "public, max-age=31536000, immutable"
    sitemap = await client.get(f"{EDGE}/sitemap.xml", headers=on(host))
    assert sitemap.headers["cache-control"] == "public, max-age=300"

    # CloudFront's edge function names the host in x-webdpro-host.
    via_cdn = await client.get(f"{EDGE}/about", headers={"x-webdpro-host": host.upper()})
    assert via_cdn.text == about.text


async def test_unknown_pages_get_the_store_404_page(client, live):
    host, _, _ = live
    for path in ("/no-such-page", "/assets/app.99999999.js", "/..%2F..%2Fetc/passwd"):
        r = await client.get(f"{EDGE}{path}", headers=on(host))
        assert r.status_code == 404, path
        assert "not on our shelf" in r.text


async def test_gzip_when_accepted_and_304_on_if_none_match(client, live):
    host, _, _ = live
    plain = await client.get(f"{EDGE}/", headers=on(host, **{"accept-encoding": "identity"}))
    assert "content-encoding" not in plain.headers
    raw = await client.get(f"{EDGE}/", headers=on(host, **{"accept-encoding": "gzip, br"}))
    assert raw.headers["content-encoding"] == "gzip"
    # httpx decodes gzip itself: the body read equals the identity body, and the wire was smaller.
    assert raw.content == plain.content
    assert int(raw.headers["content-length"]) < len(plain.content)

    etag = plain.headers["etag"]
    again = await client.get(
        f"{EDGE}/", headers=on(host, **{"if-none-match": etag, "accept-encoding": "identity"})
    )
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag and again.headers["cache-control"].startswith("public")
    gz_tag = raw.headers["etag"]
    assert (await client.get(f"{EDGE}/", headers=on(host, **{"if-none-match": gz_tag}))).status_code == 304
    stale = await client.get(f"{EDGE}/", headers=on(host, **{"if-none-match": '"v0-000000000000"'}))
    assert stale.status_code == 200


async def test_head_answers_headers_only(client, live):
    host, _, _ = live
    r = await client.head(f"{EDGE}/about", headers=on(host))
    assert r.status_code == 200 and r.content == b""
    assert r.headers["etag"]


async def test_switch_shows_the_new_release_and_old_assets_stay_reachable(client, live, aws):
    host, store_id, _ = live
    hosts, storage = aws
    assert (await client.get(f"{EDGE}/{CSS_V1}", headers=on(host))).status_code == 200
    await storage.write_release(store_id, 2, release(2, CSS_V2))
    await hosts.switch(host, store_id=store_id, from_version=1, to_version=2)
    # The edge's host cache trusts an entry for at most a second.
    for _ in range(40):
        home = await client.get(f"{EDGE}/", headers=on(host))
        if "Curam v2" in home.text:
            break
        await asyncio.sleep(0.1)
    assert "<h1>Curam v2</h1>" in home.text and CSS_V2 in home.text
    assert (await client.get(f"{EDGE}/{CSS_V2}", headers=on(host))).status_code == 200
    # A page of release 1 loaded just before the switch still gets its stylesheet.
    old = await client.get(f"{EDGE}/{CSS_V1}", headers=on(host))
    assert old.status_code == 200 and old.headers["cache-control"].endswith("immutable")
    # Only assets come from the previous release.
    await storage.write_release(store_id, 3, {"index.html": b"v3", "404.html": b"gone in v3"})
    await hosts.switch(host, store_id=store_id, from_version=2, to_version=3)
    for _ in range(40):
        if (await client.get(f"{EDGE}/", headers=on(host))).text == "v3":
            break
        await asyncio.sleep(0.1)
    about = await client.get(f"{EDGE}/about", headers=on(host))
    assert about.status_code == 404 and about.text == "gone in v3"
    assert (await client.get(f"{EDGE}/{CSS_V1}", headers=on(host))).status_code == 404  # two releases back


async def test_suspended_offline_reserved_and_unknown_hosts(client, aws):
    hosts, storage = aws
    store_id, tenant_id = ids.new_id("sto"), ids.new_id("tnt")
    host = f"{store_id.replace('_', '-')}.localhost"
    reserved = await client.get(f"{EDGE}/", headers=on(host))
    assert reserved.status_code == 404 and "No store here" in reserved.text  # unknown
    await hosts.claim(host, tenant_id=tenant_id, store_id=store_id, kind="subdomain", hold_seconds=600)
    await storage.write_release(store_id, 1, release(1, CSS_V1))
    # RESERVED (claimed, not live yet): nothing to serve. A fresh host name skips the edge's 1-second cache.
    host2 = "r" + host
    await hosts.claim(host2, tenant_id=tenant_id, store_id=store_id, kind="subdomain", hold_seconds=600)
    r = await client.get(f"{EDGE}/", headers=on(host2))
    assert r.status_code == 404 and "No store here" in r.text and r.headers["cache-control"] == "no-store"

    host3 = "s" + host
    await hosts.claim(host3, tenant_id=tenant_id, store_id=store_id, kind="subdomain", hold_seconds=600)
    await hosts.switch(host3, store_id=store_id, from_version=None, to_version=1)
    await hosts.set_status(host3, store_id=store_id, status="SUSPENDED")
    r = await client.get(f"{EDGE}/about", headers=on(host3))
    assert r.status_code == 503 and "This store is unavailable" in r.text
    assert r.headers["cache-control"] == "no-store" and "retry-after" not in r.headers

    host4 = "o" + host
    await hosts.claim(host4, tenant_id=tenant_id, store_id=store_id, kind="subdomain", hold_seconds=600)
    await hosts.switch(host4, store_id=store_id, from_version=None, to_version=1)
    await hosts.set_status(host4, store_id=store_id, status="OFFLINE")
    r = await client.get(f"{EDGE}/", headers=on(host4))
    assert r.status_code == 404 and "No store here" in r.text

    missing = await client.get(f"{EDGE}/")  # no host header the edge knows
    assert missing.status_code == 404
