# ruff: noqa: RUF001 -- typographic dashes and the rupee sign are intended in page copy
"""Render a `SiteSpec` into the static files of a store: `{path: bytes}`.

    files = render_site(spec, base_url="https://curam.webdpro.in/", api_base="")

Pages: index.html, category/<slug>.html, product/<slug>.html, cart.html (login + checkout), track.html,
about.html, 404.html; plus sitemap.xml, robots.txt, assets/styles.<hash>.css, assets/app.<hash>.js and
assets/img/*.svg. The stylesheet and the script are named by their content hash (the edge serves any
`assets/…` name with a `.<hex>.` segment as immutable); images keep stable names because Open Graph and
JSON-LD point at them by absolute URL.

Safety: every piece of text is reduced to plain text (nh3, no tags) and HTML-escaped; URLs are built only from
validated ids/slugs or checked against an allow-list of schemes, so `javascript:` cannot appear; JSON-LD is
serialised with `<`, `>` and `&` escaped as \\u003c… so no `</script>` or `<!--` can close the block; the only
scripts are JSON-LD data blocks and `assets/app.js` (configured through `data-` attributes). Each page also
carries a Content-Security-Policy allowing scripts only from itself and the Razorpay Checkout origin.
Links between pages are relative, so the same files work under a preview prefix and on the live domain.
"""

from __future__ import annotations

import dataclasses
import functools
import gzip
import hashlib
import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import msgspec

from sitegen.domain import vocab
from sitegen.domain.spec import (
    Image,
    MenuInventory,
    Product,
    SiteSpec,
    SlotInventory,
    StockInventory,
    VariantInventory,
)
from sitegen.domain.validate import plain_text
from sitegen.site.assets import APP_JS, styles_css
from webdpro_core.errors import FieldError, ValidationProblem

DEFAULT_RAZORPAY_SRC = "https://checkout.razorpay.com/v1/checkout.js"
HOME_BUDGET_BYTES = 100_000
# What a phone downloads for the home page before images: HTML + CSS + JS, gzip-compressed as the edge serves them.
HOME_BUDGET_GZIP_BYTES = 30_000
_HASHED_ASSET = re.compile(r"^assets/(styles|app)\.[0-9a-f]{10}\.(css|js)$")

UI: dict[str, dict[str, str]] = {
    "en": {
        "add": "Add to cart",
        "book": "Book slot",
        "view": "View",
        "cart": "Cart",
        "about": "About",
        "track": "Track order",
        "all": "All",
        "in_stock": "In stock",
        "out": "Out of stock",
        "few": "Only {n} left",
        "avail": "Available today",
        "sold": "Sold out",
        "veg": "Veg",
        "nveg": "Non-veg",
        "qty": "Quantity",
        "variant": "Size / colour",
        "date": "Date",
        "time": "Time",
        "your_cart": "Your cart",
        "total": "Total",
        "login": "Log in with your mobile number",
        "phone": "Mobile number",
        "send": "Send OTP",
        "otp": "6-digit OTP",
        "verify": "Verify & continue",
        "logged": "You are logged in.",
        "address": "Delivery address",
        "name": "Full name",
        "line1": "House, street, area",
        "pincode": "PIN code",
        "landmark": "Landmark (optional)",
        "pay": "Payment",
        "place": "Place order",
        "order": "Order ID",
        "track_btn": "Track",
        "contact": "Contact",
        "hours": "Hours",
        "payments": "Payments accepted",
        "delivery": "Delivery",
        "nf": "Page not found",
        "nf_text": "This page does not exist any more.",
        "home": "Home",
        "shop": "Continue shopping",
        "prep": "Ready in {n} min",
        "mrp": "MRP",
        "taxes": "Inclusive of all taxes",
        "made": "Made with WebdPro",
        "products": "Products",
        "categories": "Shop by category",
        "noscript": "Please turn on JavaScript to use the cart and checkout.",
        "skip": "Skip to content",
        "duration": "{n} min",
        "about_us": "About us",
        "where": "Where to find us",
        "track_intro": "Enter your order ID to see where your order is.",
        "my_orders": "Your orders",
        "off": "{n}% off",
        "cart_intro": "Review your items, log in with an OTP and place your order.",
        "choose": "Choose",
        "slot_note": "Pick a date and a time; we will confirm your booking.",
    },
    "hi": {
        "add": "कार्ट में डालें",
        "book": "स्लॉट बुक करें",
        "view": "देखें",
        "cart": "कार्ट",
        "about": "हमारे बारे में",
        "track": "ऑर्डर ट्रैक करें",
        "all": "सभी",
        "in_stock": "स्टॉक में",
        "out": "स्टॉक ख़त्म",
        "few": "सिर्फ़ {n} बचे",
        "avail": "आज उपलब्ध",
        "sold": "ख़त्म",
        "veg": "शाकाहारी",
        "nveg": "मांसाहारी",
        "qty": "मात्रा",
        "variant": "साइज़ / रंग",
        "date": "तारीख",
        "time": "समय",
        "your_cart": "आपका कार्ट",
        "total": "कुल",
        "login": "मोबाइल नंबर से लॉग इन करें",
        "phone": "मोबाइल नंबर",
        "send": "OTP भेजें",
        "otp": "6 अंकों का OTP",
        "verify": "पुष्टि करें",
        "logged": "आप लॉग इन हैं।",
        "address": "डिलीवरी का पता",
        "name": "पूरा नाम",
        "line1": "मकान, गली, इलाका",
        "pincode": "PIN कोड",
        "landmark": "लैंडमार्क (वैकल्पिक)",
        "pay": "भुगतान",
        "place": "ऑर्डर करें",
        "order": "ऑर्डर ID",
        "track_btn": "ट्रैक करें",
        "contact": "संपर्क",
        "hours": "समय",
        "payments": "भुगतान के तरीके",
        "delivery": "डिलीवरी",
        "nf": "पेज नहीं मिला",
        "nf_text": "यह पेज अब मौजूद नहीं है।",
        "home": "होम",
        "shop": "खरीदारी जारी रखें",
        "prep": "{n} मिनट में तैयार",
        "mrp": "MRP",
        "taxes": "सभी करों सहित",
        "made": "WebdPro से बना",
        "products": "प्रोडक्ट",
        "categories": "श्रेणी के अनुसार खरीदें",
        "noscript": "कार्ट और चेकआउट के लिए JavaScript चालू करें।",
        "skip": "मुख्य सामग्री पर जाएँ",
        "duration": "{n} मिनट",
        "about_us": "हमारे बारे में",
        "where": "हमारा पता",
        "track_intro": "अपना ऑर्डर कहाँ है, यह देखने के लिए ऑर्डर ID डालें।",
        "my_orders": "आपके ऑर्डर",
        "off": "{n}% छूट",
        "cart_intro": "अपना सामान देखें, OTP से लॉग इन करें और ऑर्डर करें।",
        "choose": "चुनें",
        "slot_note": "तारीख और समय चुनें; हम आपकी बुकिंग की पुष्टि करेंगे।",
    },
}
PAY_UI = {
    "en": {
        "UPI": "UPI",
        "ONLINE": "Card / Net banking",
        "COD": "Cash on delivery",
        "COD_IN_STORE": "Pay at the counter",
    },
    "hi": {
        "UPI": "UPI",
        "ONLINE": "कार्ड / नेट बैंकिंग",
        "COD": "कैश ऑन डिलीवरी",
        "COD_IN_STORE": "काउंटर पर भुगतान",
    },
}
_SAFE_URL = re.compile(r"^https?://[^\s\"'<>`\\]+$", re.IGNORECASE)
_RELATIVE_ASSET = re.compile(r"^(?:assets/|/)[A-Za-z0-9._~/%-]+$")


