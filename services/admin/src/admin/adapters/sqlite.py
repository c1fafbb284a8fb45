"""The embedded reporting database: one aiosqlite connection (WAL), transactions serialised by a lock, so a
read-modify-write of a store row needs no row lock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite


class _Conn:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    async def execute(self, sql: str, *args: Any) -> int:
        cursor = await self.db.execute(sql, args)
        try:
            return max(cursor.rowcount, 0)
        finally:
            await cursor.close()

    async def fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        async with self.db.execute(sql, args) as cursor:
            return [dict(r) for r in await cursor.fetchall()]


class Sqlite:
    dialect = "sqlite"
    for_update = ""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db
        self.conn = _Conn(db)
        self.lock = asyncio.Lock()

    @classmethod
    async def connect(cls, path: str) -> Sqlite:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(path, isolation_level=None)  # autocommit: BEGIN/COMMIT are ours
        db.row_factory = aiosqlite.Row
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA synchronous=NORMAL")
        await db.execute("PRAGMA busy_timeout=5000")
        return cls(db)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_Conn]:
        async with self.lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.db.execute("ROLLBACK")
                raise
            await self.db.execute("COMMIT")

    async def fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        async with self.lock:
            return await self.conn.fetch(sql, *args)

    async def lock_migrations(self, conn: _Conn) -> None:
        return None  # BEGIN IMMEDIATE already holds the database's write lock

    async def close(self) -> None:
        await self.db.close()
