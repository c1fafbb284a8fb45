"""Integration fixtures: the emulator (root conftest), the catalog/JWKS double on a real HTTP port, and two real
orders processes (granian, as in production) on free ports:

- `a`: production-like timings (a 15-minute payment window);
- `b`: a 2-second payment window, for the sweeper; also the "other instance" of the live-stream test.

Tests talk to them over HTTP with httpx (real concurrency; the live stream is a real SSE response) and watch
the events orders publishes through an SQS queue of their own subscribed to the orders topic.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from conftest import free_port, wait_http
from webdpro_aws.clients import AwsClients
from webdpro_aws.manifest import Names, load_manifest
from webdpro_core import ids
from webdpro_core.settings import BaseSettings, load
from webdpro_events import SnsPublisher, decode, new_event, topic_arn
from webdpro_local.procs import set_pdeathsig  # a killed test run leaves no process behind

from .doubles import CatalogDouble, Product

ISSUER = "https://auth.orders-test.webdpro"
_numbers = itertools.count(1)


class Tokens:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        self.jwks = {"keys": [{**jwk, "kid": "orders-test", "use": "sig", "alg": "RS256"}]}

    def sign(
        self, role: str, *, sub: str | None = None, tenant: str | None = None, phone: str | None = None
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "sub": sub or ids.new_id("usr"),
            "iat": now,
            "exp": now + 900,
            "token_use": "access",
            "cognito:groups": [role],
        }
        if tenant:
            claims["custom:tenant_id"] = tenant
        if phone:
            claims["phone_number"] = phone
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "orders-test"})


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def tokens() -> Tokens:
    return Tokens()


@pytest.fixture(scope="session")
async def aws(aws_emulator):
    clients = AwsClients(load(BaseSettings))
    yield clients
    await clients.close()


@pytest.fixture(scope="session")
def names(aws_emulator) -> Names:
    return Names(load_manifest(), load(BaseSettings).resource_prefix)


@pytest.fixture(scope="session")
async def catalog(aws, names, tokens):
    sm = await aws.get("secretsmanager")
    key = (await sm.get_secret_value(SecretId=names.secret("service_key")))["SecretString"].encode()
    double = CatalogDouble(key, tokens.jwks).start()
    yield double
    double.stop()


def _start_orders(catalog: CatalogDouble, log: Path, **env: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    environ = {
        **os.environ,
        "WEBDPRO_PORT": str(port),
        "WEBDPRO_CATALOG_URL": catalog.url,
        "WEBDPRO_CATALOG_TIMEOUT_SECONDS": "1",
        # The same double answers the payments service's internal checkout.
        "WEBDPRO_PAYMENTS_URL": catalog.url,
        "WEBDPRO_PAYMENTS_TIMEOUT_SECONDS": "1",
        "WEBDPRO_JWKS_URL": f"{catalog.url}/.well-known/jwks.json",
        "WEBDPRO_TOKEN_ISSUER": ISSUER,
        "WEBDPRO_STREAM_POLL_SECONDS": "0.25",
        "WEBDPRO_SWEEP_INTERVAL_SECONDS": "0.25",
        "WEBDPRO_LOG_LEVEL": "WARNING",
        **env,
    }
    script = Path(sys.executable).parent / "webdpro-orders"
    proc = subprocess.Popen(
        [str(script)],
        env=environ,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=set_pdeathsig,
    )
    return proc, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def instances(catalog, tmp_path_factory):
    logs = tmp_path_factory.mktemp("orders-logs")
    a = _start_orders(catalog, logs / "a.log")
    b = _start_orders(
        catalog, logs / "b.log", WEBDPRO_PAYMENT_TIMEOUT_SECONDS="2", WEBDPRO_HOLD_GRACE_SECONDS="0"
    )
    try:
        for proc, url in (a, b):
            try:
                wait_http(f"{url}/api/orders/healthz", timeout=30)
            except RuntimeError as exc:
                proc.terminate()
                raise RuntimeError(
                    (logs / "a.log").read_text()[-3000:] + (logs / "b.log").read_text()[-3000:]
                ) from exc
        yield {"a": a[1], "b": b[1]}
    finally:
        for proc, _ in (a, b):
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="session")
async def http():
    async with httpx.AsyncClient(timeout=20, limits=httpx.Limits(max_connections=200)) as client:
        yield client


class EventLog:
    """Everything the orders service publishes, read from a queue subscribed to its topic."""

    def __init__(self, sqs: Any, url: str) -> None:
        self.sqs = sqs
        self.url = url
        self.seen: list[Any] = []

    async def _drain(self) -> None:
        resp = await self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        messages = resp.get("Messages", [])
        for m in messages:
            self.seen.append(decode(m["Body"]))
        if messages:
            await self.sqs.delete_message_batch(
                QueueUrl=self.url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
            )

    def of(self, order_id: str) -> list[Any]:
        return [e for e in self.seen if e.data.get("order_id") == order_id]

    async def wait(self, event_type: str, order_id: str, timeout: float = 30) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            for e in self.of(order_id):
                if e.type == event_type:
                    return e
            if time.monotonic() > deadline:
                raise AssertionError(f"no {event_type} for {order_id}: {[e.type for e in self.of(order_id)]}")
            await self._drain()


@pytest.fixture(scope="session")
async def events(aws, names):
    sqs, sns = await aws.get("sqs"), await aws.get("sns")
    url = (await sqs.create_queue(QueueName=f"test-orders-capture-{uuid.uuid4().hex[:8]}"))["QueueUrl"]
    arn = (await sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"]))["Attributes"][
        "QueueArn"
    ]
    topic = await topic_arn(aws, names.topic("orders"), load(BaseSettings).aws_region)
    await sns.subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"}
    )
    yield EventLog(sqs, url)
    await sqs.delete_queue(QueueUrl=url)


class World:
    """Makes merchants, stores and customers for a test; publishes the events other services would."""

    def __init__(self, aws, names, tokens: Tokens, catalog: CatalogDouble, table) -> None:
        self.aws = aws
        self.names = names
        self.tokens = tokens
        self.catalog = catalog
        self.table = table

    def merchant(self) -> tuple[str, str]:
        tenant = ids.new_id("tnt")
        return tenant, self.tokens.sign("BUSINESS_OWNER", tenant=tenant, phone=self.phone())

    def phone(self) -> str:
        return f"+9197{next(_numbers) * 7919 % 100_000_000:08d}"

    def customer(self, phone: str | None = None) -> tuple[str, str]:
        phone = phone or self.phone()
        return phone, self.tokens.sign("CUSTOMER", phone=phone)

    async def publish(self, topic: str, event_type: str, data: dict[str, Any], tenant: str | None) -> None:
        sns = await self.aws.get("sns")
        arn = await topic_arn(self.aws, self.names.topic(topic), load(BaseSettings).aws_region)
        await SnsPublisher(sns, arn).publish(new_event(event_type, data, tenant_id=tenant, source=topic))

    async def store(self, tenant: str, products: dict[str, Product] | None = None) -> str:
        store_id = ids.new_id("sto")
        self.catalog.add_store(
            store_id,
            tenant,
            products
            or {
                "prd_tomato": Product("Tomatoes 1 kg", 4_000, 100),
                "prd_onion": Product("Onions 1 kg", 3_550, 100),
            },
        )
        await self.publish(
            "sitegen",
            "store.generated",
            {"store_id": store_id, "tenant_id": tenant, "name": "Curam", "sector": "grocery"},
            tenant,
        )
        # A long shared test session makes the emulator slower, not this service: wait patiently.
        deadline = time.monotonic() + 60
        while await self.table.get({"PK": f"STORE#{store_id}", "SK": "DIRECTORY"}) is None:
            assert time.monotonic() < deadline, "store.generated was not consumed"
            await asyncio.sleep(0.05)
        return store_id


@pytest.fixture(scope="session")
async def world(aws, names, tokens, catalog, instances):
    from webdpro_aws.dynamo import Table

    return World(aws, names, tokens, catalog, Table(await aws.get("dynamodb"), names.table("orders")))


ADDRESS = {"name": "Asha", "line1": "12 Linking Road", "city": "Mumbai", "pincode": "400050"}


def checkout_body(items=None, method="COD", **over) -> dict[str, Any]:
    body = {
        "items": items if items is not None else [{"productId": "prd_tomato", "quantity": 2}],
        "paymentMethod": method,
        "deliveryAddress": ADDRESS,
    }
    body.update(over)
    return body


def idem(key: str | None = None) -> dict[str, str]:
    return {"idempotency-key": key or uuid.uuid4().hex}
