"""Publication and release records (the sitegen table), and the summary of a publication the store view shows.

| item        | PK                          | SK           | GSI1PK / GSI1SK            |
|-------------|-----------------------------|--------------|----------------------------|
| publication | T#<tenant>#STORE#<storeId>  | PUB#<pubId>  | PUB#<status> / <updatedAt> |
| release     | T#<tenant>#STORE#<storeId>  | R#<000003>   |                            |

A publication is one paid attempt to put a draft version live (kind PUBLISH or REPUBLISH): its status
(domain/publishing.PublicationStatus), current step, attempts, last error, the domain and its saga state, and the
runner's lease. GSI1 by status lets the sweeper find publications a crashed runner left mid-saga.
A release item exists only once every file of the release is in S3: only a recorded release can be switched to.
The store item carries a copy of its latest publication's summary (`publication`), so listing stores needs no
extra reads.
"""

from __future__ import annotations

from typing import Any

from sitegen.domain.publishing import PublicationStatus as S
from sitegen.service.deps import Deps
from webdpro_aws.dynamo import ConditionFailed
from webdpro_core import clock

RUNNING = (
    S.PAID,
    S.BUILDING,
    S.BUYING_DOMAIN,
    S.CONFIGURING_DNS,
    S.ISSUING_CERTIFICATE,
    S.ATTACHING_CDN,
    S.SWITCHING,
)


def store_pk(tenant_id: str, store_id: str) -> str:
    return f"T#{tenant_id}#STORE#{store_id}"


def pub_key(tenant_id: str, store_id: str, publication_id: str) -> dict[str, str]:
    return {"PK": store_pk(tenant_id, store_id), "SK": f"PUB#{publication_id}"}


def release_key(tenant_id: str, store_id: str, version: int) -> dict[str, str]:
    return {"PK": store_pk(tenant_id, store_id), "SK": f"R#{version:06d}"}


def store_key(tenant_id: str, store_id: str) -> dict[str, str]:
    return {"PK": f"T#{tenant_id}", "SK": f"STORE#{store_id}"}


def new_item(pub: dict[str, Any]) -> dict[str, Any]:
    return {
        **pub_key(pub["tenant_id"], pub["store_id"], pub["publication_id"]),
        "GSI1PK": f"PUB#{pub['status']}",
        "GSI1SK": pub["updated_at"],
        **pub,
    }


async def get(deps: Deps, tenant_id: str, store_id: str, publication_id: str) -> dict[str, Any] | None:
    return await deps.repo.table.get(pub_key(tenant_id, store_id, publication_id))


async def for_store(deps: Deps, tenant_id: str, store_id: str) -> list[dict[str, Any]]:
    return await deps.repo.table.query_all(store_pk(tenant_id, store_id), sk_prefix="PUB#")


async def running(deps: Deps) -> list[dict[str, Any]]:
    """Every publication in a saga status (the sweeper's view; GSI1 is eventually consistent)."""
    found: list[dict[str, Any]] = []
    for status in RUNNING:
        found += await deps.repo.table.query_all(f"PUB#{status.value}", index="GSI1")
    return found


def summary(pub: dict[str, Any]) -> dict[str, Any]:
    """What the merchant sees of a publication (store view `publication`)."""
    d = pub.get("domain") or {}
    return {
        "id": pub["publication_id"],
        "kind": pub.get("kind"),
        "status": pub["status"],
        "step": pub.get("step"),
        "detail": pub.get("detail"),
        "attempts": int(pub.get("attempts") or 0),
        "version": int(pub["version"]),
        "domain": {"type": d.get("type"), "host": d.get("host"), "pricePaise": d.get("price_paise")},
        "amountPaise": int(pub.get("amount_paise") or 0),
        "failureReason": pub.get("failure_reason"),
        "refund": pub.get("refund"),
        "updatedAt": pub.get("updated_at"),
    }


async def show_on_store(deps: Deps, pub: dict[str, Any]) -> None:
    """Copy the summary onto the store item (a targeted SET: a concurrent draft edit keeps its own fields)."""
    try:
        await deps.repo.table.update(
            store_key(pub["tenant_id"], pub["store_id"]),
            "SET publication = :p",
            condition="attribute_exists(PK)",
            values={":p": summary(pub)},
        )
    except ConditionFailed:
        pass  # the store is gone


# ---- releases ---------------------------------------------------------------------------------------------
async def get_release(deps: Deps, tenant_id: str, store_id: str, version: int) -> dict[str, Any] | None:
    return await deps.repo.table.get(release_key(tenant_id, store_id, version))


async def list_releases(deps: Deps, tenant_id: str, store_id: str) -> list[dict[str, Any]]:
    return await deps.repo.table.query_all(store_pk(tenant_id, store_id), sk_prefix="R#")


async def put_release(deps: Deps, tenant_id: str, store_id: str, release: dict[str, Any]) -> None:
    await deps.repo.table.put(
        {**release_key(tenant_id, store_id, int(release["version"])), **release, "built_at": clock.iso()}
    )
