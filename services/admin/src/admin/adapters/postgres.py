"""The reporting database on PostgreSQL (asyncpg pool). `?` placeholders become `$n`; a store row is locked
(SELECT … FOR UPDATE) for its read-modify-write; migrations take a transaction-scoped advisory lock so two
processes starting together apply each migration once."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

_PLACEHOLDER = re.compile(r"\?")
_MIGRATION_LOCK = 8107_0001


def dollar(sql: str) -> str:
    n = 0

    def repl(_: re.Match[str]) -> str:
        nonlocal n
        n += 1
        return f"${n}"

    return _PLACEHOLDER.sub(repl, sql)


def _affected(status: str) -> int:
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class _Conn:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def execute(self, sql: str, *args: Any) -> int:
        return _affected(await self.conn.execute(dollar(sql), *args))

    async def fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        return [dict(r) for r in await self.conn.fetch(dollar(sql), *args)]


class Postgres:
    dialect = "postgresql"
    for_update = " FOR UPDATE"

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    @classmethod
    async def connect(cls, dsn: str, *, pool_size: int = 5) -> Postgres:
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=pool_size, command_timeout=30)
        return cls(pool)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_Conn]:
        async with self.pool.acquire() as conn, conn.transaction():
            yield _Conn(conn)

    async def fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        async with self.pool.acquire() as conn:
            return await _Conn(conn).fetch(sql, *args)

    async def lock_migrations(self, conn: _Conn) -> None:
        await conn.fetch("SELECT pg_advisory_xact_lock(?)", _MIGRATION_LOCK)

    async def close(self) -> None:
        await self.pool.close()
