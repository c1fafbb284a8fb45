"""A customer uses the live Curam store in Chromium: browse, add to cart, log in by SMS OTP, pay by UPI on the
Razorpay emulator's Checkout, order again with cash on delivery, and follow both orders on the tracking page.
Each step leaves a screenshot in tests/browser/artifacts/."""

from __future__ import annotations

import json
import re
import time

import pytest

from tests.browser.conftest import Shots
from tests.e2e.conftest import read_code

pytestmark = pytest.mark.e2e

PHONE = "+919812300001"
ADDRESS = {"name": "Meera", "line1": "12 Hill Road, Bandra West", "pincode": "400050"}


def _add_first_product(page, store, quantity: int, shots: Shots | None = None) -> str:
    page.goto(store.url)
    page.locator(".card h3 a").first.click()
    page.wait_for_selector("article.prod [data-add]")
    name = page.locator("h1").inner_text()
    if shots:
        shots("product")
    page.fill("[data-qty]", str(quantity))
    page.click("article.prod [data-add]")
    page.wait_for_function(
        "n => document.querySelector('[data-cart-count]').textContent === String(n)", arg=quantity
    )
    return name


def _placed(page, timeout: float = 20_000) -> str:
    """Wait until the site moves to the order's tracking page; a refusal shown on the page fails with its text."""
    page.wait_for_function(
        "() => location.search.includes('order=') || document.querySelector('[data-msg].err')",
        timeout=timeout,
    )
    assert "order=" in page.url, page.locator("[data-msg]").inner_text()
    page.wait_for_load_state()
    return page.url.split("order=", 1)[1]


def _fill_address(page) -> None:
    for field, value in ADDRESS.items():
        page.fill(f"[data-address] [name={field}]", value)


def _order_status(page) -> str:
    return page.locator("[data-track-out] .badge").inner_text()


def test_customer_pays_by_upi_then_cod_and_tracks_both_orders(browser_context, store, gw) -> None:
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    shots = Shots(page, "upi")

    # Browse: home → product page → add two to the cart → the cart page lists them.
    page.goto(store.url)
    assert "Curam" in page.title()
    assert page.locator("h1").count() == 1
    shots("home")
    name = _add_first_product(page, store, 2, shots)
    shots("added")
    page.click("a.pill")
    page.wait_for_url(re.compile(r"cart\.html$"))
    page.wait_for_selector("[data-cart-items] .line")
    assert name in page.locator("[data-cart-items]").inner_text()
    assert page.locator("[data-place]").is_enabled()
    shots("cart")

    # Placing the order first asks for a login; the site's own OTP form logs the customer in.
    page.click("[data-place]")
    page.wait_for_selector("[data-msg].err")
    sent_after = time.time()
    page.fill("[data-phone]", PHONE.removeprefix("+91"))
    page.click("[data-otp-request]")
    page.wait_for_selector("[data-otp-box]:not([hidden])")
    shots("otp-sent")
    page.fill("[data-otp]", read_code(gw, PHONE, sent_after))
    page.click("[data-otp-verify]")
    page.wait_for_selector("[data-logged]:not([hidden])")
    assert page.locator("[data-step=login]").is_hidden()
    shots("logged-in")

    # UPI: Razorpay Checkout (the emulator's checkout.js) opens over the page; paying returns to the store.
    _fill_address(page)
    page.check("input[name=pay][value=UPI]")
    page.click("[data-place]")
    page.wait_for_selector("[data-razorpay-checkout]")
    shots("razorpay-checkout", full_page=False)  # the overlay is fixed to the viewport
    page.click("[data-razorpay-method=upi]")
    upi_order = _placed(page)
    page.wait_for_selector("[data-track-out]:not([hidden])")
    for _ in range(40):  # the capture confirms the order through the event chain
        if _order_status(page) == "CONFIRMED":
            break
        page.wait_for_timeout(250)
        page.reload()
        page.wait_for_selector("[data-track-out]:not([hidden])")
    assert _order_status(page) == "CONFIRMED"
    assert page.locator("[data-cart-count]").inner_text() == "0"
    shots("upi-confirmed")

    # Cash on delivery: one more, no payment step, straight to the order's tracking page.
    shots = Shots(page, "cod")
    _add_first_product(page, store, 1)
    page.click("a.pill")
    page.wait_for_selector("[data-cart-items] .line")
    assert page.locator("[data-logged]").is_visible()  # still logged in
    _fill_address(page)
    page.check("input[name=pay][value=COD]")
    shots("cart")
    page.click("[data-place]")
    cod_order = _placed(page)
    assert cod_order != upi_order
    page.wait_for_selector("[data-track-out]:not([hidden])")
    assert _order_status(page) == "CONFIRMED"
    shots("cod-confirmed")

    # Tracking: the customer's orders at this store, newest first, each opening its timeline.
    shots = Shots(page, "track")
    page.goto(store.url + "track.html")
    page.wait_for_selector("[data-my-orders] li")
    listed = page.locator("[data-my-orders] li a").evaluate_all(
        "links => links.map(a => new URL(a.href).searchParams.get('order'))"
    )
    assert listed[:2] == [cod_order, upi_order]
    shots("my-orders")
    page.locator(f"[data-my-orders] a[href$='{upi_order}']").click()
    page.wait_for_selector("[data-track-out]:not([hidden])")
    assert upi_order in page.locator("[data-track-out]").inner_text()
    assert page.locator("[data-track-out] .steps li").count() >= 2
    shots("upi-timeline")
    assert not errors, errors


