"""What the platform sections of `make bench` (bench_sitegen.py, bench_checkout.py) share: people who log in by
OTP through the gateway (the code read from the dev inbox), a store generated from a prompt and timed until its
preview answers, percentiles. Figures only: a failure raises with what the platform answered.
"""

from __future__ import annotations

import json
import re
import time
from datetime import datetime
from typing import Any

import httpx


class BenchError(RuntimeError):
    pass


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def _read_code(gw: httpx.Client, destination: str, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = gw.get("/_dev/inbox", params={"to": destination})
        if r.status_code == 200 and r.json():
            m = re.search(r"\b(\d{6})\b", r.json()[0]["body"])
            if m:
                return m.group(1)
        time.sleep(0.05)
    raise BenchError(f"no OTP reached {destination} within {timeout:.0f}s")


def login(gw: httpx.Client, destination: str, role: str, ip: str) -> dict[str, str]:
    """OTP login through the gateway from client address `ip` (the send limits are per destination and per
    client address); → the Authorization header."""
    xff = {"x-forwarded-for": ip}
    channel = "email" if "@" in destination else "sms"
    r = gw.post("/api/auth/otp/request", json={"channel": channel, "destination": destination}, headers=xff)
    if r.status_code != 202:
        raise BenchError(f"otp/request for {destination}: {r.status_code} {r.text[:300]}")
    code = _read_code(gw, destination)
    r = gw.post(
        "/api/auth/otp/verify",
        json={"destination": destination, "code": code, "role": role},
        headers=xff,
    )
    if r.status_code != 200:
        raise BenchError(f"otp/verify for {destination}: {r.status_code} {r.text[:300]}")
    return {"authorization": f"Bearer {r.json()['accessToken']}"}


def people(gw: httpx.Client, count: int, role: str, tag: int) -> list[dict[str, str]]:
    """`count` distinct phones, each from its own client address; `tag` (0-99) keeps runs and roles apart."""
    seed = int(time.time()) % 10_000
    return [
        login(
            gw,
            f"+919{tag % 100:02d}{seed:04d}{i:03d}",
            role,
            f"10.{100 + tag % 100}.{i // 250}.{1 + i % 250}",
        )
        for i in range(count)
    ]


def _iso(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def generate(gw: httpx.Client, merchant: dict[str, str], prompt: str, timeout: float = 120.0) -> dict:
    """POST the prompt, poll the store every 50 ms until it leaves GENERATING, then GET its preview until 200.

    → {"store_id", "status", "sector", "seconds" (prompt → preview 200, client clock), "accept_ms" (the 202),
       "stages": {stage: seconds since the store's createdAt, from the progress events' server times},
       "preview_bytes"}."""
    started = time.perf_counter()
    r = gw.post("/api/sitegen/stores", json={"prompt": prompt}, headers=merchant)
    accepted = time.perf_counter()
    if r.status_code != 202:
        raise BenchError(f"POST /api/sitegen/stores {prompt!r}: {r.status_code} {r.text[:300]}")
    store_id = r.json()["storeId"]
    deadline = time.monotonic() + timeout
    store: dict = {}
    while time.monotonic() < deadline:
        store = gw.get(f"/api/sitegen/stores/{store_id}", headers=merchant).json()
        if store.get("status") != "GENERATING":
            break
        time.sleep(0.05)
    if store.get("status") != "DRAFT" or not store.get("previewUrl"):
        raise BenchError(f"{prompt!r} ended {store.get('status')}: {store.get('failureReason', store)}")
    path = store["previewUrl"].removeprefix(str(gw.base_url).rstrip("/"))
    preview = gw.get(path)
    while preview.status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.05)
        preview = gw.get(path)
    done = time.perf_counter()
    if preview.status_code != 200:
        raise BenchError(f"preview of {store_id}: {preview.status_code} {preview.text[:200]}")
    stages: dict[str, float] = {}
    with gw.stream("GET", f"/api/sitegen/stores/{store_id}/events", headers=merchant) as stream:
        for line in stream.iter_lines():
            if line.startswith("data:"):
                event = json.loads(line[5:])
                stages[event["stage"]] = _iso(event["at"])
    created = _iso(store["createdAt"]) if store.get("createdAt") else min(stages.values(), default=0.0)
    return {
        "store_id": store_id,
        "status": store["status"],
        "sector": store.get("sector"),
        "seconds": done - started,
        "accept_ms": (accepted - started) * 1e3,
        "stages": {k: v - created for k, v in stages.items()},
        "preview_bytes": len(preview.content),
    }


def sqs_sns(aws_url: str) -> tuple[Any, Any]:
    import botocore.session

    session = botocore.session.get_session()
    kw = {
        "region_name": "ap-south-1",
        "endpoint_url": aws_url,
        "aws_access_key_id": "test",
        "aws_secret_access_key": "test",
    }
    return session.create_client("sqs", **kw), session.create_client("sns", **kw)


def detach_absent_consumers(aws_url: str, running: list[str]) -> list[str]:
    """Unsubscribe (and purge) the event queues of services this run does not start, so that nothing piles up
    in queues nobody reads: moto's SQS does work proportional to a queue's depth for every message sent to it,
    so an unread queue makes the emulator slower with every checkout (AWS would not). → the queues detached."""
    sqs, sns = sqs_sns(aws_url)
    detached: set[str] = set()
    for page in sns.get_paginator("list_subscriptions").paginate():
        for sub in page.get("Subscriptions", []):
            if sub.get("Protocol") != "sqs":
                continue
            queue = sub["Endpoint"].rsplit(":", 1)[-1]
            if any(queue.endswith(f"{name}-events") for name in running):
                continue
            sns.unsubscribe(SubscriptionArn=sub["SubscriptionArn"])
            detached.add(queue)
    for url in sqs.list_queues().get("QueueUrls", []):
        if url.rsplit("/", 1)[-1] in detached:
            sqs.purge_queue(QueueUrl=url)
    return sorted(detached)
