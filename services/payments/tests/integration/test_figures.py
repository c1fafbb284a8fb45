"""Figures (printed, never asserted on timing): webhook acknowledgement latency on loopback (back-to-back, and at
a realistic pace), and /verify latency (the capture, its ledger entry and its event committed). Run with `-s`."""

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


async def test_figures_webhook_ack_and_capture_latency(world, rzp):
    url = f"{world.base}/api/payments/webhooks/razorpay"
    acks: list[float] = []
    spaced: list[float] = []
    for i in range(160):
        raw = json.dumps(
            {
                "entity": "event",
                "event": "transfer.processed",
                "payload": {"transfer": {"entity": {"id": f"trf_{i}"}}},
            }
        ).encode()
        headers = {
            "content-type": "application/json",
            "x-razorpay-signature": sign("webdpro_webhook_secret", raw),
            "x-razorpay-event-id": ids.new_id("evt"),
        }
        started = time.perf_counter()
        r = await world.http.post(url, content=raw, headers=headers)
        (acks if i < 80 else spaced).append((time.perf_counter() - started) * 1000)
        assert r.status_code == 200
        if i >= 80:
            await asyncio.sleep(0.03)  # a realistic pace: the worker is done with the last one
    tenant, _ = world.merchant()
    captures: list[float] = []
    for _ in range(6):
        phone, customer = world.customer()
        order_id, answer = await world.checkout(tenant, 10_000, phone=phone)
        paid = rzp.pay(answer["razorpayOrderId"])
        started = time.perf_counter()
        r = await world.post("/verify", world.verify_body(order_id, paid), customer)
        captures.append((time.perf_counter() - started) * 1000)  # the capture is committed when it answers
        assert r.status_code == 200
        await asyncio.sleep(0.1)
    print(
        f"\nwebhook ack back-to-back (n={len(acks)}): p50 {statistics.median(acks):.1f} ms, p99 {_pct(acks, 99):.1f} ms; "
        f"spaced 30 ms (n={len(spaced)}): p50 {statistics.median(spaced):.1f} ms, p99 {_pct(spaced, 99):.1f} ms; "
        f"/verify (capture + ledger + outbox committed; n={len(captures)}): p50 {statistics.median(captures):.0f} ms, "
        f"p99 {_pct(captures, 99):.0f} ms"
    )
