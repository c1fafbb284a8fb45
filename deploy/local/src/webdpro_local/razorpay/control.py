"""Helpers around a running emulator: the control client tests use, a context manager that starts one as a
subprocess on a free port, and the environment the local platform gives its children."""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpx

from webdpro_local.procs import free_port, running_server
from webdpro_local.razorpay.config import (
    DEFAULT_KEY_ID,
    DEFAULT_KEY_SECRET,
    DEFAULT_PORT,
    DEFAULT_WEBHOOK_SECRET,
)

DEFAULT_PORT_BASE = 8100  # the local platform's default WEBDPRO_PORT_BASE


class RazorpayControl:
    """Drives a running emulator over HTTP: pay, webhooks, faults, clock, settlements, reset.

    `url` is the base URL to give the product's Razorpay client (httpx or `razorpay.Client(base_url=url)`)."""

    def __init__(
        self,
        url: str,
        key_id: str = DEFAULT_KEY_ID,
        key_secret: str = DEFAULT_KEY_SECRET,
        webhook_secret: str = DEFAULT_WEBHOOK_SECRET,
    ) -> None:
        self.url = url.rstrip("/")
        self.key_id = key_id
        self.key_secret = key_secret
        self.webhook_secret = webhook_secret
        self.http = httpx.Client(base_url=self.url, timeout=10, trust_env=False)

    @property
    def auth(self) -> tuple[str, str]:
        return (self.key_id, self.key_secret)

    @property
    def checkout_js_url(self) -> str:
        return f"{self.url}/v1/checkout.js"

    def api(self, method: str, path: str, **kw: Any) -> httpx.Response:
        """A Razorpay API call with the configured key (for tests that want the raw response)."""
        return self.http.request(method, path, auth=self.auth, **kw)

    def _post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        r = self.http.post(path, json=body or {})
        r.raise_for_status()
        return r.json()

    # ---- checkout -----------------------------------------------------------------------------------------

    def pay(
        self, order_id: str, method: str = "upi", outcome: str = "success", **extra: Any
    ) -> dict[str, Any]:
        """Pay an order on the hosted checkout. Success → `{razorpay_payment_id, razorpay_order_id,
        razorpay_signature}`; failure → `{"error": {…, "metadata": {payment_id, order_id}}}`."""
        r = self.http.post(
            f"/checkout/{order_id}/pay",
            json={"method": method, "outcome": outcome, "key": self.key_id, **extra},
        )
        if r.status_code not in (200, 400):
            r.raise_for_status()
        return r.json()

    def authenticate(
        self, subscription_id: str, method: str = "card", outcome: str = "success"
    ) -> dict[str, Any]:
        """Authorise a subscription's mandate (its first charge when it starts now)."""
        r = self.http.post(
            f"/_emulator/subscriptions/{subscription_id}/authenticate",
            json={"method": method, "outcome": outcome},
        )
        if r.status_code not in (200, 400):
            r.raise_for_status()
        return r.json()

    def signature(self, order_id: str, payment_id: str) -> str:
        return hmac.new(
            self.key_secret.encode(), f"{order_id}|{payment_id}".encode(), hashlib.sha256
        ).hexdigest()

    # ---- webhooks -----------------------------------------------------------------------------------------

    def set_webhook(
        self,
        url: str | None,
        secret: str | None = None,
        *,
        add: bool = False,
        retry_delays: list[float] | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"url": url, "add": add}
        if secret is not None:
            body["secret"] = secret
        if retry_delays is not None:
            body["retry_delays"] = retry_delays
        if timeout is not None:
            body["timeout"] = timeout
        return self._post("/_emulator/webhooks", body)

    def webhook_log(self, event: str | None = None) -> list[dict[str, Any]]:
        r = self.http.get("/_emulator/webhooks/log", params={"event": event} if event else None)
        r.raise_for_status()
        return r.json()["items"]

    def wait_webhooks(
        self,
        until: Callable[[list[dict[str, Any]]], bool] | int | None = None,
        timeout: float = 10.0,
    ) -> list[dict[str, Any]]:
        """Poll the webhook log until `until(log)` is true (an int: that many entries settled; None: every
        delivery settled — delivered, failed or dropped), then return the log."""
        deadline = time.monotonic() + timeout
        while True:
            r = self.http.get("/_emulator/webhooks/log")
            r.raise_for_status()
            data = r.json()
            items = data["items"]
            settled = [d for d in items if d["state"] in {"delivered", "failed", "dropped"}]
            if until is None:
                done = data["idle"]
            elif isinstance(until, int):
                done = len(settled) >= until
            else:
                done = until(items)
            if done:
                return items
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"webhooks not settled in {timeout}s: {[(d['event'], d['state']) for d in items]}"
                )
            time.sleep(0.05)

    # ---- faults, clock, settlements ----------------------------------------------------------------------

    def fault(
        self,
        next_n_requests: int | None = 1,
        status: int | None = 503,
        delay_ms: int = 0,
        paths: str | None = None,
        *,
        methods: str | None = None,
        process: bool = False,
        **more: Any,
    ) -> dict[str, Any]:
        """Arm faults (see faults.py): by default the next API request answers 503. `more` passes the other
        keys through: `webhooks={"duplicate": True}`, `refunds={"fail": 1}`, `subscription_charges={"fail": 2}`."""
        body: dict[str, Any] = dict(more)
        if next_n_requests:
            body.update(next_n_requests=next_n_requests, status=status, delay_ms=delay_ms, process=process)
            if paths:
                body["paths"] = paths
            if methods:
                body["methods"] = methods
        return self._post("/_emulator/faults", body)

    def webhook_faults(
        self, *, duplicate: bool = False, reorder: bool = False, drop: int = 0
    ) -> dict[str, Any]:
        return self._post(
            "/_emulator/faults", {"webhooks": {"duplicate": duplicate, "reorder": reorder, "drop": drop}}
        )

    def clear_faults(self) -> None:
        self.http.delete("/_emulator/faults").raise_for_status()

    def advance(self, seconds: float) -> int:
        """Move the emulator's clock forward (renewals fall due, holds expire); returns its new now()."""
        return self._post("/_emulator/clock/advance", {"seconds": seconds})["now"]

    def run_settlements(self) -> list[dict[str, Any]]:
        return self._post("/_emulator/settlements/run")["items"]

    def reset(self) -> None:
        self._post("/_emulator/reset")

    def state(self) -> dict[str, Any]:
        r = self.http.get("/_emulator/state")
        r.raise_for_status()
        return r.json()

    def sdk(self) -> Any:
        """The official `razorpay.Client` pointed at this emulator (needs the `razorpay` package)."""
        import razorpay

        return razorpay.Client(auth=self.auth, base_url=self.url)

    def close(self) -> None:
        self.http.close()


