"""Webhook delivery like Razorpay's: signed POSTs to every configured target from a background task, retried
with back-off on a non-2xx answer or a timeout, and (when a test asks for it) duplicated, reordered or dropped.

Body: `{"entity":"event","account_id","event","contains":[…],"payload":{<entity>:{"entity":{…}}},"created_at"}`,
serialised once; headers `X-Razorpay-Signature` (hex HMAC-SHA256 of exactly those bytes with the target's
secret), `X-Razorpay-Event-Id` (one id per event, the same on every attempt and every target), `Content-Type:
application/json`, `User-Agent: Razorpay-Webhook/v1`.

Order: first attempts go out one at a time in emission order (one queue); a failed attempt is retried from its own
task after the next back-off delay, so later events may overtake it — as with Razorpay, the receiver must not
rely on order. Razorpay retries for 24 h and then disables the webhook; here the delays are compressed
(`WEBDPRO_RAZORPAY_WEBHOOK_RETRY_DELAYS`) and after the last one the delivery is marked `failed`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import secrets
import string
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from webdpro_local.razorpay.config import Config

_ALNUM = string.ascii_letters + string.digits


def sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass
class Target:
    url: str
    secret: str


@dataclass
class WebhookFaults:
    duplicate: bool = False  # every event is delivered twice (same id, same bytes)
    reorder: bool = False  # the events of one action go out in reverse order
    drop: int = 0  # the next N events are never delivered

    def to_dict(self) -> dict[str, Any]:
        return {"duplicate": self.duplicate, "reorder": self.reorder, "drop": self.drop}


@dataclass
class Delivery:
    seq: int
    event_id: str
    event: str
    url: str
    secret: str
    body: bytes
    created_at: float
    copy: int = 1  # 2 for the duplicate of an event
    state: str = "pending"  # pending | retrying | delivered | failed | dropped
    attempts: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        text = self.body.decode()
        return {
            "seq": self.seq,
            "event_id": self.event_id,
            "event": self.event,
            "url": self.url,
            "copy": self.copy,
            "state": self.state,
            "attempts": self.attempts,
            "body": text,
            "payload": json.loads(text),
            "signature": sign(self.body, self.secret),
        }


class Dispatcher:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.targets: list[Target] = [Target(u, config.webhook_secret) for u in config.webhook_urls]
        self.retry_delays: tuple[float, ...] = config.webhook_retry_delays
        self.timeout: float = config.webhook_timeout
        self.faults = WebhookFaults()
        self.log: list[Delivery] = []
        self._seq = 0
        self._queue: asyncio.Queue[Delivery] | None = None
        self._worker: asyncio.Task[None] | None = None
        self._retries: set[asyncio.Task[None]] = set()
        self._client: httpx.AsyncClient | None = None
        self._generation = 0  # bumped by reset: stale retries stop

    # ---- configuration ------------------------------------------------------------------------------------

    def set_target(self, url: str | None, secret: str | None, *, add: bool = False) -> None:
        secret = secret or self.config.webhook_secret
        if not add:
            self.targets = []
        if url:
            self.targets.append(Target(url, secret))

    def describe(self) -> dict[str, Any]:
        return {
            "targets": [{"url": t.url} for t in self.targets],
            "retry_delays": list(self.retry_delays),
            "timeout": self.timeout,
            "faults": self.faults.to_dict(),
        }

    def reset(self) -> None:
        self._generation += 1
        for task in list(self._retries):
            task.cancel()
        self._retries.clear()
        if self._queue is not None:
            while not self._queue.empty():
                self._queue.get_nowait()
        self.targets = [Target(u, self.config.webhook_secret) for u in self.config.webhook_urls]
        self.retry_delays = self.config.webhook_retry_delays
        self.timeout = self.config.webhook_timeout
        self.faults = WebhookFaults()
        self.log.clear()

    # ---- emission (synchronous: called from request handlers) -------------------------------------------

    def emit(self, events: list[dict[str, Any]]) -> None:
        """Queue a batch of event bodies (one action's events, in the order they happened)."""
        if not events:
            return
        batch = list(reversed(events)) if self.faults.reorder else list(events)
        for event in batch:
            event_id = "".join(secrets.choice(_ALNUM) for _ in range(14))
            raw = json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()
            dropped = self.faults.drop > 0
            if dropped:
                self.faults.drop -= 1
            copies = 2 if self.faults.duplicate and not dropped else 1
            for target in self.targets:
                for copy in range(1, copies + 1):
                    self._seq += 1
                    d = Delivery(
                        self._seq, event_id, event["event"], target.url, target.secret, raw, time.time(), copy
                    )
                    self.log.append(d)
                    if dropped:
                        d.state = "dropped"
                    else:
                        self._ensure_started()
                        assert self._queue is not None
                        self._queue.put_nowait(d)

    # ---- delivery -----------------------------------------------------------------------------------------

    def _ensure_started(self) -> None:
        if self._worker is None or self._worker.done():
            self._queue = self._queue or asyncio.Queue()
            self._worker = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        assert self._queue is not None
        while True:
            delivery = await self._queue.get()
            await self._attempt(delivery, self._generation)

    async def _attempt(self, d: Delivery, generation: int) -> None:
        if generation != self._generation:
            return
        if self._client is None:
            self._client = httpx.AsyncClient(trust_env=False)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Razorpay-Webhook/v1",
            "X-Razorpay-Signature": sign(d.body, d.secret),
            "X-Razorpay-Event-Id": d.event_id,
        }
        started = time.monotonic()
        record: dict[str, Any] = {"at": time.time(), "status": None, "error": None, "response": None}
        try:
            r = await self._client.post(d.url, content=d.body, headers=headers, timeout=self.timeout)
            record["status"] = r.status_code
            record["response"] = r.text[:500]
            ok = 200 <= r.status_code < 300
        except httpx.TimeoutException:
            record["error"] = "timeout"
            ok = False
        except httpx.HTTPError as exc:
            record["error"] = f"{type(exc).__name__}: {exc}"[:300]
            ok = False
        record["elapsed_ms"] = round((time.monotonic() - started) * 1000, 1)
        if generation != self._generation:
            return
        d.attempts.append(record)
        if ok:
            d.state = "delivered"
            return
        tries_done = len(d.attempts)
        if tries_done > len(self.retry_delays):
            d.state = "failed"
            return
        d.state = "retrying"
        task = asyncio.get_running_loop().create_task(
            self._retry(d, self.retry_delays[tries_done - 1], generation)
        )
        self._retries.add(task)
        task.add_done_callback(self._retries.discard)

    async def _retry(self, d: Delivery, delay: float, generation: int) -> None:
        await asyncio.sleep(delay)
        await self._attempt(d, generation)

    def idle(self) -> bool:
        return all(d.state in {"delivered", "failed", "dropped"} for d in self.log)

    async def close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._worker
        for task in list(self._retries):
            task.cancel()
        if self._client is not None:
            await self._client.aclose()
