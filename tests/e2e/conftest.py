"""The whole platform as separate processes behind the gateway, once per test session."""

from __future__ import annotations

import asyncio
import re
import time

import httpx
import pytest

from webdpro_local.platform import free_ports_env, start_platform
from webdpro_local.scheduler import fire_once
from webdpro_local.settings import load_local


@pytest.fixture(scope="session")
def platform():
    env = {
        **free_ports_env(),
        "WEBDPRO_ENV": "test",
        "WEBDPRO_LOG_LEVEL": "WARNING",
        # The emulator serialises every DynamoDB call (DynamoDB itself does not), so 200 checkouts at once queue
        # far longer there than on AWS: give the catalog call the patience the laptop needs.
        "WEBDPRO_CATALOG_TIMEOUT_SECONDS": "30",
    }
    with start_platform(env, quiet=True, timeout=90) as running:
        yield running


@pytest.fixture(scope="session")
def gw(platform):
    with httpx.Client(base_url=platform.gateway_url, timeout=20) as client:
        yield client


class Person:
    """Someone who logs in by OTP, reading the code from the dev inbox as a person would read their phone."""

    def __init__(self, gw: httpx.Client, destination: str, role: str, ip: str) -> None:
        self.gw, self.destination, self.role, self.ip = gw, destination, role, ip
        self.tokens: dict = {}

    @property
    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.tokens['accessToken']}"}

    def login(self) -> Person:
        channel = "email" if "@" in self.destination else "sms"
        sent_after = time.time()
        r = self.gw.post(
            "/api/auth/otp/request",
            json={"channel": channel, "destination": self.destination},
            headers={"x-forwarded-for": self.ip},
        )
        assert r.status_code == 202, r.text
        code = read_code(self.gw, self.destination, sent_after)
        r = self.gw.post(
            "/api/auth/otp/verify", json={"destination": self.destination, "code": code, "role": self.role}
        )
        assert r.status_code == 200, r.text
        self.tokens = r.json()
        return self

    def get(self, path: str, **kw) -> httpx.Response:
        return self.gw.get(path, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    def post(self, path: str, **kw) -> httpx.Response:
        return self.gw.post(path, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    def patch(self, path: str, **kw) -> httpx.Response:
        return self.gw.patch(path, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    def put(self, path: str, **kw) -> httpx.Response:
        return self.gw.put(path, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    def delete(self, path: str, **kw) -> httpx.Response:
        return self.gw.delete(path, headers={**self.headers, **kw.pop("headers", {})}, **kw)


def inbox(gw: httpx.Client, to: str) -> list[dict]:
    """What the platform sent to a phone or an email address (the gateway's dev inbox), newest first."""
    r = gw.get("/_dev/inbox", params={"to": to})
    assert r.status_code == 200, r.text
    return r.json()


def pay_on_emulator(platform, payer: Person, order_id: str, razorpay_order_id: str) -> dict:
    """Pay by UPI on the Razorpay emulator's checkout, then hand the checkout's answer to /verify, as the page's
    Checkout handler does (an order's payment, or a platform fee the merchant pays)."""
    paid = httpx.post(
        f"{platform.env['WEBDPRO_RAZORPAY_BASE_URL']}/checkout/{razorpay_order_id}/pay",
        json={"method": "upi", "outcome": "success"},
    )
    assert paid.status_code == 200, paid.text
    handler = paid.json()
    verified = payer.post(
        "/api/payments/verify",
        json={
            "orderId": order_id,
            "razorpayPaymentId": handler["razorpay_payment_id"],
            "razorpayOrderId": handler["razorpay_order_id"],
            "razorpaySignature": handler["razorpay_signature"],
        },
    )
    assert verified.status_code == 200, verified.text
    return verified.json()


def scheduler_tick(platform, event_type: str) -> dict:
    """One tick of the platform's schedule now (EventBridge's "run now"), instead of waiting for it."""
    return asyncio.run(fire_once(load_local(platform.env), event_type))


def read_code(gw: httpx.Client, destination: str, after: float, timeout: float = 10) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = gw.get("/_dev/inbox", params={"to": destination})
        assert r.status_code == 200, r.text
        if r.json():
            match = re.search(r"\b(\d{6})\b", r.json()[0]["body"])
            if match:
                return match.group(1)
        time.sleep(0.1)
    raise AssertionError(f"no code reached {destination}")


def wait_for(fn, *, timeout: float = 20, interval: float = 0.1):
    """Poll `fn` until it returns something truthy (events cross SNS/SQS between processes)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out; last value: {last!r}")
