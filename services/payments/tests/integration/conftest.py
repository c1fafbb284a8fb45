"""Integration fixtures: the AWS emulator (root conftest), the Razorpay emulator (`running_razorpay`), a JWKS
server for test tokens, and one real `webdpro-payments` process (granian, as in production) wired to both, with
Razorpay's webhooks pointed at it. Tests talk to it over HTTP (real concurrency), publish the events other
services would (orders, delivery, scheduler) and watch what payments publishes through a queue of their own.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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
from webdpro_tenancy import ServiceTokens

ISSUER = "https://auth.payments-test.webdpro"
API = "/api/payments"


class Tokens:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        self.jwks = {"keys": [{**jwk, "kid": "payments-test", "use": "sig", "alg": "RS256"}]}
        server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        server.daemon_threads = True
        self.server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
        threading.Thread(target=server.serve_forever, daemon=True).start()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        body = json.dumps(self.jwks).encode()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def sign(self, role: str, *, tenant: str | None = None, phone: str | None = None) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "sub": ids.new_id("usr"),
            "iat": now,
            "exp": now + 900,
            "token_use": "access",
            "cognito:groups": [role],
        }
        if tenant:
            claims["custom:tenant_id"] = tenant
        if phone:
            claims["phone_number"] = phone
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "payments-test"})

    def headers(self, role: str, **kw: Any) -> dict[str, str]:
        return {"authorization": f"Bearer {self.sign(role, **kw)}"}


@pytest.fixture(scope="session")
def tokens():
    t = Tokens()
    yield t
    t.server.shutdown()


@pytest.fixture(scope="session")
async def aws(aws_emulator):
    clients = AwsClients(load(BaseSettings))
    yield clients
    await clients.close()


@pytest.fixture(scope="session")
def names(aws_emulator) -> Names:
    return Names(load_manifest(), load(BaseSettings).resource_prefix)


@pytest.fixture(scope="session")
def payments_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def rzp(payments_port):
    from webdpro_local.razorpay import running_razorpay

    hook = f"http://127.0.0.1:{payments_port}{API}/webhooks/razorpay"
    with running_razorpay(webhook_url=hook, webhook_retry_delays="0.1,0.3,0.6,1") as control:
        yield control


@pytest.fixture(scope="session")
def payments(aws_emulator, rzp, tokens, payments_port, tmp_path_factory):
    log = tmp_path_factory.mktemp("payments-logs") / "payments.log"
    env = {
        **os.environ,
        "WEBDPRO_PORT": str(payments_port),
        "WEBDPRO_RAZORPAY_BASE_URL": rzp.url,
        "WEBDPRO_RAZORPAY_BACKOFF_SECONDS": "0.05",
        "WEBDPRO_JWKS_URL": tokens.url,
        "WEBDPRO_TOKEN_ISSUER": ISSUER,
        "WEBDPRO_LOG_LEVEL": "INFO",
    }
    script = Path(sys.executable).parent / "webdpro-payments"
    proc = subprocess.Popen(
        [str(script)], env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{payments_port}"
    try:
        try:
            wait_http(f"{url}{API}/healthz", timeout=30)
        except RuntimeError as exc:
            raise RuntimeError(log.read_text()[-4000:]) from exc
        yield Service(url, log)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


class Service:
    def __init__(self, url: str, log: Path) -> None:
        self.url = url
        self.log = log

    def tail(self, n: int = 4000) -> str:
        return self.log.read_text()[-n:]


@pytest.fixture(scope="session")
async def http():
    async with httpx.AsyncClient(timeout=20, limits=httpx.Limits(max_connections=100)) as client:
        yield client


class EventLog:
    """Everything payments publishes, read from a queue subscribed to its topic."""

    def __init__(self, sqs: Any, url: str) -> None:
        self.sqs = sqs
        self.url = url
        self.seen: list[Any] = []

    async def drain(self) -> None:
        resp = await self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        messages = resp.get("Messages", [])
        for m in messages:
            self.seen.append(decode(m["Body"]))
        if messages:
            await self.sqs.delete_message_batch(
                QueueUrl=self.url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
            )

    def of(self, key: str, value: str, event_type: str | None = None) -> list[Any]:
        return [
            e for e in self.seen if e.data.get(key) == value and (event_type is None or e.type == event_type)
        ]

    async def wait(self, event_type: str, key: str, value: str, timeout: float = 15) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            found = self.of(key, value, event_type)
            if found:
                return found[0]
            if time.monotonic() > deadline:
                raise AssertionError(f"no {event_type} for {value}: {[e.type for e in self.of(key, value)]}")
            await self.drain()

    async def settle(self, seconds: float = 1.5) -> None:
        """Read whatever arrives in the next `seconds` (to prove that nothing more comes)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            await self.drain()


@pytest.fixture(scope="session")
async def events(aws, names):
    sqs, sns = await aws.get("sqs"), await aws.get("sns")
    url = (await sqs.create_queue(QueueName=f"test-payments-capture-{uuid.uuid4().hex[:8]}"))["QueueUrl"]
    arn = (await sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"]))["Attributes"][
        "QueueArn"
    ]
    topic = await topic_arn(aws, names.topic("payments"), load(BaseSettings).aws_region)
    await sns.subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"}
    )
    yield EventLog(sqs, url)
    await sqs.delete_queue(QueueUrl=url)


