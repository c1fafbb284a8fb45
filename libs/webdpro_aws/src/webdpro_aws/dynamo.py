"""Thin DynamoDB helpers over the low-level aiobotocore client: plain-dict items in and out, cursor pages,
and a transaction builder whose cancellation reasons come back as a typed error."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

import msgspec
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from webdpro_core.errors import ValidationProblem

_ser = TypeSerializer()
_de = TypeDeserializer()


def _to_dynamo(value: Any) -> Any:
    if isinstance(value, float):
        raise TypeError("floats are not stored; money is integer paise and coordinates are strings")
    if isinstance(value, dict):
        return {k: _to_dynamo(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_to_dynamo(v) for v in value]
    return value


def _from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_dynamo(v) for v in value]
    if isinstance(value, set):
        return {_from_dynamo(v) for v in value}
    return value


def to_item(data: dict[str, Any]) -> dict[str, Any]:
    """A plain dict → DynamoDB attribute map. None values are dropped (absent attribute)."""
    return {k: _ser.serialize(v) for k, v in _to_dynamo(data).items()}


def to_values(values: dict[str, Any]) -> dict[str, Any]:
    return {k: _ser.serialize(_to_dynamo(v)) for k, v in values.items()}


def from_item(item: dict[str, Any] | None) -> dict[str, Any] | None:
    if item is None:
        return None
    return {k: _from_dynamo(_de.deserialize(v)) for k, v in item.items()}


_KEY_ATTRIBUTES = frozenset({"PK", "SK"} | {f"GSI{n}{part}" for n in range(1, 6) for part in ("PK", "SK")})


def strip_keys(item: dict[str, Any] | None, *also: str) -> dict[str, Any] | None:
    """The item without its key attributes (PK, SK, GSI<n>PK/SK) and any `also` named: the record itself."""
    if item is None:
        return None
    return {k: v for k, v in item.items() if k not in _KEY_ATTRIBUTES and k not in also}


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    if not key:
        return None
    return base64.urlsafe_b64encode(msgspec.json.encode(key)).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = msgspec.json.decode(base64.urlsafe_b64decode(padded))
        if not isinstance(key, dict):
            raise ValueError
        return key
    except Exception as exc:
        raise ValidationProblem("The cursor is not valid", code="INVALID_CURSOR", field="cursor") from exc


class ConditionFailed(Exception):
    """A conditional write's condition did not hold."""


class TransactionCancelled(Exception):
    """TransactWriteItems was cancelled; `reasons` holds one code per item (`None`, `ConditionalCheckFailed`…)."""

    def __init__(self, reasons: list[str | None]) -> None:
        super().__init__(f"transaction cancelled: {reasons}")
        self.reasons = reasons

    def failed(self, index: int) -> bool:
        return index < len(self.reasons) and self.reasons[index] not in (None, "None")


def _is_condition_failure(err: ClientError) -> bool:
    return err.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


