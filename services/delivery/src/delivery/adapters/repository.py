"""The delivery table (one table, typed items). Access patterns:

| item                 | PK                          | SK              | GSI1PK / GSI1SK                  | GSI2PK / GSI2SK               | GSI3PK / GSI3SK   |
|----------------------|-----------------------------|-----------------|----------------------------------|-------------------------------|-------------------|
| store (+ settings)   | T#<tenant>                  | STORE#<storeId> |                                  |                               |                   |
| agent                | T#<tenant>#AGENTS           | AGENT#<agentId> |                                  |                               |                   |
| agent's last position| T#<tenant>#AGENTS           | LOC#<agentId>   |                                  |                               |                   |
| agent's trail point  | T#<tenant>#TRAIL#<agentId>  | <at, ISO UTC>   |                                  |                               |                   |
| order (to deliver)   | T#<tenant>#ORDER#<orderId>  | ORDER           | CUST#<phoneHash> / <orderId>     | T#<t>#WAITING / <since>#<id> *|                   |
| assignment           | T#<tenant>#ASG#<asgId>      | ASSIGNMENT      | T#<t>#AGENT#<agentId> / O|C#<id> | T#<t>#S#<store>#<state> / <id>| T#<t>#S#<store> / <id> |
| COD line             | T#<tenant>#COD#<day>        | <agentId>#<orderId> |                              |                               |                   |
| outbox / processed   | OUTBOX#n, EVENT#<id>        | (lib)           |                                  |                               |                   |

- Every key of tenant data starts with the tenant from the caller's token (or the event): another tenant's store,
  agent, order or assignment is simply not found.
- One partition holds a merchant's agents and their last positions: the agent list and auto-assignment read it in
  one query. The position is its own item, written in batches by the location buffer, so location writes never
  contend with assignment transactions on the agent item.
- GSI1: an agent's assignments, open ones (`O#`) apart from closed ones (`C#`); and a customer's orders by the
  hashed verified phone (the same keyed hash as the orders service), for tracking.
- GSI2: a store's deliveries in one state; and (*) a merchant's packed orders waiting for an agent to come on shift
  (only while waiting). GSI3: all of a store's deliveries, newest first (ULID ids).
- Trail points: at most one per agent per sampling interval, with a TTL; a delivery's trail is the agent's points
  between its pick-up and its end.
- COD lines: one per cash-on-delivery assignment, under the Indian day it was delivered or paid (the first of the
  two); a day's reconciliation is one query, one agent's a prefix of it.
- Items that change under concurrent writers carry a `version`; every update is conditional on the one read.
"""

from __future__ import annotations

import asyncio
from typing import Any

from webdpro_aws import dynamo
from webdpro_aws.dynamo import ConditionFailed, Table, Transaction, from_item, to_item
from webdpro_core import clock

NOT_EXISTS = "attribute_not_exists(PK)"


def strip_keys(item: dict[str, Any] | None) -> dict[str, Any] | None:
    return dynamo.strip_keys(item, "expires_at")  # the TTL is bookkeeping, not part of the record


def _agents_pk(tenant_id: str) -> str:
    return f"T#{tenant_id}#AGENTS"


def store_key(tenant_id: str, store_id: str) -> dict[str, str]:
    return {"PK": f"T#{tenant_id}", "SK": f"STORE#{store_id}"}


def agent_key(tenant_id: str, agent_id: str) -> dict[str, str]:
    return {"PK": _agents_pk(tenant_id), "SK": f"AGENT#{agent_id}"}


def position_key(tenant_id: str, agent_id: str) -> dict[str, str]:
    return {"PK": _agents_pk(tenant_id), "SK": f"LOC#{agent_id}"}


def order_key(tenant_id: str, order_id: str) -> dict[str, str]:
    return {"PK": f"T#{tenant_id}#ORDER#{order_id}", "SK": "ORDER"}


def assignment_key(tenant_id: str, assignment_id: str) -> dict[str, str]:
    return {"PK": f"T#{tenant_id}#ASG#{assignment_id}", "SK": "ASSIGNMENT"}


def cod_key(tenant_id: str, day: str, agent_id: str, order_id: str) -> dict[str, str]:
    return {"PK": f"T#{tenant_id}#COD#{day}", "SK": f"{agent_id}#{order_id}"}


def _store_pk(tenant_id: str, store_id: str) -> str:
    return f"T#{tenant_id}#S#{store_id}"


def _versioned(item: dict[str, Any], expected: int | None) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """The item with its next version, and the condition that the stored one is still `expected`."""
    if expected is None:
        return {**item, "version": 1}, NOT_EXISTS, {}
    return {**item, "version": expected + 1}, "version = :v", {":v": expected}


