"""The host mirror's logic without AWS: a stream record of sitegen's host map → the key value store's key, and
the conditional write that retries a conflict with a fresh ETag."""

from __future__ import annotations

from typing import Any

import pytest
from webdpro_infra.kvs_mirror import ConflictRetriesExhausted, KvsWriter, change_of, mirror


def record(
    host: str = "curam.webdpro.in",
    *,
    event: str = "MODIFY",
    seq: str = "1",
    sk: str = "HOST",
    **fields: Any,
) -> dict[str, Any]:
    keys = {"PK": {"S": f"HOST#{host}"}, "SK": {"S": sk}}
    image = {**keys}
    for name, value in fields.items():
        image[name] = {"N": str(value)} if isinstance(value, int) else {"S": value}
    data: dict[str, Any] = {"Keys": keys, "SequenceNumber": seq}
    if event != "REMOVE":
        data["NewImage"] = image
    return {"eventName": event, "dynamodb": data}


def test_a_live_host_maps_to_its_release_prefix():
    assert change_of(record(status="LIVE", store_id="st_1", version=3)) == (
        "curam.webdpro.in",
        "stores/st_1/releases/v000003",
    )
    assert change_of(record("Curam.IN", event="INSERT", status="LIVE", store_id="st_1", version=12)) == (
        "curam.in",
        "stores/st_1/releases/v000012",
    )


def test_a_suspended_host_shows_the_unavailable_page():
    assert change_of(record(status="SUSPENDED", store_id="st_1", version=3)) == (
        "curam.webdpro.in",
        "suspended",
    )


@pytest.mark.parametrize(
    "rec",
    [
        record(status="OFFLINE", store_id="st_1", version=3),
        record(status="RESERVED", store_id="st_1"),
        record(event="REMOVE"),
        # LIVE but nothing the edge could serve: no version, a bad store id, a version past six digits
        record(status="LIVE", store_id="st_1"),
        record(status="LIVE", store_id="../secret", version=3),
        record(status="LIVE", store_id="st_1", version=1_000_000),
        record(status="LIVE", store_id="st_1", version=0),
    ],
)
def test_offline_reserved_removed_or_unservable_hosts_are_deleted(rec):
    assert change_of(rec) == ("curam.webdpro.in", None)


@pytest.mark.parametrize(
    "rec",
    [
        {"eventName": "MODIFY", "dynamodb": {"Keys": {"PK": {"S": "STORE#st_1"}, "SK": {"S": "HOST"}}}},
        record(sk="CLAIM", status="LIVE", store_id="st_1", version=3),
        record("", status="LIVE", store_id="st_1", version=3),
        {"eventName": "MODIFY"},
    ],
)
def test_records_that_are_not_host_items_change_nothing(rec):
    assert change_of(rec) is None


class ConflictError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.response = {"Error": {"Code": code}}


class FakeStore:
    """A key value store with an ETag that changes on every write, like CloudFront's."""

    def __init__(self) -> None:
        self.items: dict[str, str] = {}
        self.version = 0
        self.describes = 0
        self.interleave: list[tuple[str, str]] = []  # writes "another writer" makes before ours land

    @property
    def etag(self) -> str:
        return f"e{self.version}"

    def describe_key_value_store(self, *, KvsARN: str) -> dict[str, Any]:
        self.describes += 1
        return {"ETag": self.etag}

    def _check(self, if_match: str) -> None:
        if self.interleave:
            key, value = self.interleave.pop(0)
            self.items[key] = value
            self.version += 1
        if if_match != self.etag:
            raise ConflictError("ConflictException")

    def put_key(self, *, KvsARN: str, Key: str, Value: str, IfMatch: str) -> dict[str, Any]:
        self._check(IfMatch)
        self.items[Key] = Value
        self.version += 1
        return {"ETag": self.etag}

    def delete_key(self, *, KvsARN: str, Key: str, IfMatch: str) -> dict[str, Any]:
        self._check(IfMatch)
        if Key not in self.items:
            raise ConflictError("ResourceNotFoundException")
        del self.items[Key]
        self.version += 1
        return {"ETag": self.etag}


ARN = "arn:aws:cloudfront::123456789012:key-value-store/abc"


def test_mirror_applies_a_batch_in_order_with_one_describe_and_ignores_other_items():
    store = FakeStore()
    writer = KvsWriter(store, ARN, backoff=0)
    records = [
        record(seq="1", status="RESERVED", store_id="st_1"),
        record(seq="2", status="LIVE", store_id="st_1", version=1),
        {"eventName": "INSERT", "dynamodb": {"Keys": {"PK": {"S": "T#t1#STORE#st_1"}, "SK": {"S": "V"}}}},
        record("shut.webdpro.in", seq="3", status="SUSPENDED", store_id="st_2", version=4),
        record(seq="4", status="LIVE", store_id="st_1", version=2),
    ]
    assert mirror(records, writer) == []
    assert store.items == {
        "curam.webdpro.in": "stores/st_1/releases/v000002",
        "shut.webdpro.in": "suspended",
    }
    assert store.describes == 1  # each write's answer carries the next ETag


def test_a_conflict_is_retried_with_a_fresh_etag():
    store = FakeStore()
    store.interleave = [("other.webdpro.in", "stores/st_9/releases/v000001")]
    writer = KvsWriter(store, ARN, backoff=0)
    writer.apply("curam.webdpro.in", "stores/st_1/releases/v000001")
    assert store.items["curam.webdpro.in"] == "stores/st_1/releases/v000001"
    assert store.items["other.webdpro.in"] == "stores/st_9/releases/v000001"
    assert store.describes == 2


def test_deleting_a_key_that_is_not_there_is_done():
    store = FakeStore()
    KvsWriter(store, ARN, backoff=0).apply("gone.webdpro.in", None)
    assert store.items == {}


def test_a_failure_reports_that_record_and_every_later_one_so_the_retry_keeps_the_order():
    store = FakeStore()
    store.interleave = [("x", "y")] * 100  # someone always writes in between
    writer = KvsWriter(store, ARN, attempts=3, backoff=0)
    with pytest.raises(ConflictRetriesExhausted):
        writer.apply("curam.webdpro.in", "suspended")
    records = [
        record("a.webdpro.in", seq="7", status="OFFLINE"),
        record("b.webdpro.in", seq="8", status="LIVE", store_id="st_1", version=1),
        record("c.webdpro.in", seq="9", status="SUSPENDED"),
    ]
    assert mirror(records, writer) == [{"itemIdentifier": s} for s in ("7", "8", "9")]
    store.interleave = []
    assert mirror(records, writer) == []
    assert store.items["b.webdpro.in"] == "stores/st_1/releases/v000001"


def test_an_error_other_than_a_conflict_is_not_retried():
    class Denied(FakeStore):
        def put_key(self, **kwargs: Any) -> dict[str, Any]:
            self.describes += 100
            raise ConflictError("AccessDeniedException")

    store = Denied()
    with pytest.raises(ConflictError):
        KvsWriter(store, ARN, backoff=0).apply("curam.webdpro.in", "suspended")
    assert store.describes == 101  # one describe, one attempt
