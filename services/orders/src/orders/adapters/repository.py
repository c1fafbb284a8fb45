"""The orders table (one table, typed items). Access patterns:

| item              | PK                            | SK                   | GSI1PK / GSI1SK          | GSI2PK / GSI2SK                    | GSI3PK / GSI3SK       |
|-------------------|-------------------------------|----------------------|--------------------------|------------------------------------|-----------------------|
| store → tenant    | STORE#<storeId>               | DIRECTORY            |                          |                                    |                       |
| tenant's stores   | T#<tenant>                    | STORE#<storeId>      |                          |                                    |                       |
| order             | T#<tenant>#ORDER#<orderId>    | ORDER                | T#<t>#S#<store> / <oid>  | T#<t>#S#<store>#<status> / <oid>   | CUST#<hash> / <oid>   |
| store feed entry  | T#<tenant>#S#<store>#FEED     | <eventId>            |                          |                                    |                       |
| cart              | CUST#<hash>                   | CART#<storeId>       |                          |                                    |                       |
| idempotency claim | IDEM#<hash>#<key>             | CHECKOUT             |                          |                                    |                       |
| payment deadline  | DEADLINE#<shard>              | <payBy>#<orderId>    |                          |                                    |                       |
| outbox / processed| OUTBOX#n, EVENT#<id>          | (lib)                |                          |                                    |                       |

- A merchant reads an order by (caller's tenant, order id): another tenant's order is simply not found.
- GSI1: a store's orders, newest first (order ids are ULIDs, so the sort key is time) — the list and "today".
- GSI2: a store's orders in one status (the status filter, "waiting" counts); moved with every transition.
- GSI3: one customer's orders across stores (keyed by the hashed verified phone).
- Feed entries (one per order event, TTL 2 days) are the merchant stream's log: resume by Last-Event-ID, and
  changes made by other instances are seen by polling it.
- Deadlines: an unpaid order's payment deadline, in one of a few shards; the sweeper reads the due ones.
"""

from __future__ import annotations

import zlib
from typing import Any

from webdpro_aws import dynamo
from webdpro_aws.dynamo import ConditionFailed, Table, Transaction, from_item, to_values
from webdpro_core import clock

NOT_EXISTS = "attribute_not_exists(PK)"
DEADLINE_SHARDS = 4
FEED_TTL_SECONDS = 2 * 24 * 3600
CART_TTL_SECONDS = 30 * 24 * 3600


def strip_keys(item: dict[str, Any] | None) -> dict[str, Any] | None:
    return dynamo.strip_keys(item, "expires_at")  # the TTL is bookkeeping, not part of the record


def store_pk(tenant_id: str, store_id: str) -> str:
    return f"T#{tenant_id}#S#{store_id}"


def order_key(tenant_id: str, order_id: str) -> dict[str, str]:
    return {"PK": f"T#{tenant_id}#ORDER#{order_id}", "SK": "ORDER"}


def _deadline_key(order_id: str, pay_by: str) -> dict[str, str]:
    shard = zlib.crc32(order_id.encode()) % DEADLINE_SHARDS
    return {"PK": f"DEADLINE#{shard}", "SK": f"{pay_by}#{order_id}"}


