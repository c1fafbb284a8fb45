"""The Razorpay emulator over real HTTP: the official SDK pointed at it with `base_url`, httpx for the rest, a
tiny webhook receiver for deliveries, and node (when present) driving checkout.js with a minimal DOM."""

from __future__ import annotations

import collections
import json
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import razorpay
from razorpay.errors import BadRequestError, ServerError

from webdpro_local.razorpay import DEFAULT_PORT, RazorpayControl, platform_env, running_razorpay
from webdpro_local.razorpay.webhooks import sign

ID = {
    p: re.compile(rf"^{p}_[A-Za-z0-9]{{14}}$")
    for p in ("order", "pay", "rfnd", "trf", "acc", "setl", "plan", "sub", "rvrsl")
}


# ---- a webhook receiver ------------------------------------------------------------------------------------


class Receiver:
    """Records every POST (headers + raw body); answers 200 unless `plan(event, (status, delay), …)` scripted
    the next answers for that event."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.script: dict[str, collections.deque[tuple[int, float]]] = collections.defaultdict(
            collections.deque
        )
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                event = json.loads(body)["event"]
                with receiver.lock:
                    planned = receiver.script[event]
                    status, delay = planned.popleft() if planned else (200, 0.0)
                    receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                time.sleep(delay)
                self.send_response(status)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/payments/webhooks/razorpay"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()
            self.script.clear()

    def plan(self, event: str, *answers: tuple[int, float]) -> None:
        with self.lock:
            self.script[event].extend(answers)

    def events(self) -> list[str]:
        return [json.loads(body)["event"] for _, body in self.requests]


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()


@pytest.fixture(scope="module")
def emulator(receiver: Receiver) -> Iterator[RazorpayControl]:
    with running_razorpay(webhook_url=receiver.url, webhook_retry_delays="0.1,0.2,0.3") as rzp:
        yield rzp


@pytest.fixture
def rzp(emulator: RazorpayControl, receiver: Receiver) -> RazorpayControl:
    emulator.reset()
    receiver.clear()
    return emulator


@pytest.fixture
def sdk(rzp: RazorpayControl) -> razorpay.Client:
    return razorpay.Client(auth=(rzp.key_id, rzp.key_secret), base_url=rzp.url)


def new_order(rzp: RazorpayControl, amount: int = 10_000, **extra: Any) -> dict[str, Any]:
    r = rzp.api("POST", "/v1/orders", json={"amount": amount, "currency": "INR", **extra})
    assert r.status_code == 200, r.text
    return r.json()


def paid_payment(rzp: RazorpayControl, amount: int = 10_000, **extra: Any) -> dict[str, Any]:
    order = new_order(rzp, amount, **extra)
    pay = rzp.pay(order["id"], "upi")
    return rzp.api("GET", f"/v1/payments/{pay['razorpay_payment_id']}").json()


def account_body(email: str = "curam@example.com") -> dict[str, Any]:
    return {
        "email": email,
        "phone": "9000090000",
        "type": "route",
        "legal_business_name": "Curam Vegetables",
        "business_type": "partnership",
        "profile": {
            "category": "food",
            "subcategory": "grocery",
            "addresses": {
                "registered": {
                    "street1": "1 Market Rd",
                    "city": "Mumbai",
                    "state": "MAHARASHTRA",
                    "postal_code": "400001",
                    "country": "IN",
                }
            },
        },
    }


def linked_account(rzp: RazorpayControl, email: str = "curam@example.com") -> str:
    r = rzp.api("POST", "/v2/accounts", json=account_body(email))
    assert r.status_code == 200, r.text
    return r.json()["id"]


def delivered(log: list[dict[str, Any]], event: str) -> int:
    return sum(d["event"] == event and d["state"] == "delivered" for d in log)


def error_of(r: httpx.Response) -> dict[str, Any]:
    body = r.json()
    assert set(body) == {"error"}
    assert {"code", "description", "source", "step", "reason", "metadata"} <= set(body["error"])
    return body["error"]


# ---- the SDK cannot tell ------------------------------------------------------------------------------------


def test_sdk_creates_fetches_and_finds_an_order_by_receipt(
    rzp: RazorpayControl, sdk: razorpay.Client
) -> None:
    before = int(time.time())
    order = sdk.order.create(
        {"amount": 24_900, "currency": "INR", "receipt": "ord_01JCURAM", "notes": {"store": "curam"}}
    )
    assert ID["order"].match(order["id"])
    assert order | {"id": None, "created_at": None} == {
        "id": None,
        "entity": "order",
        "amount": 24_900,
        "amount_paid": 0,
        "amount_due": 24_900,
        "currency": "INR",
        "receipt": "ord_01JCURAM",
        "offer_id": None,
        "status": "created",
        "attempts": 0,
        "notes": {"store": "curam"},
        "created_at": None,
    }
    assert before <= order["created_at"] <= int(time.time()) + 1
    assert sdk.order.fetch(order["id"]) == order
    sdk.order.create({"amount": 100, "currency": "INR", "receipt": "another"})
    found = sdk.order.all({"receipt": "ord_01JCURAM"})
    assert found["entity"] == "collection" and found["count"] == 1 and found["items"][0]["id"] == order["id"]
    assert sdk.order.all({"receipt": "nobody"})["count"] == 0
    # An empty `notes` is serialised as [] — as Razorpay does.
    assert sdk.order.create({"amount": 100, "currency": "INR"})["notes"] == []


def test_sdk_raises_its_own_errors_for_razorpay_error_bodies(
    rzp: RazorpayControl, sdk: razorpay.Client
) -> None:
    with pytest.raises(BadRequestError, match=re.escape("The amount must be at least INR 1.00")):
        sdk.order.create({"amount": 99, "currency": "INR"})
    with pytest.raises(BadRequestError, match="The id provided does not exist"):
        sdk.order.fetch("order_AAAAAAAAAAAAAA")
    rzp.fault(1, 503, paths="/v1/orders")
    with pytest.raises(ServerError):
        sdk.order.create({"amount": 100, "currency": "INR"})
    assert sdk.order.create({"amount": 100, "currency": "INR"})["status"] == "created"


# ---- checkout ------------------------------------------------------------------------------------------------


def test_checkout_payment_is_signed_with_the_key_secret_and_captured(
    rzp: RazorpayControl, sdk: razorpay.Client
) -> None:
    order = new_order(rzp, 24_900, receipt="ord_sig")
    paid = rzp.pay(order["id"], "upi", vpa="raj@okhdfc")
    assert set(paid) == {"razorpay_payment_id", "razorpay_order_id", "razorpay_signature"}
    assert paid["razorpay_order_id"] == order["id"] and ID["pay"].match(paid["razorpay_payment_id"])
    assert sdk.utility.verify_payment_signature(paid) is True
    with pytest.raises(razorpay.errors.SignatureVerificationError):
        sdk.utility.verify_payment_signature({**paid, "razorpay_signature": "0" * 64})

    payment = sdk.payment.fetch(paid["razorpay_payment_id"])
    assert payment["status"] == "captured" and payment["captured"] is True
    assert (
        payment["method"] == "upi" and payment["vpa"] == "raj@okhdfc" and payment["order_id"] == order["id"]
    )
    assert payment["amount"] == 24_900 and payment["fee"] > payment["tax"] > 0
    assert payment["amount_refunded"] == 0 and payment["refund_status"] is None and payment["notes"] == []
    after = sdk.order.fetch(order["id"])
    assert (after["status"], after["amount_paid"], after["amount_due"], after["attempts"]) == (
        "paid",
        24_900,
        0,
        1,
    )
    assert [p["id"] for p in sdk.order.payments(order["id"])["items"]] == [payment["id"]]

    again = rzp.http.post(f"/checkout/{order['id']}/pay", json={"method": "card"})
    assert again.status_code == 400
    assert error_of(again)["description"].startswith(
        "Your payment has been declined as the order is already paid"
    )


def test_a_failed_attempt_then_a_successful_one(rzp: RazorpayControl) -> None:
    order = new_order(rzp)
    failed = rzp.pay(order["id"], "card", "failure")
    err = failed["error"]
    assert err["code"] == "BAD_REQUEST_ERROR" and err["reason"] == "payment_failed"
    assert err["metadata"]["order_id"] == order["id"] and ID["pay"].match(err["metadata"]["payment_id"])
    payment = rzp.api("GET", f"/v1/payments/{err['metadata']['payment_id']}").json()
    assert payment["status"] == "failed" and payment["error_code"] == "BAD_REQUEST_ERROR"
    assert payment["error_step"] == "payment_authorization"
    assert rzp.api("GET", f"/v1/orders/{order['id']}").json()["status"] == "attempted"
    rzp.pay(order["id"], "netbanking")
    order = rzp.api("GET", f"/v1/orders/{order['id']}").json()
    assert (order["status"], order["attempts"]) == ("paid", 2)


def test_manual_capture_checks_the_amount_like_razorpay(rzp: RazorpayControl, sdk: razorpay.Client) -> None:
    order = new_order(rzp, 50_000, payment_capture=0)
    pid = rzp.pay(order["id"], "card")["razorpay_payment_id"]
    assert sdk.payment.fetch(pid)["status"] == "authorized"
    assert sdk.order.fetch(order["id"])["status"] == "attempted"
    wrong = rzp.api("POST", f"/v1/payments/{pid}/capture", json={"amount": 40_000, "currency": "INR"})
    assert wrong.status_code == 400
    assert error_of(wrong) | {"metadata": {}} == {
        "code": "BAD_REQUEST_ERROR",
        "description": "Capture amount must be equal to the amount authorized",
        "source": "business",
        "step": "payment_initiation",
        "reason": "input_validation_failed",
        "metadata": {},
        "field": "amount",
    }
    captured = sdk.payment.capture(pid, 50_000, {"currency": "INR"})
    assert captured["status"] == "captured" and captured["captured"] is True
    assert sdk.order.fetch(order["id"])["status"] == "paid"
    with pytest.raises(BadRequestError, match="This payment has already been captured"):
        sdk.payment.capture(pid, 50_000, {"currency": "INR"})


def test_checkout_js_hosted_page_and_cors(rzp: RazorpayControl) -> None:
    js = rzp.http.get("/v1/checkout.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("application/javascript")
    assert "window.Razorpay = Razorpay" in js.text and json.dumps(rzp.url) in js.text
    order = new_order(rzp, 12_345)
    page = rzp.http.get(f"/checkout/{order['id']}", params={"key": rzp.key_id})
    assert page.status_code == 200 and order["id"] in page.text and "123.45" in page.text
    assert '<script src="/v1/checkout.js">' in page.text
    pre = rzp.http.options(
        f"/checkout/{order['id']}/pay",
        headers={"Origin": "http://curam.localhost:8080", "Access-Control-Request-Method": "POST"},
    )
    assert pre.status_code == 204 and pre.headers["access-control-allow-origin"] == "*"
    assert "content-type" in pre.headers["access-control-allow-headers"]
    wrong_key = rzp.http.post(f"/checkout/{order['id']}/pay", json={"key": "rzp_test_other", "method": "upi"})
    assert wrong_key.status_code == 401 and wrong_key.headers["access-control-allow-origin"] == "*"
    ok = rzp.http.post(f"/checkout/{order['id']}/pay", json={"key": rzp.key_id, "method": "upi"})
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == "*"


DOM_SHIM = r"""
const elements = [];
function makeEl(tag) {
  const e = {tag, attrs: {}, children: [], listeners: {}, style: {}, textContent: "", parentNode: null, value: "",
    setAttribute(k, v) { this.attrs[k] = String(v); }, getAttribute(k) { return this.attrs[k]; },
    appendChild(c) { c.parentNode = this; this.children.push(c); return c; },
    removeChild(c) { this.children = this.children.filter(x => x !== c); c.parentNode = null; },
    addEventListener(t, f) { (this.listeners[t] = this.listeners[t] || []).push(f); },
    click() { (this.listeners.click || []).forEach(f => f({})); }};
  elements.push(e);
  return e;
}
globalThis.window = globalThis;
globalThis.document = {createElement: makeEl, body: makeEl("body"), documentElement: makeEl("html")};
const src = require("fs").readFileSync(process.argv[2], "utf8");
eval(src);
const find = (attr, value) => elements.find(e => e.parentNode && attr in e.attrs && (value === undefined || e.attrs[attr] === value));
const [orderId, key] = [process.argv[3], process.argv[4]];
const result = {};
const rzp = new window.Razorpay({key, order_id: orderId, amount: 10000, name: "Curam",
  handler: (res) => { result.success = res; finish(); }});
