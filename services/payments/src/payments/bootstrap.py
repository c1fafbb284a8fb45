"""The one place that knows every piece of the payments service and wires them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.di import Provide

from payments.adapters.razorpay import RazorpayClient
from payments.adapters.repository import PaymentsRepository
from payments.entrypoints.consumer.handlers import handlers
from payments.entrypoints.http.controllers import ROUTES
from payments.service.deps import Deps, RazorpayKeys
from payments.settings import PaymentsSettings
from webdpro_aws.clients import AwsClients
from webdpro_aws.dynamo import Table
from webdpro_aws.manifest import Names, load_manifest
from webdpro_core.settings import load
from webdpro_events import EventRuntime
from webdpro_http import create_app
from webdpro_observability import configure_logging, configure_tracing, get_logger
from webdpro_tenancy import ServiceTokens, TokenVerifier

log = get_logger(__name__)


async def _razorpay_keys(sm, names: Names, settings: PaymentsSettings) -> RazorpayKeys:
    """Secrets Manager `payments/razorpay` (AWS) wins; the settings (the emulator's defaults) otherwise."""
    keys = RazorpayKeys(
        settings.razorpay_key_id, settings.razorpay_key_secret, settings.razorpay_webhook_secret
    )
    try:
        raw = (await sm.get_secret_value(SecretId=names.secret("razorpay")))["SecretString"]
    except Exception as exc:  # absent locally (create = false in the manifest)
        if not settings.is_local:
            log.warning("razorpay.secret_missing", error=type(exc).__name__)
        return keys
    data = json.loads(raw)
    return RazorpayKeys(
        data.get("key_id") or keys.key_id,
        data.get("key_secret") or keys.key_secret,
        data.get("webhook_secret") or keys.webhook_secret,
    )


def build_app(settings: PaymentsSettings | None = None) -> Litestar:
    settings = settings or load(PaymentsSettings)
    configure_logging("payments", settings.log_level, settings.log_json)
    configure_tracing("payments")
    names = Names(load_manifest(settings.resource_manifest), settings.resource_prefix)
    holder: dict[str, Deps] = {}

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        clients = AwsClients(settings)
        table = Table(await clients.get("dynamodb"), names.table("payments"))
        sm = await clients.get("secretsmanager")
        service_key = (await sm.get_secret_value(SecretId=names.secret("service_key")))[
            "SecretString"
        ].encode()
        keys = await _razorpay_keys(sm, names, settings)
        razorpay = RazorpayClient(
            settings.razorpay_base_url,
            keys.key_id,
            keys.key_secret,
            timeout=settings.razorpay_timeout_seconds,
            retries=settings.razorpay_retries,
            backoff=settings.razorpay_backoff_seconds,
        )
        events = EventRuntime(
            clients=clients, names=names, service="payments", table=table, region=settings.aws_region
        )
        outbox = await events.start(handlers(lambda: holder["deps"]))
        holder["deps"] = Deps(
            settings=settings,
            repo=PaymentsRepository(table),
            razorpay=razorpay,
            outbox=outbox,
            keys=keys,
            phone_key=service_key,
        )
        app.state.verifier = TokenVerifier(issuer=settings.token_issuer, jwks_url=settings.jwks_url)
        app.state.service_tokens = ServiceTokens(service_key, "payments")
        try:
            yield
        finally:
            await events.stop()
            await razorpay.close()
            await clients.close()

    return create_app(
        service="payments",
        route_handlers=ROUTES,
        lifespan=[lifespan],
        dependencies={"deps": Provide(lambda: holder["deps"], sync_to_thread=False)},
    )
