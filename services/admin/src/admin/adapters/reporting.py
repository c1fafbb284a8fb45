# ruff: noqa: S608  # queries are built from constant fragments only; every value is a bound parameter
"""The reporting database: the audit log and the read models behind one repository interface.

`Reporting` is the interface; `SqlReporting` implements it once over a tiny driver (`Sql`) with two
implementations: PostgreSQL through asyncpg (adapters/postgres.py, when `reporting_dsn` is set) and SQLite
through aiosqlite (adapters/sqlite.py, the embedded default). The SQL is portable (`?` placeholders, rewritten
to `$n` for PostgreSQL; `INSERT … ON CONFLICT` works in both). Migrations are the numbered files in
adapters/migrations/, each applied once in its own transaction and recorded in `schema_migrations`.
"""

from __future__ import annotations

import base64
import json
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from importlib import resources
from typing import Any, Protocol

from admin.domain.projection import AiUsage, Metric, Projection, StoreChange, TenantSeen, apply_store
from webdpro_core import clock
from webdpro_core.errors import ValidationProblem


# ------------------------------------------------------------------------------------------------ interface
@dataclass(frozen=True, slots=True)
class AuditQuery:
    tenant_id: str | None = None
    store_id: str | None = None
    type: str | None = None
    trace_id: str | None = None
    since: str | None = None  # ISO, inclusive
    until: str | None = None  # ISO, exclusive
    cursor: str | None = None
    limit: int = 50


class Reporting(Protocol):
    dialect: str

    async def migrate(self) -> list[str]: ...
    async def applied_migrations(self) -> list[str]: ...
    async def record(self, projection: Projection) -> bool: ...
    async def audit(self, q: AuditQuery) -> tuple[list[dict[str, Any]], str | None]: ...
    async def overview(self, since_day: str | None, until_day: str | None) -> dict[str, Any]: ...
    async def ai_usage(
        self, since_day: str | None, until_day: str | None, tenant_id: str | None = None
    ) -> list[dict[str, Any]]: ...
    async def tenants(self, limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]: ...
    async def tenant(self, tenant_id: str) -> dict[str, Any] | None: ...
    async def tenant_figures(self, tenant_id: str) -> dict[str, int]: ...
    async def stores(
        self, status: str | None, tenant_id: str | None, limit: int, cursor: str | None
    ) -> tuple[list[dict[str, Any]], str | None]: ...
    async def store(self, store_id: str) -> dict[str, Any] | None: ...
    async def close(self) -> None: ...


# ------------------------------------------------------------------------------------------------ driver
class Conn(Protocol):
    async def execute(self, sql: str, *args: Any) -> int: ...  # → rows affected
    async def fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]: ...


class Sql(Protocol):
    dialect: str
    for_update: str  # " FOR UPDATE" where the database locks rows, "" where a transaction is exclusive anyway

    def transaction(self) -> AbstractAsyncContextManager[Conn]: ...
    async def fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]: ...
    async def lock_migrations(self, conn: Conn) -> None: ...
    async def close(self) -> None: ...


def migrations() -> list[tuple[str, str]]:
    """[(version, sql)] in order: adapters/migrations/NNNN_name.sql."""
    folder = resources.files("admin.adapters") / "migrations"
    files = sorted(f for f in folder.iterdir() if f.name.endswith(".sql"))
    return [(f.name.removesuffix(".sql"), f.read_text(encoding="utf-8")) for f in files]


def statements(script: str) -> list[str]:
    lines = [ln for ln in script.splitlines() if not ln.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def _encode_cursor(*parts: str) -> str:
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, n: int) -> list[str]:
    try:
        parts = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(parts, list) or len(parts) != n or not all(isinstance(p, str) for p in parts):
            raise ValueError
        return parts
    except ValueError as exc:
        raise ValidationProblem(
            "The cursor is not one this API gave", code="CURSOR_INVALID", field="cursor"
        ) from exc


_STORE_COLUMNS = (
    "store_id",
    "tenant_id",
    "name",
    "status",
    "lifecycle",
    "lifecycle_at",
    "suspended",
    "suspension_at",
    "live_url",
    "reason",
    "created_at",
    "updated_at",
)


