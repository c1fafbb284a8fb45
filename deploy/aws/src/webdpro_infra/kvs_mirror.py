"""The host mirror (a Lambda, Python 3.12): copies the host → release map from sitegen's table to the edge's
CloudFront KeyValueStore, which the viewer-request function reads (edge_function.js).

The source of truth is the host item in sitegen's table (`PK = HOST#<host>`, `SK = HOST`; see
services/sitegen/src/sitegen/adapters/hosts.py): publish, blue-green switch, rollback and suspension are one
conditional write each. The table's stream (NEW_IMAGE) feeds this function, filtered to host items by the event
source mapping; each change becomes one key of the store:

    LIVE       → "stores/<storeId>/releases/v<NNNNNN>"   (the release the edge serves)
    SUSPENDED  → "suspended"                             (the "store unavailable" page)
    OFFLINE, RESERVED, item removed (or unreadable) → the key is deleted (the edge answers 404)

Every write is conditional on the store's ETag (DescribeKeyValueStore, then PutKey/DeleteKey with IfMatch); a
conflict (another write in between) re-reads the ETag and tries again. Records of one shard arrive in order, and
all the changes of one host are in the same shard: on a failure the batch reports that record and every later one
as failed, so the retry resumes exactly there and a host never goes back to an older release.

Deployed by host_mirror.py with boto3[crt] bundled: the KeyValueStore API is signed with SigV4A, which botocore
signs only with awscrt, and the Lambda runtime's boto3 has no awscrt. This module imports no AWS library at import
time, so the mapping is tested without one.
"""

from __future__ import annotations

import logging
import os
import re
import time
from typing import Any

log = logging.getLogger("kvs_mirror")
log.setLevel(logging.INFO)

HOST_PREFIX = "HOST#"
HOST_SK = "HOST"
SUSPENDED = "suspended"
# The edge accepts exactly this form (RELEASE in edge_function.js); anything else would be served as 404 anyway.
_STORE_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_MAX_VERSION = 999_999  # six digits, as sitegen names a release
_MAX_KEY_BYTES = 512  # a KeyValueStore key's limit


def release_prefix(store_id: str, version: int) -> str:
    return f"stores/{store_id}/releases/v{version:06d}"


def _value(image: dict[str, Any], name: str) -> str | None:
    attr = image.get(name)
    if not isinstance(attr, dict):
        return None
    value = attr.get("S", attr.get("N"))
    return value if isinstance(value, str) else None


def change_of(record: dict[str, Any]) -> tuple[str, str | None] | None:
    """A DynamoDB stream record → (key, value) to put in the store, (key, None) to delete the key, or None when
    the record is not a host item."""
    data = record.get("dynamodb") or {}
    keys = data.get("Keys") or {}
    pk, sk = _value(keys, "PK") or "", _value(keys, "SK")
    if not pk.startswith(HOST_PREFIX) or sk != HOST_SK:
        return None
    host = pk[len(HOST_PREFIX) :].strip().lower()
    if not host or len(host.encode()) > _MAX_KEY_BYTES:
        return None
    if record.get("eventName") == "REMOVE":
        return host, None
    image = data.get("NewImage") or {}
    status = _value(image, "status")
    if status == "SUSPENDED":
        return host, SUSPENDED
    if status == "LIVE":
        store_id, version = _value(image, "store_id") or "", _value(image, "version") or ""
        if _STORE_ID.match(store_id) and version.isdigit() and 0 < int(version) <= _MAX_VERSION:
            return host, release_prefix(store_id, int(version))
        log.warning("live host without a valid release: %s (store %r, version %r)", host, store_id, version)
    return host, None  # OFFLINE, RESERVED, or nothing the edge could serve


class ConflictRetriesExhausted(Exception):
    pass


class KvsWriter:
    """PutKey / DeleteKey with IfMatch on the store's ETag, retrying a conflict with a fresh ETag."""

    def __init__(self, client: Any, kvs_arn: str, *, attempts: int = 6, backoff: float = 0.05) -> None:
        self.client = client
        self.kvs_arn = kvs_arn
        self.attempts = attempts
        self.backoff = backoff
        self._etag: str | None = None

    def _fresh_etag(self) -> str:
        self._etag = self.client.describe_key_value_store(KvsARN=self.kvs_arn)["ETag"]
        return self._etag

    def apply(self, key: str, value: str | None) -> None:
        for attempt in range(self.attempts):
            etag = self._etag or self._fresh_etag()
            try:
                if value is None:
                    answer = self.client.delete_key(KvsARN=self.kvs_arn, Key=key, IfMatch=etag)
                else:
                    answer = self.client.put_key(KvsARN=self.kvs_arn, Key=key, Value=value, IfMatch=etag)
                self._etag = answer.get("ETag")  # the next write of this batch needs no describe
                return
            except Exception as exc:  # botocore's ClientError, read by its code (no import needed here)
                code = getattr(exc, "response", {}).get("Error", {}).get("Code")
                if code == "ResourceNotFoundException" and value is None:
                    return  # the key is already gone (and the store unchanged: the ETag still holds)
                if code not in ("ConflictException", "PreconditionFailed"):
                    raise
                self._etag = None
                time.sleep(min(self.backoff * 2**attempt, 1.0))
        raise ConflictRetriesExhausted(key)


def mirror(records: list[dict[str, Any]], writer: KvsWriter) -> list[dict[str, str]]:
    """Applies the records in order; returns the batch item failures (the first failed record onwards)."""
    for i, record in enumerate(records):
        change = change_of(record)
        if change is None:
            continue
        try:
            writer.apply(*change)
            log.info("host %s → %s", change[0], change[1] or "(deleted)")
        except Exception:
            log.exception("could not mirror host %s", change[0])
            return [
                {"itemIdentifier": r["dynamodb"]["SequenceNumber"]}
                for r in records[i:]
                if (r.get("dynamodb") or {}).get("SequenceNumber")
            ]
    return []


_writer: KvsWriter | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    global _writer
    if _writer is None:
        import boto3  # bundled with awscrt (SigV4A); see the module docstring

        client = boto3.client("cloudfront-keyvaluestore", region_name="us-east-1")
        _writer = KvsWriter(client, os.environ["WEBDPRO_KVS_ARN"])
    return {"batchItemFailures": mirror(event.get("Records", []), _writer)}
