# ruff: noqa: RUF001 -- the reference prompt uses the typographic dash merchants type
"""SEO audit of a live store (render_site(indexable=True) on its live URL) and the home page's weight budget.

Audited pages: home, a category, a product, about (indexable) and 404 (not). Per page: title (≤ 60), meta
description (≤ 160), canonical = the page's live URL, Open Graph (og:title, og:description, og:image, og:url =
canonical), lang, viewport, exactly one h1, every image with alt text and its size. Home carries JSON-LD
LocalBusiness, a product page JSON-LD Product whose offers are priced in INR. sitemap.xml lists every
indexable page on the live host; robots.txt allows crawling and names the sitemap. A draft is never indexable.

Page weight: a phone downloads HTML + CSS + JS of the home page (gzip, as the edge serves them) within
HOME_BUDGET_GZIP_BYTES (30 KB), and within HOME_BUDGET_BYTES (100 KB) uncompressed — sizes, not time.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from sitegen.domain.brief import extract_brief
from sitegen.domain.offline import generate_offline
from sitegen.site.render import (
    HOME_BUDGET_BYTES,
    HOME_BUDGET_GZIP_BYTES,
    home_page_weight,
    render_site,
)

LIVE = "http://curam.localhost:8080/"  # what the local platform serves; https://curam.webdpro.in/ on AWS
CURAM = "Curam – fresh vegetables, Mumbai, local delivery, cash + UPI, green theme"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: dict[str, list[str]] = {"title": [], "script": []}
        self.ld: list[dict] = []
        self._in: str | None = None
        self._ld = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag in ("title", "script"):
            self._in, self._ld = tag, a.get("type") == "application/ld+json"
            self.text[tag].append("")

    def handle_endtag(self, tag):
        if tag == self._in and tag == "script" and self._ld:
            self.ld.append(json.loads(self.text["script"][-1]))
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in:
            self.text[self._in][-1] += data

    @property
    def title(self) -> str:
        return self.text["title"][0] if self.text["title"] else ""

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]

    def meta(self, key: str, value: str) -> str | None:
        return next((a.get("content") for a in self.all("meta") if a.get(key) == value), None)

    def types(self) -> set[str]:
        out: set[str] = set()
        for ld in self.ld:
            t = ld.get("@type")
            out |= set(t) if isinstance(t, list) else {t}
        return out


def audit(data: bytes) -> Audit:
    a = Audit()
    a.feed(data.decode("utf-8"))
    a.close()
    return a


@pytest.fixture(scope="module")
def curam():
    spec = generate_offline(extract_brief(CURAM), store_id="sto_curam")
    return spec, render_site(spec, LIVE, "", indexable=True)


def _audited_pages(spec) -> dict[str, str]:
    """path → its live URL: home, a category, a product, about."""
    cat, product = spec.catalog.categories[0], spec.catalog.products[0]
    return {
        "index.html": LIVE,
        f"category/{cat.slug}.html": f"{LIVE}category/{cat.slug}.html",
        f"product/{product.slug}.html": f"{LIVE}product/{product.slug}.html",
        "about.html": f"{LIVE}about.html",
    }


def _common(path: str, page: Audit) -> None:
    assert page.all("html")[0].get("lang") == "en", path
    viewport = page.meta("name", "viewport") or ""
    assert "width=device-width" in viewport and "initial-scale=1" in viewport, path
    assert len(page.all("h1")) == 1, path
    assert 10 <= len(page.title.strip()) <= 60, (path, page.title)
    description = page.meta("name", "description") or ""
    assert (50 if path != "404.html" else 10) <= len(description) <= 160, (path, description)
    for img in page.all("img"):
        assert (img.get("alt") or "").strip(), (path, img)
        assert img.get("width") and img.get("height"), (path, img)


def test_live_pages_are_complete_for_search_and_sharing(curam) -> None:
    spec, files = curam
    for path, url in _audited_pages(spec).items():
        page = audit(files[path])
        _common(path, page)
        canonical = next(a.get("href") for a in page.all("link") if a.get("rel") == "canonical")
        assert canonical == url, path
        assert page.meta("name", "robots") == "index,follow", path
        assert page.meta("property", "og:url") == canonical
        assert page.meta("property", "og:title") == page.title
        assert page.meta("property", "og:description") == page.meta("name", "description")
        og_image = page.meta("property", "og:image") or ""
        assert og_image.startswith(("https://", LIVE)), (path, og_image)  # absolute: shared links show it
        if og_image.startswith(LIVE):
            assert og_image.removeprefix(LIVE) in files, og_image  # and it is really served
    home = audit(files["index.html"])
    assert "LocalBusiness" in home.types()
    business = next(ld for ld in home.ld if "LocalBusiness" in ld["@type"])
    assert business["name"] == "Curam" and business["url"] == LIVE and business["currenciesAccepted"] == "INR"

    product = spec.catalog.products[0]
    page = audit(files[f"product/{product.slug}.html"])
    ld = next(x for x in page.ld if x["@type"] == "Product")
    offers = ld["offers"] if isinstance(ld["offers"], list) else [ld["offers"]]
    price = f"{product.price_paise // 100}.{product.price_paise % 100:02d}"
    assert any(o["priceCurrency"] == "INR" and o["price"] == price for o in offers), offers
    assert ld["url"] == f"{LIVE}product/{product.slug}.html"


def test_404_page_is_not_indexed_and_links_home_absolutely(curam) -> None:
    _spec, files = curam
    page = audit(files["404.html"])
    _common("404.html", page)
    assert page.meta("name", "robots") == "noindex,nofollow"
    # served at any depth (/a/b/missing), so its links must be absolute
    assert any(a.get("href") == f"{LIVE}index.html" for a in page.all("a"))
    assert all(a["href"].startswith(LIVE) for a in page.all("link") if a.get("rel") == "stylesheet")


def test_sitemap_and_robots_name_the_live_host(curam) -> None:
    spec, files = curam
    locs = [e.text for e in ET.fromstring(files["sitemap.xml"]).iter(f"{SITEMAP_NS}loc")]
    assert set(_audited_pages(spec).values()) <= set(locs)
    assert len(locs) == 2 + len(spec.catalog.categories) + len(spec.catalog.products)
    assert all(loc.startswith(LIVE) for loc in locs)
    assert not any(loc.endswith(("cart.html", "track.html", "404.html")) for loc in locs)
    robots = files["robots.txt"].decode().splitlines()
    assert "User-agent: *" in robots and "Allow: /" in robots and "Disallow: /" not in robots
    assert f"Sitemap: {LIVE}sitemap.xml" in robots


def test_a_draft_is_never_indexable() -> None:
    spec = generate_offline(extract_brief(CURAM), store_id="sto_curam")
    files = render_site(spec, LIVE, "", indexable=False)
    assert files["robots.txt"].decode().splitlines() == ["User-agent: *", "Disallow: /"]
    for path in _audited_pages(spec):
        assert audit(files[path]).meta("name", "robots") == "noindex,nofollow", path


@pytest.mark.parametrize(
    "prompt",
    [
        CURAM,
        "Biryani House - Hyderabad, biryani and kebabs, takeaway and home delivery, cash",
        "Threads of India - handloom sarees and kurtis, pan india shipping, maroon colour",
        "राम ब्यूटी पार्लर - जयपुर, हेयरकट और फ़ेशियल",
    ],
)
def test_home_page_weight_stays_within_budget(prompt: str) -> None:
    files = render_site(generate_offline(extract_brief(prompt)), LIVE, "", indexable=True)
    raw, gz = home_page_weight(files), home_page_weight(files, gzipped=True)
    assert gz <= HOME_BUDGET_GZIP_BYTES, gz
    assert raw <= HOME_BUDGET_BYTES, raw
    assert gz < raw  # it really was compressed (the edge serves it gzip)
