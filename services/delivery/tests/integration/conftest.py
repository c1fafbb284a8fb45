"""The delivery app against the local AWS emulator (root conftest's `aws_emulator`).

Tokens come from the root `mint` (real RS256 tokens; the app's verifier holds its key). The app runs on the test
client's own loop and does not consume its queue: the tests drive the event handlers through a `Consumer` of
their own (same table, same idempotency markers), so every scenario is deterministic. Events the service
publishes are read from a queue of the test's own subscribed to the delivery topic. The concurrency tests use a
real process (`served`), because Litestar's AsyncTestClient serves one request at a time.
"""

from __future__ import annotations

import asyncio
import http.server
import itertools
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from jwt.algorithms import RSAAlgorithm
from litestar.testing import AsyncTestClient

from conftest import free_port, wait_http
from delivery.adapters.media import ProofPhotos
from delivery.adapters.repository import DeliveryRepository
from delivery.bootstrap import build_app
from delivery.domain.customer import phone_hash
from delivery.entrypoints.consumer.handlers import handlers
from delivery.service.deps import Deps
from delivery.service.location import PositionBuffer
from delivery.settings import DeliverySettings
from webdpro_aws.clients import AwsClients
from webdpro_aws.dynamo import Table
from webdpro_aws.manifest import Names, load_manifest
from webdpro_core import ids
from webdpro_core.settings import load
from webdpro_events import Consumer, Outbox, SnsPublisher, decode, encode, new_event, topic_arn
from webdpro_local.procs import set_pdeathsig  # a killed test run leaves no process behind

API = "/api/delivery"
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def settings(aws_emulator) -> DeliverySettings:
    return load(DeliverySettings)


@pytest.fixture(scope="session")
async def app(settings, mint):
    return build_app(settings, verifier=mint.verifier(), consume=False)


@pytest.fixture(scope="session")
async def client(app):
    async with AsyncTestClient(app, base_url="http://test.local", timeout=60) as c:
        yield c


@pytest.fixture(scope="session")
async def flush(app, client):
    """Write the app's buffered positions now (instead of within `location_flush_seconds`), on the app's own
    loop (the test client's portal thread)."""

    async def _flush() -> int:
        return await asyncio.to_thread(client.blocking_portal.call, app.state.deps.positions.flush)

    return _flush


@pytest.fixture(scope="session")
async def aws(settings):
    clients = AwsClients(settings)
    yield clients
    await clients.close()


@pytest.fixture(scope="session")
def names(settings) -> Names:
    return Names(load_manifest(), settings.resource_prefix)


@pytest.fixture(scope="session")
async def deps(settings, aws, names) -> Deps:
    """The tests' own wiring of the service (same resources as the app's)."""
    table = Table(await aws.get("dynamodb"), names.table("delivery"))
    arn = await topic_arn(aws, names.topic("delivery"), settings.aws_region)
    sm = await aws.get("secretsmanager")
    key = (await sm.get_secret_value(SecretId=names.secret("orders_customer_key")))["SecretString"].encode()
    return Deps(
        settings=settings,
        repo=DeliveryRepository(table),
        outbox=Outbox(table, SnsPublisher(await aws.get("sns"), arn)),
        photos=ProofPhotos(aws, names.bucket("media")),
        phone_key=key,
        positions=PositionBuffer(DeliveryRepository(table), settings),
    )


@pytest.fixture(scope="session")
async def consumer(deps) -> Consumer:
    return Consumer(
        sqs=None,
        queue_url="unused",
        dlq_url=None,
        handlers=handlers(lambda: deps),
        table=deps.repo.table,
        outbox=deps.outbox,
    )


class EventLog:
    """Everything the delivery service publishes, read from a queue subscribed to its topic."""

    def __init__(self, sqs: Any, url: str) -> None:
        self.sqs = sqs
        self.url = url
        self.seen: list[Any] = []

    async def drain(self) -> None:
        resp = await self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        messages = resp.get("Messages", [])
        self.seen.extend(decode(m["Body"]) for m in messages)
        if messages:
            await self.sqs.delete_message_batch(
                QueueUrl=self.url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
            )

    def of(self, order_id: str, event_type: str | None = None) -> list[Any]:
        return [
            e
            for e in self.seen
            if e.data.get("order_id") == order_id and (event_type is None or e.type == event_type)
        ]

    async def wait(self, event_type: str, order_id: str, timeout: float = 10, **match: Any) -> Any:
        """The latest `event_type` of the order whose data has the `match` values."""
        deadline = time.monotonic() + timeout
        while True:
            found = [
                e for e in self.of(order_id, event_type) if all(e.data.get(k) == v for k, v in match.items())
            ]
            if found:
                return found[-1]
            if time.monotonic() > deadline:
                raise AssertionError(f"no {event_type} for {order_id}: {[e.type for e in self.of(order_id)]}")
            await self.drain()


@pytest.fixture(scope="session")
async def events(aws, names, settings):
    sqs, sns = await aws.get("sqs"), await aws.get("sns")
    url = (await sqs.create_queue(QueueName=f"test-delivery-capture-{uuid.uuid4().hex[:8]}"))["QueueUrl"]
    arn = (await sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"]))["Attributes"][
        "QueueArn"
    ]
    topic = await topic_arn(aws, names.topic("delivery"), settings.aws_region)
    await sns.subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"}
    )
    yield EventLog(sqs, url)
    await sqs.delete_queue(QueueUrl=url)


def phone() -> str:
    return f"+9198{next(_numbers) * 7919 % 100_000_000:08d}"


@dataclass
class Merchant:
    tenant: str
    headers: dict[str, str]