# ---- escaping --------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=4096)
def _plain(value: str) -> str:
    return plain_text(value)


def t(value: object) -> str:
    """Plain text, HTML-escaped (safe in element content and in double-quoted attributes)."""
    return html.escape(_plain("" if value is None else str(value)), quote=True)


def json_ld(data: object) -> str:
    """JSON for a <script type="application/ld+json"> block: nothing in it can end the element."""
    s = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        s.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def safe_http_url(url: str, *, what: str) -> str:
    if not _SAFE_URL.match(url or ""):
        raise ValueError(f"{what} must be an absolute http(s) URL")
    return url


def inr(paise: int) -> str:
    """₹1,23,456 (Indian grouping; paise shown only when present)."""
    rupees, p = divmod(int(paise), 100)
    s = str(rupees)
    if len(s) > 3:
        head, tail = s[:-3], s[-3:]
        head = re.sub(r"(\d)(?=(\d\d)+$)", r"\1,", head)
        s = f"{head},{tail}"
    return f"₹{s}" + (f".{p:02d}" if p else "")


def decimal_rupees(paise: int) -> str:
    """JSON-LD price: "1234.50" (string; never a float)."""
    return f"{int(paise) // 100}.{int(paise) % 100:02d}"


# ---- context ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Ctx:
    spec: SiteSpec
    base_url: str
    api_base: str
    razorpay_src: str
    lang: str
    alt_lang: str | None
    indexable: bool
    css_path: str = "assets/styles.css"
    js_path: str = "assets/app.js"

    def ui(self, key: str, **kw: object) -> str:
        return html.escape(UI[self.lang][key].format(**kw))

    def L(self, ltext) -> str:
        return t(getattr(ltext, self.lang))

    def alt(self, ltext) -> str:
        """The other language, for a secondary line (lang attribute set), or '' if not shown/not different."""
        if not self.alt_lang:
            return ""
        other = getattr(ltext, self.alt_lang)
        if not other or other == getattr(ltext, self.lang):
            return ""
        return t(other)

    def abs(self, path: str) -> str:
        return self.base_url + path


def _ctx(spec: SiteSpec, base_url: str, api_base: str, razorpay_src: str, indexable: bool) -> Ctx:
    base = safe_http_url(base_url, what="base_url")
    if not base.endswith("/"):
        base += "/"
    if api_base:
        api_base = safe_http_url(api_base, what="api_base").rstrip("/")
    safe_http_url(razorpay_src, what="razorpay_src")
    langs = list(spec.brief.languages) or ["en"]
    lang = langs[0]
    alt_lang = "hi" if lang == "en" else "en"
    if lang == "en" and "hi" not in langs:
        alt_lang = "hi"  # Hindi names are shown as a secondary line on every store (it is in the spec anyway)
    return Ctx(spec, base, api_base, razorpay_src, lang, alt_lang, indexable)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _csp(ctx: Ctx) -> str:
    rz = _origin(ctx.razorpay_src)
    frames = f"{rz} https://api.razorpay.com" if "razorpay.com" in rz else rz
    connect = "'self'" + (f" {_origin(ctx.api_base)}" if ctx.api_base else "") + f" {rz}"
    if "razorpay.com" in rz:
        connect += " https://api.razorpay.com https://lumberjack.razorpay.com"
    return (
        f"default-src 'self'; script-src 'self' {rz}; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' https: data:; connect-src {connect}; frame-src {frames}; object-src 'none'; "
        "base-uri 'none'; form-action 'self'"
    )


# ---- images ----------------------------------------------------------------------------------------------
def _image_path(img: Image) -> str | None:
    if img.svg:
        return f"assets/img/{img.id}.svg"
    if img.url and (_SAFE_URL.match(img.url) and img.url.lower().startswith("https://")):
        return img.url
    if img.url and _RELATIVE_ASSET.match(img.url) and ".." not in img.url:
        return img.url.lstrip("/")
    return None


