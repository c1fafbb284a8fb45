"""The one place that knows every piece of the sitegen service and wires them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.di import Provide

from sitegen.adapters.dns_cdn import DnsCdn
from sitegen.adapters.hosts import HostMap
from sitegen.adapters.media import MediaStore
from sitegen.adapters.models import build_model_chains
from sitegen.adapters.payments import PaymentsClient
from sitegen.adapters.registrar import RegistrarClient
from sitegen.adapters.repository import SitegenRepository
from sitegen.adapters.storage import SiteStorage
from sitegen.entrypoints.consumer.handlers import handlers
from sitegen.entrypoints.http.edge import EdgeController
from sitegen.entrypoints.http.preview import PreviewController
from sitegen.entrypoints.http.publish import DomainController, PublishController
from sitegen.entrypoints.http.stores import StoreController
from sitegen.service import saga
from sitegen.service.deps import Deps
from sitegen.service.edge import LiveEdge
from sitegen.service.stores import Generations, fail_interrupted
from sitegen.settings import SitegenSettings
from webdpro_aws.clients import AwsClients
from webdpro_aws.dynamo import Table
from webdpro_aws.manifest import Names, load_manifest
from webdpro_aws.messaging import Notifier
from webdpro_core.settings import load
from webdpro_events import EventRuntime
from webdpro_http import create_app
from webdpro_observability import configure_logging, configure_tracing, get_logger
from webdpro_tenancy import ServiceTokens, TokenVerifier

log = get_logger(__name__)


async def _every(
    seconds: float, job: Callable[[], Awaitable[object]], stop: asyncio.Event, what: str
) -> None:
    """Run `job` now and then every `seconds` until `stop`; a failed run is logged, the next one still comes."""
    while not stop.is_set():
        try:
            await job()
        except Exception as exc:
            log.warning(f"{what}.failed", error=str(exc))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=seconds)


def build_app(settings: SitegenSettings | None = None) -> Litestar:
    settings = settings or load(SitegenSettings)
    configure_logging("sitegen", settings.log_level, settings.log_json)
    configure_tracing("sitegen")
    names = Names(load_manifest(settings.resource_manifest), settings.resource_prefix)
    holder: dict[str, object] = {}
    generations = Generations()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        clients = AwsClients(settings)
        table = Table(await clients.get("dynamodb"), names.table("sitegen"))
        events = EventRuntime(
            clients=clients, names=names, service="sitegen", table=table, region=settings.aws_region
        )
        sm = await clients.get("secretsmanager")
        secret = await sm.get_secret_value(SecretId=names.secret("service_key"))
        service_key = secret["SecretString"].encode()
        payments = PaymentsClient(
            settings.payments_url, ServiceTokens(service_key, "sitegen"), settings.payments_timeout_seconds
        )
        outbox = await events.start(handlers(lambda: holder["deps"], generations.start))
        # With no model ids configured both chains are None: the offline generator does every stage.
        models = build_model_chains(settings)
        deps = Deps(
            settings=settings,
            repo=SitegenRepository(table),
            storage=SiteStorage(clients, names.bucket("sites")),
            outbox=outbox,
            text_models=models.text,
            image_models=models.image,
            media=MediaStore(clients, names.bucket("media")),
            # No token → no registrar: domain search answers 503 instead of calling Hostinger unauthenticated.
            registrar=RegistrarClient.from_settings(settings) if settings.registrar_token else None,
            dns_cdn=DnsCdn.for_settings(settings, clients),
            hosts=HostMap(table),
            payments=payments,
            notifier=Notifier(clients, mail_from=settings.mail_from, sms_sender_id=settings.sms_sender_id),
        )
        holder["deps"] = deps
        app.state.deps = deps  # tests reach the wired use cases through it
        holder["edge"] = LiveEdge(
            HostMap(table),
            deps.storage,
            host_ttl=settings.edge_host_ttl_seconds,
            cache_bytes=settings.edge_cache_bytes,
        )
        app.state.verifier = TokenVerifier(issuer=settings.token_issuer, jwks_url=settings.jwks_url)
        stop = asyncio.Event()
        # Generations a previous process did not finish are marked FAILED; publications a crashed runner left
        # mid-saga (their lease lapsed) are resumed — the lease keeps each exclusive.
        sweeper = asyncio.create_task(_every(60, lambda: fail_interrupted(deps), stop, "sweep"))
        publish_sweeper = asyncio.create_task(
            _every(
                settings.saga_sweep_seconds,
                lambda: saga.resume_stuck(deps, generations.start),
                stop,
                "publish_sweep",
            )
        )
        try:
            yield
        finally:
            stop.set()
            await generations.stop()
            await sweeper
            await publish_sweeper
            await events.stop()
            await models.close()
            await payments.close()
            if deps.registrar is not None:
                await deps.registrar.close()
            if deps.dns_cdn is not None:
                await deps.dns_cdn.close()
            await clients.close()

    return create_app(
        service="sitegen",
        route_handlers=[
            StoreController,
            PreviewController,
            EdgeController,
            PublishController,
            DomainController,
        ],
        lifespan=[lifespan],
        dependencies={
            "deps": Provide(lambda: holder["deps"], sync_to_thread=False),
            "generations": Provide(lambda: generations, sync_to_thread=False),
            "edge": Provide(lambda: holder["edge"], sync_to_thread=False),
        },
    )