rzp.on("payment.failed", (res) => { result.failed = res.error; find("data-razorpay-method", "upi").click(); });
rzp.open();
result.amountText = find("data-razorpay-amount").textContent;
find("data-razorpay-fail").click();
function finish() {
  result.overlayClosed = !find("data-razorpay-checkout");
  console.log(JSON.stringify(result));
  process.exit(0);
}
setTimeout(() => { console.log(JSON.stringify({timeout: true, ...result})); process.exit(1); }, 8000);
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_checkout_js_fails_then_pays_in_a_page(rzp: RazorpayControl, sdk: razorpay.Client, tmp_path) -> None:
    """checkout.js as a page runs it: open → "Fail" (payment.failed fires) → "Pay with UPI" → handler."""
    order = new_order(rzp)
    (tmp_path / "checkout.js").write_text(rzp.http.get("/v1/checkout.js").text)
    (tmp_path / "run.js").write_text(DOM_SHIM)
    out = subprocess.run(
        ["node", str(tmp_path / "run.js"), str(tmp_path / "checkout.js"), order["id"], rzp.key_id],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=20,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["amountText"] == "₹100.00"
    assert (
        result["failed"]["reason"] == "payment_failed"
        and result["failed"]["metadata"]["order_id"] == order["id"]
    )
    assert result["success"]["razorpay_order_id"] == order["id"] and result["overlayClosed"] is True
    assert sdk.utility.verify_payment_signature(result["success"]) is True
    assert sdk.order.fetch(order["id"])["attempts"] == 2


# ---- errors --------------------------------------------------------------------------------------------------


def test_credentials_are_checked_with_razorpays_401_bodies(rzp: RazorpayControl) -> None:
    none = rzp.http.get("/v1/orders")
    assert none.status_code == 401
    assert error_of(none)["description"] == "Please provide your api key for authentication purposes."
    bad_secret = rzp.http.get("/v1/orders", auth=(rzp.key_id, "nope"))
    assert bad_secret.status_code == 401 and error_of(bad_secret) == {
        "code": "BAD_REQUEST_ERROR",
        "description": "Authentication failed",
        "source": "NA",
        "step": "NA",
        "reason": "NA",
        "metadata": {},
    }
    bad_key = rzp.http.get("/v1/orders", auth=("rzp_test_other", rzp.key_secret))
    assert (
        bad_key.status_code == 401 and error_of(bad_key)["description"] == "The api key provided is invalid"
    )
    with pytest.raises(BadRequestError, match="Authentication failed"):
        razorpay.Client(auth=(rzp.key_id, "wrong"), base_url=rzp.url).order.all()


@pytest.mark.parametrize(
    ("body", "description", "field"),
    [
        ({"currency": "INR"}, "The amount field is required.", "amount"),
        ({"amount": "12.5", "currency": "INR"}, "The amount must be an integer.", "amount"),
        ({"amount": 100}, "The currency field is required.", "currency"),
        (
            {"amount": 100, "currency": "INR", "receipt": "r" * 41},
            "The receipt may not be greater than 40 characters.",
            "receipt",
        ),
        (
            {"amount": 100, "currency": "INR", "notes": {f"k{i}": "v" for i in range(16)}},
            "Number of fields in notes should be less than or equal to 15",
            "notes",
        ),
        (
            {"amount": 100, "currency": "INR", "colour": "green"},
            "colour is/are not required and should not be sent",
            "colour",
        ),
    ],
)
def test_bad_orders_get_razorpays_400(rzp: RazorpayControl, body: dict, description: str, field: str) -> None:
    r = rzp.api("POST", "/v1/orders", json=body)
    assert r.status_code == 400
    err = error_of(r)
    assert (err["code"], err["description"], err["field"]) == ("BAD_REQUEST_ERROR", description, field)


def test_unknown_urls_ids_and_bodies(rzp: RazorpayControl) -> None:
    assert (
        error_of(rzp.api("GET", "/v1/nothing"))["description"]
        == "The requested URL was not found on the server."
    )
    assert rzp.api("DELETE", "/v1/orders").status_code == 400
    r = rzp.api("GET", "/v1/payments/banana")
    assert r.status_code == 400 and error_of(r)["description"] == "banana is not a valid id"
    r = rzp.api("GET", "/v1/refunds/rfnd_AAAAAAAAAAAAAA")
    assert r.status_code == 400 and error_of(r)["description"] == "The id provided does not exist"
    r = rzp.api("POST", "/v1/orders", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and error_of(r)["code"] == "BAD_REQUEST_ERROR"
    # Form bodies (what curl -d sends) are read like Razorpay reads them.
    r = rzp.api("POST", "/v1/orders", data={"amount": "500", "currency": "INR", "notes[store]": "curam"})
    assert r.status_code == 200 and r.json()["notes"] == {"store": "curam"}


def test_5xx_and_slow_faults(rzp: RazorpayControl) -> None:
    rzp.fault(2, 503, paths="/v1/orders", methods="POST")
    for _ in range(2):
        r = rzp.api("POST", "/v1/orders", json={"amount": 100, "currency": "INR", "receipt": "f1"})
        assert r.status_code == 503 and error_of(r)["code"] == "SERVER_ERROR"
    assert rzp.api("GET", "/v1/orders").status_code == 200  # only POSTs were armed
    assert (
        rzp.api("POST", "/v1/orders", json={"amount": 100, "currency": "INR", "receipt": "f1"}).status_code
        == 200
    )
    assert rzp.api("GET", "/v1/orders", params={"receipt": "f1"}).json()["count"] == 1

    # Razorpay did the work but the client saw a 502: the receipt lookup finds the order.
    rzp.fault(1, 502, process=True)
    r = rzp.api("POST", "/v1/orders", json={"amount": 100, "currency": "INR", "receipt": "f2"})
    assert r.status_code == 502 and error_of(r)["code"] == "GATEWAY_ERROR"
    assert rzp.api("GET", "/v1/orders", params={"receipt": "f2"}).json()["count"] == 1

    rzp.fault(1, None, delay_ms=400)
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        rzp.api("POST", "/v1/orders", json={"amount": 100, "currency": "INR", "receipt": "f3"}, timeout=0.15)
    time.sleep(0.4)
    assert rzp.api("GET", "/v1/orders", params={"receipt": "f3"}).json()["count"] == 1
    rzp.fault(1, None, delay_ms=300)
    assert rzp.api("GET", "/v1/orders").status_code == 200 and time.monotonic() - started >= 0.6


# ---- webhooks ------------------------------------------------------------------------------------------------


def test_webhooks_are_signed_and_carry_a_unique_event_id(
    rzp: RazorpayControl, receiver: Receiver, sdk: razorpay.Client
) -> None:
    order = new_order(rzp, 24_900)
    pid = rzp.pay(order["id"], "upi")["razorpay_payment_id"]
    rzp.wait_webhooks(3)
    assert receiver.events() == ["payment.authorized", "payment.captured", "order.paid"]
    ids = set()
    for headers, body in receiver.requests:
        assert headers["content-type"] == "application/json"
        assert sdk.utility.verify_webhook_signature(
            body.decode(), headers["x-razorpay-signature"], rzp.webhook_secret
        )
        assert headers["x-razorpay-signature"] == sign(body, rzp.webhook_secret)
        ids.add(headers["x-razorpay-event-id"])
        event = json.loads(body)
        assert event["entity"] == "event" and event["account_id"].startswith("acc_")
        assert isinstance(event["created_at"], int) and set(event["contains"]) == set(event["payload"])
        assert event["payload"]["payment"]["entity"]["id"] == pid
    assert len(ids) == 3
    authorized, captured, paid = (json.loads(b) for _, b in receiver.requests)
    assert authorized["payload"]["payment"]["entity"]["status"] == "authorized"  # a snapshot at the event
    assert captured["payload"]["payment"]["entity"]["status"] == "captured"
    assert paid["contains"] == ["payment", "order"] and paid["payload"]["order"]["entity"]["status"] == "paid"
    failed = new_order(rzp)
    rzp.pay(failed["id"], "upi", "failure")
    rzp.wait_webhooks(4)
    assert receiver.events()[-1] == "payment.failed"


def test_a_webhook_answered_500_is_retried_with_the_same_event(
    rzp: RazorpayControl, receiver: Receiver
) -> None:
    receiver.plan("payment.authorized", (500, 0), (503, 0))
    order = new_order(rzp)
    rzp.pay(order["id"], "upi")
    log = rzp.wait_webhooks()
    first = next(d for d in log if d["event"] == "payment.authorized")
    assert [a["status"] for a in first["attempts"]] == [500, 503, 200] and first["state"] == "delivered"
    deliveries = [
        (h["x-razorpay-event-id"], b)
        for h, b in receiver.requests
        if json.loads(b)["event"] == "payment.authorized"
    ]
    assert len(deliveries) == 3 and len(set(deliveries)) == 1  # same id, same bytes
    assert sorted(receiver.events()) == sorted(
        ["payment.authorized"] * 3 + ["payment.captured", "order.paid"]
    )


def test_a_slow_receiver_times_out_and_gets_the_event_again(rzp: RazorpayControl, receiver: Receiver) -> None:
    rzp.set_webhook(receiver.url, timeout=0.3)
    receiver.plan("order.paid", (200, 1.0))
    rzp.fault(None, webhooks={"drop": 2})  # payment.authorized and payment.captured are never sent
    order = new_order(rzp)
    rzp.pay(order["id"], "upi")
    log = rzp.wait_webhooks()
    assert [d["state"] for d in log] == ["dropped", "dropped", "delivered"]
    assert [a["error"] for a in log[2]["attempts"]] == ["timeout", None]


def test_a_webhook_that_never_succeeds_is_given_up(rzp: RazorpayControl, receiver: Receiver) -> None:
    receiver.plan("order.paid", *[(500, 0)] * 10)
    rzp.fault(None, webhooks={"drop": 2})
    rzp.pay(new_order(rzp)["id"], "upi")
    log = rzp.wait_webhooks()
    assert log[-1]["state"] == "failed" and len(log[-1]["attempts"]) == 4  # 1 + the 3 configured retries


def test_duplicate_and_reordered_webhooks_when_asked(rzp: RazorpayControl, receiver: Receiver) -> None:
    rzp.webhook_faults(duplicate=True, reorder=True)
    rzp.pay(new_order(rzp)["id"], "upi")
    rzp.wait_webhooks(6)
    assert receiver.events() == ["order.paid"] * 2 + ["payment.captured"] * 2 + ["payment.authorized"] * 2
    ids = [h["x-razorpay-event-id"] for h, _ in receiver.requests]
    assert len(set(ids)) == 3 and ids[0] == ids[1]
    rzp.clear_faults()
    receiver.clear()
    rzp.pay(new_order(rzp)["id"], "upi")
    rzp.wait_webhooks(9)
    assert receiver.events() == ["payment.authorized", "payment.captured", "order.paid"]


def test_webhook_target_and_secret_set_at_runtime(rzp: RazorpayControl, receiver: Receiver) -> None:
    rzp.set_webhook(receiver.url, "rotated_secret")
    rzp.pay(new_order(rzp)["id"], "upi")
    rzp.wait_webhooks(3)
    headers, body = receiver.requests[0]
    assert headers["x-razorpay-signature"] == sign(body, "rotated_secret")
    rzp.set_webhook(None)
    rzp.pay(new_order(rzp)["id"], "upi")
    time.sleep(0.2)
    assert len(receiver.requests) == 3


# ---- refunds -------------------------------------------------------------------------------------------------


def test_refunds_with_an_idempotency_key(
    rzp: RazorpayControl, receiver: Receiver, sdk: razorpay.Client
) -> None:
    payment = paid_payment(rzp, 10_000)
    pid = payment["id"]
    key = {"X-Refund-Idempotency": "cancel-ord-01-item-1"}
    first = rzp.api(
        "POST", f"/v1/payments/{pid}/refund", json={"amount": 4_000, "speed": "normal"}, headers=key
    )
    assert first.status_code == 200, first.text
    refund = first.json()
    assert ID["rfnd"].match(refund["id"]) and refund["status"] == "processed" and refund["payment_id"] == pid
    again = rzp.api(
        "POST", f"/v1/payments/{pid}/refund", json={"amount": 4_000, "speed": "normal"}, headers=key
    )
    assert again.json()["id"] == refund["id"]
    other = rzp.api("POST", f"/v1/payments/{pid}/refund", json={"amount": 3_000}, headers=key)
    assert other.status_code == 409
    assert (
        error_of(other)["description"]
        == "Different request with the same idempotency key has already been processed."
    )
    short = rzp.api(
        "POST", f"/v1/payments/{pid}/refund", json={"amount": 100}, headers={"X-Refund-Idempotency": "abc"}
    )
    assert short.status_code == 400
    fetched = sdk.payment.fetch(pid)
    assert (fetched["amount_refunded"], fetched["refund_status"], fetched["status"]) == (
        4_000,
        "partial",
        "captured",
    )

    too_much = rzp.api("POST", f"/v1/payments/{pid}/refund", json={"amount": 7_000})
    assert too_much.status_code == 400
    assert error_of(too_much)["description"] == "The refund amount provided is greater than amount captured."
    rest = sdk.payment.refund(pid, {"notes": {"reason": "cancelled"}})  # no amount: what is left
    assert rest["amount"] == 6_000 and rest["notes"] == {"reason": "cancelled"}
    after = sdk.payment.fetch(pid)
    assert (after["status"], after["amount_refunded"], after["refund_status"]) == ("refunded", 10_000, "full")
    with pytest.raises(BadRequestError, match=re.escape("The payment has been fully refunded already.")):
        sdk.payment.refund(pid, {"amount": 100})
    assert rzp.api("GET", f"/v1/payments/{pid}/refunds").json()["count"] == 2
    assert sdk.refund.fetch(refund["id"])["amount"] == 4_000
    rzp.wait_webhooks(lambda log: delivered(log, "refund.processed") == 2)
    processed = [json.loads(b) for _, b in receiver.requests if json.loads(b)["event"] == "refund.processed"]
    assert processed[0]["contains"] == ["refund", "payment"]


def test_refund_of_an_uncaptured_payment_and_a_failing_refund(
    rzp: RazorpayControl, receiver: Receiver
) -> None:
    order = new_order(rzp, 5_000, payment_capture=False)
    pid = rzp.pay(order["id"], "card")["razorpay_payment_id"]
    r = rzp.api("POST", f"/v1/payments/{pid}/refund", json={})
    assert error_of(r)["description"] == "The payment status should be captured for action to be taken"

    pid = paid_payment(rzp, 5_000)["id"]
    rzp.fault(None, refunds={"fail": 1})
    refund = rzp.api("POST", f"/v1/payments/{pid}/refund", json={"amount": 1_000}).json()
    assert refund["status"] == "pending"
    rzp.wait_webhooks(lambda log: delivered(log, "refund.failed") == 1)
    assert rzp.api("GET", f"/v1/refunds/{refund['id']}").json()["status"] == "failed"
    assert rzp.api("GET", f"/v1/payments/{pid}").json()["amount_refunded"] == 0


# ---- Route -----------------------------------------------------------------------------------------------------


def test_transfers_on_hold_are_released_and_settled(
    rzp: RazorpayControl, receiver: Receiver, sdk: razorpay.Client
) -> None:
    acc = linked_account(rzp)
    assert ID["acc"].match(acc) and sdk.account.fetch(acc)["type"] == "route"
    dup = rzp.api("POST", "/v2/accounts", json=account_body())
    assert error_of(dup)["description"] == f"Merchant email already exists for account - {acc[4:]}"
    missing = rzp.api("POST", "/v2/accounts", json={**account_body("x@example.com"), "profile": None})
    assert (error_of(missing)["description"], error_of(missing)["field"]) == (
        "The profile field is required.",
        "profile",
    )

    pid = paid_payment(rzp, 10_000)["id"]
    over = rzp.api(
        "POST",
        f"/v1/payments/{pid}/transfers",
        json={"transfers": [{"account": acc, "amount": 10_001, "currency": "INR"}]},
    )
    assert (
        error_of(over)["description"]
        == "The sum of amount requested for transfer is greater than the captured amount"
    )
    made = sdk.payment.transfer(
        pid,
        {
            "transfers": [
                {
                    "account": acc,
                    "amount": 9_000,
                    "currency": "INR",
                    "notes": {"order": "ord_1"},
                    "linked_account_notes": ["order"],
                    "on_hold": True,
                }
            ]
        },
    )
    assert made["entity"] == "collection" and made["count"] == 1
    tid = made["items"][0]["id"]
    assert (
        ID["trf"].match(tid)
        and made["items"][0]["status"] == "pending"
        and made["items"][0]["on_hold"] is True
    )
    transfer = sdk.transfer.fetch(tid)
    assert (transfer["status"], transfer["settlement_status"], transfer["source"], transfer["recipient"]) == (
        "processed",
        "on_hold",
        pid,
        acc,
    )
    assert sdk.payment.fetch(pid)["amount_transferred"] == 9_000
    assert rzp.run_settlements() == []  # held: nothing to settle

    released = rzp.api("PATCH", f"/v1/transfers/{tid}", json={"on_hold": False}).json()
    assert released["on_hold"] is False and released["settlement_status"] == "pending"
    (settled,) = rzp.run_settlements()
    setl = settled["settlement"]
    assert settled["account"] == acc and settled["transfers"] == [tid]
    assert ID["setl"].match(setl["id"]) and setl["amount"] == 9_000 and setl["status"] == "processed"
    transfer = sdk.transfer.fetch(tid)
    assert transfer["settlement_status"] == "settled" and transfer["recipient_settlement_id"] == setl["id"]
    assert rzp.run_settlements() == []  # settled once
    mine = rzp.api("GET", "/v1/settlements", headers={"X-Razorpay-Account": acc}).json()
    assert [s["id"] for s in mine["items"]] == [setl["id"]]
    assert (
        rzp.api("GET", "/v1/settlements", headers={"X-Razorpay-Account": "acc_AAAAAAAAAAAAAA"}).json()[
            "count"
        ]
        == 0
    )
    assert rzp.api("GET", f"/v1/settlements/{setl['id']}").json() == setl
    by_setl = rzp.api("GET", "/v1/transfers", params={"recipient_settlement_id": setl["id"]}).json()
    assert [t["id"] for t in by_setl["items"]] == [tid]
    rzp.wait_webhooks(lambda log: delivered(log, "settlement.processed") == 1)
    assert "transfer.processed" in receiver.events() and "settlement.processed" in receiver.events()


def test_order_transfers_reversals_and_direct_transfers(rzp: RazorpayControl, sdk: razorpay.Client) -> None:
    acc = linked_account(rzp)
    order = new_order(
        rzp, 20_000, transfers=[{"account": acc, "amount": 15_000, "currency": "INR", "on_hold": 1}]
    )
    (planned,) = order["transfers"]
    assert planned["status"] == "created" and planned["source"] == order["id"]
    pid = rzp.pay(order["id"], "upi")["razorpay_payment_id"]
    (transfer,) = sdk.payment.transfers(pid)["items"]
    assert transfer["id"] == planned["id"] and transfer["status"] == "processed" and transfer["source"] == pid

    part = sdk.transfer.reverse(transfer["id"], {"amount": 5_000})
    assert ID["rvrsl"].match(part["id"]) and part["entity"] == "reversal" and part["amount"] == 5_000
    t = sdk.transfer.fetch(transfer["id"])
    assert (t["status"], t["amount_reversed"]) == ("partially_reversed", 5_000)
    too_much = rzp.api("POST", f"/v1/transfers/{transfer['id']}/reversals", json={"amount": 10_001})
    assert too_much.status_code == 400
    rest = rzp.api("POST", f"/v1/transfers/{transfer['id']}/reversals", json={}).json()
    assert rest["amount"] == 10_000 and sdk.transfer.fetch(transfer["id"])["status"] == "reversed"
    assert sdk.transfer.reversals(transfer["id"])["count"] == 2

    key = {"X-Transfer-Idempotency": "cod-share-ord-01"}
    body = {"account": acc, "amount": 2_500, "currency": "INR"}
    direct = rzp.api("POST", "/v1/transfers", json=body, headers=key).json()
    assert (
        direct["status"] == "processed" and direct["source"].startswith("acc_") and direct["recipient"] == acc
    )
    assert rzp.api("POST", "/v1/transfers", json=body, headers=key).json()["id"] == direct["id"]
    assert rzp.api("POST", "/v1/transfers", json={**body, "amount": 2_600}, headers=key).status_code == 400


def test_a_failing_transfer(rzp: RazorpayControl, receiver: Receiver) -> None:
    acc = linked_account(rzp)
    pid = paid_payment(rzp)["id"]
    rzp.fault(None, transfers={"fail": 1})
    body = {"transfers": [{"account": acc, "amount": 1_000, "currency": "INR"}]}
    tid = rzp.api("POST", f"/v1/payments/{pid}/transfers", json=body).json()["items"][0]["id"]
    failed = rzp.api("GET", f"/v1/transfers/{tid}").json()
    assert failed["status"] == "failed" and failed["error"]["code"] == "BAD_REQUEST_ERROR"
    assert rzp.api("GET", f"/v1/payments/{pid}").json()["amount_transferred"] == 0
    rzp.wait_webhooks(lambda log: delivered(log, "transfer.failed") == 1)
    again = rzp.api("POST", f"/v1/payments/{pid}/transfers", json=body).json()["items"][0]["id"]
    assert rzp.api("GET", f"/v1/transfers/{again}").json()["status"] == "processed"
    assert rzp.run_settlements()[0]["transfers"] == [again]


def test_a_hold_until_expires_with_the_clock(rzp: RazorpayControl) -> None:
    acc = linked_account(rzp)
    pid = paid_payment(rzp)["id"]
    now = rzp.http.get("/_emulator/clock").json()["now"]
    tid = rzp.api(
        "POST",
        f"/v1/payments/{pid}/transfers",
        json={
            "transfers": [
                {
                    "account": acc,
                    "amount": 1_000,
                    "currency": "INR",
                    "on_hold": True,
                    "on_hold_until": now + 3_600,
                }
            ]
        },
    ).json()["items"][0]["id"]
    rzp.advance(1_800)
    assert rzp.api("GET", f"/v1/transfers/{tid}").json()["on_hold"] is True
    rzp.advance(1_801)
    assert rzp.api("GET", f"/v1/transfers/{tid}").json()["on_hold"] is False
    assert [s["settlement"]["amount"] for s in rzp.run_settlements()] == [1_000]


# ---- subscriptions -------------------------------------------------------------------------------------------


def _subscription(rzp: RazorpayControl, sdk: razorpay.Client, total: int = 3) -> dict[str, Any]:
    plan = sdk.plan.create(
        {
            "period": "monthly",
            "interval": 1,
            "item": {"name": "WebdPro Unlimited", "amount": 49_900, "currency": "INR"},
        }
    )
    assert ID["plan"].match(plan["id"]) and plan["item"]["amount"] == 49_900
    sub = sdk.subscription.create(
        {"plan_id": plan["id"], "total_count": total, "customer_notify": 1, "notes": {"tenant": "t_raj"}}
    )
    assert ID["sub"].match(sub["id"]) and sub["status"] == "created" and sub["short_url"].endswith(sub["id"])
    return sub


def test_a_subscription_is_authenticated_and_charged_on_schedule(
    rzp: RazorpayControl, receiver: Receiver, sdk: razorpay.Client
) -> None:
    sub = _subscription(rzp, sdk)
    page = httpx.get(sub["short_url"], trust_env=False)
    assert page.status_code == 200 and sub["id"] in page.text
    auth = rzp.authenticate(sub["id"])
    assert sdk.utility.verify_subscription_payment_signature(dict(auth)) is True
    active = sdk.subscription.fetch(sub["id"])
    assert (active["status"], active["paid_count"], active["remaining_count"]) == ("active", 1, 2)
    assert active["charge_at"] == active["current_end"] > active["current_start"]
    assert sdk.payment.fetch(auth["razorpay_payment_id"])["status"] == "captured"

    rzp.advance(active["charge_at"] - rzp.http.get("/_emulator/clock").json()["now"] + 1)
    second = sdk.subscription.fetch(sub["id"])
    assert (second["status"], second["paid_count"], second["current_start"]) == (
        "active",
        2,
        active["current_end"],
    )
    rzp.advance(40 * 86_400)
    done = sdk.subscription.fetch(sub["id"])
    assert (done["status"], done["paid_count"], done["remaining_count"]) == ("completed", 3, 0)
    rzp.wait_webhooks(lambda log: delivered(log, "subscription.completed") == 1)
    events = [e for e in receiver.events() if e.startswith("subscription.")]
    assert events == [
        "subscription.authenticated",
        "subscription.activated",
        "subscription.charged",
        "subscription.charged",
        "subscription.charged",
        "subscription.completed",
    ]


def test_a_subscription_halts_after_its_retries_fail(rzp: RazorpayControl, sdk: razorpay.Client) -> None:
    sub = _subscription(rzp, sdk, total=12)
    rzp.authenticate(sub["id"])
    rzp.fault(None, subscription_charges={"fail": 4})
    due = sdk.subscription.fetch(sub["id"])["charge_at"]
    rzp.advance(due - rzp.http.get("/_emulator/clock").json()["now"])
    pending = sdk.subscription.fetch(sub["id"])
    assert (pending["status"], pending["auth_attempts"], pending["charge_at"]) == ("pending", 1, due + 86_400)
    rzp.advance(2 * 86_400)
    assert sdk.subscription.fetch(sub["id"])["auth_attempts"] == 3  # retried daily (emulator clock)
    rzp.advance(86_400)
    halted = sdk.subscription.fetch(sub["id"])
    assert (halted["status"], halted["paid_count"], halted["charge_at"]) == ("halted", 1, None)
    events = [d["event"] for d in rzp.wait_webhooks() if d["event"].startswith("subscription.")]
    assert events[-2:] == ["subscription.pending", "subscription.halted"]


def test_a_subscription_is_cancelled(rzp: RazorpayControl, sdk: razorpay.Client) -> None:
    sub = _subscription(rzp, sdk)
    rzp.authenticate(sub["id"])
    cancelled = sdk.subscription.cancel(sub["id"])
    assert cancelled["status"] == "cancelled" and cancelled["ended_at"] is not None
    with pytest.raises(
        BadRequestError, match=re.escape("Subscription is not cancellable in cancelled status.")
    ):
        sdk.subscription.cancel(sub["id"])
    assert any(d["event"] == "subscription.cancelled" for d in rzp.wait_webhooks())


# ---- control and platform ------------------------------------------------------------------------------------


def test_reset_empties_everything(rzp: RazorpayControl) -> None:
    rzp.pay(new_order(rzp)["id"], "upi")
    rzp.fault(5, 500)
    rzp.reset()
    state = rzp.state()
    assert all(rows == [] for rows in state.values())
    assert rzp.webhook_log() == []
    assert rzp.api("GET", "/v1/orders").status_code == 200


def test_platform_env_gives_a_test_platform_its_own_port() -> None:
    dev = platform_env(8100, 8080, {})
    assert dev["WEBDPRO_RAZORPAY_PORT"] == str(DEFAULT_PORT) == "4578"
    assert dev["WEBDPRO_RAZORPAY_BASE_URL"] == "http://127.0.0.1:4578"
    assert dev["WEBDPRO_RAZORPAY_WEBHOOK_URL"] == "http://127.0.0.1:8080/api/payments/webhooks/razorpay"
    assert dev["WEBDPRO_CHECKOUT_JS_URL"] == "http://127.0.0.1:4578/v1/checkout.js"
    shifted = platform_env(31_230, 31_239, {})
    assert shifted["WEBDPRO_RAZORPAY_PORT"] == "31230"
    mine = platform_env(
        8100, 8080, {"WEBDPRO_RAZORPAY_PORT": "5000", "WEBDPRO_RAZORPAY_KEY_ID": "rzp_test_x"}
    )
    assert (
        mine["WEBDPRO_RAZORPAY_BASE_URL"] == "http://127.0.0.1:5000"
        and mine["WEBDPRO_RAZORPAY_KEY_ID"] == "rzp_test_x"
    )
