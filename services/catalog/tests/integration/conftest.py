"""The catalog app against the local AWS emulator (root conftest's `aws_emulator`).

Tokens: signed here with a test RSA key; the app's verifier holds that key's JWK (no auth service needed).
Service tokens: signed with the provisioned internal key, as the orders service does.
The app runs on the test client's own loop, so tests get their own AwsClients and their own `Deps` (same table,
topic and settings) to drive the consumer's handlers, the scan and direct table reads.
"""

import itertools
import json
import time

import jwt
import msgspec
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from litestar.testing import AsyncTestClient

from catalog.adapters.media import Media
from catalog.adapters.repository import CatalogRepository
from catalog.bootstrap import build_app, media_base_url
from catalog.entrypoints.consumer.handlers import handlers
from catalog.service.deps import Deps
from catalog.settings import CatalogSettings
from webdpro_aws.clients import AwsClients
from webdpro_aws.dynamo import Table
from webdpro_aws.manifest import Names, load_manifest
from webdpro_aws.messaging import Notifier
from webdpro_core import ids
from webdpro_core.settings import load
from webdpro_events import Consumer, Outbox, SnsPublisher, encode, new_event, topic_arn
from webdpro_local.procs import set_pdeathsig  # a killed test run leaves no process behind
from webdpro_tenancy import KeySet, ServiceTokens, TokenVerifier

_seq = itertools.count(1)


@pytest.fixture(scope="session")
def settings(aws_emulator) -> CatalogSettings:
    return load(CatalogSettings)


@pytest.fixture(scope="session")
def signing_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def verifier(settings, signing_key) -> TokenVerifier:
    keyset = KeySet()
    jwk = json.loads(RSAAlgorithm.to_jwk(signing_key.public_key()))
    keyset.load({"keys": [{**jwk, "kid": "test-key"}]})
    return TokenVerifier(issuer=settings.token_issuer, keys=keyset)


@pytest.fixture(scope="session")
def token(settings, signing_key):
    def _token(role: str = "BUSINESS_OWNER", tenant_id: str | None = None, sub: str | None = None) -> dict:
        now = int(time.time())
        claims = {
            "iss": settings.token_issuer,
            "sub": sub or ids.new_id("usr"),
            "iat": now,
            "exp": now + 900,
            "token_use": "access",
            "cognito:groups": [role],
            "custom:tenant_id": tenant_id,
        }
        signed = jwt.encode(claims, signing_key, algorithm="RS256", headers={"kid": "test-key"})
        return {"authorization": f"Bearer {signed}"}

    return _token


@pytest.fixture(scope="session")
async def app(settings, verifier):
    return build_app(settings, verifier=verifier, consume=False)


@pytest.fixture(scope="session")
async def client(app):
    async with AsyncTestClient(app, base_url="http://test.local", timeout=60) as c:
        yield c


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
    """The tests' own wiring of the catalog (same resources as the app's)."""
    table = Table(await aws.get("dynamodb"), names.table("catalog"))
    arn = await topic_arn(aws, names.topic("catalog"), settings.aws_region)
    bucket = names.bucket("media")
    return Deps(
        settings=settings,
        repo=CatalogRepository(table),
        outbox=Outbox(table, SnsPublisher(await aws.get("sns"), arn)),
        notifier=Notifier(aws, mail_from=settings.mail_from, sms_sender_id=settings.sms_sender_id),
        media=Media(aws, bucket, media_base_url(settings, bucket)),
    )


@pytest.fixture(scope="session")
async def consumer(deps, aws) -> Consumer:
    return Consumer(
        sqs=await aws.get("sqs"),
        queue_url="unused",
        dlq_url=None,
        handlers=handlers(deps),
        table=deps.repo.table,
        outbox=deps.outbox,
    )


@pytest.fixture(scope="session")
async def internal(aws, names):
    sm = await aws.get("secretsmanager")
    key = (await sm.get_secret_value(SecretId=names.secret("service_key")))["SecretString"].encode()
    tokens = ServiceTokens(key, "orders")
    return lambda: {"authorization": f"Bearer {tokens.issue()}"}


def product(n: int, inventory: dict, price: int = 4000, category: str = "cat_veg", **extra) -> dict:
    return {
        "id": f"prd_item{n:04d}",
        "slug": f"item-{n}",
        "name": {"en": f"Item {n}", "hi": f"वस्तु {n}"},
        "description": {"en": f"Item {n}, fresh", "hi": f"वस्तु {n}"},
        "price_paise": price,
        "unit": "1 kg",
        "category_id": category,
        "image_prompt": "a photo",  # sitegen's own field: ignored by the catalog
        "inventory": inventory,
        **extra,
    }


@pytest.fixture
def make_store(consumer):
    """Publish a store.generated (through the consumer's idempotent handle) → (store_id, tenant_id, body)."""

    async def _make(
        mode: str = "stock", products: list[dict] | None = None, **extra
    ) -> tuple[str, str, bytes]:
        n = next(_seq)
        store_id, tenant_id = f"sto_test{n:05d}{ids.new_id('x')[-6:]}", ids.new_id("tnt")
        if products is None:
            products = [
                product(1, {"mode": "stock", "stock_qty": 10, "low_stock_threshold": 2, "reorder_qty": 20})
            ]
        data = {
            "store_id": store_id,
            "tenant_id": tenant_id,
            "name": f"Test store {n}",
            "sector": {"stock": "grocery", "menu": "restaurant", "slots": "clinic", "variants": "fashion"}[
                mode
            ],
            "inventory_mode": mode,
            "supplier_contact": None,
            "categories": [
                {"id": "cat_veg", "slug": "vegetables", "name": {"en": "Vegetables", "hi": "सब्ज़ियाँ"}},
                {"id": "cat_fru", "slug": "fruit", "name": {"en": "Fruit", "hi": "फल"}},
            ],
            "products": products,
            **extra,
        }
        body = encode(new_event("store.generated", data, tenant_id=tenant_id, source="sitegen"))
        await consumer.handle(body)
        return store_id, tenant_id, body

    return _make


def order_id() -> str:
    return ids.new_id("ord")


def decode(resp) -> dict:
    return msgspec.json.decode(resp.content)


@pytest.fixture(scope="session")
def spec():
    """A sitegen-shaped product: spec(n, inventory, price=…, category=…)."""
    return product


@pytest.fixture
def reserve(client, internal):
    async def _reserve(store_id, tenant_id, items, oid=None, hold=900):
        body = {"orderId": oid or order_id(), "tenantId": tenant_id, "items": items, "holdSeconds": hold}
        return await client.post(
            f"/api/catalog/internal/stores/{store_id}/reservations", json=body, headers=internal()
        )

    return _reserve


@pytest.fixture
def stock_of(deps):
    async def _stock(tenant_id, store_id, product_id, variant_id=None):
        p = await deps.repo.get_product(tenant_id, store_id, product_id)
        if variant_id:
            return p["variants"][variant_id]["stock_qty"]
        return p["stock_qty"]

    return _stock


@pytest.fixture(scope="session")
def served(aws_emulator):
    """The catalog as a real process (granian, as deployed): Litestar's AsyncTestClient runs one request at a
    time (its transport blocks on a portal call), so concurrency tests need a real server."""
    import os
    import socket
    import subprocess
    import sys

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "WEBDPRO_HOST": "127.0.0.1",
        "WEBDPRO_PORT": str(port),
        "WEBDPRO_LOG_LEVEL": "WARNING",
    }
    proc = subprocess.Popen(
        [sys.executable, "-c", "from catalog.main import run; run()"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=set_pdeathsig,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/api/catalog/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("the catalog process did not come up")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
