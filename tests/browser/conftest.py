"""A live store in a real browser: the whole platform (once per module), a merchant who generates Curam and puts
it live on `curam.localhost:<gateway port>`, and Debian's Chromium driven by Playwright.

Never a downloaded browser: PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 and `executable_path=/usr/bin/chromium`
(`make browser` installs Debian's package where it is missing). Screenshots go to tests/browser/artifacts/.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import Person, wait_for
from webdpro_local.platform import free_ports_env, start_platform

os.environ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
CURAM = "Curam – fresh vegetables, Mumbai, local delivery, cash + UPI, green theme"  # noqa: RUF001
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def platform():
    ports = free_ports_env()
    env = {
        **ports,
        "WEBDPRO_ENV": "test",
        "WEBDPRO_LOG_LEVEL": "WARNING",
        # Live stores are served by host through the gateway (Chromium resolves *.localhost to loopback).
        # (sitegen's settings site_url_template / sites_domain; the variables carry no service prefix)
        "WEBDPRO_SITE_URL_TEMPLATE": f"http://{{host}}:{ports['WEBDPRO_GATEWAY_PORT']}/",
        "WEBDPRO_SITES_DOMAIN": "localhost",  # free subdomains: curam.localhost
    }
    with start_platform(env, quiet=True, timeout=120) as running:
        yield running


@pytest.fixture(scope="module")
def gw(platform) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=platform.gateway_url, timeout=30) as client:
        yield client


@dataclass(frozen=True)
class LiveStore:
    store_id: str
    url: str  # the live store, e.g. http://curam.localhost:<gateway port>/
    host: str
    merchant: Person


def _pay_platform_payment(platform, payment: dict) -> dict:
    """The merchant pays the publish fee on the Razorpay emulator's checkout, as the e2e pays."""
    razorpay = platform.env["WEBDPRO_RAZORPAY_BASE_URL"]
    paid = httpx.post(
        f"{razorpay}/checkout/{payment['razorpayOrderId']}/pay", json={"method": "upi", "outcome": "success"}
    )
    assert paid.status_code == 200, paid.text
    return paid.json()


@pytest.fixture(scope="module")
def store(gw, platform) -> LiveStore:
    raj = Person(gw, "+919820077777", "BUSINESS_OWNER", "10.30.0.1").login()
    created = raj.post("/api/sitegen/stores", json={"prompt": CURAM})
    assert created.status_code == 202, created.text
    store_id = created.json()["storeId"]
    with gw.stream("GET", f"/api/sitegen/stores/{store_id}/events", headers=raj.headers) as stream:
        stages = [json.loads(line[5:])["stage"] for line in stream.iter_lines() if line.startswith("data:")]
    assert stages[-1] == "ready", stages
    # Online payments go to the merchant's Route account: UPI checkout needs it linked.
    linked = raj.post(
        "/api/payments/linked-account",
        json={
            "legalBusinessName": "Curam Fresh",
            "contactName": "Raj",
            "email": "raj@curam.in",
            "phone": "+919820077777",
        },
    )
    assert linked.status_code == 201, linked.text
    # The catalog takes the generated products over (the storefront's checkout reserves against it).
    wait_for(lambda: gw.get(f"/api/catalog/public/stores/{store_id}/products").json().get("items"))

    # Live on the free subdomain: publish → pay the publish fee on the emulator → the saga puts it LIVE.
    asked = raj.post(
        f"/api/sitegen/stores/{store_id}/publish", json={"domain": {"type": "subdomain", "name": "curam"}}
    )
    assert asked.status_code == 201, asked.text
    payment = asked.json()["platformPayment"]  # the one-time publish fee (no subscription here)
    assert payment and payment["amountPaise"] == asked.json()["amountPaise"] > 0, asked.json()
    handler = _pay_platform_payment(platform, payment)
    verified = raj.post(
        "/api/payments/verify",
        json={
            "orderId": payment["platformPaymentId"],
            "razorpayPaymentId": handler["razorpay_payment_id"],
            "razorpayOrderId": handler["razorpay_order_id"],
            "razorpaySignature": handler["razorpay_signature"],
        },
    )
    assert verified.status_code == 200, verified.text
    live = wait_for(
        lambda: (s := raj.get(f"/api/sitegen/stores/{store_id}").json())["status"] == "LIVE" and s,
        timeout=60,
    )
    host = f"curam.localhost:{platform.env['WEBDPRO_GATEWAY_PORT']}"
    assert live["liveUrl"] == f"http://{host}/", live
    return LiveStore(store_id, f"http://{host}/", host, raj)


@pytest.fixture(scope="module")
def browser_context():
    if not CHROMIUM.exists():
        pytest.fail("Debian's Chromium is missing: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="webdpro-chromium-")
    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                profile,
                executable_path=str(CHROMIUM),
                headless=True,
                args=CHROMIUM_ARGS,
                viewport={"width": 412, "height": 915},  # a phone: most customers shop on one
                locale="en-IN",
            )
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


class Shots:
    """Numbered full-page screenshots, kept as test artifacts."""

    def __init__(self, page, prefix: str) -> None:
        self.page, self.prefix, self.n = page, prefix, 0

    def __call__(self, name: str, *, full_page: bool = True) -> Path:
        self.n += 1
        path = ARTIFACTS / f"{self.prefix}-{self.n:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path
