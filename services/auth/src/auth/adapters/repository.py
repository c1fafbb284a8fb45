"""The auth table (one table, typed items). Access patterns:

| item                | PK                          | SK                 | GSI1PK / GSI1SK                 |
|---------------------|-----------------------------|--------------------|---------------------------------|
| OTP challenge       | OTP#<destination>           | CHALLENGE          |                                 |
| send log            | SENDS#<dest or ip>          | LOG                |                                 |
| identity → user     | IDENT#<role>#<destination>  | USER               |                                 |
| user                | USER#<userId>               | PROFILE            |                                 |
| tenant              | TENANT#<tenantId>           | PROFILE            |                                 |
| agent (invite)      | TENANT#<tenantId>           | AGENT#<agentId>    | INVITE#<phone> / <invitedAt>    |
| refresh family      | REFRESH#<familyId>          | FAMILY             | SESSIONS#<userId> / <familyId>  |
| ban                 | BAN#<destination or tenant> | BAN                |                                 |
| outbox / processed  | OUTBOX#n, EVENT#<id>        | (lib)              |                                 |

Tenant data (agents) is keyed under the tenant: a lookup needs the caller's tenant, so another tenant's agent id
simply is not found.
"""

from __future__ import annotations

from typing import Any

from webdpro_aws.dynamo import ConditionFailed, Table, Transaction

NOT_EXISTS = "attribute_not_exists(PK)"