# ------------------------------------------------------------------------------------------------ the repository
class SqlReporting:
    def __init__(self, sql: Sql) -> None:
        self.sql = sql
        self.dialect = sql.dialect

    async def close(self) -> None:
        await self.sql.close()

    # --- migrations
    async def migrate(self) -> list[str]:
        """Apply the migrations not yet applied; → the versions applied now."""
        async with self.sql.transaction() as tx:
            await self.sql.lock_migrations(tx)
            await tx.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
        done: list[str] = []
        for version, script in migrations():
            async with self.sql.transaction() as tx:
                await self.sql.lock_migrations(tx)
                if await tx.fetch("SELECT version FROM schema_migrations WHERE version = ?", version):
                    continue
                for statement in statements(script):
                    await tx.execute(statement)
                await tx.execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", version, clock.iso()
                )
                done.append(version)
        return done

    async def applied_migrations(self) -> list[str]:
        rows = await self.sql.fetch("SELECT version FROM schema_migrations ORDER BY version")
        return [r["version"] for r in rows]

    # --- the consumer's write: the audit row, and the read models only when that row is new
    async def record(self, projection: Projection) -> bool:
        a = projection.audit
        async with self.sql.transaction() as tx:
            inserted = await tx.execute(
                "INSERT INTO audit (event_id, type, source, tenant_id, store_id, actor, occurred_at, received_at,"
                " trace_id, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING",
                a.event_id,
                a.type,
                a.source,
                a.tenant_id,
                a.store_id,
                a.actor,
                a.occurred_at,
                a.received_at,
                a.trace_id,
                json.dumps(a.summary, separators=(",", ":"), sort_keys=True),
            )
            if not inserted:
                return False  # a replay: already counted
            for effect in projection.effects:
                await self._apply(tx, effect)
            return True

    async def _apply(self, tx: Conn, effect: Any) -> None:
        if isinstance(effect, TenantSeen):
            await tx.execute(
                "INSERT INTO tenants (tenant_id, created_at) VALUES (?, ?) ON CONFLICT (tenant_id) DO UPDATE"
                " SET created_at = COALESCE(tenants.created_at, excluded.created_at)",
                effect.tenant_id,
                effect.created_at,
            )
        elif isinstance(effect, Metric):
            await tx.execute(
                "INSERT INTO daily_metrics (day, tenant_id, metric, value) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (day, tenant_id, metric) DO UPDATE SET value = daily_metrics.value + excluded.value",
                effect.day,
                effect.tenant_id,
                effect.metric,
                effect.value,
            )
        elif isinstance(effect, AiUsage):
            await tx.execute(
                "INSERT INTO ai_usage (day, tenant_id, model_id, calls, input_tokens, output_tokens, images,"
                " fallbacks, refusals) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day, tenant_id, model_id)"
                " DO UPDATE SET calls = ai_usage.calls + excluded.calls,"
                " input_tokens = ai_usage.input_tokens + excluded.input_tokens,"
                " output_tokens = ai_usage.output_tokens + excluded.output_tokens,"
                " images = ai_usage.images + excluded.images,"
                " fallbacks = ai_usage.fallbacks + excluded.fallbacks,"
                " refusals = ai_usage.refusals + excluded.refusals",
                effect.day,
                effect.tenant_id,
                effect.model_id,
                effect.calls,
                effect.input_tokens,
                effect.output_tokens,
                effect.images,
                effect.fallbacks,
                effect.refusals,
            )
        elif isinstance(effect, StoreChange):
            await self._store_change(tx, effect)
        else:  # pragma: no cover - a new effect type without its SQL
            raise TypeError(f"unknown effect {effect!r}")

    async def _store_change(self, tx: Conn, change: StoreChange) -> None:
        # Create the row if absent, then lock it, so concurrent events of one store apply one after the other.
        await tx.execute(
            "INSERT INTO stores (store_id, tenant_id, lifecycle_at, suspension_at, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (store_id) DO NOTHING",
            change.store_id,
            change.tenant_id,
            "",
            "",
            change.at,
            change.at,
        )
        rows = await tx.fetch(
            f"SELECT {', '.join(_STORE_COLUMNS)} FROM stores WHERE store_id = ?{self.sql.for_update}",
            change.store_id,
        )
        row = apply_store(rows[0], change)
        sets = ", ".join(f"{c} = ?" for c in _STORE_COLUMNS[1:])
        await tx.execute(
            f"UPDATE stores SET {sets} WHERE store_id = ?",
            *(row[c] for c in _STORE_COLUMNS[1:]),
            change.store_id,
        )

    # --- reads
    async def audit(self, q: AuditQuery) -> tuple[list[dict[str, Any]], str | None]:
        where, args = [], []
        for column, value in (
            ("tenant_id", q.tenant_id),
            ("store_id", q.store_id),
            ("type", q.type),
            ("trace_id", q.trace_id),
        ):
            if value:
                where.append(f"{column} = ?")
                args.append(value)
        if q.since:
            where.append("occurred_at >= ?")
            args.append(q.since)
        if q.until:
            where.append("occurred_at < ?")
            args.append(q.until)
        if q.cursor:
            at, eid = _decode_cursor(q.cursor, 2)
            where.append("(occurred_at < ? OR (occurred_at = ? AND event_id < ?))")
            args += [at, at, eid]
        sql = (
            "SELECT event_id, type, source, tenant_id, store_id, actor, occurred_at, received_at, trace_id, summary"
            " FROM audit"
            + (f" WHERE {' AND '.join(where)}" if where else "")
            + " ORDER BY occurred_at DESC, event_id DESC LIMIT ?"
        )
        rows = await self.sql.fetch(sql, *args, q.limit + 1)
        more = len(rows) > q.limit
        rows = rows[: q.limit]
        for r in rows:
            r["summary"] = json.loads(r["summary"])
        nxt = _encode_cursor(rows[-1]["occurred_at"], rows[-1]["event_id"]) if more and rows else None
        return rows, nxt

    @staticmethod
    def _days(since: str | None, until: str | None, column: str = "day") -> tuple[str, list[str]]:
        where, args = [], []
        if since:
            where.append(f"{column} >= ?")
            args.append(since)
        if until:
            where.append(f"{column} <= ?")
            args.append(until)
        return (" WHERE " + " AND ".join(where) if where else ""), args

    async def overview(self, since_day: str | None, until_day: str | None) -> dict[str, Any]:
        where, args = self._days(since_day, until_day)
        tenants = await self.sql.fetch("SELECT COUNT(*) AS n FROM tenants")
        stores = await self.sql.fetch("SELECT status, COUNT(*) AS n FROM stores GROUP BY status")
        metrics = await self.sql.fetch(
            f"SELECT day, metric, SUM(value) AS total FROM daily_metrics{where} GROUP BY day, metric ORDER BY day",
            *args,
        )
        return {
            "tenants": int(tenants[0]["n"]),
            "stores": {r["status"] or "UNKNOWN": int(r["n"]) for r in stores},
            "metrics": [{"day": r["day"], "metric": r["metric"], "total": int(r["total"])} for r in metrics],
        }

    async def ai_usage(
        self, since_day: str | None, until_day: str | None, tenant_id: str | None = None
    ) -> list[dict[str, Any]]:
        where, args = self._days(since_day, until_day)
        if tenant_id:
            where = f"{where} AND tenant_id = ?" if where else " WHERE tenant_id = ?"
            args.append(tenant_id)
        rows = await self.sql.fetch(
            "SELECT tenant_id, model_id, SUM(calls) AS calls, SUM(input_tokens) AS input_tokens,"
            " SUM(output_tokens) AS output_tokens, SUM(images) AS images, SUM(fallbacks) AS fallbacks,"
            f" SUM(refusals) AS refusals FROM ai_usage{where} GROUP BY tenant_id, model_id"
            " ORDER BY tenant_id, model_id",
            *args,
        )
        return [{k: (v if k in ("tenant_id", "model_id") else int(v)) for k, v in r.items()} for r in rows]

    async def tenants(self, limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
        args: list[Any] = []
        where = ""
        if cursor:
            (after,) = _decode_cursor(cursor, 1)
            where = " WHERE t.tenant_id > ?"
            args.append(after)
        rows = await self.sql.fetch(
            "SELECT t.tenant_id, t.created_at,"
            " (SELECT COUNT(*) FROM stores s WHERE s.tenant_id = t.tenant_id) AS stores,"
            " (SELECT COALESCE(SUM(m.value), 0) FROM daily_metrics m WHERE m.tenant_id = t.tenant_id"
            "  AND m.metric = 'orders') AS orders,"
            " (SELECT COALESCE(SUM(m.value), 0) FROM daily_metrics m WHERE m.tenant_id = t.tenant_id"
            f"  AND m.metric = 'gmv_paise') AS gmv_paise FROM tenants t{where}"
            " ORDER BY t.tenant_id LIMIT ?",
            *args,
            limit + 1,
        )
        more = len(rows) > limit
        rows = [
            {**r, "stores": int(r["stores"]), "orders": int(r["orders"]), "gmv_paise": int(r["gmv_paise"])}
            for r in rows[:limit]
        ]
        return rows, (_encode_cursor(rows[-1]["tenant_id"]) if more and rows else None)

    async def tenant(self, tenant_id: str) -> dict[str, Any] | None:
        rows = await self.sql.fetch(
            "SELECT tenant_id, created_at FROM tenants WHERE tenant_id = ?", tenant_id
        )
        return rows[0] if rows else None

    async def tenant_figures(self, tenant_id: str) -> dict[str, int]:
        rows = await self.sql.fetch(
            "SELECT metric, SUM(value) AS total FROM daily_metrics WHERE tenant_id = ? GROUP BY metric",
            tenant_id,
        )
        ai = await self.sql.fetch(
            "SELECT model_id, SUM(calls) AS calls, SUM(input_tokens) AS input_tokens,"
            " SUM(output_tokens) AS output_tokens, SUM(images) AS images FROM ai_usage WHERE tenant_id = ?"
            " GROUP BY model_id",
            tenant_id,
        )
        out = {r["metric"]: int(r["total"]) for r in rows}
        out["ai_calls"] = sum(int(r["calls"]) for r in ai)
        return out

    async def stores(
        self, status: str | None, tenant_id: str | None, limit: int, cursor: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        where, args = [], []
        if status:
            where.append("status = ?")
            args.append(status)
        if tenant_id:
            where.append("tenant_id = ?")
            args.append(tenant_id)
        if cursor:
            (after,) = _decode_cursor(cursor, 1)
            where.append("store_id > ?")
            args.append(after)
        rows = await self.sql.fetch(
            f"SELECT {', '.join(_STORE_COLUMNS)} FROM stores"
            + (f" WHERE {' AND '.join(where)}" if where else "")
            + " ORDER BY store_id LIMIT ?",
            *args,
            limit + 1,
        )
        more = len(rows) > limit
        rows = rows[:limit]
        return rows, (_encode_cursor(rows[-1]["store_id"]) if more and rows else None)

    async def store(self, store_id: str) -> dict[str, Any] | None:
        rows = await self.sql.fetch(
            f"SELECT {', '.join(_STORE_COLUMNS)} FROM stores WHERE store_id = ?", store_id
        )
        return rows[0] if rows else None


async def open_reporting(dsn: str, path: str, *, pool_size: int = 5) -> SqlReporting:
    """PostgreSQL when `dsn` is set, SQLite at `path` otherwise; migrated before it is returned."""
    if dsn:
        from admin.adapters.postgres import Postgres

        sql: Sql = await Postgres.connect(dsn, pool_size=pool_size)
    else:
        from admin.adapters.sqlite import Sqlite

        sql = await Sqlite.connect(path)
    repo = SqlReporting(sql)
    try:
        await repo.migrate()
    except BaseException:
        await repo.close()
        raise
    return repo