def _img_src(ctx: Ctx, img: Image | None, up: str) -> str | None:
    if img is None:
        return None
    path = _image_path(img)
    if path is None:
        return None
    return path if path.startswith("https://") else up + path


def _img_abs(ctx: Ctx, img: Image | None) -> str | None:
    if img is None:
        return None
    path = _image_path(img)
    if path is None:
        return None
    return path if path.startswith("https://") else ctx.abs(path)


def _img_tag(
    ctx: Ctx,
    img: Image | None,
    up: str,
    alt_fallback: str,
    *,
    eager: bool = False,
    width: int = 600,
    height: int = 600,
) -> str:
    src = _img_src(ctx, img, up)
    alt = ctx.L(img.alt) if img is not None and getattr(img.alt, ctx.lang) else t(alt_fallback)
    alt = alt or t(ctx.spec.brief.name)
    if src is None:
        return ""
    w, h = (img.width, img.height) if img is not None else (width, height)
    loading = 'fetchpriority="high"' if eager else 'loading="lazy"'
    return f'<img src="{html.escape(src)}" alt="{alt}" width="{int(w)}" height="{int(h)}" {loading} decoding="async">'


# ---- page frame ------------------------------------------------------------------------------------------
def _page(
    ctx: Ctx,
    *,
    path: str,
    title: str,
    description: str,
    body: str,
    ld: list[dict],
    page: str,
    og_type: str = "website",
    og_image: str | None = None,
    noindex: bool = False,
    absolute_links: bool = False,
) -> bytes:
    spec = ctx.spec
    up = "" if absolute_links else "../" * path.count("/")
    if absolute_links:
        up = ctx.base_url
    canonical = ctx.abs("" if path == "index.html" else path)
    hero = spec.images.by_id().get(spec.hero_image_id or "")
    og_img = og_image or _img_abs(ctx, hero)
    robots = "noindex,nofollow" if (noindex or not ctx.indexable) else "index,follow"
    cats = spec.catalog.categories
    chips = "".join(
        f'<a class="chip" href="{up}category/{c.slug}.html"'
        f"{' aria-current=page' if path == f'category/{c.slug}.html' else ''}>{ctx.L(c.name)}</a>"
        for c in cats
    )
    payments = ",".join(spec.brief.payment_methods)
    lds = "".join(f'<script type="application/ld+json">{json_ld(x)}</script>' for x in ld)
    locale = "hi_IN" if ctx.lang == "hi" else "en_IN"
    footer = _footer(ctx, up)
    doc = f"""<!doctype html>
<html lang="{ctx.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{html.escape(_csp(ctx))}">
<title>{t(title)}</title>
<meta name="description" content="{t(description)}">
<meta name="robots" content="{robots}">
<link rel="canonical" href="{html.escape(canonical)}">
<meta property="og:type" content="{og_type}">
<meta property="og:site_name" content="{t(spec.brief.name)}">
<meta property="og:title" content="{t(title)}">
<meta property="og:description" content="{t(description)}">
<meta property="og:url" content="{html.escape(canonical)}">
<meta property="og:locale" content="{locale}">
{f'<meta property="og:image" content="{html.escape(og_img)}">' if og_img else ""}
<meta name="twitter:card" content="summary_large_image">
<meta name="theme-color" content="{spec.theme.brand}">
<link rel="icon" href="{up}assets/img/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="{up}{ctx.css_path}">
{lds}
<script src="{up}{ctx.js_path}" defer></script>
</head>
<body data-page="{page}" data-store-id="{t(spec.store_id)}" data-api-base="{html.escape(ctx.api_base)}" \
data-razorpay-src="{html.escape(ctx.razorpay_src)}" data-base="{html.escape(up)}" data-store-name="{t(spec.brief.name)}" \
data-brand="{spec.theme.brand}" data-payments="{payments}" data-mode="{spec.catalog.inventory_mode}" \
data-city="{t(spec.brief.city or "")}">
<a class="skip" href="#main">{ctx.ui("skip")}</a>
<header class="hdr"><div class="wrap row">
<a class="brand" href="{up}index.html">{t(spec.brief.name)}</a>
<nav class="nav" aria-label="{ctx.ui("home")}"><a href="{up}about.html">{ctx.ui("about")}</a>\
<a href="{up}track.html">{ctx.ui("track")}</a>\
<a class="pill" href="{up}cart.html">{ctx.ui("cart")} <span data-cart-count>0</span></a></nav>
</div></header>
<nav class="cats wrap" aria-label="{ctx.ui("categories")}">{chips}</nav>
<main id="main" class="wrap">
{body}
<p class="msg" data-msg role="status" aria-live="polite"></p>
</main>
{footer}
</body>
</html>
"""
    return doc.encode("utf-8")


def _pay_label(ctx: Ctx, method: str) -> str:
    if method == "COD" and ctx.spec.brief.delivery_mode == "in_store":
        return html.escape(PAY_UI[ctx.lang]["COD_IN_STORE"])
    return html.escape(PAY_UI[ctx.lang][method])


def _footer(ctx: Ctx, up: str) -> str:
    spec = ctx.spec
    c = spec.contact
    where = ", ".join(
        x for x in (c.address, c.city if c.city and c.address and c.city not in c.address else None) if x
    ) or (c.city or "")
    contact_lines = []
    if where:
        contact_lines.append(f"<p>{t(where)}</p>")
    if c.phone:
        digits = re.sub(r"[^0-9+]", "", c.phone)
        contact_lines.append(f'<p><a href="tel:{html.escape(digits)}">{t(c.phone)}</a></p>')
    if c.email:
        contact_lines.append(f'<p><a href="mailto:{html.escape(c.email)}">{t(c.email)}</a></p>')
    if c.hours:
        contact_lines.append(f"<p>{ctx.ui('hours')}: {t(c.hours)}</p>")
    pays = ", ".join(_pay_label(ctx, m) for m in spec.brief.payment_methods)
    return (
        '<footer class="ftr"><div class="wrap cols">'
        f'<div><p class="font-bold">{t(spec.brief.name)}</p><p>{t(getattr(spec.copy, ctx.lang).tagline)}</p></div>'
        f'<div><p class="font-bold">{ctx.ui("contact")}</p>{"".join(contact_lines)}</div>'
        f'<div><p class="font-bold">{ctx.ui("payments")}</p><p>{pays}</p>'
        f'<p><a href="{up}about.html">{ctx.ui("about")}</a> · <a href="{up}track.html">{ctx.ui("track")}</a></p>'
        f'<p class="text-sm">{ctx.ui("made")}</p></div>'
        "</div></footer>"
    )