def test_served_pages_carry_their_seo(browser_context, store, gw) -> None:
    """The page as a browser sees it (after app.js ran): one h1, lang, viewport, canonical on the store's URL,
    JSON-LD that parses, every image with alt text; the CSS and script are the hashed, immutable assets."""
    page = browser_context.new_page()
    responses = {}
    page.on("response", lambda r: responses.__setitem__(r.url, r))
    page.goto(store.url)
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "width=device-width" in page.locator("meta[name=viewport]").get_attribute("content")
    assert page.locator("h1").count() == 1
    canonical = page.locator("link[rel=canonical]").get_attribute("href")
    assert canonical == store.url
    assert page.locator("meta[property='og:url']").get_attribute("content") == canonical
    lds = [json.loads(x) for x in page.locator("script[type='application/ld+json']").all_text_contents()]
    assert any("LocalBusiness" in ([t] if isinstance(t := ld["@type"], str) else t) for ld in lds)
    assert page.locator("img:not([alt])").count() == 0
    robots = page.locator("meta[name=robots]").get_attribute("content")
    assert robots == "index,follow"  # live pages are indexable (drafts are not)
    css = page.locator("link[rel=stylesheet]").get_attribute("href")
    js = page.locator("script[src]").get_attribute("src")
    assert re.search(r"assets/styles\.[0-9a-f]{10}\.css$", css) and re.search(
        r"assets/app\.[0-9a-f]{10}\.js$", js
    )
    asset = next(r for url, r in responses.items() if re.search(r"assets/app\.[0-9a-f]{10}\.js$", url))
    assert asset.status == 200 and "immutable" in asset.headers.get("cache-control", "")
    sitemap = gw.get("/sitemap.xml", headers={"host": store.host})
    assert sitemap.status_code == 200 and store.url + "about.html" in sitemap.text
    robots_txt = gw.get("/robots.txt", headers={"host": store.host}).text
    assert "Allow: /" in robots_txt and f"Sitemap: {store.url}sitemap.xml" in robots_txt
    missing = page.goto(store.url + "no-such-page.html")
    assert missing.status == 404
    assert page.locator("h1").count() == 1 and page.locator("meta[name=robots]").get_attribute("content") == (
        "noindex,nofollow"
    )
    Shots(page, "seo")("404")
