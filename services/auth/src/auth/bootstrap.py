"""The one place that knows every piece of the auth service and wires them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.di import Provide

from auth.adapters.cognito import CognitoMirror
from auth.adapters.repository import AuthRepository
from auth.adapters.signing_keys import SigningKeys
from auth.entrypoints.consumer.handlers import handlers
from auth.entrypoints.http.controllers import ROUTES
from auth.service.deps import Deps
from auth.settings import AuthSettings
from webdpro_aws.clients import AwsClients
from webdpro_aws.dynamo import Table
from webdpro_aws.manifest import Names, load_manifest
from webdpro_aws.messaging import Notifier
from webdpro_core.settings import load
from webdpro_events import EventRuntime
from webdpro_http import create_app
from webdpro_observability import configure_logging, configure_tracing
from webdpro_tenancy import KeySet, TokenVerifier


def build_app(settings: AuthSettings | None = None) -> Litestar:
    settings = settings or load(AuthSettings)
    configure_logging("auth", settings.log_level, settings.log_json)
    configure_tracing("auth")
    names = Names(load_manifest(settings.resource_manifest), settings.resource_prefix)
    holder: dict[str, Deps] = {}

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        clients = AwsClients(settings)
        table = Table(await clients.get("dynamodb"), names.table("auth"))
        keys = SigningKeys(clients, names.secret("auth_signing_keys"), settings.key_reload_seconds)
        await keys.load()
        sm = await clients.get("secretsmanager")
        pepper = (await sm.get_secret_value(SecretId=names.secret("auth_otp_pepper")))[
            "SecretString"
        ].encode()
        events = EventRuntime(
            clients=clients, names=names, service="auth", table=table, region=settings.aws_region
        )
        outbox = await events.start(
            handlers(CognitoMirror(clients, names.user_pool("main")), lambda: holder["deps"])
        )
        holder["deps"] = Deps(
            settings=settings,
            repo=AuthRepository(table),
            notifier=Notifier(clients, mail_from=settings.mail_from, sms_sender_id=settings.sms_sender_id),
            keys=keys,
            outbox=outbox,
            pepper=pepper,
        )
        # Auth verifies its own tokens from its key set, never over HTTP.
        keyset = KeySet()
        keyset.load(keys.jwks)
        app.state.verifier = _LocalVerifier(settings.token_issuer, keyset, keys)
        try:
            yield
        finally:
            await events.stop()
            await clients.close()

    return create_app(
        service="auth",
        route_handlers=ROUTES,
        lifespan=[lifespan],
        dependencies={"deps": Provide(lambda: holder["deps"], sync_to_thread=False)},
    )


class _LocalVerifier(TokenVerifier):
    """Verifies against the service's own signing keys, reloading them when a rotation adds a key."""

    def __init__(self, issuer: str, keyset: KeySet, keys: SigningKeys) -> None:
        super().__init__(issuer=issuer, keys=keyset)
        self._keys = keys

    async def refresh(self, force: bool = False) -> None:
        await self._keys.maybe_reload()
        self.keyset.load(self._keys.jwks)