# ---- product bits ----------------------------------------------------------------------------------------
def _availability(p: Product) -> tuple[bool, int | None]:
    inv = p.inventory
    if isinstance(inv, StockInventory):
        return inv.stock_qty > 0, inv.stock_qty
    if isinstance(inv, MenuInventory):
        return inv.available, None
    if isinstance(inv, VariantInventory):
        return any(v.stock_qty > 0 for v in inv.variants), None
    return True, None


def _price_html(ctx: Ctx, p: Product) -> str:
    out = f'<span class="price">{inr(p.price_paise)}</span>'
    if p.mrp_paise and p.mrp_paise > p.price_paise:
        pct = (p.mrp_paise - p.price_paise) * 100 // p.mrp_paise
        out += f' <s class="mrp">{ctx.ui("mrp")} {inr(p.mrp_paise)}</s>'
        if pct >= 5:
            out += f' <span class="badge off">{ctx.ui("off", n=pct)}</span>'
    return out + f' <span class="unit">/ {t(p.unit)}</span>'


def _add_button(ctx: Ctx, p: Product, label_key: str = "add", disabled: bool = False) -> str:
    return (
        f'<button class="btn w-full mt-2" type="button" data-add data-id="{t(p.id)}" '
        f'data-name="{ctx.L(p.name)}" data-price="{int(p.price_paise)}" data-unit="{t(p.unit)}"'
        f"{' disabled' if disabled else ''}>{ctx.ui(label_key)}</button>"
    )


def _card(ctx: Ctx, p: Product, up: str, images: dict[str, Image]) -> str:
    href = f"{up}product/{p.slug}.html"
    available, qty = _availability(p)
    img = images.get(p.image_id or "")
    alt_name = ctx.alt(p.name)
    badge = ""
    inv = p.inventory
    if isinstance(inv, MenuInventory):
        cls = "veg" if inv.veg else "nveg"
        badge = f'<span class="{cls}" role="img" aria-label="{ctx.ui("veg" if inv.veg else "nveg")}"></span> '
    if not available:
        badge += (
            f'<span class="badge no">{ctx.ui("sold" if isinstance(inv, MenuInventory) else "out")}</span> '
        )
    elif qty is not None and qty <= 5:
        badge += f'<span class="badge off">{ctx.ui("few", n=qty)}</span> '
    if isinstance(inv, SlotInventory | VariantInventory):
        action = (
            f'<a class="btn btn-o w-full mt-2" href="{href}">'
            f"{ctx.ui('book' if isinstance(inv, SlotInventory) else 'choose')}</a>"
        )
    else:
        action = _add_button(ctx, p, disabled=not available)
    return (
        f'<article class="card" data-product>'
        f'<a href="{href}">{_img_tag(ctx, img, up, p.name.en)}</a>'
        f'<div class="body"><h3><a href="{href}">{badge}{ctx.L(p.name)}</a></h3>'
        + (f'<p class="alt" lang="{ctx.alt_lang}">{alt_name}</p>' if alt_name else "")
        + f'<p class="mt-auto">{_price_html(ctx, p)}</p>{action}</div></article>'
    )


def _grid(ctx: Ctx, products: Iterable[Product], up: str) -> str:
    images = ctx.spec.images.by_id()
    return '<div class="grid">' + "".join(_card(ctx, p, up, images) for p in products) + "</div>"


def _slot_times(inv: SlotInventory) -> list[str]:
    oh, om = map(int, inv.opens.split(":"))
    ch, cm = map(int, inv.closes.split(":"))
    start, end = oh * 60 + om, ch * 60 + cm
    step = max(15, inv.duration_minutes if inv.duration_minutes <= 60 else 60)
    out = []
    m = start
    while m + inv.duration_minutes <= end and len(out) < 48:
        out.append(f"{m // 60:02d}:{m % 60:02d}")
        m += step
    return out


def _controls(ctx: Ctx, p: Product) -> str:
    inv = p.inventory
    available, _qty = _availability(p)
    if isinstance(inv, StockInventory | MenuInventory):
        extra = ""
        if isinstance(inv, MenuInventory):
            extra = f'<p class="text-sm muted">{ctx.ui("prep", n=inv.prep_minutes)}</p>'
        return (
            extra + f'<label for="qty">{ctx.ui("qty")}</label>'
            f'<input id="qty" data-qty type="number" min="1" max="99" value="1" inputmode="numeric">'
            + _add_button(ctx, p, disabled=not available)
        )
    if isinstance(inv, SlotInventory):
        options = "".join(f'<option value="{tm}">{tm}</option>' for tm in _slot_times(inv))
        return (
            f'<p class="text-sm muted">{ctx.ui("duration", n=inv.duration_minutes)} · {ctx.ui("slot_note")}</p>'
            f'<label for="sd">{ctx.ui("date")}</label><input id="sd" data-slot-date type="date" required>'
            f'<label for="st">{ctx.ui("time")}</label><select id="st" data-slot-time required>'
            f'<option value="">{ctx.ui("choose")}</option>{options}</select>' + _add_button(ctx, p, "book")
        )
    opts = []
    for v in inv.variants:
        label = " / ".join(x for x in (v.size, v.colour) if x) or v.sku
        price = v.price_paise or p.price_paise
        text = f"{label} – {inr(price)}" + ("" if v.stock_qty > 0 else f" ({UI[ctx.lang]['out']})")
        opts.append(
            f'<option value="{t(v.id)}" data-label="{t(label)}" data-price="{int(price)}"'
            f"{' disabled' if v.stock_qty <= 0 else ''}>{t(text)}</option>"
        )
    return (
        f'<label for="var">{ctx.ui("variant")}</label><select id="var" data-variant>{"".join(opts)}</select>'
        f'<label for="qty">{ctx.ui("qty")}</label>'
        f'<input id="qty" data-qty type="number" min="1" max="10" value="1" inputmode="numeric">'
        + _add_button(ctx, p, disabled=not available)
    )


