"""`python -m auth.rotate_keys`: add a new active signing key (the previous ones stay in the JWKS)."""

from __future__ import annotations

import asyncio

from auth.adapters.signing_keys import SigningKeys
from auth.settings import AuthSettings
from webdpro_aws.clients import AwsClients
from webdpro_aws.manifest import Names, load_manifest
from webdpro_core.settings import load


async def main() -> None:
    settings = load(AuthSettings)
    names = Names(load_manifest(settings.resource_manifest), settings.resource_prefix)
    clients = AwsClients(settings)
    try:
        keys = SigningKeys(clients, names.secret("auth_signing_keys"))
        print(await keys.rotate())
    finally:
        await clients.close()


if __name__ == "__main__":
    asyncio.run(main())
