"""The payments table (one table, typed items). Access patterns:

| item                  | PK                          | SK                      | GSI1PK / GSI1SK                  |
|-----------------------|-----------------------------|-------------------------|----------------------------------|
| payment (per order / platform fee) | T#<t>#PAY#<orderId> | PAYMENT          | T#<t>#PAYS / <createdAt>#<id>    |
| order → tenant        | ORDER#<orderId>             | LOOKUP                  |                                  |
| Razorpay order → ours | RZPORDER#<order_…>          | LOOKUP                  |                                  |
| Razorpay sub → ours   | RZPSUB#<sub_…>              | LOOKUP                  |                                  |
| refund                | T#<t>#PAY#<orderId>         | REFUND#<refundKey>      |                                  |
| publish charge        | T#<t>#PUBCHARGE             | <publicationId>         |                                  |
| webhook received      | WEBHOOK#<eventId>           | EVENT                   |                                  |
| ledger entry          | T#<t>#LEDGER                | <at>#<entryId>          |                                  |
| ledger entry key      | T#<t>#LEDGERKEY             | <kind>#<ref>            |                                  |
| balance               | T#<t>#BALANCE               | <account>               |                                  |
| merchant profile      | T#<t>                       | MERCHANT                |                                  |
| merchant registry     | T#<t>                       | REGISTRY                | MERCHANTS / <tenant>             |
| settlement            | T#<t>#SETTLEMENT            | <yyyy-mm-dd>            |                                  |
| COD mismatch flag     | T#<t>#FLAG                  | <orderId>               |                                  |
| subscription plan     | PLAN#<amount>               | RAZORPAY                |                                  |
| outbox / processed    | OUTBOX#n, EVENT#<id>        | (lib)                   |                                  |

- Every tenant item's key starts with the tenant id taken from the caller's token or the event, never a body:
  another tenant's payment is simply not found.
- Customers are not tenants: `ORDER#<orderId>` finds the tenant of an order for `/verify`, and the payment keeps a
  keyed hash of the customer's phone to check the caller.
- Ledger entries are immutable puts (`attribute_not_exists`), sorted by time; `LEDGERKEY` makes one entry per
  cause (kind + ref) — a replay cancels the whole transaction. Balances are `ADD`s in the same transaction, and a
  guarded account (cash, holds, pending shares, delivery cuts) cannot go below zero on its normal side: the
  condition is on the balance item itself, so two concurrent hand-overs cannot both spend the same cash.
- GSI1 `MERCHANTS`: every tenant with money on the platform (the daily settlement walks it); `T#<t>#PAYS`: a
  merchant's payments by time.
- Payments carry a `version` incremented by every money change (optimistic concurrency between the webhook
  worker, /verify and the order events).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from payments.domain.ledger import DEBIT_NORMAL, Account, Entry, base_of
from webdpro_aws.dynamo import ConditionFailed, Table, Transaction, from_item, strip_keys, to_values
from webdpro_core import clock, ids

NOT_EXISTS = "attribute_not_exists(PK)"
# Accounts whose normal-side balance may never go below zero.
# RAZORPAY_CLEARING is not guarded: a refund of a share already paid out (and not reversible) is advanced by the
# platform, and the merchant's balance shows it as owed.
GUARDED = frozenset(
    {
        Account.ROUTE_ON_HOLD,
        Account.AGENT_CASH,
        Account.MERCHANT_PENDING,
        Account.DELIVERY_CUT,
    }
)


strip = strip_keys


def payment_key(tenant_id: str, order_id: str) -> dict[str, str]:
    return {"PK": f"T#{tenant_id}#PAY#{order_id}", "SK": "PAYMENT"}


class PaymentsRepository:
    def __init__(self, table: Table) -> None:
        self.table = table

    @property
    def name(self) -> str:
        return self.table.name

    async def _query(self, **kwargs: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        resp = await self.table.client.query(TableName=self.name, **kwargs)
        return [from_item(i) for i in resp.get("Items", [])], resp.get("LastEvaluatedKey")

    # --- payments ---
    def put_payment(self, tx: Transaction, payment: dict[str, Any]) -> None:
        t, oid = payment["tenant_id"], payment["order_id"]
        tx.put(
            self.name,
            {
                **payment_key(t, oid),
                "GSI1PK": f"T#{t}#PAYS",
                "GSI1SK": f"{payment['created_at']}#{oid}",
                **payment,
            },
            condition=NOT_EXISTS,
        )
        tx.put(
            self.name,
            {"PK": f"ORDER#{oid}", "SK": "LOOKUP", "tenant_id": t, "order_id": oid},
            condition="attribute_not_exists(PK) OR tenant_id = :t",
            values={":t": t},
        )
        if payment.get("razorpay_order_id"):
            tx.put(
                self.name,
                {
                    "PK": f"RZPORDER#{payment['razorpay_order_id']}",
                    "SK": "LOOKUP",
                    "tenant_id": t,
                    "order_id": oid,
                },
            )

    async def get_payment(self, tenant_id: str, order_id: str) -> dict[str, Any] | None:
        return strip(await self.table.get(payment_key(tenant_id, order_id)))

    async def tenant_of_order(self, order_id: str) -> str | None:
        item = await self.table.get({"PK": f"ORDER#{order_id}", "SK": "LOOKUP"})
        return item["tenant_id"] if item else None

    async def by_razorpay_order(self, razorpay_order_id: str) -> dict[str, Any] | None:
        item = await self.table.get({"PK": f"RZPORDER#{razorpay_order_id}", "SK": "LOOKUP"})
        if item is None:
            return None
        return await self.get_payment(item["tenant_id"], item["order_id"])

    def update_payment(self, tx: Transaction, payment: dict[str, Any], changes: dict[str, Any]) -> None:
        """Set `changes` if the payment is still at the version it was read at (then bump the version)."""
        names = {f"#f{i}": k for i, k in enumerate(changes)}
        values = {f":v{i}": v for i, v in enumerate(changes.values())}
        sets = [f"#f{i} = :v{i}" for i in range(len(changes))]
        sets.append("version = :next")
        values[":next"] = int(payment.get("version", 0)) + 1
        values[":ver"] = int(payment.get("version", 0))
        tx.update(
            self.name,
            payment_key(payment["tenant_id"], payment["order_id"]),
            "SET " + ", ".join(sets),
            condition="version = :ver",
            names=names or None,
            values=values,
        )

    async def merchant_payments(
        self, tenant_id: str, limit: int, cursor: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        items, nxt = await self.table.query(
            f"T#{tenant_id}#PAYS",
            index="GSI1",
            limit=limit,
            cursor=cursor,
            forward=False,
        )
        return [strip(i) for i in items], nxt

    def link_subscription(self, tx: Transaction, subscription_id: str, tenant_id: str, order_id: str) -> None:
        tx.put(
            self.name,
            {"PK": f"RZPSUB#{subscription_id}", "SK": "LOOKUP", "tenant_id": tenant_id, "order_id": order_id},
        )

    async def by_subscription(self, subscription_id: str) -> dict[str, Any] | None:
        item = await self.table.get({"PK": f"RZPSUB#{subscription_id}", "SK": "LOOKUP"})
        if item is None:
            return None
        return await self.get_payment(item["tenant_id"], item["order_id"])

    # --- publish charges (the pricing decision per publication, kept so a replay answers the same) ---
    async def get_publish_charge(self, tenant_id: str, publication_id: str) -> dict[str, Any] | None:
        return strip(await self.table.get({"PK": f"T#{tenant_id}#PUBCHARGE", "SK": publication_id}))

    async def put_publish_charge(self, tenant_id: str, charge: dict[str, Any]) -> bool:
        """Record the decision once; False if this publication's decision exists already."""
        try:
            await self.table.put(
                {"PK": f"T#{tenant_id}#PUBCHARGE", "SK": charge["publication_id"], **charge},
                condition=NOT_EXISTS,
            )
            return True
        except ConditionFailed:
            return False

    # --- refunds ---
    def put_refund(self, tx: Transaction, tenant_id: str, order_id: str, refund: dict[str, Any]) -> None:
        tx.put(
            self.name,
            {"PK": f"T#{tenant_id}#PAY#{order_id}", "SK": f"REFUND#{refund['key']}", **refund},
            condition=NOT_EXISTS,
        )

    async def refunds(self, tenant_id: str, order_id: str) -> list[dict[str, Any]]:
        items = await self.table.query_all(f"T#{tenant_id}#PAY#{order_id}", sk_prefix="REFUND#")
        return [strip(i) for i in items]

    def mark_refund_processed(self, tx: Transaction, tenant_id: str, order_id: str, key: str) -> None:
        tx.update(
            self.name,
            {"PK": f"T#{tenant_id}#PAY#{order_id}", "SK": f"REFUND#{key}"},
            "SET #s = :done, processed_at = :at",
            condition="#s <> :done",
            names={"#s": "status"},
            values={":done": "processed", ":at": clock.iso()},
        )

    # --- webhooks ---
    def put_webhook(self, tx: Transaction, event_id: str, record: dict[str, Any]) -> None:
        tx.put(self.name, {"PK": f"WEBHOOK#{event_id}", "SK": "EVENT", **record}, condition=NOT_EXISTS)

    async def get_webhook(self, event_id: str) -> dict[str, Any] | None:
        return strip(await self.table.get({"PK": f"WEBHOOK#{event_id}", "SK": "EVENT"}))

    async def mark_webhook(self, event_id: str, status: str, note: str = "") -> None:
        await self.table.update(
            {"PK": f"WEBHOOK#{event_id}", "SK": "EVENT"},
            "SET #s = :s, processed_at = :at, note = :n",
            names={"#s": "status"},
            values={":s": status, ":at": clock.iso(), ":n": note},
        )

    # --- the ledger ---
    def post(self, tx: Transaction, tenant_id: str, entries: list[Entry]) -> list[dict[str, Any]]:
        """Add the entries (immutable, once per cause) and their balance changes to `tx`; returns the rows."""
        if not entries:
            return []
        at = clock.iso()
        rows: list[dict[str, Any]] = []
        deltas: dict[str, int] = defaultdict(int)
        for e in entries:
            entry_id = ids.new_id("led")
            row = {
                "entry_id": entry_id,
                "tenant_id": tenant_id,
                "kind": str(e.kind),
                "ref": e.ref,
                "order_id": e.order_id,
                "memo": e.memo,
                "meta": e.meta or None,
                "amount_paise": e.amount,
                "postings": [
                    {"account": p.account, "debit_paise": p.debit, "credit_paise": p.credit}
                    for p in e.postings
                ],
                "at": at,
            }
            tx.put(
                self.name,
                {"PK": f"T#{tenant_id}#LEDGERKEY", "SK": e.key, "entry_id": entry_id},
                condition=NOT_EXISTS,
            )
            tx.put(
                self.name,
                {"PK": f"T#{tenant_id}#LEDGER", "SK": f"{at}#{entry_id}", **row},
                condition=NOT_EXISTS,
            )
            rows.append(row)
            for p in e.postings:
                deltas[p.account] += p.signed
        for name, delta in sorted(deltas.items()):
            if delta == 0:
                continue
            condition, values = None, {":d": delta, ":a": name, ":at": at}
            base = base_of(name)
            if base in GUARDED:
                if base in DEBIT_NORMAL and delta < 0:
                    condition, values[":need"] = "signed >= :need", -delta
                elif base not in DEBIT_NORMAL and delta > 0:
                    condition, values[":need"] = "signed <= :need", -delta
            tx.update(
                self.name,
                {"PK": f"T#{tenant_id}#BALANCE", "SK": name},
                "ADD signed :d SET account = :a, updated_at = :at",
                condition=condition,
                values=values,
            )
        # The settlement's registry of merchants with money on the platform (an idempotent overwrite).
        tx.put(
            self.name,
            {
                "PK": f"T#{tenant_id}",
                "SK": "REGISTRY",
                "GSI1PK": "MERCHANTS",
                "GSI1SK": tenant_id,
                "tenant_id": tenant_id,
                "last_entry_at": at,
            },
        )
        return rows

    async def has_entry(self, tenant_id: str, kind: str, ref: str) -> bool:
        return await self.table.get({"PK": f"T#{tenant_id}#LEDGERKEY", "SK": f"{kind}#{ref}"}) is not None

    async def balances(self, tenant_id: str) -> dict[str, int]:
        items = await self.table.query_all(f"T#{tenant_id}#BALANCE")
        return {i["SK"]: int(i.get("signed", 0)) for i in items}

    async def entries(
        self, tenant_id: str, start: str, end: str, limit: int, cursor: dict[str, Any] | None
    ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": "PK = :pk AND SK BETWEEN :a AND :b",
            "ExpressionAttributeValues": to_values(
                {":pk": f"T#{tenant_id}#LEDGER", ":a": start, ":b": end + "~"}
            ),
            "Limit": limit,
        }
        if cursor:
            kwargs["ExclusiveStartKey"] = cursor
        items, nxt = await self._query(**kwargs)
        return [strip(i) for i in items], nxt

    async def all_entries(self, tenant_id: str, start: str, end: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        cursor = None
        while True:
            items, cursor = await self.entries(tenant_id, start, end, 500, cursor)
            out.extend(items)
            if not cursor:
                return out

    # --- merchants ---
    async def merchant(self, tenant_id: str) -> dict[str, Any]:
        return strip(await self.table.get({"PK": f"T#{tenant_id}", "SK": "MERCHANT"})) or {
            "tenant_id": tenant_id
        }

    async def set_merchant(
        self, tenant_id: str, fields: dict[str, Any], condition: str | None = None, **kw: Any
    ) -> None:
        names = {f"#f{i}": k for i, k in enumerate(fields)}
        values = {f":v{i}": v for i, v in enumerate(fields.values())}
        values.update(kw.pop("values", {}) or {})
        sets = ", ".join(f"#f{i} = :v{i}" for i in range(len(fields)))
        await self.table.update(
            {"PK": f"T#{tenant_id}", "SK": "MERCHANT"},
            f"SET {sets}, tenant_id = :tid",
            condition=condition,
            names={**names, **(kw.pop("names", {}) or {})},
            values={**values, ":tid": tenant_id},
        )

    def set_merchant_tx(self, tx: Transaction, tenant_id: str, fields: dict[str, Any]) -> None:
        names = {f"#f{i}": k for i, k in enumerate(fields)}
        values = {f":v{i}": v for i, v in enumerate(fields.values())}
        sets = ", ".join(f"#f{i} = :v{i}" for i in range(len(fields)))
        tx.update(
            self.name,
            {"PK": f"T#{tenant_id}", "SK": "MERCHANT"},
            f"SET {sets}, tenant_id = :tid",
            names=names,
            values={**values, ":tid": tenant_id},
        )

    async def merchants(self) -> list[str]:
        items: list[str] = []
        cursor = None
        while True:
            page, cursor = await self.table.query("MERCHANTS", index="GSI1", limit=200, cursor=cursor)
            items.extend(i["tenant_id"] for i in page)
            if not cursor:
                return items

    # --- settlements ---
    async def claim_settlement(self, tenant_id: str, record: dict[str, Any]) -> bool:
        try:
            await self.table.put(
                {"PK": f"T#{tenant_id}#SETTLEMENT", "SK": record["date"], **record}, condition=NOT_EXISTS
            )
            return True
        except ConditionFailed:
            return False

    async def get_settlement(self, tenant_id: str, date: str) -> dict[str, Any] | None:
        return strip(await self.table.get({"PK": f"T#{tenant_id}#SETTLEMENT", "SK": date}))

    def complete_settlement(self, tx: Transaction, tenant_id: str, date: str, fields: dict[str, Any]) -> None:
        names = {f"#f{i}": k for i, k in enumerate(fields)}
        values = {f":v{i}": v for i, v in enumerate(fields.values())}
        sets = ", ".join(f"#f{i} = :v{i}" for i in range(len(fields)))
        tx.update(
            self.name,
            {"PK": f"T#{tenant_id}#SETTLEMENT", "SK": date},
            f"SET {sets}",
            condition="#st = :ip",
            names={**names, "#st": "status"},
            values={**values, ":ip": "IN_PROGRESS"},
        )

    async def settlements(
        self, tenant_id: str, limit: int, cursor: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        items, nxt = await self.table.query(
            f"T#{tenant_id}#SETTLEMENT", limit=limit, cursor=cursor, forward=False
        )
        return [strip(i) for i in items], nxt

    # --- flags ---
    def put_flag(self, tx: Transaction, tenant_id: str, flag: dict[str, Any]) -> None:
        tx.put(self.name, {"PK": f"T#{tenant_id}#FLAG", "SK": flag["order_id"], **flag})

    async def flags(self, tenant_id: str) -> list[dict[str, Any]]:
        return [strip(i) for i in await self.table.query_all(f"T#{tenant_id}#FLAG")]

    # --- subscription plans (one Razorpay plan per price) ---
    async def plan_id(self, amount: int) -> str | None:
        item = await self.table.get({"PK": f"PLAN#{amount}", "SK": "RAZORPAY"})
        return item["plan_id"] if item else None

    async def save_plan_id(self, amount: int, plan_id: str) -> None:
        await self.table.put({"PK": f"PLAN#{amount}", "SK": "RAZORPAY", "plan_id": plan_id})