# ---- JSON-LD ---------------------------------------------------------------------------------------------
def _business_ld(ctx: Ctx) -> dict:
    spec = ctx.spec
    b = spec.brief
    prof = vocab.SECTOR_PROFILES[b.sector]
    lc = getattr(spec.copy, ctx.lang)
    prices = [p.price_paise for p in spec.catalog.products] or [b.price_min_paise]
    hero = _img_abs(ctx, spec.images.by_id().get(spec.hero_image_id or ""))
    data: dict = {
        "@context": "https://schema.org",
        "@type": ["LocalBusiness", prof.schema_type],
        "@id": ctx.abs("#business"),
        "name": _plain(b.name),
        "description": _plain(lc.meta_description),
        "url": ctx.base_url,
        "currenciesAccepted": "INR",
        "paymentAccepted": ", ".join(
            {"UPI": "UPI", "ONLINE": "Credit Card, Debit Card, Net Banking", "COD": "Cash"}[m]
            for m in b.payment_methods
        ),
        "priceRange": f"{inr(min(prices))} – {inr(max(prices))}",
        "address": {"@type": "PostalAddress", "addressCountry": "IN"},
    }
    if spec.contact.city or b.city:
        data["address"]["addressLocality"] = _plain(spec.contact.city or b.city or "")
    if spec.contact.address and spec.contact.address != (spec.contact.city or b.city):
        data["address"]["streetAddress"] = _plain(spec.contact.address)
    if spec.contact.phone:
        data["telephone"] = _plain(spec.contact.phone)
    if spec.contact.email:
        data["email"] = _plain(spec.contact.email)
    if hero:
        data["image"] = hero
    if b.sector == "restaurant":
        data["servesCuisine"] = "Indian"
        data["hasMenu"] = ctx.abs("index.html")
    return data


def _offers(ctx: Ctx, p: Product, url: str) -> dict | list[dict]:
    seller = {"@id": ctx.abs("#business")}
    inv = p.inventory
    if isinstance(inv, VariantInventory):
        return [
            {
                "@type": "Offer",
                "sku": v.sku,
                "price": decimal_rupees(v.price_paise or p.price_paise),
                "priceCurrency": "INR",
                "url": url,
                "seller": seller,
                "availability": "https://schema.org/" + ("InStock" if v.stock_qty > 0 else "OutOfStock"),
                "name": _plain(" / ".join(x for x in (v.size, v.colour) if x) or v.sku),
            }
            for v in inv.variants
        ]
    available, _ = _availability(p)
    return {
        "@type": "Offer",
        "price": decimal_rupees(p.price_paise),
        "priceCurrency": "INR",
        "url": url,
        "availability": "https://schema.org/" + ("InStock" if available else "OutOfStock"),
        "seller": seller,
    }


def _product_ld(ctx: Ctx, p: Product, category_name: str) -> dict:
    url = ctx.abs(f"product/{p.slug}.html")
    img = _img_abs(ctx, ctx.spec.images.by_id().get(p.image_id or ""))
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "@id": url + "#product",
        "url": url,
        "name": _plain(getattr(p.name, ctx.lang)),
        "description": _plain(getattr(p.description, ctx.lang)),
        "sku": p.id,
        "category": _plain(category_name),
        "brand": {"@type": "Brand", "name": _plain(ctx.spec.brief.name)},
        "offers": _offers(ctx, p, url),
    }
    if ctx.alt_lang and getattr(p.name, ctx.alt_lang) != getattr(p.name, ctx.lang):
        data["alternateName"] = _plain(getattr(p.name, ctx.alt_lang))
    if img:
        data["image"] = img
    return data


def _crumbs_ld(ctx: Ctx, items: list[tuple[str, str]]) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i + 1, "name": _plain(name), "item": ctx.abs(path)}
            for i, (name, path) in enumerate(items)
        ],
    }


def _webpage_ld(ctx: Ctx, path: str, name: str, kind: str = "WebPage") -> dict:
    return {
        "@context": "https://schema.org",
        "@type": kind,
        "name": _plain(name),
        "url": ctx.abs(path),
        "isPartOf": {"@type": "WebSite", "name": _plain(ctx.spec.brief.name), "url": ctx.base_url},
        "inLanguage": ctx.lang,
    }


# ---- pages -----------------------------------------------------------------------------------------------
def _home(ctx: Ctx) -> bytes:
    spec = ctx.spec
    lc = getattr(spec.copy, ctx.lang)
    hero_img = spec.images.by_id().get(spec.hero_image_id or "")
    first_cat = spec.catalog.categories[0].slug if spec.catalog.categories else None
    cta_href = f"category/{first_cat}.html" if first_cat else "#products"
    body = (
        f'<section class="hero"><div><h1>{t(lc.hero_heading)}</h1><p class="lead">{t(lc.tagline)}</p>'
        f'<p><a class="btn" href="{cta_href}">{t(lc.cta)}</a></p></div>'
        f"{_img_tag(ctx, hero_img, '', spec.brief.name, eager=True)}</section>"
        f'<h2 id="products">{ctx.ui("products")}</h2>{_grid(ctx, spec.catalog.products, "")}'
        f'<section class="panel mt-4"><h2>{ctx.ui("about_us")}</h2><p>{t(lc.about)}</p></section>'
    )
    website = {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": _plain(spec.brief.name),
        "url": ctx.base_url,
        "inLanguage": ctx.lang,
    }
    return _page(
        ctx,
        path="index.html",
        title=lc.seo_title,
        description=lc.meta_description,
        body=body,
        ld=[_business_ld(ctx), website],
        page="home",
    )


