import itertools

import pytest
from litestar.testing import AsyncTestClient

from auth.adapters.repository import AuthRepository
from auth.adapters.signing_keys import SigningKeys
from auth.bootstrap import build_app
from auth.domain.identity import normalize
from auth.settings import AuthSettings
from webdpro_aws.clients import AwsClients
from webdpro_aws.dynamo import Table
from webdpro_aws.manifest import Names, load_manifest
from webdpro_core.settings import load

_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def settings(aws_emulator) -> AuthSettings:
    return load(AuthSettings, super_admin_emails="founder@webdpro.in", key_reload_seconds=0)


@pytest.fixture(scope="session")
async def client(settings):
    async with AsyncTestClient(build_app(settings), base_url="http://test.local") as c:
        yield c


@pytest.fixture(scope="session")
async def aws(settings):
    """The test's own clients (the app runs on the test client's loop, not this one)."""
    clients = AwsClients(settings)
    yield clients
    await clients.close()


@pytest.fixture(scope="session")
def names(settings) -> Names:
    return Names(load_manifest(), settings.resource_prefix)


@pytest.fixture(scope="session")
async def repo(aws, names) -> AuthRepository:
    return AuthRepository(Table(await aws.get("dynamodb"), names.table("auth")))


@pytest.fixture(scope="session")
def signing_keys(aws, names) -> SigningKeys:
    return SigningKeys(aws, names.secret("auth_signing_keys"))


@pytest.fixture
def phone():
    """A fresh Indian mobile for each test, so rate limits never leak between tests."""
    return f"+9198{next(_numbers) * 7919 % 100_000_000:08d}"


@pytest.fixture
def skip_resend_gap(repo):
    """Forget a destination's send log, as if its last code was sent long ago."""

    async def _skip(destination: str) -> None:
        await repo.table.delete({"PK": f"SENDS#DEST#{normalize(destination)[1]}", "SK": "LOG"})

    return _skip


@pytest.fixture
def login(client, read_code, skip_resend_gap):
    async def _login(destination: str, role: str, *, ip: str | None = None) -> dict:
        channel, normalized = normalize(destination)
        await skip_resend_gap(destination)
        headers = {"x-forwarded-for": ip or f"10.9.{next(_numbers) % 250}.{next(_numbers) % 250}"}
        r = await client.post(
            "/api/auth/otp/request", json={"channel": channel, "destination": destination}, headers=headers
        )
        assert r.status_code == 202, r.text
        r = await client.post(
            "/api/auth/otp/verify",
            json={"destination": destination, "code": read_code(normalized), "role": role},
        )
        assert r.status_code == 200, r.text
        return r.json()

    return _login
