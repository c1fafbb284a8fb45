"""aiobotocore clients, created once per process and reused (connection pools are per client).

Only `AWS_ENDPOINT_URL` decides whether they talk to AWS or to the local emulator.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from typing import Any

from aiobotocore.config import AioConfig
from aiobotocore.session import get_session

from webdpro_core.settings import BaseSettings

_CONFIG = AioConfig(
    retries={"max_attempts": 3, "mode": "standard"},
    connect_timeout=2,
    read_timeout=20,  # SQS long polls wait up to 10 s
    max_pool_connections=64,
)


class AwsClients:
    def __init__(self, settings: BaseSettings) -> None:
        self._settings = settings
        self._session = get_session()
        self._stack = AsyncExitStack()
        self._clients: dict[str, Any] = {}
        self._lock = asyncio.Lock()

    async def get(self, service: str) -> Any:
        client = self._clients.get(service)
        if client is not None:
            return client
        async with self._lock:
            if service not in self._clients:
                s = self._settings
                kwargs: dict[str, Any] = {"region_name": s.aws_region, "config": _CONFIG}
                if s.aws_endpoint_url:
                    kwargs["endpoint_url"] = s.aws_endpoint_url
                if s.aws_access_key_id:
                    kwargs["aws_access_key_id"] = s.aws_access_key_id
                    kwargs["aws_secret_access_key"] = s.aws_secret_access_key
                creator = self._session.create_client(service, **kwargs)
                self._clients[service] = await self._stack.enter_async_context(creator)
            return self._clients[service]

    async def close(self) -> None:
        self._clients.clear()
        await self._stack.aclose()