def _category_page(ctx: Ctx, cat) -> tuple[str, bytes]:
    spec = ctx.spec
    path = f"category/{cat.slug}.html"
    products = [p for p in spec.catalog.products if p.category_id == cat.id]
    name = getattr(cat.name, ctx.lang)
    where = f" – {spec.brief.city}" if spec.brief.city and ctx.lang == "en" else ""
    title = _fit(f"{name}{where} | {spec.brief.name}", 60)
    first = ", ".join(getattr(p.name, ctx.lang) for p in products[:4])
    desc = _fit(f"{name}: {first}. {spec.brief.name} – {getattr(spec.copy, ctx.lang).tagline}", 160)
    alt = ctx.alt(cat.name)
    body = (
        f'<nav class="crumbs"><a href="../index.html">{ctx.ui("home")}</a> › {ctx.L(cat.name)}</nav>'
        f"<h1>{ctx.L(cat.name)}</h1>"
        + (f'<p class="alt" lang="{ctx.alt_lang}">{alt}</p>' if alt else "")
        + _grid(ctx, products, "../")
    )
    item_list = {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": _plain(name),
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": i + 1,
                "url": ctx.abs(f"product/{p.slug}.html"),
                "name": _plain(getattr(p.name, ctx.lang)),
            }
            for i, p in enumerate(products)
        ],
    }
    crumbs = _crumbs_ld(ctx, [(UI[ctx.lang]["home"], ""), (name, path)])
    return path, _page(
        ctx, path=path, title=title, description=desc, body=body, ld=[item_list, crumbs], page="category"
    )


def _product_page(ctx: Ctx, p: Product) -> tuple[str, bytes]:
    spec = ctx.spec
    path = f"product/{p.slug}.html"
    cat = next((c for c in spec.catalog.categories if c.id == p.category_id), None)
    cat_name = getattr(cat.name, ctx.lang) if cat else ""
    name = getattr(p.name, ctx.lang)
    title = _fit(f"{name} – {inr(p.price_paise)} | {spec.brief.name}", 60)
    desc = _fit(f"{name} ({p.unit}) {inr(p.price_paise)}. {getattr(p.description, ctx.lang)}", 160)
    img = spec.images.by_id().get(p.image_id or "")
    alt_name, alt_desc = ctx.alt(p.name), ctx.alt(p.description)
    available, qty = _availability(p)
    inv = p.inventory
    status = ""
    if isinstance(inv, MenuInventory):
        status = (
            f'<span class="{"veg" if inv.veg else "nveg"}" role="img" '
            f'aria-label="{ctx.ui("veg" if inv.veg else "nveg")}"></span> '
            f'<span class="badge{"" if available else " no"}">{ctx.ui("avail" if available else "sold")}</span>'
        )
    elif isinstance(inv, StockInventory | VariantInventory):
        status = (
            f'<span class="badge{"" if available else " no"}">{ctx.ui("in_stock" if available else "out")}'
            "</span>"
        )
        if qty is not None and 0 < qty <= 5:
            status += f' <span class="badge off">{ctx.ui("few", n=qty)}</span>'
    crumbs_html = (
        f'<nav class="crumbs"><a href="../index.html">{ctx.ui("home")}</a> › '
        + (f'<a href="../category/{cat.slug}.html">{ctx.L(cat.name)}</a> › ' if cat else "")
        + f"{ctx.L(p.name)}</nav>"
    )
    body = (
        crumbs_html
        + f'<article class="prod" data-product><div>{_img_tag(ctx, img, "../", p.name.en, eager=True)}</div>'
        f"<div><h1>{ctx.L(p.name)}</h1>"
        + (f'<p class="alt" lang="{ctx.alt_lang}">{alt_name}</p>' if alt_name else "")
        + f'<p>{_price_html(ctx, p)}</p><p class="text-sm muted">{ctx.ui("taxes")}</p><p>{status}</p>'
        f'<div class="panel">{_controls(ctx, p)}</div>'
        f"<p>{ctx.L(p.description)}</p>"
        + (f'<p class="muted" lang="{ctx.alt_lang}">{alt_desc}</p>' if alt_desc else "")
        + "</div></article>"
    )
    crumbs = [(UI[ctx.lang]["home"], "")]
    if cat:
        crumbs.append((cat_name, f"category/{cat.slug}.html"))
    crumbs.append((name, path))
    return path, _page(
        ctx,
        path=path,
        title=title,
        description=desc,
        body=body,
        page="product",
        og_type="product",
        og_image=_img_abs(ctx, img),
        ld=[_product_ld(ctx, p, cat_name), _crumbs_ld(ctx, crumbs)],
    )


def _login_box(ctx: Ctx) -> str:
    return (
        f'<section class="panel" data-step="login"><h2>{ctx.ui("login")}</h2>'
        f'<label for="ph">{ctx.ui("phone")}</label>'
        f'<input id="ph" data-phone type="tel" inputmode="tel" autocomplete="tel" placeholder="98XXXXXXXX" maxlength="14">'
        f'<button class="btn mt-2" type="button" data-otp-request>{ctx.ui("send")}</button>'
        f'<div data-otp-box hidden><label for="otp">{ctx.ui("otp")}</label>'
        f'<input id="otp" data-otp inputmode="numeric" autocomplete="one-time-code" maxlength="6">'
        f'<button class="btn mt-2" type="button" data-otp-verify>{ctx.ui("verify")}</button></div></section>'
        f'<p class="muted" data-logged hidden>{ctx.ui("logged")}</p>'
    )


