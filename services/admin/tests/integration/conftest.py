"""Admin integration fixtures.

- `pg_dsn`: a fresh PostgreSQL database on the local server (postgresql://postgres@127.0.0.1:5432/test, trust
  auth; WEBDPRO_TEST_POSTGRES_DSN overrides), created for the session and dropped after it.
- `reporting`: the repository on BOTH databases (parametrised): the same contract tests run against each.
- `app`/`client`/`deps`: the admin app (Litestar's AsyncTestClient) on the AWS emulator with its own queue
  consumer off; tests feed events through the consumer's handler (`feed`) and read what the actions published
  from a queue subscribed to the admin topic (`published`).
"""

from __future__ import annotations

import os
import time
import uuid
from typing import Any

import asyncpg
import pytest

from admin.adapters.reporting import open_reporting

ADMIN_PG = os.environ.get("WEBDPRO_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
async def pg_dsn():
    name = f"admin_test_{uuid.uuid4().hex[:10]}"
    root = await asyncpg.connect(ADMIN_PG)
    try:
        await root.execute(f'CREATE DATABASE "{name}"')
    finally:
        await root.close()
    base, _, _ = ADMIN_PG.rpartition("/")
    yield f"{base}/{name}"
    root = await asyncpg.connect(ADMIN_PG)
    try:
        await root.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await root.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def reporting(request, tmp_path, pg_dsn):
    if request.param == "postgresql":
        repo = await open_reporting(pg_dsn, "")
        # Each test starts empty: the tables are truncated (the migrations stay applied).
        async with repo.sql.transaction() as tx:
            await tx.execute("TRUNCATE audit, tenants, stores, daily_metrics, ai_usage")
    else:
        repo = await open_reporting("", str(tmp_path / "admin.sqlite3"))
    yield repo
    await repo.close()


def envelope(event_type: str, data: dict[str, Any], **kw: Any) -> dict[str, Any]:
    """An event as the consumer sees it (the envelope's fields as a dict)."""
    return {
        "id": kw.get("id") or f"evt_{uuid.uuid4().hex}",
        "type": event_type,
        "source": kw.get("source", event_type.split(".")[0]),
        "tenant_id": kw.get("tenant_id", data.get("tenant_id")),
        "occurred_at": kw.get("occurred_at")
        or time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time())),
        "trace": kw.get("trace"),
        "data": data,
    }
