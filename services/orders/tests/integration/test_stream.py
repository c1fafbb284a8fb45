import asyncio
import time

import pytest

from .conftest import bearer as auth
from .conftest import checkout_body, idem

pytestmark = pytest.mark.integration

API = "/api/orders"


class Reader:
    """Reads an SSE response in the background: (arrival time, id, event, data) per message, and comments."""

    def __init__(self, http, url, headers):
        self.http, self.url, self.headers = http, url, headers
        self.messages: list[tuple[float, str | None, str | None, str]] = []
        self.comments: list[str] = []
        self.connected = asyncio.Event()
        self.task = asyncio.create_task(self._run())

    async def _run(self):
        async with self.http.stream("GET", self.url, headers=self.headers, timeout=30) as r:
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
            fields: dict[str, str] = {}
            async for line in r.aiter_lines():
                if line.startswith(":"):
                    self.comments.append(line[1:].strip())
                    self.connected.set()
                elif line == "":
                    if "data" in fields:
                        self.messages.append(
                            (time.monotonic(), fields.get("id"), fields.get("event"), fields["data"])
                        )
                    fields = {}
                else:
                    name, _, value = line.partition(":")
                    fields[name] = value.strip()

    async def wait_for(self, predicate, timeout=15.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for m in self.messages:
                if predicate(m):
                    return m
            await asyncio.sleep(0.02)
        raise AssertionError(f"not seen; got {[(m[2], m[3]) for m in self.messages]}")

    async def close(self):
        self.task.cancel()
        try:
            await self.task
        except (asyncio.CancelledError, Exception):
            pass


async def _checkout(http, base, store, customer):
    r = await http.post(
        f"{base}{API}/stores/{store}/checkout", json=checkout_body(), headers={**auth(customer), **idem()}
    )
    assert r.status_code == 201, r.text
    return time.monotonic(), r.json()["orderId"]


async def test_a_new_order_appears_on_the_stream_of_every_instance(instances, http, world):
    # The "within a second" target is a figure (make bench), not a timed assertion: here it must simply arrive.
    a, b = instances["a"], instances["b"]
    tenant, merchant = world.merchant()
    store = await world.store(tenant)
    _, customer = world.customer()
    same = Reader(http, f"{a}{API}/stores/{store}/orders/stream", auth(merchant))
    other = Reader(http, f"{b}{API}/stores/{store}/orders/stream", auth(merchant))  # another instance
    try:
        await asyncio.wait_for(asyncio.gather(same.connected.wait(), other.connected.wait()), 5)
        _, order_id = await _checkout(http, a, store, customer)
        for reader in (same, other):
            seen = await reader.wait_for(lambda m: m[2] == "order.placed" and order_id in m[3])
        assert '"status":"CONFIRMED"' in seen[3] and '"amountPaise":8000' in seen[3]
        # A status change shows up too.
        await http.post(f"{a}{API}/orders/{order_id}/accept", headers=auth(merchant))
        await other.wait_for(lambda m: m[2] == "order.accepted" and order_id in m[3])
    finally:
        await same.close()
        await other.close()


async def test_resume_with_last_event_id(instances, http, world):
    a = instances["a"]
    tenant, merchant = world.merchant()
    store = await world.store(tenant)
    _, customer = world.customer()
    first = Reader(http, f"{a}{API}/stores/{store}/orders/stream", auth(merchant))
    try:
        await asyncio.wait_for(first.connected.wait(), 5)
        _, one = await _checkout(http, a, store, customer)
        seen = await first.wait_for(lambda m: m[2] == "order.placed" and one in m[3])
    finally:
        await first.close()
    _, two = await _checkout(http, a, store, customer)  # while disconnected
    resumed = Reader(
        http, f"{a}{API}/stores/{store}/orders/stream", {**auth(merchant), "last-event-id": seen[1]}
    )
    try:
        await resumed.wait_for(lambda m: m[2] == "order.placed" and two in m[3])
        assert not any(m[1] == seen[1] for m in resumed.messages)
    finally:
        await resumed.close()
