"""The one place that knows every piece of the admin service and wires them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.di import Provide

from admin.adapters.reporting import open_reporting
from admin.entrypoints.consumer.handlers import audit_everything, handlers
from admin.entrypoints.http.controllers import ROUTES
from admin.service.deps import Deps
from admin.settings import AdminSettings
from webdpro_aws.clients import AwsClients
from webdpro_aws.dynamo import Table
from webdpro_aws.manifest import Names, load_manifest
from webdpro_core.settings import load
from webdpro_events import EventRuntime
from webdpro_http import create_app
from webdpro_observability import configure_logging, configure_tracing, get_logger
from webdpro_tenancy import TokenVerifier

log = get_logger(__name__)


def build_app(
    settings: AdminSettings | None = None,
    *,
    verifier: TokenVerifier | None = None,
    consume: bool = True,
) -> Litestar:
    """`verifier`: tests pass one loaded with their own key; `consume=False` leaves the queue alone."""
    settings = settings or load(AdminSettings)
    configure_logging("admin", settings.log_level, settings.log_json)
    configure_tracing("admin")
    names = Names(load_manifest(settings.resource_manifest), settings.resource_prefix)
    holder: dict[str, Deps] = {}

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        reporting = await open_reporting(
            settings.reporting_dsn, settings.reporting_path, pool_size=settings.reporting_pool_size
        )
        log.info("admin.reporting", dialect=reporting.dialect)
        clients = AwsClients(settings)
        table = Table(await clients.get("dynamodb"), names.table("admin"))
        events = EventRuntime(
            clients=clients, names=names, service="admin", table=table, region=settings.aws_region
        )
        deps = Deps(settings=settings, reporting=reporting, outbox=None)  # type: ignore[arg-type]  # set below
        holder["deps"] = deps
        deps.outbox = await events.start(
            handlers(lambda: holder["deps"]),
            consume=consume,
            default=audit_everything(lambda: holder["deps"]),
        )
        app.state.deps = deps
        app.state.events = events
        app.state.verifier = verifier or TokenVerifier(
            issuer=settings.token_issuer, jwks_url=settings.jwks_url
        )
        try:
            yield
        finally:
            await events.stop()
            await clients.close()
            await reporting.close()

    return create_app(
        service="admin",
        route_handlers=ROUTES,
        lifespan=[lifespan],
        dependencies={"deps": Provide(lambda: holder["deps"], sync_to_thread=False)},
    )
