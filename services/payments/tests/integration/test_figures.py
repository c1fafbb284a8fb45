"""Figures (printed, never asserted on timing): webhook acknowledgement latency on loopback, and the time from
the customer's /verify to `payment.captured` on the payments topic. Run with `-s` to see them."""

from __future__ import annotations

import asyncio
import json
import statistics
import time

import pytest

from payments.domain.signatures import sign
from webdpro_core import ids

pytestmark = pytest.mark.integration


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def test_figures_webhook_ack_and_capture_latency(world, rzp, events):
    url = f"{world.base}/api/payments/webhooks/razorpay"
    acks: list[float] = []
    for i in range(150):
        raw = json.dumps(
            {"entity": "event", "event": "transfer.processed", "payload": {"transfer": {"entity": {"id": f"trf_{i}"}}}}
        ).encode()
        headers = {
            "content-type": "application/json",
            "x-razorpay-signature": sign("webdpro_webhook_secret", raw),
            "x-razorpay-event-id": ids.new_id("evt"),
        }
        started = time.perf_counter()
        r = await world.http.post(url, content=raw, headers=headers)
        acks.append((time.perf_counter() - started) * 1000)
        assert r.status_code == 200
    tenant, _ = world.merchant()
    captures: list[float] = []
    for _ in range(10):
        phone, customer = world.customer()
        order_id, answer = await world.checkout(tenant, 10_000, phone=phone)
        paid = rzp.pay(answer["razorpayOrderId"])
        started = time.perf_counter()
        r = await world.post("/verify", world.verify_body(order_id, paid), customer)
        assert r.status_code == 200
        await events.wait("payment.captured", "order_id", order_id)
        captures.append((time.perf_counter() - started) * 1000)
        await asyncio.sleep(0)
    print(
        f"\nwebhook ack (n={len(acks)}): p50 {statistics.median(acks):.1f} ms, p99 {_pct(acks, 99):.1f} ms; "
        f"verify → payment.captured on the topic (n={len(captures)}): p50 {statistics.median(captures):.0f} ms, "
        f"p99 {_pct(captures, 99):.0f} ms"
    )
