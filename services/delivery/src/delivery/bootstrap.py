"""The one place that knows every piece of the delivery service and wires them."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.di import Provide

from delivery.adapters.media import ProofPhotos
from delivery.adapters.repository import DeliveryRepository
from delivery.entrypoints.consumer.handlers import handlers
from delivery.entrypoints.http.controllers import ROUTES
from delivery.service.deps import Deps
from delivery.service.location import PositionBuffer
from delivery.settings import DeliverySettings
from webdpro_aws.clients import AwsClients
from webdpro_aws.dynamo import Table
from webdpro_aws.manifest import Names, load_manifest
from webdpro_core.settings import load
from webdpro_events import EventRuntime
from webdpro_http import create_app
from webdpro_observability import configure_logging, configure_tracing
from webdpro_tenancy import TokenVerifier


def build_app(
    settings: DeliverySettings | None = None,
    *,
    verifier: TokenVerifier | None = None,
    consume: bool = True,
) -> Litestar:
    """`verifier`: tests pass one loaded with their own key; `consume=False` leaves the queue alone (tests
    drive the handlers directly)."""
    settings = settings or load(DeliverySettings)
    configure_logging("delivery", settings.log_level, settings.log_json)
    configure_tracing("delivery")
    names = Names(load_manifest(settings.resource_manifest), settings.resource_prefix)
    holder: dict[str, Deps] = {}

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        clients = AwsClients(settings)
        table = Table(await clients.get("dynamodb"), names.table("delivery"))
        sm = await clients.get("secretsmanager")
        # The orders service's customer key: a customer's token phone hashed with it finds their order here.
        customer_key = (await sm.get_secret_value(SecretId=names.secret("orders_customer_key")))[
            "SecretString"
        ].encode()
        events = EventRuntime(
            clients=clients, names=names, service="delivery", table=table, region=settings.aws_region
        )
        repo = DeliveryRepository(table)
        deps = Deps(
            settings=settings,
            repo=repo,
            outbox=None,  # type: ignore[arg-type]  # set right below, once the runtime has started
            photos=ProofPhotos(clients, names.bucket("media")),
            phone_key=customer_key,
            positions=PositionBuffer(repo, settings),
        )
        deps.outbox = await events.start(handlers(lambda: holder["deps"]), consume=consume)
        holder["deps"] = deps
        app.state.deps = deps
        app.state.events = events
        app.state.verifier = verifier or TokenVerifier(
            issuer=settings.token_issuer, jwks_url=settings.jwks_url
        )
        stop = asyncio.Event()
        flusher = asyncio.create_task(deps.positions.run(stop), name="location-flush")
        # Everything loaded so far (botocore's service models above all: hundreds of thousands of objects) lives
        # as long as the process: keep it out of the collector's full passes, which otherwise stall every request
        # for 100+ ms a few times a minute under load.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            stop.set()
            await flusher  # its last flush writes what is still buffered
            await events.stop()
            await clients.close()

    return create_app(
        service="delivery",
        route_handlers=ROUTES,
        lifespan=[lifespan],
        dependencies={"deps": Provide(lambda: holder["deps"], sync_to_thread=False)},
    )
