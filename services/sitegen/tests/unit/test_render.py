# ruff: noqa: RUF001 -- the reference prompts use the typographic dash merchants type
"""Every rendered page is parsed: SEO elements, JSON-LD, alt text, and no injected script anywhere."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import msgspec
import pytest

from sitegen.domain.brief import extract_brief
from sitegen.domain.offline import generate_offline
from sitegen.domain.spec import SECTORS, Contact, LText, SiteSpec
from sitegen.site.render import (
    HOME_BUDGET_BYTES,
    HOME_BUDGET_GZIP_BYTES,
    home_page_weight,
    inr,
    render_site,
    shared_assets,
)
from webdpro_core.errors import ValidationProblem

BASE = "https://curam.webdpro.in/"
APP_SRC = re.compile(r"(^|/)assets/app\.[0-9a-f]{10}\.js$")
CURAM = "Curam – fresh vegetables, Mumbai, local delivery, cash + UPI, green theme"
SECTOR_PROMPTS = {
    "grocery": CURAM,
    "restaurant": "Biryani House - Hyderabad, biryani and kebabs, takeaway and home delivery, cash",
    "bakery": "Sweet Crumbs bakery, Pune, cakes and cookies, ₹50-1500",
    "clinic": "Dr. Mehta Dental Clinic - Andheri West, Mumbai, appointments, blue theme",
    "pharmacy": "Apna Dawakhana – herbal medicines pharmacy in Lucknow, cash on delivery",
    "fashion": "Threads of India - handloom sarees and kurtis, pan india shipping, maroon colour",
    "electronics": "TechZone - mobile accessories, chargers, earphones, Bengaluru, card and UPI",
    "salon": "राम ब्यूटी पार्लर - जयपुर, हेयरकट और फ़ेशियल",
}


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.title = ""
        self.lang: str | None = None
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in: str | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "html":
            self.lang = a.get("lang")
        if tag in ("title", "script"):
            self._in, self._buf = tag, []
            self._attrs = a

    def handle_endtag(self, tag):
        if tag == self._in:
            text = "".join(self._buf)
            if tag == "title":
                self.title = text
            else:
                self.scripts.append((self._attrs, text))
            self._in = None

    def handle_data(self, data):
        if self._in:
            self._buf.append(data)

    def meta(self, **match: str) -> str | None:
        for tag, a in self.tags:
            if tag == "meta" and all(a.get(k) == v for k, v in match.items()):
                return a.get("content")
        return None

    def link(self, rel: str) -> str | None:
        return next((a.get("href") for t, a in self.tags if t == "link" and a.get("rel") == rel), None)

    def json_ld(self) -> list[dict]:
        return [json.loads(body) for a, body in self.scripts if a.get("type") == "application/ld+json"]


def parse(data: bytes) -> Page:
    p = Page()
    p.feed(data.decode("utf-8"))
    p.close()
    return p


def _types(ld: dict) -> set[str]:
    t = ld.get("@type")
    return set(t) if isinstance(t, list) else {t}


def assert_page_is_safe(path: str, page: Page) -> None:
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            assert not name.lower().startswith("on"), f"{path}: event handler attribute {name}"
            if value and name in ("href", "src", "action", "content", "formaction"):
                assert "javascript:" not in value.lower(), f"{path}: {name}={value}"
        assert tag not in ("iframe", "object", "embed", "base", "form") or (
            tag == "form" and "action" not in attrs
        )
    for attrs, body in page.scripts:
        if attrs.get("type") == "application/ld+json":
            assert "src" not in attrs
            json.loads(body)
        else:
            assert APP_SRC.search(attrs.get("src", "")) and not body.strip(), f"{path}: stray script"


def check_site(spec: SiteSpec, files: dict[str, bytes], base: str = BASE) -> None:
    html_pages = {k: v for k, v in files.items() if k.endswith(".html")}
    expected = {"index.html", "cart.html", "track.html", "about.html", "404.html"}
    expected |= {f"category/{c.slug}.html" for c in spec.catalog.categories}
    expected |= {f"product/{p.slug}.html" for p in spec.catalog.products}
    assert set(html_pages) == expected
    lang = spec.brief.languages[0]
    for path, data in html_pages.items():
        page = parse(data)
        assert page.lang == lang, path
        assert page.title.strip() and len(page.title) <= 60, (path, page.title)
        desc = page.meta(name="description")
        assert desc and len(desc) <= 160, path
        canonical = page.link("canonical")
        assert canonical and canonical.startswith(base), path
        assert page.meta(property="og:title") == page.title, path
        assert page.meta(property="og:description") == desc
        assert page.meta(property="og:url") == canonical
        lds = page.json_ld()
        assert lds, path
        for ld in lds:
            assert ld["@context"] == "https://schema.org"
        types = set().union(*(_types(ld) for ld in lds))
        if path == "index.html":
            assert {"LocalBusiness"} <= types and "WebSite" in types
            business = next(ld for ld in lds if "LocalBusiness" in _types(ld))
            assert business["currenciesAccepted"] == "INR" and business["name"]
        if path.startswith("product/"):
            assert {"Product", "BreadcrumbList"} <= types
            product = next(ld for ld in lds if "Product" in _types(ld))
            offers = product["offers"] if isinstance(product["offers"], list) else [product["offers"]]
            for offer in offers:
                assert offer["@type"] == "Offer" and offer["priceCurrency"] == "INR"
                assert isinstance(offer["price"], str) and offer["price"].count(".") == 1
                assert offer["availability"] in (
                    "https://schema.org/InStock",
                    "https://schema.org/OutOfStock",
                )
            assert page.meta(property="og:type") == "product"
        if path.startswith("category/"):
            assert {"ItemList", "BreadcrumbList"} <= types
        imgs = [a for t, a in page.tags if t == "img"]
        if path in ("index.html",) or path.startswith("product/"):
            assert imgs
        for a in imgs:
            assert a.get("alt") and a["alt"].strip(), (path, a)
            assert a.get("width") and a.get("height")
        assert_page_is_safe(path, page)
        if path in ("cart.html", "track.html", "404.html"):
            assert page.meta(name="robots") == "noindex,nofollow"
        body = next(a for t, a in page.tags if t == "body")
        assert body["data-store-id"] == spec.store_id and "data-api-base" in body
        assert body["data-razorpay-src"].startswith("https://")
    # every linked local file exists
    for path, data in html_pages.items():
        if path == "404.html":
            continue
        depth = path.count("/")
        for _t, a in parse(data).tags:
            ref = a.get("href") or a.get("src")
            if not ref or ref.startswith(("https://", "#", "tel:", "mailto:")):
                continue
            parts = [p for p in ref.split("#")[0].split("/") if p]
            up = sum(1 for p in parts if p == "..")
            assert up == depth, (path, ref)
            target = "/".join(p for p in parts if p != "..")
            assert target in files, (path, ref)


@pytest.mark.parametrize("sector", SECTORS)
def test_every_page_of_every_sector(sector: str) -> None:
    spec = generate_offline(extract_brief(SECTOR_PROMPTS[sector]), store_id="sto_01jtest")
    files = render_site(spec, BASE, "")
    check_site(spec, files)
    # sitemap lists the indexable pages, robots points at it
    root = ET.fromstring(files["sitemap.xml"])
    locs = [el.text for el in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert BASE in locs and f"{BASE}about.html" in locs
    assert len(locs) == 2 + len(spec.catalog.categories) + len(spec.catalog.products)
    assert not any("cart" in u or "track" in u for u in locs)
    assert f"Sitemap: {BASE}sitemap.xml" in files["robots.txt"].decode()
    assert home_page_weight(files) <= HOME_BUDGET_BYTES


def test_hindi_first_store_has_lang_hi() -> None:
    spec = generate_offline(extract_brief(SECTOR_PROMPTS["salon"]))
    assert spec.brief.languages[0] == "hi"
    files = render_site(spec, BASE)
    page = parse(files["index.html"])
    assert page.lang == "hi"
    assert any(t == "p" and a.get("lang") == "en" for t, a in page.tags)


def test_curam_home_page() -> None:
    spec = generate_offline(extract_brief(CURAM), store_id="sto_curam")
    files = render_site(
        spec, BASE, "https://api.webdpro.in", razorpay_src="http://127.0.0.1:9300/checkout.js"
    )
    html = files["index.html"].decode()
    assert "Curam" in parse(files["index.html"]).title
    assert 'data-api-base="https://api.webdpro.in"' in html
    assert "टमाटर" in html or any("\u0900" <= ch <= "\u097f" for ch in html)
    assert "--brand:#" in files[shared_assets(files)["css"]].decode()
    csp = parse(files["index.html"]).meta(**{"http-equiv": "Content-Security-Policy"})
    assert csp and "script-src 'self' http://127.0.0.1:9300" in csp and "https://api.webdpro.in" in csp
    weight = home_page_weight(files)
    assert weight <= HOME_BUDGET_BYTES, weight
    assert home_page_weight(files, gzipped=True) <= HOME_BUDGET_GZIP_BYTES


def test_styles_and_script_are_named_by_content_hash() -> None:
    spec = generate_offline(extract_brief(CURAM), store_id="sto_curam")
    files = render_site(spec, BASE)
    assets = shared_assets(files)
    assert re.fullmatch(r"assets/styles\.[0-9a-f]{10}\.css", assets["css"])
    assert re.fullmatch(r"assets/app\.[0-9a-f]{10}\.js", assets["js"])
    assert "assets/styles.css" not in files and "assets/app.js" not in files
    for path in ("index.html", "product/" + spec.catalog.products[0].slug + ".html"):
        page = parse(files[path])
        up = "../" * path.count("/")
        assert page.link("stylesheet") == up + assets["css"]
        assert [a["src"] for a, _ in page.scripts if "src" in a] == [up + assets["js"]]
    # another theme is another stylesheet (and URL); the script is shared by every store
    blue = render_site(generate_offline(extract_brief(SECTOR_PROMPTS["clinic"])), BASE)
    assert shared_assets(blue)["css"] != assets["css"] and shared_assets(blue)["js"] == assets["js"]


def test_rendering_is_deterministic() -> None:
    spec = generate_offline(extract_brief(CURAM))
    assert render_site(spec, BASE) == render_site(spec, BASE)


EVIL = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "</script><script>alert(1)</script><!--",
    "' onmouseover='alert(1)",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]


def _poison(spec: SiteSpec) -> SiteSpec:
    evil = " ".join(EVIL)
    products = []
    for i, p in enumerate(spec.catalog.products):
        products.append(
            msgspec.structs.replace(
                p,
                name=LText(en=f"{EVIL[i % len(EVIL)]} Tomato", hi=f"{EVIL[(i + 1) % len(EVIL)]} टमाटर"),
                description=LText(en=evil, hi=evil),
                unit="1 kg" + EVIL[i % len(EVIL)][:20],
            )
        )
    cats = [
        msgspec.structs.replace(c, name=LText(en=evil[:200], hi=evil[:200])) for c in spec.catalog.categories
    ]
    copy = msgspec.structs.replace(
        spec.copy,
        en=msgspec.structs.replace(
            spec.copy.en,
            tagline=evil[:120],
            about=evil,
            hero_heading=evil[:90],
            seo_title=EVIL[1][:60],
            meta_description=evil[:160],
            cta=EVIL[0][:30],
        ),
    )
    brief = msgspec.structs.replace(spec.brief, name=EVIL[1], city=EVIL[3])
    catalog = msgspec.structs.replace(spec.catalog, products=products, categories=cats)
    return msgspec.structs.replace(
        spec,
        brief=brief,
        copy=copy,
        catalog=catalog,
        store_id='"><script>x</script>',
        contact=Contact(address=evil[:200], city=EVIL[2], hours=EVIL[0][:80]),
    )


@pytest.mark.parametrize("sector", ["grocery", "restaurant", "clinic", "fashion"])
def test_injected_markup_never_reaches_a_page(sector: str) -> None:
    # the brief extractor is fed the attack directly (safety would refuse it first; the renderer must not care)
    brief = extract_brief(f"{EVIL[1]} – {EVIL[0]} {SECTOR_PROMPTS[sector]} {EVIL[2]}")
    spec = _poison(generate_offline(brief, store_id="sto_x"))
    files = render_site(spec, BASE)
    for path, data in files.items():
        text = data.decode("utf-8")
        if path.endswith(".html"):
            page = parse(data)
            assert_page_is_safe(path, page)
            scripts = [a for a, _ in page.scripts]
            assert all(
                a.get("type") == "application/ld+json" or APP_SRC.search(a.get("src", "")) for a in scripts
            ), path
            assert sum(1 for a in scripts if "src" in a) == 1
            for ld in page.json_ld():
                assert "<" not in json.dumps(ld, ensure_ascii=False).replace("\\u003c", "")
            assert "<img src=x" not in text and "alert(1)</script>" not in text
            assert "javascript:" not in text.lower()
            assert "onerror" not in text
        elif path.endswith(".svg"):
            assert "<script" not in text and "onerror" not in text
    # a tag-stripped name keeps its plain words
    assert "Tomato" in files["index.html"].decode()


def test_invalid_spec_values_are_rejected_not_rendered() -> None:
    spec = generate_offline(extract_brief(CURAM))
    bad_theme = msgspec.structs.replace(
        spec, theme=msgspec.structs.replace(spec.theme, brand="red;}</style>")
    )
    with pytest.raises(ValidationProblem):
        render_site(bad_theme, BASE)
    img = spec.images.images[1]
    bad_img = msgspec.structs.replace(img, url="javascript:alert(1)", svg=None)
    bad = msgspec.structs.replace(
        spec,
        images=msgspec.structs.replace(
            spec.images, images=[spec.images.images[0], bad_img, *spec.images.images[2:]]
        ),
    )
    with pytest.raises(ValidationProblem):
        render_site(bad, BASE)
    p = spec.catalog.products[0]
    bad_slug = msgspec.structs.replace(
        spec,
        catalog=msgspec.structs.replace(
            spec.catalog,
            products=[msgspec.structs.replace(p, slug="../../etc/passwd"), *spec.catalog.products[1:]],
        ),
    )
    with pytest.raises(ValidationProblem):
        render_site(bad_slug, BASE)


@pytest.mark.parametrize("url", ["javascript:alert(1)//", "ftp://x/", "//evil.example/", "", "https://a b/"])
def test_base_urls_must_be_http(url: str) -> None:
    spec = generate_offline(extract_brief(CURAM))
    with pytest.raises(ValueError):
        render_site(spec, url)
    with pytest.raises(ValueError):
        render_site(spec, BASE, api_base=url or "javascript:x")
    with pytest.raises(ValueError):
        render_site(spec, BASE, razorpay_src=url)


def test_preview_is_not_indexable() -> None:
    spec = generate_offline(extract_brief(CURAM))
    files = render_site(spec, "https://gw.local/preview/tok123/", indexable=False)
    assert files["robots.txt"] == b"User-agent: *\nDisallow: /\n"
    page = parse(files["index.html"])
    assert page.meta(name="robots") == "noindex,nofollow"
    assert page.link("canonical") == "https://gw.local/preview/tok123/"
    check_site(spec, files, base="https://gw.local/preview/tok123/")


def test_inr_formatting() -> None:
    assert inr(4000) == "₹40"
    assert inr(129_950) == "₹1,299.50"
    assert inr(12_345_600) == "₹1,23,456"
    assert inr(100) == "₹1"