class AuthRepository:
    def __init__(self, table: Table) -> None:
        self.table = table

    @property
    def name(self) -> str:
        return self.table.name

    # --- OTP challenges and send logs ---
    async def get_challenge(self, destination: str) -> dict[str, Any] | None:
        return await self.table.get({"PK": f"OTP#{destination}", "SK": "CHALLENGE"})

    def put_challenge(self, tx: Transaction, challenge: dict[str, Any]) -> None:
        tx.put(self.name, {"PK": f"OTP#{challenge['destination']}", "SK": "CHALLENGE", **challenge})

    async def spend_attempt(
        self, destination: str, challenge_id: str, max_attempts: int, now: int
    ) -> dict | None:
        """Atomically count one try; None if the challenge is gone, used, expired or out of tries."""
        try:
            return await self.table.update(
                {"PK": f"OTP#{destination}", "SK": "CHALLENGE"},
                "SET attempts = attempts + :one",
                condition="challenge_id = :cid AND used = :false AND attempts < :max AND expires_at > :now",
                values={":one": 1, ":cid": challenge_id, ":false": False, ":max": max_attempts, ":now": now},
            )
        except ConditionFailed:
            return None

    async def consume_challenge(self, destination: str, challenge_id: str) -> bool:
        try:
            await self.table.update(
                {"PK": f"OTP#{destination}", "SK": "CHALLENGE"},
                "SET used = :true",
                condition="challenge_id = :cid AND used = :false",
                values={":true": True, ":false": False, ":cid": challenge_id},
            )
            return True
        except ConditionFailed:
            return False

    async def get_sends(self, key: str) -> tuple[list[int], int]:
        item = await self.table.get({"PK": f"SENDS#{key}", "SK": "LOG"})
        if not item:
            return [], 0
        return list(item.get("sends", [])), int(item.get("version", 0))

    async def save_sends(self, key: str, sends: list[int], version: int, expires_at: int) -> bool:
        """Optimistic write of the send log; False if someone else wrote it first."""
        try:
            await self.table.put(
                {
                    "PK": f"SENDS#{key}",
                    "SK": "LOG",
                    "sends": sends,
                    "version": version + 1,
                    "expires_at": expires_at,
                },
                condition="attribute_not_exists(PK) OR version = :v",
                values={":v": version},
            )
            return True
        except ConditionFailed:
            return False

    # --- users, tenants ---
    async def user_for(self, role: str, destination: str) -> dict[str, Any] | None:
        ident = await self.table.get({"PK": f"IDENT#{role}#{destination}", "SK": "USER"})
        if not ident:
            return None
        return await self.get_user(ident["user_id"])

    async def get_user(self, user_id: str) -> dict[str, Any] | None:
        return await self.table.get({"PK": f"USER#{user_id}", "SK": "PROFILE"})

    def add_user(self, tx: Transaction, user: dict[str, Any]) -> None:
        tx.put(
            self.name,
            {"PK": f"IDENT#{user['role']}#{user['destination']}", "SK": "USER", "user_id": user["user_id"]},
            condition=NOT_EXISTS,
        )
        tx.put(self.name, {"PK": f"USER#{user['user_id']}", "SK": "PROFILE", **user}, condition=NOT_EXISTS)

    def add_tenant(self, tx: Transaction, tenant: dict[str, Any]) -> None:
        tx.put(
            self.name,
            {"PK": f"TENANT#{tenant['tenant_id']}", "SK": "PROFILE", **tenant},
            condition=NOT_EXISTS,
        )

    def set_user_status(self, tx: Transaction, user_id: str, status: str) -> None:
        tx.update(
            self.name,
            {"PK": f"USER#{user_id}", "SK": "PROFILE"},
            "SET #s = :s",
            condition="attribute_exists(PK)",
            names={"#s": "status"},
            values={":s": status},
        )

    # --- agents (always under a tenant) ---
    async def get_agent(self, tenant_id: str, agent_id: str) -> dict[str, Any] | None:
        return await self.table.get({"PK": f"TENANT#{tenant_id}", "SK": f"AGENT#{agent_id}"})

    async def list_agents(self, tenant_id: str, limit: int, cursor: str | None):
        return await self.table.query(f"TENANT#{tenant_id}", sk_prefix="AGENT#", limit=limit, cursor=cursor)

    async def invites_for(self, phone: str) -> list[dict[str, Any]]:
        return await self.table.query_all(f"INVITE#{phone}", index="GSI1")

    def put_agent(self, tx: Transaction, agent: dict[str, Any], *, expect_status: str | None) -> None:
        item = {
            "PK": f"TENANT#{agent['tenant_id']}",
            "SK": f"AGENT#{agent['agent_id']}",
            "GSI1PK": f"INVITE#{agent['phone']}",
            "GSI1SK": agent["invited_at"],
            **agent,
        }
        if expect_status is None:
            tx.put(self.name, item, condition=NOT_EXISTS)
        else:
            tx.put(self.name, item, condition="#s = :s", names={"#s": "status"}, values={":s": expect_status})

    # --- refresh-token families ---
    async def get_family(self, family_id: str) -> dict[str, Any] | None:
        return await self.table.get({"PK": f"REFRESH#{family_id}", "SK": "FAMILY"})

    def put_family(self, tx: Transaction, family: dict[str, Any]) -> None:
        tx.put(
            self.name,
            {
                "PK": f"REFRESH#{family['family_id']}",
                "SK": "FAMILY",
                "GSI1PK": f"SESSIONS#{family['user_id']}",
                "GSI1SK": family["family_id"],
                **family,
            },
            condition=NOT_EXISTS,
        )

    async def rotate_family(self, family_id: str, old_digest: str, new_digest: str, now: int) -> bool:
        try:
            await self.table.update(
                {"PK": f"REFRESH#{family_id}", "SK": "FAMILY"},
                "SET current_digest = :new, rotated_at = :now, generation = generation + :one",
                condition="current_digest = :old AND revoked = :false AND expires_at > :now",
                values={":new": new_digest, ":old": old_digest, ":now": now, ":one": 1, ":false": False},
            )
            return True
        except ConditionFailed:
            return False

    async def revoke_family(self, family_id: str, reason: str) -> None:
        try:
            await self.table.update(
                {"PK": f"REFRESH#{family_id}", "SK": "FAMILY"},
                "SET revoked = :true, revoked_reason = :r",
                condition="attribute_exists(PK)",
                values={":true": True, ":r": reason},
            )
        except ConditionFailed:
            pass

    async def revoke_all_sessions(self, user_id: str, reason: str) -> int:
        families = await self.table.query_all(f"SESSIONS#{user_id}", index="GSI1")
        for family in families:
            await self.revoke_family(family["family_id"], reason)
        return len(families)

    # --- bans ---
    async def get_ban(self, subject: str) -> dict[str, Any] | None:
        return await self.table.get({"PK": f"BAN#{subject}", "SK": "BAN"})

    def put_ban(self, tx: Transaction, ban: dict[str, Any]) -> None:
        tx.put(self.name, {"PK": f"BAN#{ban['subject']}", "SK": "BAN", **ban})

    async def tenant_user_ids(self, tenant_id: str) -> list[str]:
        """Every user of a tenant: its owner and its agents (an agent's user id is its agent id)."""
        ids: list[str] = []
        tenant = await self.table.get({"PK": f"TENANT#{tenant_id}", "SK": "PROFILE"})
        if tenant and tenant.get("owner_id"):
            ids.append(tenant["owner_id"])
        agents = await self.table.query_all(f"TENANT#{tenant_id}", sk_prefix="AGENT#")
        ids.extend(a["agent_id"] for a in agents if a.get("agent_id"))
        return ids

    async def users_with(self, destination: str) -> list[dict[str, Any]]:
        users = []
        for role in ("SUPER_ADMIN", "BUSINESS_OWNER", "DELIVERY_AGENT", "CUSTOMER"):
            user = await self.user_for(role, destination)
            if user:
                users.append(user)
        return users