class OrdersRepository:
    def __init__(self, table: Table) -> None:
        self.table = table

    @property
    def name(self) -> str:
        return self.table.name

    async def _query(self, **kwargs: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        resp = await self.table.client.query(TableName=self.name, **kwargs)
        return [from_item(i) for i in resp.get("Items", [])], resp.get("LastEvaluatedKey")

    async def _query_all(self, **kwargs: Any) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        while True:
            items, start = await self._query(**kwargs)
            out.extend(strip_keys(i) for i in items)
            if not start:
                return out
            kwargs["ExclusiveStartKey"] = start

    # --- the store directory (from sitegen's store.generated) ---
    async def get_store(self, store_id: str) -> dict[str, Any] | None:
        return strip_keys(await self.table.get({"PK": f"STORE#{store_id}", "SK": "DIRECTORY"}))

    def put_store(self, tx: Transaction, store: dict[str, Any]) -> None:
        """Set the entry's fields (an update, so a regenerated store keeps the status the founder gave it)."""
        self._set_store(tx, store["tenant_id"], store["store_id"], store)

    def set_store_status(
        self, tx: Transaction, tenant_id: str, store_id: str, status: str, reason: str | None, at: str
    ) -> None:
        """ACTIVE / SUSPENDED / DELETED (the founder's actions), as of the event's time `at`."""
        self._set_store(
            tx, tenant_id, store_id, {"status": status, "status_reason": reason or "", "status_at": at}
        )

    def _set_store(self, tx: Transaction, tenant_id: str, store_id: str, fields: dict[str, Any]) -> None:
        fields = {k: v for k, v in fields.items() if v is not None and k not in ("store_id", "tenant_id")}
        names = {f"#f{i}": k for i, k in enumerate(fields)}
        values = {f":v{i}": v for i, v in enumerate(fields.values())}
        sets = "".join(f", #f{i} = :v{i}" for i in range(len(fields)))
        for key in (
            {"PK": f"STORE#{store_id}", "SK": "DIRECTORY"},
            {"PK": f"T#{tenant_id}", "SK": f"STORE#{store_id}"},
        ):
            tx.update(
                self.name,
                key,
                f"SET store_id = :sid, tenant_id = :tid{sets}",
                names=names or None,
                values={**values, ":sid": store_id, ":tid": tenant_id},
            )

    async def tenant_stores(self, tenant_id: str) -> list[dict[str, Any]]:
        items = await self.table.query_all(f"T#{tenant_id}", sk_prefix="STORE#")
        return [strip_keys(i) for i in items]

    # --- orders ---
    def put_order(self, tx: Transaction, order: dict[str, Any]) -> None:
        t, s, oid = order["tenant_id"], order["store_id"], order["order_id"]
        tx.put(
            self.name,
            {
                **order_key(t, oid),
                "GSI1PK": store_pk(t, s),
                "GSI1SK": oid,
                "GSI2PK": f"{store_pk(t, s)}#{order['status']}",
                "GSI2SK": oid,
                "GSI3PK": f"CUST#{order['customer_phone_hash']}",
                "GSI3SK": oid,
                **order,
            },
            condition=NOT_EXISTS,
        )

    async def get_order(self, tenant_id: str, order_id: str) -> dict[str, Any] | None:
        return strip_keys(await self.table.get(order_key(tenant_id, order_id)))

    def move_order(
        self,
        tx: Transaction,
        order: dict[str, Any],
        *,
        expected: str,
        status: str,
        entry: dict[str, Any],
    ) -> None:
        """The transition as a conditional write from the expected state (a concurrent move makes it fail)."""
        t, s = order["tenant_id"], order["store_id"]
        tx.update(
            self.name,
            order_key(t, order["order_id"]),
            "SET #s = :s, GSI2PK = :g2, updated_at = :at, timeline = list_append(timeline, :entry)",
            condition="#s = :expected",
            names={"#s": "status"},
            values={
                ":s": status,
                ":g2": f"{store_pk(t, s)}#{status}",
                ":at": entry["at"],
                ":entry": [entry],
                ":expected": expected,
            },
        )

    async def store_orders(
        self, tenant_id: str, store_id: str, status: str | None, limit: int, cursor: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        if status:
            items, nxt = await self.table.query(
                f"{store_pk(tenant_id, store_id)}#{status}",
                index="GSI2",
                limit=limit,
                cursor=cursor,
                forward=False,
            )
        else:
            items, nxt = await self.table.query(
                store_pk(tenant_id, store_id),
                index="GSI1",
                limit=limit,
                cursor=cursor,
                forward=False,
            )
        return [strip_keys(i) for i in items], nxt

    async def store_orders_since(self, tenant_id: str, store_id: str, from_order_id: str) -> list[dict]:
        """Every order of a store whose id (time) is ≥ `from_order_id`."""
        return await self._query_all(
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk AND GSI1SK >= :from",
            ExpressionAttributeValues=to_values(
                {":pk": store_pk(tenant_id, store_id), ":from": from_order_id}
            ),
        )

    async def count_status(self, tenant_id: str, store_id: str, status: str) -> int:
        total, start = 0, None
        while True:
            kwargs: dict[str, Any] = {
                "TableName": self.name,
                "IndexName": "GSI2",
                "KeyConditionExpression": "GSI2PK = :pk",
                "ExpressionAttributeValues": to_values({":pk": f"{store_pk(tenant_id, store_id)}#{status}"}),
                "Select": "COUNT",
            }
            if start:
                kwargs["ExclusiveStartKey"] = start
            resp = await self.table.client.query(**kwargs)
            total += int(resp.get("Count", 0))
            start = resp.get("LastEvaluatedKey")
            if not start:
                return total

    async def customer_orders(
        self, phone_hash: str, limit: int, cursor: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        items, nxt = await self.table.query(
            f"CUST#{phone_hash}",
            index="GSI3",
            limit=limit,
            cursor=cursor,
            forward=False,
        )
        return [strip_keys(i) for i in items], nxt

    async def customer_order(self, phone_hash: str, order_id: str) -> dict[str, Any] | None:
        items, _ = await self._query(
            IndexName="GSI3",
            KeyConditionExpression="GSI3PK = :pk AND GSI3SK = :oid",
            ExpressionAttributeValues=to_values({":pk": f"CUST#{phone_hash}", ":oid": order_id}),
        )
        return strip_keys(items[0]) if items else None

    # --- the store feed (the merchant's live stream) ---
    def add_feed(self, tx: Transaction, tenant_id: str, store_id: str, entry: dict[str, Any]) -> None:
        tx.put(
            self.name,
            {
                "PK": f"{store_pk(tenant_id, store_id)}#FEED",
                "SK": entry["id"],
                **entry,
                "expires_at": clock.epoch() + FEED_TTL_SECONDS,
            },
        )

    async def feed_after(self, tenant_id: str, store_id: str, after: str) -> list[dict[str, Any]]:
        return await self._query_all(
            KeyConditionExpression="PK = :pk AND SK > :after",
            ExpressionAttributeValues=to_values(
                {":pk": f"{store_pk(tenant_id, store_id)}#FEED", ":after": after}
            ),
            ConsistentRead=True,
        )

    # --- carts ---
    async def get_cart(self, phone_hash: str, store_id: str) -> dict[str, Any] | None:
        return strip_keys(await self.table.get({"PK": f"CUST#{phone_hash}", "SK": f"CART#{store_id}"}))

    async def put_cart(self, phone_hash: str, cart: dict[str, Any]) -> None:
        await self.table.put(
            {
                "PK": f"CUST#{phone_hash}",
                "SK": f"CART#{cart['store_id']}",
                **cart,
                "expires_at": clock.epoch() + CART_TTL_SECONDS,
            }
        )

    def delete_cart(self, tx: Transaction, phone_hash: str, store_id: str) -> None:
        tx.delete(self.name, {"PK": f"CUST#{phone_hash}", "SK": f"CART#{store_id}"})

    # --- idempotency claims ---
    @staticmethod
    def _claim_key(scope: str, key: str) -> dict[str, str]:
        return {"PK": f"IDEM#{scope}#{key}", "SK": "CHECKOUT"}

    async def claim(self, scope: str, key: str, record: dict[str, Any]) -> bool:
        """Claim a key (first request wins); False if it already has a live record."""
        try:
            await self.table.put(
                {**self._claim_key(scope, key), **record},
                # An expired record counts as absent (the emulator does not delete items by TTL).
                condition="attribute_not_exists(PK) OR expires_at < :now",
                values={":now": clock.epoch()},
            )
            return True
        except ConditionFailed:
            return False

    async def get_claim(self, scope: str, key: str) -> dict[str, Any] | None:
        item = await self.table.get(self._claim_key(scope, key))
        if item is not None and int(item.get("expires_at", 0)) <= clock.epoch():
            return None  # past its TTL (the emulator does not delete expired items)
        return strip_keys(item)

    async def take_over(self, scope: str, key: str, old_owner: str, owner: str, lease_until: int) -> bool:
        try:
            await self.table.update(
                self._claim_key(scope, key),
                "SET #o = :me, lease_until = :lease",
                condition="#st = :ip AND #o = :old",
                names={"#o": "owner", "#st": "state"},
                values={":me": owner, ":lease": lease_until, ":ip": "IN_PROGRESS", ":old": old_owner},
            )
            return True
        except ConditionFailed:
            return False

    def complete_claim(
        self, tx: Transaction, scope: str, key: str, owner: str, status_code: int, body: dict[str, Any]
    ) -> None:
        tx.update(
            self.name,
            self._claim_key(scope, key),
            "SET #st = :done, status_code = :code, body = :body",
            condition="#st = :ip AND #o = :me",
            names={"#st": "state", "#o": "owner"},
            values={
                ":done": "COMPLETED",
                ":code": status_code,
                ":body": body,
                ":ip": "IN_PROGRESS",
                ":me": owner,
            },
        )

    async def release_claim(self, scope: str, key: str, owner: str) -> None:
        try:
            await self.table.delete(
                self._claim_key(scope, key),
                condition="#st = :ip AND #o = :me",
                names={"#st": "state", "#o": "owner"},
                values={":ip": "IN_PROGRESS", ":me": owner},
            )
        except ConditionFailed:
            pass

    # --- payment deadlines ---
    def add_deadline(self, tx: Transaction, order: dict[str, Any]) -> None:
        tx.put(
            self.name,
            {
                **_deadline_key(order["order_id"], order["pay_by"]),
                "order_id": order["order_id"],
                "tenant_id": order["tenant_id"],
                "store_id": order["store_id"],
                "pay_by": order["pay_by"],
            },
        )

    def remove_deadline(self, tx: Transaction, order: dict[str, Any]) -> None:
        if order.get("pay_by"):
            tx.delete(self.name, _deadline_key(order["order_id"], order["pay_by"]))

    async def drop_deadline(self, order: dict[str, Any]) -> None:
        await self.table.delete(_deadline_key(order["order_id"], order["pay_by"]))

    async def due_deadlines(self, now_iso: str, limit: int = 100) -> list[dict[str, Any]]:
        due: list[dict[str, Any]] = []
        for shard in range(DEADLINE_SHARDS):
            items, _ = await self._query(
                KeyConditionExpression="PK = :pk AND SK <= :now",
                ExpressionAttributeValues=to_values({":pk": f"DEADLINE#{shard}", ":now": now_iso + "~"}),
                Limit=limit,
                ConsistentRead=True,
            )
            due.extend(strip_keys(i) for i in items)
        return due