def _cart_page(ctx: Ctx) -> bytes:
    spec = ctx.spec
    needs_address = spec.brief.delivery_mode in ("local_delivery", "delivery_and_pickup", "shipping")
    pays = "".join(
        f'<label class="opt"><input type="radio" name="pay" value="{m}"{" checked" if i == 0 else ""}> '
        f"{_pay_label(ctx, m)}</label>"
        for i, m in enumerate(spec.brief.payment_methods)
    )
    address = (
        f'<section class="panel" data-address><h2>{ctx.ui("address")}</h2>'
        f'<label for="an">{ctx.ui("name")}</label><input id="an" name="name" autocomplete="name" maxlength="80">'
        f'<label for="al">{ctx.ui("line1")}</label><input id="al" name="line1" autocomplete="street-address" maxlength="200">'
        f'<label for="ak">{ctx.ui("landmark")}</label><input id="ak" name="landmark" maxlength="100">'
        f'<label for="ap">{ctx.ui("pincode")}</label><input id="ap" name="pincode" inputmode="numeric" '
        f'autocomplete="postal-code" maxlength="6" pattern="[0-9]{{6}}"></section>'
        if needs_address
        else ""
    )
    body = (
        f'<h1>{ctx.ui("your_cart")}</h1><p class="muted">{ctx.ui("cart_intro")}</p>'
        f'<noscript><p class="panel">{ctx.ui("noscript")}</p></noscript>'
        f'<section class="panel"><div data-cart-items></div>'
        f'<p class="line font-bold"><span>{ctx.ui("total")}</span><span data-cart-total>₹0</span></p></section>'
        + _login_box(ctx)
        + address
        + f'<section class="panel"><h2>{ctx.ui("pay")}</h2>{pays}'
        f'<button class="btn w-full mt-4" type="button" data-place disabled>{ctx.ui("place")}</button></section>'
        f'<p><a href="index.html">{ctx.ui("shop")}</a></p>'
    )
    title = _fit(f"{UI[ctx.lang]['your_cart']} | {spec.brief.name}", 60)
    return _page(
        ctx,
        path="cart.html",
        title=title,
        description=_fit(UI[ctx.lang]["cart_intro"], 160),
        body=body,
        page="cart",
        noindex=True,
        ld=[_webpage_ld(ctx, "cart.html", title, "CheckoutPage")],
    )


def _track_page(ctx: Ctx) -> bytes:
    spec = ctx.spec
    body = (
        f'<h1>{ctx.ui("track")}</h1><p class="muted">{ctx.ui("track_intro")}</p>'
        f'<noscript><p class="panel">{ctx.ui("noscript")}</p></noscript>'
        f'<form class="panel" data-track-form><label for="oid">{ctx.ui("order")}</label>'
        f'<input id="oid" name="order" maxlength="64" autocomplete="off">'
        f'<button class="btn mt-2" type="submit">{ctx.ui("track_btn")}</button></form>'
        + _login_box(ctx)
        + '<section class="panel" data-track-out hidden></section>'
        f'<section class="panel" data-my-orders-box hidden><h2>{ctx.ui("my_orders")}</h2>'
        '<ul class="orders" data-my-orders></ul></section>'
    )
    title = _fit(f"{UI[ctx.lang]['track']} | {spec.brief.name}", 60)
    return _page(
        ctx,
        path="track.html",
        title=title,
        description=_fit(UI[ctx.lang]["track_intro"], 160),
        body=body,
        page="track",
        noindex=True,
        ld=[_webpage_ld(ctx, "track.html", title)],
    )


def _about_page(ctx: Ctx) -> bytes:
    spec = ctx.spec
    lc = getattr(spec.copy, ctx.lang)
    other = ctx.alt_lang and getattr(spec.copy, ctx.alt_lang)
    c = spec.contact
    where = c.address or c.city or spec.brief.city
    body = (
        f'<h1>{ctx.ui("about_us")}</h1><section class="panel"><p>{t(lc.about)}</p>'
        + (
            f'<p class="muted" lang="{ctx.alt_lang}">{t(other.about)}</p>'
            if other and other.about != lc.about
            else ""
        )
        + "</section>"
        f'<section class="panel"><h2>{ctx.ui("where")}</h2>'
        + (f"<p>{t(where)}</p>" if where else "")
        + (f"<p>{ctx.ui('hours')}: {t(c.hours)}</p>" if c.hours else "")
        + f"<p>{ctx.ui('payments')}: {', '.join(_pay_label(ctx, m) for m in spec.brief.payment_methods)}</p>"
        "</section>"
    )
    title = _fit(f"{UI[ctx.lang]['about_us']} | {spec.brief.name}", 60)
    desc = _fit(lc.about, 160)
    return _page(
        ctx,
        path="about.html",
        title=title,
        description=desc,
        body=body,
        page="about",
        ld=[_webpage_ld(ctx, "about.html", title, "AboutPage"), _business_ld(ctx)],
    )


def _not_found(ctx: Ctx) -> bytes:
    spec = ctx.spec
    body = (
        f'<section class="panel center"><h1>{ctx.ui("nf")}</h1><p>{ctx.ui("nf_text")}</p>'
        f'<p><a class="btn" href="{html.escape(ctx.base_url)}index.html">{ctx.ui("home")}</a></p></section>'
    )
    title = _fit(f"{UI[ctx.lang]['nf']} | {spec.brief.name}", 60)
    return _page(
        ctx,
        path="404.html",
        title=title,
        description=_fit(UI[ctx.lang]["nf_text"], 160),
        body=body,
        page="404",
        noindex=True,
        absolute_links=True,
        ld=[_webpage_ld(ctx, "404.html", title)],
    )


