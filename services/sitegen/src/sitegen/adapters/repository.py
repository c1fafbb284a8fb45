"""The sitegen table. Access patterns:

| item             | PK                           | SK                  | GSI1PK / GSI1SK                 |
|------------------|------------------------------|---------------------|---------------------------------|
| store            | T#<tenant>                   | STORE#<storeId>     | STATUS#<status> / <updatedAt>   |
| draft version    | T#<tenant>#STORE#<storeId>   | V#<000001>          |                                 |
| progress event   | T#<tenant>#STORE#<storeId>   | P#<0001>            |                                 |
| preview link     | PREVIEW#<token>              | PREVIEW             |                                 |
| AI usage record  | T#<tenant>#AI#<yyyy-mm-dd>   | <attemptId>         |                                 |
| generation quota | T#<tenant>#QUOTA             | <yyyy-mm-dd>        |                                 |
| outbox/processed | OUTBOX#n, EVENT#<id>         | (lib)               |                                 |

Everything a merchant can reach is keyed under the tenant: another tenant's store id is simply not found.
The spec and built files of each version live in S3 (immutable prefixes); a version item points at them.
"""

from __future__ import annotations

from typing import Any

from webdpro_aws.dynamo import ConditionFailed, Table, Transaction


def store_key(tenant_id: str, store_id: str) -> dict[str, str]:
    return {"PK": f"T#{tenant_id}", "SK": f"STORE#{store_id}"}


def _store_pk(tenant_id: str, store_id: str) -> str:
    return f"T#{tenant_id}#STORE#{store_id}"


class SitegenRepository:
    def __init__(self, table: Table) -> None:
        self.table = table

    @property
    def name(self) -> str:
        return self.table.name

    # --- stores ---
    async def get_store(self, tenant_id: str, store_id: str) -> dict[str, Any] | None:
        return await self.table.get(store_key(tenant_id, store_id))

    async def list_stores(self, tenant_id: str, limit: int, cursor: str | None):
        return await self.table.query(
            f"T#{tenant_id}", sk_prefix="STORE#", limit=limit, cursor=cursor, forward=False
        )

    def put_store(self, tx: Transaction, store: dict[str, Any], *, new: bool = False) -> None:
        item = {
            **store_key(store["tenant_id"], store["store_id"]),
            "GSI1PK": f"STATUS#{store['status']}",
            "GSI1SK": store["updated_at"],
            **store,
        }
        tx.put(self.name, item, condition="attribute_not_exists(PK)" if new else None)

    def update_store(
        self,
        tx: Transaction,
        store: dict[str, Any],
        expect_version: int,
        *,
        expect: dict[str, Any] | None = None,
    ) -> None:
        """Write the store back only if nobody moved its draft version meanwhile — nor, with `expect` (the store
        as the caller read it), its status or live release: an edit racing the publish saga's LIVE write or a
        suspension must lose (409) rather than put back what it read."""
        item = {
            **store_key(store["tenant_id"], store["store_id"]),
            "GSI1PK": f"STATUS#{store['status']}",
            "GSI1SK": store["updated_at"],
            **store,
        }
        condition, names, values = "version = :v", {}, {":v": expect_version}
        if expect is not None:
            condition += " AND #st = :st"
            names["#st"] = "status"
            values[":st"] = expect["status"]
            if expect.get("live_version") is None:
                condition += " AND attribute_not_exists(live_version)"  # None is never stored
            else:
                condition += " AND live_version = :lv"
                values[":lv"] = expect["live_version"]
        tx.put(self.name, item, condition=condition, names=names or None, values=values)

    async def stores_with_status(self, status: str) -> list[dict[str, Any]]:
        return await self.table.query_all(f"STATUS#{status}", index="GSI1")

    # --- draft versions ---
    def put_version(self, tx: Transaction, tenant_id: str, store_id: str, version: dict[str, Any]) -> None:
        tx.put(
            self.name,
            {"PK": _store_pk(tenant_id, store_id), "SK": f"V#{version['version']:06d}", **version},
            condition="attribute_not_exists(PK)",
        )

    async def get_version(self, tenant_id: str, store_id: str, version: int) -> dict[str, Any] | None:
        return await self.table.get({"PK": _store_pk(tenant_id, store_id), "SK": f"V#{version:06d}"})

    async def list_versions(self, tenant_id: str, store_id: str) -> list[dict[str, Any]]:
        return await self.table.query_all(_store_pk(tenant_id, store_id), sk_prefix="V#")

    # --- progress ---
    async def add_progress(self, tenant_id: str, store_id: str, seq: int, event: dict[str, Any]) -> None:
        await self.table.put(
            {"PK": _store_pk(tenant_id, store_id), "SK": f"P#{seq:04d}", "seq": seq, **event}
        )

    async def progress_after(self, tenant_id: str, store_id: str, seq: int) -> list[dict[str, Any]]:
        items = await self.table.query_all(_store_pk(tenant_id, store_id), sk_prefix="P#")
        return [i for i in items if int(i["seq"]) > seq]

    # --- previews ---
    def put_preview(self, tx: Transaction, token: str, link: dict[str, Any]) -> None:
        tx.put(self.name, {"PK": f"PREVIEW#{token}", "SK": "PREVIEW", **link})

    async def get_preview(self, token: str) -> dict[str, Any] | None:
        return await self.table.get({"PK": f"PREVIEW#{token}", "SK": "PREVIEW"}, consistent=False)

    # --- AI usage and quota ---
    def put_usage(self, tx: Transaction, tenant_id: str, day: str, record: dict[str, Any]) -> None:
        tx.put(self.name, {"PK": f"T#{tenant_id}#AI#{day}", "SK": record["attempt_id"], **record})

    async def take_generation_quota(self, tenant_id: str, day: str, cap: int, expires_at: int) -> bool:
        try:
            await self.table.update(
                {"PK": f"T#{tenant_id}#QUOTA", "SK": day},
                "ADD used :one SET expires_at = :exp",
                condition="attribute_not_exists(used) OR used < :cap",
                values={":one": 1, ":cap": cap, ":exp": expires_at},
            )
            return True
        except ConditionFailed:
            return False
