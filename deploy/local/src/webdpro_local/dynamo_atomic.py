"""Make the emulator's DynamoDB behave like DynamoDB under concurrent requests.

moto checks a transaction's conditions and applies its writes without any lock, so two concurrent
TransactWriteItems can both see `stock >= 1` and both decrement (an oversell the product would never see on
AWS). It also snapshots every table a transaction touches with a deep copy — O(table size) per transaction, which
made a reservation take seconds once a table held a few thousand items — and rolls a cancelled transaction back
by putting those whole copies back, which can undo other requests' committed writes.

The fix lives here, in the local platform, never in the product:
- every DynamoDB request is handled under one process-wide lock (DynamoDB's own per-item atomicity, made
  coarse: correct, and fast enough for a laptop);
- a transaction snapshots only the items it names and, when cancelled, puts exactly those back.
"""

from __future__ import annotations

import copy
import functools
import json
import threading
from typing import Any

_LOCK = threading.RLock()


class _NoTableCopy:
    """Stands in for the `copy` module inside moto's DynamoDB models: tables are not deep-copied (our wrapper
    snapshots the touched items instead); everything else is copied as before."""

    def __init__(self, table_type: type) -> None:
        self._table_type = table_type

    def deepcopy(self, obj: Any, memo: Any = None) -> Any:
        if isinstance(obj, self._table_type):
            return obj
        return copy.deepcopy(obj, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


def _key_of(table: Any, op_type: str, op: dict[str, Any]) -> dict[str, Any] | None:
    if op_type == "Put":
        attrs = op.get("Item") or {}
        if table.hash_key_attr not in attrs:
            return None
        key = {table.hash_key_attr: attrs[table.hash_key_attr]}
        if table.range_key_attr is not None and table.range_key_attr in attrs:
            key[table.range_key_attr] = attrs[table.range_key_attr]
        return key
    return op.get("Key")


def _snapshot(backend: Any, transact_items: list[dict[str, Any]]) -> list[tuple[str, dict, dict | None]]:
    snaps, seen = [], set()
    for entry in transact_items:
        op_type, op = next(iter(entry.items()))
        table = backend.tables.get(op.get("TableName"))
        key = _key_of(table, op_type, op) if table is not None else None
        if key is None:
            continue
        ident = (op["TableName"], json.dumps(key, sort_keys=True))
        if ident in seen:
            continue
        seen.add(ident)
        current = backend.get_item(op["TableName"], key)
        snaps.append(
            (op["TableName"], key, copy.deepcopy(current.to_json()["Attributes"]) if current else None)
        )
    return snaps


def _restore(backend: Any, snaps: list[tuple[str, dict, dict | None]]) -> None:
    for table_name, key, attrs in snaps:
        if attrs is None:
            if backend.get_item(table_name, key) is not None:
                backend.delete_item(table_name, key)
        else:
            backend.put_item(table_name, attrs)


def install() -> None:
    import moto.dynamodb.models as models
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table
    from moto.dynamodb.responses import DynamoHandler

    models.copy = _NoTableCopy(Table)  # type: ignore[attr-defined]

    original_transact = DynamoDBBackend.transact_write_items

    @functools.wraps(original_transact)
    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        with _LOCK:
            snaps = _snapshot(self, transact_items)
            try:
                return original_transact(self, transact_items)
            except Exception:
                _restore(self, snaps)
                raise

    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]

    original_call = DynamoHandler.call_action

    @functools.wraps(original_call)
    def call_action(self: Any) -> Any:
        with _LOCK:
            return original_call(self)

    DynamoHandler.call_action = call_action  # type: ignore[method-assign]