def _fit(text: str, limit: int) -> str:
    from sitegen.domain.offline import clamp_text

    return clamp_text(_plain(text), limit)


def _favicon(spec: SiteSpec) -> str:
    letter = html.escape((_plain(spec.brief.name)[:1] or "S").upper())
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
        f'<rect width="32" height="32" rx="7" fill="{spec.theme.brand}"/>'
        f'<text x="16" y="22" text-anchor="middle" font-family="system-ui,sans-serif" font-size="18" '
        f'font-weight="700" fill="#ffffff">{letter}</text></svg>'
    )


def _sitemap(ctx: Ctx, paths: list[str]) -> bytes:
    urls = "".join(
        f"<url><loc>{html.escape(ctx.abs('' if p == 'index.html' else p))}</loc></url>" for p in paths
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n'
    ).encode()


def _robots(ctx: Ctx) -> bytes:
    if not ctx.indexable:
        return b"User-agent: *\nDisallow: /\n"
    return (
        f"User-agent: *\nAllow: /\nDisallow: /cart.html\nDisallow: /track.html\n"
        f"Sitemap: {ctx.abs('sitemap.xml')}\n"
    ).encode()


# ---- entry point -----------------------------------------------------------------------------------------
def render_site(
    spec: SiteSpec,
    base_url: str,
    api_base: str = "",
    *,
    razorpay_src: str = DEFAULT_RAZORPAY_SRC,
    indexable: bool = True,
) -> dict[str, bytes]:
    """Render the static store. `base_url` is the absolute URL the files will be served under (canonical links,
    sitemap, Open Graph); `api_base` is the origin of the public APIs ("" = same origin); `razorpay_src` the
    Checkout script URL (the local emulator's in development); `indexable=False` for previews (noindex,
    robots Disallow). Deterministic: the same spec and arguments give byte-identical files."""
    _plain.cache_clear()
    spec = _validated(spec)
    css, js = styles_css(spec.theme).encode(), APP_JS.encode()
    css_path, js_path = hashed_name("assets/styles.css", css), hashed_name("assets/app.js", js)
    ctx = dataclasses.replace(
        _ctx(spec, base_url, api_base, razorpay_src, indexable), css_path=css_path, js_path=js_path
    )
    files: dict[str, bytes] = {}
    files["index.html"] = _home(ctx)
    listed = ["index.html", "about.html"]
    for cat in spec.catalog.categories:
        path, data = _category_page(ctx, cat)
        files[path] = data
        listed.append(path)
    for p in spec.catalog.products:
        path, data = _product_page(ctx, p)
        files[path] = data
        listed.append(path)
    files["cart.html"] = _cart_page(ctx)
    files["track.html"] = _track_page(ctx)
    files["about.html"] = _about_page(ctx)
    files["404.html"] = _not_found(ctx)
    files["sitemap.xml"] = _sitemap(ctx, listed)
    files["robots.txt"] = _robots(ctx)
    files[css_path] = css
    files[js_path] = js
    files["assets/img/favicon.svg"] = _favicon(spec).encode()
    for img in spec.images.images:
        if img.svg:
            files[f"assets/img/{img.id}.svg"] = _safe_svg(img.svg).encode()
    return files


def _validated(spec: SiteSpec) -> SiteSpec:
    """Structs are not validated on construction (only on decode), and edits build specs in code: re-check
    every constraint (ids, slugs, #rrggbb colours, URL patterns, lengths) before any of it reaches a file."""
    try:
        checked = msgspec.convert(msgspec.to_builtins(spec), SiteSpec)
    except msgspec.ValidationError as exc:
        raise ValidationProblem(
            "The site spec is not valid", code="SPEC_INVALID", errors=[FieldError("spec", str(exc))]
        ) from exc
    slugs = [p.slug for p in checked.catalog.products]
    cat_slugs = [c.slug for c in checked.catalog.categories]
    if len(set(slugs)) != len(slugs) or len(set(cat_slugs)) != len(cat_slugs):
        raise ValidationProblem(
            "Two products or categories share a slug",
            code="SPEC_INVALID",
            errors=[FieldError("catalog", "slugs must be unique")],
        )
    return checked


_SVG_FORBIDDEN = re.compile(
    r"<\s*(?:script|foreignObject|iframe|object|embed|a|use|image|animate|set)\b|"
    r"\bon[a-z]+\s*=|javascript:|href\s*=|url\s*\(|<!ENTITY|<!DOCTYPE",
    re.IGNORECASE,
)


def _safe_svg(svg: str) -> str:
    """SVG files are ours (art.py), but a spec is data: refuse anything scriptable rather than trust it."""
    if not svg.lstrip().startswith("<svg") or _SVG_FORBIDDEN.search(svg):
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
            '<rect width="10" height="10" fill="#e5e7eb"/></svg>'
        )
    return svg


def hashed_name(path: str, data: bytes) -> str:
    """`assets/app.js` → `assets/app.<10 hex of sha256>.js`: a new content is a new URL, so it can be cached forever."""
    stem, dot, ext = path.rpartition(".")
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}{dot}{ext}"


def shared_assets(files: dict[str, bytes]) -> dict[str, str]:
    """{"css": path, "js": path} of the hashed stylesheet and script in a rendered site."""
    out: dict[str, str] = {}
    for path in files:
        m = _HASHED_ASSET.match(path)
        if m:
            out["css" if m.group(1) == "styles" else "js"] = path
    return out


def home_page_weight(files: dict[str, bytes], *, gzipped: bool = False) -> int:
    """Bytes of the home page before images: HTML + CSS + JS (each gzip-compressed when `gzipped`)."""
    assets = shared_assets(files)
    parts = [files["index.html"], files[assets["css"]], files[assets["js"]]]
    if gzipped:
        return sum(len(gzip.compress(p, compresslevel=9, mtime=0)) for p in parts)
    return sum(len(p) for p in parts)
