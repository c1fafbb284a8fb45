"""Mirror of users and groups into the Cognito user pool, so the AWS console shows who can sign in.

The OTP challenge itself is ours (the emulator runs no CUSTOM_AUTH triggers). In AWS the same design maps onto
Cognito custom auth: DefineAuthChallenge → CreateAuthChallenge (our code generation + SNS/SES send) →
VerifyAuthChallengeResponse (our hash compare and try counter), with the user pool issuing the tokens.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError


class CognitoMirror:
    def __init__(self, clients: Any, pool_name: str) -> None:
        self.clients = clients
        self.pool_name = pool_name
        self._pool_id: str | None = None

    async def pool_id(self) -> str:
        if self._pool_id is None:
            idp = await self.clients.get("cognito-idp")
            pools = (await idp.list_user_pools(MaxResults=60))["UserPools"]
            match = [p["Id"] for p in pools if p["Name"] == self.pool_name]
            if not match:
                raise RuntimeError(f"user pool {self.pool_name} is not provisioned")
            self._pool_id = match[0]
        return self._pool_id

    async def upsert_user(self, user_id: str, group: str, attributes: dict[str, str]) -> None:
        idp = await self.clients.get("cognito-idp")
        pool = await self.pool_id()
        attrs = [{"Name": k, "Value": v} for k, v in attributes.items() if v]
        try:
            await idp.admin_create_user(
                UserPoolId=pool, Username=user_id, UserAttributes=attrs, MessageAction="SUPPRESS"
            )
        except ClientError as err:
            if err.response["Error"]["Code"] != "UsernameExistsException":
                raise
        await idp.admin_add_user_to_group(UserPoolId=pool, Username=user_id, GroupName=group)

    async def disable_user(self, user_id: str) -> None:
        idp = await self.clients.get("cognito-idp")
        try:
            await idp.admin_disable_user(UserPoolId=await self.pool_id(), Username=user_id)
        except ClientError as err:
            if err.response["Error"]["Code"] != "UserNotFoundException":
                raise
