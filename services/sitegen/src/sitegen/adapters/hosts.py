"""The host → release map: which built release of which store a host name serves. The edge reads it on every
request (briefly cached); the publish saga, republish and rollback move it with one conditional write each, so a
host always points at exactly one complete release (blue-green). In AWS the same map feeds CloudFront's edge
function; locally the edge route in this service reads it directly.

| item       | PK                   | SK    | fields                                                               |
|------------|----------------------|-------|----------------------------------------------------------------------|
| host entry | HOST#<host>          | HOST  | host, tenant_id, store_id, kind (subdomain/custom), status, version, |
|            |                      |       | previous_version, reserved_until, switched_at                        |

status: RESERVED (claimed by a store whose publication is waiting for payment or being built; `reserved_until`
lets an abandoned claim lapse), LIVE (serves `version`), SUSPENDED (serves the "store unavailable" page),
OFFLINE (deleted store: serves nothing; the name is free to claim again).
`previous_version` is the release the host served before the last switch: during a switch a page of the old
release may still ask for its hashed assets, and the edge finds them there (no reader sees a broken page).
"""

from __future__ import annotations

from typing import Any

from webdpro_aws.dynamo import ConditionFailed, Table
from webdpro_core import clock


def host_key(host: str) -> dict[str, str]:
    return {"PK": f"HOST#{host}", "SK": "HOST"}


class HostTaken(Exception):
    """The host name belongs to another store."""


class HostMoved(Exception):
    """The host no longer serves the release the switch expected (a concurrent switch won)."""


class HostMap:
    def __init__(self, table: Table) -> None:
        self.table = table

    async def get(self, host: str, *, consistent: bool = False) -> dict[str, Any] | None:
        return await self.table.get(host_key(host), consistent=consistent)

    async def claim(
        self, host: str, *, tenant_id: str, store_id: str, kind: str, hold_seconds: int
    ) -> dict[str, Any]:
        """Reserve `host` for a store; raises HostTaken when another store holds it (live, suspended or within
        its reservation). Claiming a host the store already holds keeps its state and returns it."""
        now = clock.epoch()
        item = {
            **host_key(host),
            "host": host,
            "tenant_id": tenant_id,
            "store_id": store_id,
            "kind": kind,
            "status": "RESERVED",
            "reserved_until": now + hold_seconds,
            "claimed_at": clock.iso(),
        }
        try:
            await self.table.put(
                item,
                condition=(
                    "attribute_not_exists(PK) OR #st = :offline OR "
                    "(#st = :reserved AND (store_id = :me OR reserved_until < :now))"
                ),
                names={"#st": "status"},
                values={":offline": "OFFLINE", ":reserved": "RESERVED", ":me": store_id, ":now": now},
            )
            return item
        except ConditionFailed:
            current = await self.get(host, consistent=True)
            if current is not None and current.get("store_id") == store_id:
                return current  # already ours (live or suspended): keep it as it is
            raise HostTaken(host) from None

    async def switch(self, host: str, *, store_id: str, from_version: int | None, to_version: int) -> None:
        """Move `host` from release `from_version` (None: not live yet) to `to_version` in one conditional write;
        raises HostMoved when the host is not where the caller thinks it is."""
        # A suspended host stays suspended: only the founder's unsuspension brings it back.
        condition = "store_id = :me AND #st <> :suspended AND "
        values: dict[str, Any] = {
            ":me": store_id,
            ":to": to_version,
            ":live": "LIVE",
            ":suspended": "SUSPENDED",
            ":at": clock.iso(),
        }
        if from_version is None:
            condition += "attribute_not_exists(version)"
        else:
            condition += "version = :from"
            values[":from"] = from_version
        try:
            await self.table.update(
                host_key(host),
                "SET version = :to, previous_version = :prev, #st = :live, switched_at = :at "
                "REMOVE reserved_until",
                condition=condition,
                names={"#st": "status"},
                values={**values, ":prev": from_version},
            )
        except ConditionFailed:
            raise HostMoved(host) from None

    async def set_status(self, host: str, *, store_id: str, status: str) -> bool:
        """LIVE / SUSPENDED / OFFLINE for a host of `store_id`; False when the host is not that store's."""
        try:
            await self.table.update(
                host_key(host),
                "SET #st = :st, status_changed_at = :at",
                condition="store_id = :me",
                names={"#st": "status"},
                values={":st": status, ":me": store_id, ":at": clock.iso()},
            )
            return True
        except ConditionFailed:
            return False
