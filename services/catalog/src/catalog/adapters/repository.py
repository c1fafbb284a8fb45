"""The catalog table (one table, typed items). Access patterns:

| item                  | PK                     | SK                          | GSI1PK / GSI1SK                          |
|-----------------------|------------------------|-----------------------------|------------------------------------------|
| store → tenant (ref)  | STORE#<storeId>        | REF                         | STORES / <storeId>  (the scan's registry)|
| store profile         | T#<t>#S#<storeId>      | STORE                       |                                          |
| merchant contact      | T#<t>                  | CONTACT                     |                                          |
| category              | T#<t>#S#<storeId>      | CATEGORY#<categoryId>       |                                          |
| product (+ its stock) | T#<t>#S#<storeId>      | PRODUCT#<productId>         |                                          |
| stock movement        | T#<t>#S#<storeId>      | MOVE#<productId>#<ulid>     |                                          |
| slot counter          | T#<t>#S#<storeId>      | SLOT#<productId>@<start>    |                                          |
| reservation           | T#<t>#S#<storeId>      | RES#<orderId>               | T#<t>#S#<sid>#HOLDS / <expiry>#<orderId> (only while HELD) |
| daily sales counter   | T#<t>#S#<storeId>      | SALES#<yyyy-mm-dd>#<sku>    |                                          |
| forecast (last scan)  | T#<t>#S#<storeId>      | FORECAST#<sku>              |                                          |
| open-alert marker     | T#<t>#S#<storeId>      | OPENALERT#<sku>             |                                          |
| alert                 | T#<t>#ALERT#<alertId>  | ALERT                       | T#<t>#S#<sid>#ALERTS / <createdAt>#<id>  |
| purchase order        | T#<t>#PO#<poId>        | PO                          | T#<t>#S#<sid>#POS / <createdAt>#<id>     |
| outbox / processed    | OUTBOX#n, EVENT#<id>   | (lib)                       |                                          |

`<sku>` is the product id, or `<productId>:<variantId>` for a variant. Stock lives on the product item
(`stock_qty`, or `variants.<id>.stock_qty`), so a reservation line is one conditional update of one item and a
product's state (active, sold out) is checked in the same condition. Everything of a tenant is keyed under the
tenant: a lookup needs the caller's tenant, so another tenant's store or product simply is not found. Only the
`STORE#<id>` ref (tenant of a store, for the public and internal routes) is keyed by store id alone.
"""

from __future__ import annotations

from typing import Any

from webdpro_aws.dynamo import (
    ConditionFailed,
    Table,
    Transaction,
    decode_cursor,
    encode_cursor,
    from_item,
    to_item,
    to_values,
)
from webdpro_core.errors import ValidationProblem

NOT_EXISTS = "attribute_not_exists(PK)"
EXISTS = "attribute_exists(PK)"


def store_pk(tenant_id: str, store_id: str) -> str:
    return f"T#{tenant_id}#S#{store_id}"


def sku_key(product_id: str, variant_id: str | None = None) -> str:
    return f"{product_id}:{variant_id}" if variant_id else product_id