class DeliveryRepository:
    def __init__(self, table: Table) -> None:
        self.table = table

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def client(self) -> Any:
        return self.table.client

    # --- stores (the directory, from sitegen and from orders' events; the merchant's settings) ---
    async def get_store(self, tenant_id: str, store_id: str) -> dict[str, Any] | None:
        return strip_keys(await self.table.get(store_key(tenant_id, store_id)))

    def record_store(self, tx: Transaction, tenant_id: str, store_id: str, name: str | None) -> None:
        """Create or name a store; its settings are left as they are."""
        update = "SET store_id = :s, tenant_id = :t, created_at = if_not_exists(created_at, :now)"
        values: dict[str, Any] = {":s": store_id, ":t": tenant_id, ":now": clock.iso()}
        if name:
            update += ", #n = :n"
            values[":n"] = name
        tx.update(
            self.name,
            store_key(tenant_id, store_id),
            update,
            names={"#n": "name"} if name else None,
            values=values,
        )

    async def ensure_store(self, tenant_id: str, store_id: str) -> None:
        tx = Transaction()
        self.record_store(tx, tenant_id, store_id, None)
        await tx.commit(self.client)

    def put_settings(self, tx: Transaction, tenant_id: str, store_id: str, settings: dict[str, Any]) -> None:
        """Replace the store's settings (absent ones removed); the store must exist."""
        sets = [f"#{k} = :{k}" for k, v in settings.items() if v is not None] + ["updated_at = :now"]
        removes = [f"#{k}" for k, v in settings.items() if v is None]
        update = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        tx.update(
            self.name,
            store_key(tenant_id, store_id),
            update,
            condition="attribute_exists(PK)",
            names={f"#{k}": k for k in settings},
            values={**{f":{k}": v for k, v in settings.items() if v is not None}, ":now": clock.iso()},
        )

    # --- agents ---
    async def get_agent(self, tenant_id: str, agent_id: str) -> dict[str, Any] | None:
        return strip_keys(await self.table.get(agent_key(tenant_id, agent_id)))

    def change_agent(
        self,
        tx: Transaction,
        tenant_id: str,
        agent_id: str,
        status: str,
        fields: dict[str, Any],
        *,
        from_statuses: tuple[str, ...],
    ) -> None:
        """Move an agent to `status` (creating the item if absent) from one of `from_statuses` only; the
        counters (`active`, `cash_collected_paise`) are never overwritten."""
        values: dict[str, Any] = {":st": status, ":a": agent_id, ":t": tenant_id, ":false": False}
        sets = ["#st = :st", "agent_id = :a", "tenant_id = :t"]
        if "on_shift" not in fields:
            sets.append("on_shift = if_not_exists(on_shift, :false)")
        else:
            del values[":false"]
        names = {"#st": "status"}
        for k, v in fields.items():
            if v is not None:
                sets.append(f"#{k} = :{k}")
                names[f"#{k}"] = k
                values[f":{k}"] = v
        allowed = " OR ".join(f"#st = :from{i}" for i in range(len(from_statuses)))
        for i, st in enumerate(from_statuses):
            values[f":from{i}"] = st
        tx.update(
            self.name,
            agent_key(tenant_id, agent_id),
            "SET " + ", ".join(sets),
            condition=f"attribute_not_exists(PK) OR {allowed}" if allowed else NOT_EXISTS,
            names=names,
            values=values,
        )

    async def set_shift(self, tenant_id: str, agent_id: str, on_shift: bool) -> dict[str, Any] | None:
        """None when the agent is not (or no longer) active."""
        try:
            item = await self.table.update(
                agent_key(tenant_id, agent_id),
                "SET on_shift = :on, shift_changed_at = :at",
                condition="#st = :active",
                names={"#st": "status"},
                values={":on": on_shift, ":at": clock.iso(), ":active": "active"},
            )
        except ConditionFailed:
            return None
        return strip_keys(item)

    def count_active(self, tx: Transaction, tenant_id: str, agent_id: str, delta: int) -> None:
        tx.update(self.name, agent_key(tenant_id, agent_id), "ADD active :d", values={":d": delta})

    def agent_takes(self, tx: Transaction, tenant_id: str, agent_id: str) -> None:
        """One more active delivery for an agent who must still be active (the transaction fails otherwise)."""
        tx.update(
            self.name,
            agent_key(tenant_id, agent_id),
            "ADD active :one",
            condition="#st = :active",
            names={"#st": "status"},
            values={":one": 1, ":active": "active"},
        )

    def add_cash(self, tx: Transaction, tenant_id: str, agent_id: str, amount_paise: int) -> None:
        tx.update(
            self.name,
            agent_key(tenant_id, agent_id),
            "ADD cash_collected_paise :a",
            values={":a": amount_paise},
        )

    async def agents_and_positions(self, tenant_id: str) -> tuple[list[dict], dict[str, dict]]:
        items = await self.table.query_all(_agents_pk(tenant_id))
        agents = [strip_keys(i) for i in items if i["SK"].startswith("AGENT#")]
        positions = {i["SK"][4:]: strip_keys(i) for i in items if i["SK"].startswith("LOC#") and i.get("at")}
        return agents, positions  # type: ignore[return-value]

    # --- positions and trails (written in batches by the location buffer, not per request) ---
    async def agent_statuses(self, tenant_id: str) -> dict[str, str]:
        """agent id → status, for every agent of a merchant (one query)."""
        items = await self.table.query_all(_agents_pk(tenant_id), sk_prefix="AGENT#")
        return {i["SK"][6:]: str(i.get("status")) for i in items}

    async def write_positions(
        self,
        positions: list[tuple[str, str, dict[str, Any]]],
        trail: list[tuple[str, str, dict[str, Any]]],
        trail_ttl_s: int,
    ) -> None:
        """Last positions and trail points [(tenant, agent, point)], 25 items per BatchWriteItem. Plain puts: the
        location buffer has already kept only the newest point per agent and only active agents."""
        expires = clock.epoch() + trail_ttl_s
        items: dict[tuple[str, str], dict[str, Any]] = {}
        for tenant_id, agent_id, point in positions:
            item = {**position_key(tenant_id, agent_id), "agent_id": agent_id, **point}
            items[(item["PK"], item["SK"])] = item
        for tenant_id, agent_id, point in trail:
            item = {
                "PK": f"T#{tenant_id}#TRAIL#{agent_id}",
                "SK": point["at"],
                **point,
                "expires_at": expires,
            }
            items[(item["PK"], item["SK"])] = item  # a batch may not name one key twice
        requests = [{"PutRequest": {"Item": to_item(i)}} for i in items.values()]
        for start in range(0, len(requests), 25):
            pending = {self.name: requests[start : start + 25]}
            for attempt in range(6):
                resp = await self.client.batch_write_item(RequestItems=pending)
                pending = resp.get("UnprocessedItems") or {}
                if not pending:
                    break
                await asyncio.sleep(0.05 * 2**attempt)  # throttled: back off, as the SDK advises
            if pending:
                raise RuntimeError(f"{len(pending.get(self.name, []))} location items were not written")

    async def get_position(self, tenant_id: str, agent_id: str) -> dict[str, Any] | None:
        return strip_keys(await self.table.get(position_key(tenant_id, agent_id)))

    async def trail(
        self, tenant_id: str, agent_id: str, since: str, until: str, limit: int = 500
    ) -> list[dict[str, Any]]:
        resp = await self.client.query(
            TableName=self.name,
            KeyConditionExpression="PK = :pk AND SK BETWEEN :a AND :b",
            ExpressionAttributeValues=to_item(
                {":pk": f"T#{tenant_id}#TRAIL#{agent_id}", ":a": since, ":b": until}
            ),
            Limit=limit,
        )
        now = clock.epoch()
        items = [from_item(i) for i in resp.get("Items", [])]
        # The emulator does not delete items by TTL.
        return [strip_keys(i) for i in items if int(i.get("expires_at", now + 1)) > now]  # type: ignore[misc]

    # --- orders (what there is to deliver; from orders' events) ---
    async def get_order(self, tenant_id: str, order_id: str) -> dict[str, Any] | None:
        return strip_keys(await self.table.get(order_key(tenant_id, order_id)))

    def _order_item(self, order: dict[str, Any]) -> dict[str, Any]:
        item = {**order_key(order["tenant_id"], order["order_id"]), **order}
        if order.get("customer_phone_hash"):
            item["GSI1PK"] = f"CUST#{order['customer_phone_hash']}"
            item["GSI1SK"] = order["order_id"]
        if order.get("waiting_since"):
            item["GSI2PK"] = f"T#{order['tenant_id']}#WAITING"
            item["GSI2SK"] = f"{order['waiting_since']}#{order['order_id']}"
        return item

    async def waiting_orders(self, tenant_id: str, limit: int = 25) -> list[dict[str, Any]]:
        """Packed orders that auto-assignment found nobody for, oldest first."""
        items, _ = await self.table.query(f"T#{tenant_id}#WAITING", index="GSI2", limit=limit)
        return [strip_keys(i) for i in items]  # type: ignore[misc]

    async def save_order(self, order: dict[str, Any], expected: int | None) -> bool:
        """Create (expected None) or replace the order if its version is still `expected`; False otherwise."""
        item, condition, values = _versioned(order, expected)
        try:
            await self.table.put(self._order_item(item), condition=condition, values=values or None)
            return True
        except ConditionFailed:
            return False

    def put_order(self, tx: Transaction, order: dict[str, Any], expected: int | None) -> None:
        item, condition, values = _versioned(order, expected)
        tx.put(self.name, self._order_item(item), condition=condition, values=values or None)

    async def customer_order(self, phone_hash: str, order_id: str) -> dict[str, Any] | None:
        items, _ = await self.table.query(
            f"CUST#{phone_hash}",
            index="GSI1",
            sk_prefix=order_id,
            limit=5,
        )
        for item in items:
            if item.get("order_id") == order_id:
                return strip_keys(item)
        return None

    async def spend_code_try(self, tenant_id: str, order_id: str, max_tries: int) -> int | None:
        """Count one delivery-code try atomically; the number of tries spent, or None when none are left."""
        try:
            item = await self.table.update(
                order_key(tenant_id, order_id),
                # The version moves too: a writer holding an older copy of the order cannot put the count back.
                "SET code_tries = if_not_exists(code_tries, :zero) + :one, version = version + :one",
                condition="attribute_exists(PK) AND (attribute_not_exists(code_tries) OR code_tries < :max)",
                values={":zero": 0, ":one": 1, ":max": max_tries},
            )
        except ConditionFailed:
            return None
        return int(item["code_tries"])

    # --- assignments ---
    async def get_assignment(self, tenant_id: str, assignment_id: str) -> dict[str, Any] | None:
        return strip_keys(await self.table.get(assignment_key(tenant_id, assignment_id)))

    def put_assignment(self, tx: Transaction, a: dict[str, Any], expected: int | None, open_: bool) -> None:
        t, s, aid = a["tenant_id"], a["store_id"], a["assignment_id"]
        item, condition, values = _versioned(a, expected)
        tx.put(
            self.name,
            {
                **assignment_key(t, aid),
                "GSI1PK": f"T#{t}#AGENT#{a['agent_id']}",
                "GSI1SK": f"{'O' if open_ else 'C'}#{aid}",
                "GSI2PK": f"{_store_pk(t, s)}#{a['status']}",
                "GSI2SK": aid,
                "GSI3PK": _store_pk(t, s),
                "GSI3SK": aid,
                **item,
            },
            condition=condition,
            values=values or None,
        )

    async def agent_assignments(
        self, tenant_id: str, agent_id: str, open_: bool, limit: int, cursor: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        items, nxt = await self.table.query(
            f"T#{tenant_id}#AGENT#{agent_id}",
            index="GSI1",
            sk_prefix="O#" if open_ else "C#",
            limit=limit,
            cursor=cursor,
            forward=False,
        )
        return [strip_keys(i) for i in items], nxt  # type: ignore[misc]

    async def agent_assigned(self, tenant_id: str, agent_id: str) -> list[dict[str, Any]]:
        """Every open assignment of an agent (a handful)."""
        items = await self.table.query_all(
            f"T#{tenant_id}#AGENT#{agent_id}",
            index="GSI1",
            sk_prefix="O#",
        )
        return [strip_keys(i) for i in items]  # type: ignore[misc]

    async def store_assignments(
        self, tenant_id: str, store_id: str, status: str | None, limit: int, cursor: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        if status:
            items, nxt = await self.table.query(
                f"{_store_pk(tenant_id, store_id)}#{status}",
                index="GSI2",
                limit=limit,
                cursor=cursor,
                forward=False,
            )
        else:
            items, nxt = await self.table.query(
                _store_pk(tenant_id, store_id),
                index="GSI3",
                limit=limit,
                cursor=cursor,
                forward=False,
            )
        return [strip_keys(i) for i in items], nxt  # type: ignore[misc]

    # --- cash on delivery ---
    def put_cod_line(self, tx: Transaction, line: dict[str, Any], expected: int | None) -> None:
        item, condition, values = _versioned(line, expected)
        tx.put(
            self.name,
            {**cod_key(line["tenant_id"], line["day"], line["agent_id"], line["order_id"]), **item},
            condition=condition,
            values=values or None,
        )

    async def get_cod_line(
        self, tenant_id: str, day: str, agent_id: str, order_id: str
    ) -> dict[str, Any] | None:
        return strip_keys(await self.table.get(cod_key(tenant_id, day, agent_id, order_id)))

    async def cod_lines(self, tenant_id: str, day: str, agent_id: str | None = None) -> list[dict[str, Any]]:
        items = await self.table.query_all(
            f"T#{tenant_id}#COD#{day}", sk_prefix=f"{agent_id}#" if agent_id else None
        )
        return [strip_keys(i) for i in items]  # type: ignore[misc]
