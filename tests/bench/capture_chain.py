"""`make bench`: payment captured → order CONFIRMED through the event chain (payments → SNS → SQS → orders), on
the whole local platform. Figures only, never assertions.

    .venv/bin/python tests/bench/capture_chain.py [--payments 15]

For each UPI order: pay on the Razorpay emulator's checkout, POST /api/payments/verify (the capture is committed
when it answers), then poll the customer's order every 10 ms until it is CONFIRMED; the figure is verify-answered
→ CONFIRMED seen, so it includes the outbox publish, SNS fan-out, the orders consumer's long poll and its write.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from flows import generate, login, pct

from webdpro_local.platform import free_ports_env, start_platform

ADDRESS = {"name": "Bench", "line1": "1 MG Road", "city": "Mumbai", "pincode": "400001"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--payments", type=int, default=15)
    args = ap.parse_args()
    env = {**free_ports_env(), "WEBDPRO_ENV": "test", "WEBDPRO_LOG_LEVEL": "WARNING"}
    services = ["auth", "sitegen", "catalog", "orders", "payments"]
    print("capture chain: starting auth, sitegen, catalog, orders, payments ...", flush=True)
    with (
        start_platform(env, services=services, quiet=True, timeout=90) as p,
        httpx.Client(base_url=p.gateway_url, timeout=30) as gw,
    ):
        merchant = login(gw, "+919820099001", "BUSINESS_OWNER", "10.77.0.1")
        store_id = generate(gw, merchant, "Bench Bazaar, kirana store in Pune, UPI and cash")["store_id"]
        products: list = []
        deadline = time.monotonic() + 30
        while not products and time.monotonic() < deadline:
            products = gw.get(f"/api/catalog/public/stores/{store_id}/products").json().get("items", [])
            time.sleep(0.1)
        product = next(x for x in products if x.get("mode") == "stock")
        gw.post(
            f"/api/catalog/stores/{store_id}/products/{product['productId']}/stock",
            json={"delta": 1000, "reason": "bench"},
            headers=merchant,
        )
        customer = login(gw, "+919820099002", "CUSTOMER", "10.77.0.2")
        razorpay = p.env["WEBDPRO_RAZORPAY_BASE_URL"]
        latencies: list[float] = []
        for i in range(args.payments):
            r = gw.post(
                f"/api/orders/stores/{store_id}/checkout",
                json={
                    "items": [{"productId": product["productId"], "quantity": 1}],
                    "paymentMethod": "UPI",
                    "deliveryAddress": ADDRESS,
                },
                headers={**customer, "idempotency-key": f"bench-capture-{time.time_ns()}-{i}"},
            )
            order = r.json()
            paid = httpx.post(
                f"{razorpay}/checkout/{order['payment']['razorpayOrderId']}/pay",
                json={"method": "upi", "outcome": "success"},
            ).json()
            body = {
                "orderId": order["orderId"],
                "razorpayPaymentId": paid["razorpay_payment_id"],
                "razorpayOrderId": paid["razorpay_order_id"],
                "razorpaySignature": paid["razorpay_signature"],
            }
            verified = gw.post("/api/payments/verify", json=body, headers=customer)
            captured_at = time.perf_counter()
            if verified.status_code != 200:
                print(f"  verify failed: {verified.status_code} {verified.text[:200]}")
                continue
            while (
                gw.get(f"/api/orders/me/orders/{order['orderId']}", headers=customer).json()["status"]
                != "CONFIRMED"
            ):
                if time.perf_counter() - captured_at > 30:
                    break
                time.sleep(0.01)
            latencies.append((time.perf_counter() - captured_at) * 1000)
        print(
            "\nWebdPro bench — payment captured → order CONFIRMED through the event chain (loopback, 2 cores)"
        )
        if latencies:
            print(
                f"  n={len(latencies)}: p50 {statistics.median(latencies):.0f} ms, p99 {pct(latencies, 99):.0f} ms, "
                f"max {max(latencies):.0f} ms (SQS long polls are woken by moto on delivery)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