@dataclass
class Agent:
    agent_id: str
    tenant: str
    phone: str
    name: str
    headers: dict[str, str]


@dataclass
class Customer:
    phone: str
    headers: dict[str, str]


class World:
    """Makes merchants, stores, agents, customers and orders by sending the events the other services send."""

    def __init__(self, consumer: Consumer, mint, deps: Deps) -> None:
        self.consumer = consumer
        self.mint = mint
        self.deps = deps

    async def send(
        self, event_type: str, data: dict[str, Any], tenant: str | None, source: str = "test"
    ) -> bytes:
        body = encode(new_event(event_type, data, tenant_id=tenant, source=source))
        await self.consumer.handle(body)
        return body

    def merchant(self) -> Merchant:
        tenant = ids.new_id("tnt")
        return Merchant(tenant, self.mint.headers("BUSINESS_OWNER", tenant_id=tenant, phone=phone()))

    async def store(self, merchant: Merchant, name: str = "Curam") -> str:
        store_id = ids.new_id("sto")
        await self.send(
            "store.generated",
            {"store_id": store_id, "tenant_id": merchant.tenant, "name": name, "sector": "grocery"},
            merchant.tenant,
            "sitegen",
        )
        return store_id

    async def agent(self, merchant: Merchant, name: str = "Suresh Kumar", on_shift: bool = False) -> Agent:
        agent_id, number = ids.new_id("agt"), phone()
        data = {"agent_id": agent_id, "tenant_id": merchant.tenant, "name": name, "phone_number": number}
        await self.send("agent.invited", data, merchant.tenant, "auth")
        await self.send("agent.joined", data, merchant.tenant, "auth")
        headers = self.mint.headers("DELIVERY_AGENT", sub=agent_id, tenant_id=merchant.tenant, phone=number)
        agent = Agent(agent_id, merchant.tenant, number, name, headers)
        if on_shift:
            await self.deps.repo.set_shift(merchant.tenant, agent_id, True)
        return agent

    def customer(self) -> Customer:
        number = phone()
        return Customer(number, self.mint.headers("CUSTOMER", phone=number))

    async def order(
        self,
        merchant: Merchant,
        store_id: str,
        customer: Customer | None = None,
        *,
        method: str = "COD",
        amount: int = 12_000,
        packed: bool = True,
        address: dict | None = None,
    ) -> str:
        customer = customer or self.customer()
        order_id = ids.new_id("ord")
        data = {
            "order_id": order_id,
            "store_id": store_id,
            "tenant_id": merchant.tenant,
            "status": "CONFIRMED",
            "amount_paise": amount,
            "payment_method": method,
            "items": [{"product_id": "prd_tomato", "name": "Tomatoes 1 kg", "quantity": 3}],
            "customer_phone_hash": phone_hash(self.deps.phone_key, customer.phone),
        }
        if address:
            data["delivery_address"] = address
        await self.send("order.placed", data, merchant.tenant, "orders")
        await self.send("order.confirmed", data, merchant.tenant, "orders")
        if packed:
            await self.pack(merchant, order_id, data)
        return order_id

    async def pack(self, merchant: Merchant, order_id: str, data: dict | None = None) -> None:
        order = await self.deps.repo.get_order(merchant.tenant, order_id)
        base = data or {
            "order_id": order_id,
            "store_id": order["store_id"],
            "tenant_id": merchant.tenant,
            "amount_paise": order["amount_paise"],
            "payment_method": order["payment_method"],
        }
        await self.send("order.packed", {**base, "status": "PACKED"}, merchant.tenant, "orders")

    async def code(self, merchant: Merchant, order_id: str) -> str:
        return (await self.deps.repo.get_order(merchant.tenant, order_id))["delivery_code"]


@pytest.fixture(scope="session")
async def world(consumer, mint, deps, client) -> World:
    return World(consumer, mint, deps)


def body(resp) -> dict:
    return msgspec.json.decode(resp.content)


# ------------------------------------------------------------------------------- a real process (granian)
class _Jwks(http.server.BaseHTTPRequestHandler):
    document: bytes = b"{}"

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(self.document)))
        self.end_headers()
        self.wfile.write(self.document)

    def log_message(self, *args) -> None:
        pass


def jwks_of(mint) -> bytes:
    keys = []
    for kid, key in mint.keyset.keys.items():
        keys.append({**json.loads(RSAAlgorithm.to_jwk(key)), "kid": kid, "use": "sig", "alg": "RS256"})
    return json.dumps({"keys": keys}).encode()


@pytest.fixture(scope="session")
def jwks_url(mint):
    handler = type("Jwks", (_Jwks,), {"document": jwks_of(mint)})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
    server.shutdown()


@pytest.fixture(scope="session")
def served(aws_emulator, jwks_url, tmp_path_factory):
    """The delivery service as a real process (granian, as deployed), consuming its own queue."""
    port = free_port()
    log = tmp_path_factory.mktemp("delivery-logs") / "delivery.log"
    env = {
        **os.environ,
        "WEBDPRO_HOST": "127.0.0.1",
        "WEBDPRO_PORT": str(port),
        "WEBDPRO_JWKS_URL": jwks_url,
        "WEBDPRO_LOG_LEVEL": "WARNING",
    }
    script = Path(sys.executable).parent / "webdpro-delivery"
    proc = subprocess.Popen(
        [str(script)],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=set_pdeathsig,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_http(f"{url}{API}/healthz", timeout=30)
        except RuntimeError as exc:
            raise RuntimeError(log.read_text()[-3000:]) from exc
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
async def http_client():
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=100)) as c:
        yield c


async def eventually(fn, timeout: float = 15.0, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = await fn()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"timed out; last value: {last!r}")