class Table:
    """One DynamoDB table, items as plain dicts."""

    def __init__(self, client: Any, name: str) -> None:
        self.client = client
        self.name = name

    async def get(self, key: dict[str, Any], *, consistent: bool = True) -> dict[str, Any] | None:
        resp = await self.client.get_item(TableName=self.name, Key=to_item(key), ConsistentRead=consistent)
        return from_item(resp.get("Item"))

    async def put(
        self,
        item: dict[str, Any],
        *,
        condition: str | None = None,
        names: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
    ) -> None:
        kwargs: dict[str, Any] = {"TableName": self.name, "Item": to_item(item)}
        _add_condition(kwargs, condition, names, values)
        try:
            await self.client.put_item(**kwargs)
        except ClientError as err:
            if _is_condition_failure(err):
                raise ConditionFailed(condition) from err
            raise

    async def update(
        self,
        key: dict[str, Any],
        update: str,
        *,
        condition: str | None = None,
        names: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "TableName": self.name,
            "Key": to_item(key),
            "UpdateExpression": update,
            "ReturnValues": "ALL_NEW",
        }
        _add_condition(kwargs, condition, names, values)
        try:
            resp = await self.client.update_item(**kwargs)
        except ClientError as err:
            if _is_condition_failure(err):
                raise ConditionFailed(condition) from err
            raise
        return from_item(resp.get("Attributes")) or {}

    async def delete(self, key: dict[str, Any], *, condition: str | None = None, **kw: Any) -> None:
        kwargs: dict[str, Any] = {"TableName": self.name, "Key": to_item(key)}
        _add_condition(kwargs, condition, kw.get("names"), kw.get("values"))
        try:
            await self.client.delete_item(**kwargs)
        except ClientError as err:
            if _is_condition_failure(err):
                raise ConditionFailed(condition) from err
            raise

    async def delete_many(self, keys: list[dict[str, Any]]) -> None:
        """Unconditional deletes, 25 to a BatchWriteItem call; unprocessed keys are retried."""
        for start in range(0, len(keys), 25):
            requests = [{"DeleteRequest": {"Key": to_item(k)}} for k in keys[start : start + 25]]
            for _ in range(5):
                resp = await self.client.batch_write_item(RequestItems={self.name: requests})
                requests = resp.get("UnprocessedItems", {}).get(self.name, [])
                if not requests:
                    break

    async def query(
        self,
        pk_value: str,
        *,
        sk_prefix: str | None = None,
        index: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
        forward: bool = True,
        pk_name: str | None = None,
        sk_name: str | None = None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of items under a partition key (optionally an SK prefix); returns (items, next cursor).
        Key names follow the table convention: PK/SK, or <index>PK/<index>SK on a GSI."""
        pk_name = pk_name or (f"{index}PK" if index else "PK")
        sk_name = sk_name or (f"{index}SK" if index else "SK")
        expr = "#pk = :pk"
        names = {"#pk": pk_name}
        values: dict[str, Any] = {":pk": pk_value}
        if sk_prefix:
            expr += " AND begins_with(#sk, :sk)"
            names["#sk"] = sk_name
            values[":sk"] = sk_prefix
        kwargs: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": expr,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": to_values(values),
            "Limit": limit,
            "ScanIndexForward": forward,
        }
        if index:
            kwargs["IndexName"] = index
        start = decode_cursor(cursor)
        if start:
            kwargs["ExclusiveStartKey"] = to_item(start)
        resp = await self.client.query(**kwargs)
        items = [from_item(i) for i in resp.get("Items", [])]
        return items, encode_cursor(from_item(resp.get("LastEvaluatedKey")))

    async def query_all(self, pk_value: str, **kw: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor = None
        while True:
            page, cursor = await self.query(pk_value, cursor=cursor, limit=kw.pop("limit", 200), **kw)
            items.extend(page)
            if not cursor:
                return items


def _add_condition(kwargs: dict[str, Any], condition, names, values) -> None:
    if condition:
        kwargs["ConditionExpression"] = condition
    if names:
        kwargs["ExpressionAttributeNames"] = names
    if values:
        kwargs["ExpressionAttributeValues"] = to_values(values)


class Transaction:
    """Collects up to 100 writes and commits them atomically with TransactWriteItems."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def __len__(self) -> int:
        return len(self.items)

    def put(self, table: str, item: dict[str, Any], *, condition=None, names=None, values=None) -> int:
        op: dict[str, Any] = {"TableName": table, "Item": to_item(item)}
        _add_condition(op, condition, names, values)
        return self._add({"Put": op})

    def update(
        self, table: str, key: dict[str, Any], update: str, *, condition=None, names=None, values=None
    ):
        op: dict[str, Any] = {"TableName": table, "Key": to_item(key), "UpdateExpression": update}
        _add_condition(op, condition, names, values)
        return self._add({"Update": op})

    def delete(self, table: str, key: dict[str, Any], *, condition=None, names=None, values=None) -> int:
        op: dict[str, Any] = {"TableName": table, "Key": to_item(key)}
        _add_condition(op, condition, names, values)
        return self._add({"Delete": op})

    def check(self, table: str, key: dict[str, Any], condition: str, *, names=None, values=None) -> int:
        op: dict[str, Any] = {"TableName": table, "Key": to_item(key)}
        _add_condition(op, condition, names, values)
        return self._add({"ConditionCheck": op})

    def _add(self, op: dict[str, Any]) -> int:
        if len(self.items) >= 100:
            raise ValueError("a DynamoDB transaction holds at most 100 items")
        self.items.append(op)
        return len(self.items) - 1

    async def commit(self, client: Any) -> None:
        if not self.items:
            return
        try:
            if len(self.items) == 1:
                await _single(client, self.items[0])
            else:
                await client.transact_write_items(TransactItems=self.items)
        except ClientError as err:
            code = err.response.get("Error", {}).get("Code")
            if code == "TransactionCanceledException":
                reasons = [r.get("Code") for r in err.response.get("CancellationReasons", [])]
                raise TransactionCancelled(reasons) from err
            if code == "ConditionalCheckFailedException":
                raise TransactionCancelled(["ConditionalCheckFailed"]) from err
            raise


async def _single(client: Any, op: dict[str, Any]) -> None:
    # One item needs no transaction; the plain call is cheaper and reports the same failure.
    ((kind, body),) = op.items()
    call = {
        "Put": client.put_item,
        "Update": client.update_item,
        "Delete": client.delete_item,
    }.get(kind)
    if call is None:  # a lone ConditionCheck
        await client.transact_write_items(TransactItems=[op])
        return
    await call(**body)
