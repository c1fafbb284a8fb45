"""Test doubles, for tests only: a real HTTP server (stdlib, threaded) that speaks the catalog's internal
reservation contract, and serves the JWKS of a test signing key in place of auth.

The catalog double keeps stock in memory and reserves all lines or none under one lock (the real catalog does it
with a DynamoDB transaction); reservations are idempotent by order id. `fail` switches it to failing answers
(an HTTP status) and `delay` makes it slow.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from webdpro_core.errors import Unauthorized
from webdpro_tenancy import ServiceTokens

_RESERVE = re.compile(r"^/api/catalog/internal/stores/([^/]+)/reservations$")
_ACT = re.compile(r"^/api/catalog/internal/stores/([^/]+)/reservations/([^/]+)/(confirm|release)$")
_PAYMENTS = "/api/payments/internal/checkouts"


@dataclass
class Product:
    name: str
    price_paise: int
    stock: int
    active: bool = True


@dataclass
class Store:
    tenant_id: str
    products: dict[str, Product] = field(default_factory=dict)


class CatalogDouble:
    def __init__(self, service_key: bytes, jwks: dict[str, Any]) -> None:
        self.tokens = ServiceTokens(service_key, "catalog")
        self.jwks = jwks
        self.stores: dict[str, Store] = {}
        self.holds: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, str]] = []  # (path, calling service)
        self.fail: int | None = None
        # The payments service's internal checkout, on the same server: what it was asked, and a failure switch.
        self.payments: dict[str, dict[str, Any]] = {}
        self.payment_traces: dict[str, str | None] = {}  # order id → the traceparent header of the call
        self.payments_fail: int | None = None
        self.delay = 0.0
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> CatalogDouble:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add_store(self, store_id: str, tenant_id: str, products: dict[str, Product]) -> None:
        with self.lock:
            self.stores[store_id] = Store(tenant_id, dict(products))

    def stock(self, store_id: str, product_id: str) -> int:
        return self.stores[store_id].products[product_id].stock

    # --- the contract ---
    def reserve(self, store_id: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            store = self.stores.get(store_id)
            if store is None or store.tenant_id != body.get("tenantId"):
                return 404, _problem(404, "STORE_NOT_FOUND", "No such store")
            order_id = body["orderId"]
            if order_id in self.holds:
                return 200, self.holds[order_id]["answer"]
            lines = []
            for item in body["items"]:
                product = store.products.get(item["productId"])
                if product is None:
                    return 404, _problem(404, "PRODUCT_NOT_FOUND", f"No product {item['productId']}", "items")
                if not product.active:
                    return 422, _problem(422, "PRODUCT_UNAVAILABLE", f"{product.name} is not available")
                if product.stock < item["quantity"]:
                    return 409, _problem(
                        409,
                        "OUT_OF_STOCK",
                        f"Only {product.stock} left of {product.name} ({item['productId']})",
                        "items",
                    )
                lines.append((item, product))
            for item, product in lines:
                product.stock -= item["quantity"]
            answer = {
                "orderId": order_id,
                "status": "HELD",
                "expiresAt": "2099-01-01T00:00:00.000Z",
                "items": [
                    {
                        "productId": item["productId"],
                        "variantId": item.get("variantId"),
                        "slotId": item.get("slotId"),
                        "name": product.name,
                        "unitPricePaise": product.price_paise,
                        "quantity": item["quantity"],
                        "lineTotalPaise": product.price_paise * item["quantity"],
                    }
                    for item, product in lines
                ],
                "totalPaise": sum(p.price_paise * i["quantity"] for i, p in lines),
            }
            self.holds[order_id] = {"store_id": store_id, "status": "HELD", "answer": answer}
            return 201, answer

    def act(self, store_id: str, order_id: str, action: str) -> tuple[int, dict[str, Any]]:
        with self.lock:
            hold = self.holds.get(order_id)
            if hold is None:
                return 404, _problem(404, "RESERVATION_NOT_FOUND", "No such reservation")
            if action == "release" and hold["status"] == "HELD":
                for line in hold["answer"]["items"]:
                    self.stores[store_id].products[line["productId"]].stock += line["quantity"]
                hold["status"] = "RELEASED"
            elif action == "confirm" and hold["status"] == "HELD":
                hold["status"] = "CONFIRMED"
            return 200, {"orderId": order_id, "status": hold["status"]}

    def open_payment(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """The payments contract: idempotent by order id; the answer is what the storefront opens Checkout with."""
        with self.lock:
            if self.payments_fail:
                return self.payments_fail, _problem(
                    self.payments_fail, "RAZORPAY_UNAVAILABLE", "payments failure"
                )
            known = self.payments.get(body["orderId"])
            if known is not None:
                return 200, known["answer"]
            answer = {
                "keyId": "rzp_test_webdpro",
                "razorpayOrderId": "order_" + body["orderId"][-14:],
                "amountPaise": body["amountPaise"],
                "currency": "INR",
                "checkoutJsUrl": "http://127.0.0.1:4578/v1/checkout.js",
            }
            self.payments[body["orderId"]] = {"request": body, "answer": answer}
            return 201, answer

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        double = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, body: dict[str, Any]) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                ctype = "application/problem+json" if status >= 400 else "application/json"
                self.send_header("content-type", ctype)
                self.send_header("content-length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self) -> None:
                if self.path == "/.well-known/jwks.json":
                    self._send(200, double.jwks)
                else:
                    self._send(404, _problem(404, "NOT_FOUND", "no route"))

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                token = self.headers.get("authorization", "").removeprefix("Bearer ")
                try:
                    caller = double.tokens.verify(token)
                except Unauthorized:
                    self._send(401, _problem(401, "SERVICE_TOKEN_INVALID", "service token required"))
                    return
                double.calls.append((self.path, caller))
                if self.path == _PAYMENTS:
                    double.payment_traces[str(body.get("orderId"))] = self.headers.get("traceparent")
                    self._send(*double.open_payment(body))
                    return
                if double.delay:
                    time.sleep(double.delay)
                if double.fail:
                    self._send(double.fail, _problem(double.fail, "INTERNAL_ERROR", "catalog failure"))
                    return
                if m := _RESERVE.match(self.path):
                    self._send(*double.reserve(m.group(1), body))
                elif m := _ACT.match(self.path):
                    self._send(*double.act(m.group(1), m.group(2), m.group(3)))
                else:
                    self._send(404, _problem(404, "NOT_FOUND", "no route"))

        return Handler


def _problem(status: int, code: str, detail: str, field: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"https://docs.webdpro.in/problems/{code.lower()}",
        "title": detail,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if field:
        body["errors"] = [{"field": field, "message": detail}]
    return body
