"""The one place that knows every piece of the catalog service and wires them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.di import Provide

from catalog.adapters.media import Media
from catalog.adapters.repository import CatalogRepository
from catalog.entrypoints.consumer.handlers import handlers
from catalog.entrypoints.http.controllers import ROUTES
from catalog.service.deps import Deps
from catalog.settings import CatalogSettings
from webdpro_aws.clients import AwsClients
from webdpro_aws.dynamo import Table
from webdpro_aws.manifest import Names, load_manifest
from webdpro_aws.messaging import Notifier
from webdpro_core.settings import load
from webdpro_events import EventRuntime
from webdpro_http import create_app
from webdpro_observability import configure_logging, configure_tracing
from webdpro_tenancy import ServiceTokens, TokenVerifier


def media_base_url(settings: CatalogSettings, bucket: str) -> str:
    if settings.media_base_url:
        return settings.media_base_url
    if settings.aws_endpoint_url:
        return f"{settings.aws_endpoint_url.rstrip('/')}/{bucket}"
    return f"https://{bucket}.s3.{settings.aws_region}.amazonaws.com"


def build_app(
    settings: CatalogSettings | None = None,
    *,
    verifier: TokenVerifier | None = None,
    consume: bool = True,
) -> Litestar:
    """`verifier`: tests pass one loaded with their own key; `consume=False` leaves the queue alone (tests
    drive the handlers directly)."""
    settings = settings or load(CatalogSettings)
    configure_logging("catalog", settings.log_level, settings.log_json)
    configure_tracing("catalog")
    names = Names(load_manifest(settings.resource_manifest), settings.resource_prefix)
    holder: dict[str, Deps] = {}

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        clients = AwsClients(settings)
        table = Table(await clients.get("dynamodb"), names.table("catalog"))
        sm = await clients.get("secretsmanager")
        service_key = (await sm.get_secret_value(SecretId=names.secret("service_key")))[
            "SecretString"
        ].encode()
        events = EventRuntime(
            clients=clients, names=names, service="catalog", table=table, region=settings.aws_region
        )
        deps = Deps(
            settings=settings,
            repo=CatalogRepository(table),
            outbox=None,  # type: ignore[arg-type]  # set right below, once the runtime has started
            notifier=Notifier(clients, mail_from=settings.mail_from, sms_sender_id=settings.sms_sender_id),
            media=Media(clients, names.bucket("media"), media_base_url(settings, names.bucket("media"))),
        )
        deps.outbox = await events.start(handlers(deps), consume=consume)
        holder["deps"] = deps
        app.state.deps = deps
        app.state.events = events
        app.state.verifier = verifier or TokenVerifier(
            issuer=settings.token_issuer, jwks_url=settings.jwks_url
        )
        app.state.service_tokens = ServiceTokens(service_key, "catalog")
        try:
            yield
        finally:
            await events.stop()
            await clients.close()

    return create_app(
        service="catalog",
        route_handlers=ROUTES,
        lifespan=[lifespan],
        dependencies={"deps": Provide(lambda: holder["deps"], sync_to_thread=False)},
    )