class World:
    """Makes merchants and orders; publishes what orders / delivery / the scheduler would."""

    def __init__(
        self, aws, names, tokens: Tokens, http: httpx.AsyncClient, base: str, service_key: bytes
    ) -> None:
        self.aws = aws
        self.names = names
        self.tokens = tokens
        self.http = http
        self.base = base
        self.service = ServiceTokens(service_key, "orders")
        self._n = 0

    def merchant(self) -> tuple[str, dict[str, str]]:
        tenant = ids.new_id("tnt")
        return tenant, self.tokens.headers("BUSINESS_OWNER", tenant=tenant)

    def phone(self) -> str:
        self._n += 1
        return f"+9198{(self._n * 7919 + int(time.time())) % 100_000_000:08d}"

    def customer(self, phone: str | None = None) -> tuple[str, dict[str, str]]:
        phone = phone or self.phone()
        return phone, self.tokens.headers("CUSTOMER", phone=phone)

    def internal(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.service.issue()}"}

    async def checkout(
        self,
        tenant: str,
        amount: int,
        *,
        phone: str | None = None,
        order_id: str | None = None,
        method: str = "UPI",
    ) -> tuple[str, dict[str, Any]]:
        order_id = order_id or ids.new_id("ord")
        body = {
            "orderId": order_id,
            "tenantId": tenant,
            "storeId": "sto_curam",
            "amountPaise": amount,
            "method": method,
        }
        if phone:
            body["customerPhone"] = phone
        r = await self.http.post(f"{self.base}{API}/internal/checkouts", json=body, headers=self.internal())
        assert r.status_code in (200, 201), r.text
        return order_id, r.json()

    async def publish(self, topic: str, event_type: str, data: dict[str, Any], tenant: str | None) -> None:
        sns = await self.aws.get("sns")
        arn = await topic_arn(self.aws, self.names.topic(topic), load(BaseSettings).aws_region)
        await SnsPublisher(sns, arn).publish(new_event(event_type, data, tenant_id=tenant, source=topic))

    async def get(self, path: str, headers: dict[str, str]) -> httpx.Response:
        return await self.http.get(f"{self.base}{API}{path}", headers=headers)

    async def post(self, path: str, body: Any, headers: dict[str, str]) -> httpx.Response:
        return await self.http.post(f"{self.base}{API}{path}", json=body, headers=headers)

    # --- scenario helpers shared by the test modules ---
    @staticmethod
    def verify_body(order_id: str, paid: dict[str, Any]) -> dict[str, Any]:
        return {
            "orderId": order_id,
            "razorpayPaymentId": paid["razorpay_payment_id"],
            "razorpayOrderId": paid["razorpay_order_id"],
            "razorpaySignature": paid["razorpay_signature"],
        }

    async def paid_order(self, rzp: Any, tenant: str, amount: int) -> tuple[str, str]:
        """A UPI order paid on the emulator's checkout and verified by the customer."""
        phone, customer = self.customer()
        order_id, answer = await self.checkout(tenant, amount, phone=phone)
        paid = rzp.pay(answer["razorpayOrderId"])
        r = await self.post("/verify", self.verify_body(order_id, paid), customer)
        assert r.status_code == 200, r.text
        return order_id, paid["razorpay_payment_id"]

    async def onboard(self, merchant: dict[str, str]) -> str:
        body = {
            "legalBusinessName": "Curam Fresh Vegetables",
            "contactName": "Raj",
            "email": f"{ids.new_id('m')}@curam.example",
            "phone": "+919812345678",
            "city": "Mumbai",
            "postalCode": "400050",
        }
        r = await self.post("/linked-account", body, merchant)
        assert r.status_code == 201, r.text
        again = await self.post("/linked-account", body, merchant)
        assert again.status_code == 200 and again.json()["linkedAccountId"] == r.json()["linkedAccountId"]
        return r.json()["linkedAccountId"]

    async def cod(self, tenant: str, amount: int, due: int | None = None, agent: str = "agt_ravi") -> str:
        order_id = ids.new_id("ord")
        data = {
            "order_id": order_id,
            "store_id": "sto_curam",
            "tenant_id": tenant,
            "agent_id": agent,
            "amount_paise": amount,
            "due_paise": due if due is not None else amount,
        }
        await self.publish("delivery", "cod.collected", data, tenant)
        return order_id

    async def entries(self, merchant: dict[str, str], n: int) -> list[dict[str, Any]]:
        async def probe():
            items = (await self.get("/ledger", merchant)).json()["items"]
            return items if len(items) >= n else None

        return await self.until(probe, what=f"{n} ledger entries")

    async def until(self, probe, timeout: float = 15, what: str = "condition") -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = await probe()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.1)


@pytest.fixture(scope="session")
async def world(aws, names, tokens, http, payments):
    sm = await aws.get("secretsmanager")
    key = (await sm.get_secret_value(SecretId=names.secret("service_key")))["SecretString"].encode()
    return World(aws, names, tokens, http, payments.url, key)
