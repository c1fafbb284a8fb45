"""Fixtures: one real AWS emulator process per session (on a free port, beside any developer's), clients for it,
and a tiny upstream service process for the gateway tests."""

from __future__ import annotations

import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from webdpro_aws.clients import AwsClients
from webdpro_local.procs import Child, free_port, stop_all
from webdpro_local.settings import LocalSettings, load_local

HERE = Path(__file__).parent


def wait_http(url: str, child: Child, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert child.alive(), f"{child.name} exited with {child.proc.returncode}"
        try:
            if httpx.get(url, timeout=1.0).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise TimeoutError(url)


@pytest.fixture(scope="session")
def aws_port() -> Iterator[int]:
    port = free_port()
    child = Child(
        "aws",
        [sys.executable, "-m", "webdpro_local.emulator"],
        {"WEBDPRO_AWS_PORT": str(port), **_base_env()},
        quiet=True,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/moto-api/config", child)
        yield port
    finally:
        stop_all([child], grace=3)


def _base_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "PYTHONPATH", "VIRTUAL_ENV"}}


@pytest.fixture(scope="session")
def settings(aws_port: int) -> LocalSettings:
    return load_local({"WEBDPRO_AWS_PORT": str(aws_port), "WEBDPRO_ENV": "test"})


@pytest.fixture(scope="session")
async def clients(settings: LocalSettings) -> AsyncIterator[AwsClients]:
    c = AwsClients(settings)
    yield c
    await c.close()


@pytest.fixture(scope="session")
def upstream_url() -> Iterator[str]:
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "asgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--working-dir",
        str(HERE),
        "--log-level",
        "warning",
        "upstream_app:app",
    ]
    child = Child("upstream", argv, _base_env(), quiet=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/api/svc/healthz", child)
        yield url
    finally:
        stop_all([child], grace=3)