class CatalogRepository:
    def __init__(self, table: Table) -> None:
        self.table = table
        self.client = table.client
        self._tenant_of: dict[str, str] = {}  # store → tenant never changes: cached per process

    @property
    def name(self) -> str:
        return self.table.name

    async def commit(self, tx: Transaction) -> None:
        await tx.commit(self.client)

    # --- stores ---------------------------------------------------------------------------------------
    async def tenant_of(self, store_id: str) -> str | None:
        tenant = self._tenant_of.get(store_id)
        if tenant is None:
            ref = await self.table.get({"PK": f"STORE#{store_id}", "SK": "REF"})
            if ref is None:
                return None
            tenant = self._tenant_of[store_id] = ref["tenant_id"]
        return tenant

    async def get_store(self, tenant_id: str, store_id: str) -> dict[str, Any] | None:
        return await self.table.get({"PK": store_pk(tenant_id, store_id), "SK": "STORE"})

    def add_store(self, tx: Transaction, store: dict[str, Any]) -> None:
        tx.put(
            self.name,
            {
                "PK": f"STORE#{store['store_id']}",
                "SK": "REF",
                "GSI1PK": "STORES",
                "GSI1SK": store["store_id"],
                "store_id": store["store_id"],
                "tenant_id": store["tenant_id"],
            },
            condition=NOT_EXISTS,
        )
        tx.put(
            self.name,
            {"PK": store_pk(store["tenant_id"], store["store_id"]), "SK": "STORE", **store},
            condition=NOT_EXISTS,
        )

    async def mark_imported(self, tenant_id: str, store_id: str, now: str) -> None:
        await self.table.update(
            {"PK": store_pk(tenant_id, store_id), "SK": "STORE"},
            "SET imported = :t, imported_at = :now ADD catalog_version :one",
            condition=EXISTS,
            values={":t": True, ":now": now, ":one": 1},
        )

    def bump_version(self, tx: Transaction, tenant_id: str, store_id: str) -> None:
        tx.update(
            self.name,
            {"PK": store_pk(tenant_id, store_id), "SK": "STORE"},
            "ADD catalog_version :one",
            condition=EXISTS,
            values={":one": 1},
        )

    async def update_store(self, tenant_id: str, store_id: str, fields: dict[str, Any]) -> dict[str, Any]:
        sets, names, values = [], {}, {":one": 1}
        for i, (k, v) in enumerate(fields.items()):
            names[f"#f{i}"] = k
            values[f":v{i}"] = v
            sets.append(f"#f{i} = :v{i}")
        return await self.table.update(
            {"PK": store_pk(tenant_id, store_id), "SK": "STORE"},
            "SET " + ", ".join(sets) + " ADD catalog_version :one",
            condition=EXISTS,
            names=names,
            values=values,
        )

    async def all_stores(self) -> list[dict[str, Any]]:
        return await self.table.query_all("STORES", index="GSI1")

    async def get_contact(self, tenant_id: str) -> dict[str, Any] | None:
        return await self.table.get({"PK": f"T#{tenant_id}", "SK": "CONTACT"})

    def put_contact(self, tx: Transaction, tenant_id: str, contact: dict[str, Any]) -> None:
        tx.put(self.name, {"PK": f"T#{tenant_id}", "SK": "CONTACT", "tenant_id": tenant_id, **contact})

    # --- categories -----------------------------------------------------------------------------------
    async def list_categories(self, tenant_id: str, store_id: str) -> list[dict[str, Any]]:
        return await self.table.query_all(store_pk(tenant_id, store_id), sk_prefix="CATEGORY#")

    async def get_category(self, tenant_id: str, store_id: str, category_id: str) -> dict[str, Any] | None:
        return await self.table.get({"PK": store_pk(tenant_id, store_id), "SK": f"CATEGORY#{category_id}"})

    def put_category(
        self, tx: Transaction, tenant_id: str, store_id: str, category: dict[str, Any], *, new: bool
    ):
        tx.put(
            self.name,
            {"PK": store_pk(tenant_id, store_id), "SK": f"CATEGORY#{category['category_id']}", **category},
            condition=NOT_EXISTS if new else EXISTS,
        )

    def delete_category(self, tx: Transaction, tenant_id: str, store_id: str, category_id: str) -> None:
        tx.delete(
            self.name,
            {"PK": store_pk(tenant_id, store_id), "SK": f"CATEGORY#{category_id}"},
            condition=EXISTS,
        )

    async def put_if_absent(self, item: dict[str, Any]) -> bool:
        try:
            await self.table.put(item, condition=NOT_EXISTS)
            return True
        except ConditionFailed:
            return False

    # --- products -------------------------------------------------------------------------------------
    def product_key(self, tenant_id: str, store_id: str, product_id: str) -> dict[str, str]:
        return {"PK": store_pk(tenant_id, store_id), "SK": f"PRODUCT#{product_id}"}

    async def get_product(self, tenant_id: str, store_id: str, product_id: str) -> dict[str, Any] | None:
        return await self.table.get(self.product_key(tenant_id, store_id, product_id))

    async def get_products(self, tenant_id: str, store_id: str, product_ids: list[str]) -> dict[str, dict]:
        """Consistent batch read of up to 100 products → {product_id: item}."""
        return (await self.get_store_and_products(tenant_id, store_id, product_ids, with_store=False))[1]

    async def get_store_and_products(
        self, tenant_id: str, store_id: str, product_ids: list[str], *, with_store: bool = True
    ) -> tuple[dict[str, Any] | None, dict[str, dict]]:
        """The store item and its products in one consistent batch read (a checkout's one read round trip)
        → (store or None, {product_id: item})."""
        store: dict[str, Any] | None = None
        out: dict[str, dict] = {}
        keys = [to_item(self.product_key(tenant_id, store_id, p)) for p in dict.fromkeys(product_ids)]
        if with_store:
            keys.insert(0, to_item({"PK": store_pk(tenant_id, store_id), "SK": "STORE"}))
        while keys:
            chunk, keys = keys[:100], keys[100:]
            request = {self.name: {"Keys": chunk, "ConsistentRead": True}}
            for _ in range(5):
                resp = await self.client.batch_get_item(RequestItems=request)
                for raw in resp.get("Responses", {}).get(self.name, []):
                    item = from_item(raw)
                    if item["SK"] == "STORE":
                        store = item
                    else:
                        out[item["product_id"]] = item
                request = resp.get("UnprocessedKeys") or {}
                if not request:
                    break
        return store, out

    def put_product(self, tx: Transaction, tenant_id: str, store_id: str, product: dict[str, Any]) -> None:
        tx.put(
            self.name,
            {**self.product_key(tenant_id, store_id, product["product_id"]), **product},
            condition=NOT_EXISTS,
        )

    def update_product(
        self,
        tx: Transaction,
        tenant_id: str,
        store_id: str,
        product_id: str,
        sets: dict[str, Any],
        *,
        removes: tuple[str, ...] = (),
        condition: str = "attribute_exists(PK) AND #status <> :deleted",
    ) -> None:
        names = {"#status": "status"}
        values: dict[str, Any] = {":deleted": "deleted"}
        parts = []
        for i, (k, v) in enumerate(sets.items()):
            names[f"#s{i}"] = k
            values[f":s{i}"] = v
            parts.append(f"#s{i} = :s{i}")
        expr = "SET " + ", ".join(parts) if parts else ""
        if removes:
            rnames = []
            for i, k in enumerate(removes):
                names[f"#r{i}"] = k
                rnames.append(f"#r{i}")
            expr += " REMOVE " + ", ".join(rnames)
        tx.update(
            self.name,
            self.product_key(tenant_id, store_id, product_id),
            expr.strip(),
            condition=condition,
            names=names,
            values=values,
        )

    async def list_products(
        self,
        tenant_id: str,
        store_id: str,
        *,
        limit: int,
        cursor: str | None,
        category: str | None = None,
        statuses: tuple[str, ...] = ("active",),
    ) -> tuple[list[dict[str, Any]], str | None]:
        """A page of products (filtered by status and category); the cursor is the last returned item's key."""
        names = {"#pk": "PK", "#sk": "SK", "#st": "status"}
        values: dict[str, Any] = {":pk": store_pk(tenant_id, store_id), ":sk": "PRODUCT#"}
        status_terms = []
        for i, s in enumerate(statuses):
            values[f":st{i}"] = s
            status_terms.append(f":st{i}")
        filt = f"#st IN ({', '.join(status_terms)})"
        if category:
            names["#cat"] = "category_id"
            values[":cat"] = category
            filt += " AND #cat = :cat"
        start = decode_cursor(cursor)
        if start and (
            start.get("PK") != values[":pk"] or not str(start.get("SK", "")).startswith("PRODUCT#")
        ):
            raise ValidationProblem("The cursor is not valid", code="INVALID_CURSOR", field="cursor")
        out: list[dict[str, Any]] = []
        while True:
            kwargs: dict[str, Any] = {
                "TableName": self.name,
                "KeyConditionExpression": "#pk = :pk AND begins_with(#sk, :sk)",
                "FilterExpression": filt,
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": to_values(values),
                "Limit": max(limit * 2, 20),
            }
            if start:
                kwargs["ExclusiveStartKey"] = to_item(start)
            resp = await self.client.query(**kwargs)
            for raw in resp.get("Items", []):
                out.append(from_item(raw))
                if len(out) == limit:
                    more = bool(resp.get("LastEvaluatedKey")) or raw is not resp["Items"][-1]
                    last = out[-1]
                    return out, encode_cursor({"PK": last["PK"], "SK": last["SK"]}) if more else None
            last_key = from_item(resp.get("LastEvaluatedKey"))
            if not last_key:
                return out, None
            start = last_key

    # --- movements ------------------------------------------------------------------------------------
    def add_movement(self, tx: Transaction, tenant_id: str, store_id: str, movement: dict[str, Any]) -> None:
        tx.put(
            self.name,
            {
                "PK": store_pk(tenant_id, store_id),
                "SK": f"MOVE#{movement['product_id']}#{movement['movement_id']}",
                **movement,
            },
            condition=NOT_EXISTS,
        )

    async def list_movements(
        self, tenant_id: str, store_id: str, product_id: str, limit: int, cursor: str | None
    ):
        return await self.table.query(
            store_pk(tenant_id, store_id),
            sk_prefix=f"MOVE#{product_id}#",
            limit=limit,
            cursor=cursor,
            forward=False,
        )

    # --- slots ----------------------------------------------------------------------------------------
    def slot_key(self, tenant_id: str, store_id: str, product_id: str, start: str) -> dict[str, str]:
        return {"PK": store_pk(tenant_id, store_id), "SK": f"SLOT#{product_id}@{start}"}

    async def slot_counters(
        self, tenant_id: str, store_id: str, product_id: str, day_prefix: str
    ) -> list[dict]:
        return await self.table.query_all(
            store_pk(tenant_id, store_id), sk_prefix=f"SLOT#{product_id}@{day_prefix}"
        )

    async def get_slot(self, tenant_id: str, store_id: str, product_id: str, start: str) -> dict | None:
        return await self.table.get(self.slot_key(tenant_id, store_id, product_id, start))

    # --- stock counters (reservations, adjustments, receipts) ----------------------------------------
    def take(
        self,
        tx: Transaction,
        tenant_id: str,
        store_id: str,
        product_id: str,
        counters: dict[tuple[str, ...], int],
        *,
        today: str,
        capacities: dict[tuple[str, ...], int] | None = None,
    ) -> list[tuple[int, tuple[str, ...] | None]]:
        """Conditional decrements for one product's counters (one operation per item, as DynamoDB requires).
        Returns [(transaction index, counter or None for the product item)] to map cancellation reasons back."""
        ops: list[tuple[int, tuple[str, ...] | None]] = []
        key = self.product_key(tenant_id, store_id, product_id)
        names = {"#st": "status"}
        values: dict[str, Any] = {":active": "active"}
        cond = ["#st = :active"]
        sets = []
        product_counters = [c for c in counters if c[0] in ("stock", "variant")]
        for i, counter in enumerate(product_counters):
            q = counters[counter]
            values[f":q{i}"] = q
            if counter[0] == "stock":
                sets.append(f"stock_qty = stock_qty - :q{i}")
                cond.append(f"stock_qty >= :q{i}")
            else:
                names[f"#v{i}"] = counter[1]
                sets.append(f"variants.#v{i}.stock_qty = variants.#v{i}.stock_qty - :q{i}")
                cond.append(f"variants.#v{i}.stock_qty >= :q{i}")
        if any(c[0] == "menu" for c in counters):
            names["#menu"] = "menu"
            values.update({":true": True, ":today": today})
            cond.append(
                "#menu.available = :true AND (attribute_not_exists(sold_out_on) OR sold_out_on <> :today)"
            )
        if sets:
            idx = tx.update(
                self.name,
                key,
                "SET " + ", ".join(sets),
                condition=" AND ".join(cond),
                names=names,
                values=values,
            )
        else:
            idx = tx.check(self.name, key, " AND ".join(cond), names=names, values=values)
        ops.append((idx, None))
        for counter, q in counters.items():
            if counter[0] != "slot":
                continue
            cap = (capacities or {})[counter]
            idx = tx.update(
                self.name,
                self.slot_key(tenant_id, store_id, product_id, counter[1]),
                "SET remaining = if_not_exists(remaining, :cap) - :q, #cap = if_not_exists(#cap, :cap),"
                " product_id = :p, slot_start = :start",
                condition="attribute_not_exists(remaining) OR remaining >= :q",
                names={"#cap": "capacity"},
                values={":cap": cap, ":q": q, ":p": product_id, ":start": counter[1]},
            )
            ops.append((idx, counter))
        return ops

    def give_back(
        self,
        tx: Transaction,
        tenant_id: str,
        store_id: str,
        product_id: str,
        counters: dict[tuple[str, ...], int],
    ) -> None:
        """Unconditional increments (returning held stock): the product and slot items always exist."""
        names: dict[str, str] = {}
        values: dict[str, Any] = {}
        sets = []
        for i, (counter, q) in enumerate(counters.items()):
            if counter[0] == "stock":
                values[f":q{i}"] = q
                sets.append(f"stock_qty = stock_qty + :q{i}")
            elif counter[0] == "variant":
                values[f":q{i}"] = q
                names[f"#v{i}"] = counter[1]
                sets.append(f"variants.#v{i}.stock_qty = variants.#v{i}.stock_qty + :q{i}")
            elif counter[0] == "slot":
                tx.update(
                    self.name,
                    self.slot_key(tenant_id, store_id, product_id, counter[1]),
                    "SET remaining = remaining + :q",
                    condition="attribute_exists(remaining)",
                    values={":q": q},
                )
        if sets:
            tx.update(
                self.name,
                self.product_key(tenant_id, store_id, product_id),
                "SET " + ", ".join(sets),
                condition=EXISTS,
                names=names or None,
                values=values,
            )

    # --- reservations ---------------------------------------------------------------------------------
    def reservation_key(self, tenant_id: str, store_id: str, order_id: str) -> dict[str, str]:
        return {"PK": store_pk(tenant_id, store_id), "SK": f"RES#{order_id}"}

    async def get_reservation(self, tenant_id: str, store_id: str, order_id: str) -> dict[str, Any] | None:
        return await self.table.get(self.reservation_key(tenant_id, store_id, order_id))

    def put_reservation(self, tx: Transaction, reservation: dict[str, Any]) -> int:
        t, s = reservation["tenant_id"], reservation["store_id"]
        return tx.put(
            self.name,
            {
                **self.reservation_key(t, s, reservation["order_id"]),
                "GSI1PK": f"{store_pk(t, s)}#HOLDS",
                "GSI1SK": f"{reservation['expires_at_iso']}#{reservation['order_id']}",
                **reservation,
            },
            condition=NOT_EXISTS,
        )

    def set_reservation_status(
        self, tx: Transaction, res: dict[str, Any], *, expect: str, status: str, extra: dict[str, Any]
    ) -> int:
        names = {"#s": "status"}
        values: dict[str, Any] = {":expect": expect, ":status": status}
        parts = ["#s = :status"]
        for i, (k, v) in enumerate(extra.items()):
            names[f"#e{i}"] = k
            values[f":e{i}"] = v
            parts.append(f"#e{i} = :e{i}")
        return tx.update(
            self.name,
            self.reservation_key(res["tenant_id"], res["store_id"], res["order_id"]),
            "SET " + ", ".join(parts) + " REMOVE GSI1PK, GSI1SK",
            condition="#s = :expect",
            names=names,
            values=values,
        )

    async def expired_holds(
        self, tenant_id: str, store_id: str, now_iso: str, limit: int = 100
    ) -> list[dict]:
        resp = await self.client.query(
            TableName=self.name,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk AND GSI1SK < :now",
            ExpressionAttributeValues=to_values(
                {":pk": f"{store_pk(tenant_id, store_id)}#HOLDS", ":now": now_iso}
            ),
            Limit=limit,
        )
        return [from_item(i) for i in resp.get("Items", [])]

    # --- sales, forecasts -----------------------------------------------------------------------------
    def add_sales(
        self, tx: Transaction, tenant_id: str, store_id: str, day: str, sku: str, qty: int, ttl: int
    ):
        product_id, _, variant_id = sku.partition(":")
        tx.update(
            self.name,
            {"PK": store_pk(tenant_id, store_id), "SK": f"SALES#{day}#{sku}"},
            "ADD qty :q SET product_id = :p, variant_id = :v, sales_day = :d, expires_at = :ttl",
            values={":q": qty, ":p": product_id, ":v": variant_id or "-", ":d": day, ":ttl": ttl},
        )

    async def sales_between(self, tenant_id: str, store_id: str, first_day: str, last_day: str) -> list[dict]:
        items: list[dict] = []
        start = None
        while True:
            kwargs: dict[str, Any] = {
                "TableName": self.name,
                "KeyConditionExpression": "PK = :pk AND SK BETWEEN :a AND :b",
                "ExpressionAttributeValues": to_values(
                    {
                        ":pk": store_pk(tenant_id, store_id),
                        ":a": f"SALES#{first_day}",
                        ":b": f"SALES#{last_day}#~",
                    }
                ),
            }
            if start:
                kwargs["ExclusiveStartKey"] = start
            resp = await self.client.query(**kwargs)
            items.extend(from_item(i) for i in resp.get("Items", []))
            start = resp.get("LastEvaluatedKey")
            if not start:
                return items

    async def put_forecast(self, tenant_id: str, store_id: str, sku: str, forecast: dict[str, Any]) -> None:
        await self.table.put({"PK": store_pk(tenant_id, store_id), "SK": f"FORECAST#{sku}", **forecast})

    async def list_forecasts(self, tenant_id: str, store_id: str) -> list[dict]:
        return await self.table.query_all(store_pk(tenant_id, store_id), sk_prefix="FORECAST#")

    # --- alerts and purchase orders -------------------------------------------------------------------
    def open_alert_key(self, tenant_id: str, store_id: str, sku: str) -> dict[str, str]:
        return {"PK": store_pk(tenant_id, store_id), "SK": f"OPENALERT#{sku}"}

    async def get_open_alert(self, tenant_id: str, store_id: str, sku: str) -> dict | None:
        return await self.table.get(self.open_alert_key(tenant_id, store_id, sku))

    def put_alert(self, tx: Transaction, alert: dict[str, Any]) -> None:
        t, s = alert["tenant_id"], alert["store_id"]
        tx.put(
            self.name,
            {**self.open_alert_key(t, s, alert["sku"]), "alert_id": alert["alert_id"]},
            condition=NOT_EXISTS,
        )
        tx.put(
            self.name,
            {
                "PK": f"T#{t}#ALERT#{alert['alert_id']}",
                "SK": "ALERT",
                "GSI1PK": f"{store_pk(t, s)}#ALERTS",
                "GSI1SK": f"{alert['created_at']}#{alert['alert_id']}",
                **alert,
            },
            condition=NOT_EXISTS,
        )

    async def get_alert(self, tenant_id: str, alert_id: str) -> dict | None:
        return await self.table.get({"PK": f"T#{tenant_id}#ALERT#{alert_id}", "SK": "ALERT"})

    def set_alert(self, tx: Transaction, alert: dict[str, Any], *, expect: str, sets: dict[str, Any]) -> None:
        names = {"#s": "status"}
        values: dict[str, Any] = {":expect": expect}
        parts = []
        for i, (k, v) in enumerate(sets.items()):
            names[f"#a{i}"] = k
            values[f":a{i}"] = v
            parts.append(f"#a{i} = :a{i}")
        tx.update(
            self.name,
            {"PK": f"T#{alert['tenant_id']}#ALERT#{alert['alert_id']}", "SK": "ALERT"},
            "SET " + ", ".join(parts),
            condition="#s = :expect",
            names=names,
            values=values,
        )

    def close_open_alert(
        self, tx: Transaction, tenant_id: str, store_id: str, sku: str, alert_id: str
    ) -> None:
        tx.delete(
            self.name,
            self.open_alert_key(tenant_id, store_id, sku),
            condition="attribute_not_exists(PK) OR alert_id = :a",
            values={":a": alert_id},
        )

    async def list_alerts(self, tenant_id: str, store_id: str, limit: int, cursor: str | None):
        return await self.table.query(
            f"{store_pk(tenant_id, store_id)}#ALERTS",
            index="GSI1",
            limit=limit,
            cursor=cursor,
            forward=False,
        )

    def put_po(self, tx: Transaction, po: dict[str, Any]) -> None:
        t, s = po["tenant_id"], po["store_id"]
        tx.put(
            self.name,
            {
                "PK": f"T#{t}#PO#{po['po_id']}",
                "SK": "PO",
                "GSI1PK": f"{store_pk(t, s)}#POS",
                "GSI1SK": f"{po['created_at']}#{po['po_id']}",
                **po,
            },
            condition=NOT_EXISTS,
        )

    async def get_po(self, tenant_id: str, po_id: str) -> dict | None:
        return await self.table.get({"PK": f"T#{tenant_id}#PO#{po_id}", "SK": "PO"})

    def set_po(self, tx: Transaction, po: dict[str, Any], *, expect: str, sets: dict[str, Any]) -> None:
        names = {"#s": "status"}
        values: dict[str, Any] = {":expect": expect}
        parts = []
        for i, (k, v) in enumerate(sets.items()):
            names[f"#p{i}"] = k
            values[f":p{i}"] = v
            parts.append(f"#p{i} = :p{i}")
        tx.update(
            self.name,
            {"PK": f"T#{po['tenant_id']}#PO#{po['po_id']}", "SK": "PO"},
            "SET " + ", ".join(parts),
            condition="#s = :expect",
            names=names,
            values=values,
        )

    async def list_pos(self, tenant_id: str, store_id: str, limit: int, cursor: str | None):
        return await self.table.query(
            f"{store_pk(tenant_id, store_id)}#POS",
            index="GSI1",
            limit=limit,
            cursor=cursor,
            forward=False,
        )
