"""The one place that knows every piece of the orders service and wires them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.di import Provide

from orders.adapters.catalog import CatalogClient
from orders.adapters.hub import StoreHub
from orders.adapters.payments import PaymentsClient
from orders.adapters.repository import OrdersRepository
from orders.entrypoints.consumer.handlers import handlers
from orders.entrypoints.http.controllers import ROUTES
from orders.service.deps import Deps
from orders.service.lifecycle import run_sweeper
from orders.settings import OrdersSettings
from webdpro_aws.clients import AwsClients
from webdpro_aws.dynamo import Table
from webdpro_aws.manifest import Names, load_manifest
from webdpro_core.settings import load
from webdpro_events import EventRuntime
from webdpro_http import create_app
from webdpro_observability import configure_logging, configure_tracing
from webdpro_tenancy import ServiceTokens, TokenVerifier


def build_app(settings: OrdersSettings | None = None) -> Litestar:
    settings = settings or load(OrdersSettings)
    configure_logging("orders", settings.log_level, settings.log_json)
    configure_tracing("orders")
    names = Names(load_manifest(settings.resource_manifest), settings.resource_prefix)
    holder: dict[str, Deps] = {}

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        clients = AwsClients(settings)
        table = Table(await clients.get("dynamodb"), names.table("orders"))
        sm = await clients.get("secretsmanager")

        async def secret(key: str) -> bytes:
            return (await sm.get_secret_value(SecretId=names.secret(key)))["SecretString"].encode()

        service_key = await secret("service_key")
        customer_key = await secret("orders_customer_key")
        events = EventRuntime(
            clients=clients, names=names, service="orders", table=table, region=settings.aws_region
        )
        catalog = CatalogClient(
            settings.catalog_url, ServiceTokens(service_key, "orders"), settings.catalog_timeout_seconds
        )
        payments = PaymentsClient(
            settings.payments_url, ServiceTokens(service_key, "orders"), settings.payments_timeout_seconds
        )
        outbox = await events.start(handlers(lambda: holder["deps"]))
        deps = holder["deps"] = Deps(
            settings=settings,
            repo=OrdersRepository(table),
            catalog=catalog,
            outbox=outbox,
            hub=StoreHub(),
            phone_key=customer_key,
            payments=payments,
        )
        app.state.verifier = TokenVerifier(issuer=settings.token_issuer, jwks_url=settings.jwks_url)
        stop = asyncio.Event()
        sweeper = asyncio.create_task(run_sweeper(deps, stop), name="payment-sweeper")
        try:
            yield
        finally:
            stop.set()
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
            await events.stop()
            await catalog.close()
            await payments.close()
            await clients.close()

    return create_app(
        service="orders",
        route_handlers=ROUTES,
        lifespan=[lifespan],
        dependencies={"deps": Provide(lambda: holder["deps"], sync_to_thread=False)},
    )