def _env_name(key: str) -> str:
    return key if key.startswith("WEBDPRO_") else f"WEBDPRO_RAZORPAY_{key.upper()}"


@contextmanager
def running_razorpay(
    port: int | None = None, *, timeout: float = 20.0, **env: Any
) -> Iterator[RazorpayControl]:
    """Start `python -m webdpro_local.razorpay` on a free port (a subprocess), yield its control client, stop it.

    Keyword arguments set the emulator's environment: `webhook_url="http://…"` → WEBDPRO_RAZORPAY_WEBHOOK_URL,
    `key_secret=…`, `auto_capture="false"`, `webhook_retry_delays="0.1,0.2"`, or full `WEBDPRO_…` names."""
    port = port or free_port()
    child_env = {**os.environ, "WEBDPRO_RAZORPAY_PORT": str(port)}
    for key in [k for k in child_env if k.startswith("WEBDPRO_RAZORPAY_") and k != "WEBDPRO_RAZORPAY_PORT"]:
        del child_env[key]  # a developer's shell settings must not leak into a test's emulator
    child_env.update({_env_name(k): str(v) for k, v in env.items()})
    url = f"http://127.0.0.1:{port}"
    control = RazorpayControl(
        url,
        key_id=child_env.get("WEBDPRO_RAZORPAY_KEY_ID") or DEFAULT_KEY_ID,
        key_secret=child_env.get("WEBDPRO_RAZORPAY_KEY_SECRET") or DEFAULT_KEY_SECRET,
        webhook_secret=child_env.get("WEBDPRO_RAZORPAY_WEBHOOK_SECRET") or DEFAULT_WEBHOOK_SECRET,
    )
    try:
        with running_server(
            "razorpay emulator", "webdpro_local.razorpay", child_env, f"{url}/_emulator/health", timeout
        ):
            yield control
    finally:
        control.close()


def platform_env(port_base: int, gateway_port: int, base: Mapping[str, str]) -> dict[str, str]:
    """What the local platform adds to every child's environment for Razorpay (values already in `base` win).

    Port: WEBDPRO_RAZORPAY_PORT, else 4578 with the default port base, else WEBDPRO_PORT_BASE itself — the one
    port of a shifted range (`free_ports_env`) no service uses — so a test platform never collides with a
    developer's. Webhooks go to the payments service through the gateway."""
    port = base.get("WEBDPRO_RAZORPAY_PORT") or str(
        DEFAULT_PORT if port_base == DEFAULT_PORT_BASE else port_base
    )
    url = f"http://127.0.0.1:{port}"
    defaults = {
        "WEBDPRO_RAZORPAY_PORT": port,
        "WEBDPRO_RAZORPAY_BASE_URL": url,
        "WEBDPRO_RAZORPAY_KEY_ID": DEFAULT_KEY_ID,
        "WEBDPRO_RAZORPAY_KEY_SECRET": DEFAULT_KEY_SECRET,
        "WEBDPRO_RAZORPAY_WEBHOOK_SECRET": DEFAULT_WEBHOOK_SECRET,
        "WEBDPRO_RAZORPAY_WEBHOOK_URL": f"http://127.0.0.1:{gateway_port}/api/payments/webhooks/razorpay",
        "WEBDPRO_CHECKOUT_JS_URL": f"{url}/v1/checkout.js",  # sitegen's sites load the emulator's checkout.js
    }
    return {k: base.get(k) or v for k, v in defaults.items()}
