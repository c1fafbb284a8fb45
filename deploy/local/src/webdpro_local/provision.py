"""Idempotent provisioning of `deploy/resources.toml` into the AWS emulator (or any AWS endpoint).

Every resource is looked up before it is created and its settings are compared before they are written, so a
second run changes nothing and a run after a manifest edit changes only what the edit asks for. Each step
appends a human-readable line to the list of changes; an empty list means "already as declared".

Entry: `python -m webdpro_local.provision` (uses AWS_ENDPOINT_URL, default http://127.0.0.1:$WEBDPRO_AWS_PORT).
"""

from __future__ import annotations

import asyncio
import json
import secrets
import sys
from typing import Any

from botocore.exceptions import ClientError

from webdpro_aws.clients import AwsClients
from webdpro_aws.manifest import Bucket, Manifest, Names, Queue, Secret, Table, UserPool, load_manifest
from webdpro_core.settings import BaseSettings


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


class Provisioner:
    def __init__(self, clients: AwsClients, manifest: Manifest, names: Names, region: str) -> None:
        self.clients = clients
        self.manifest = manifest
        self.names = names
        self.region = region
        self.changes: list[str] = []
        self.topic_arns: dict[str, str] = {}

    def changed(self, what: str) -> None:
        self.changes.append(what)

    async def run(self) -> list[str]:
        # Topics before queues (subscriptions need their ARNs); the rest are independent of each other.
        await asyncio.gather(*(self.table(t) for t in self.manifest.tables.values()))
        await self.topics()
        await asyncio.gather(*(self.queue(k, q) for k, q in self.manifest.queues.items()))
        await asyncio.gather(*(self.bucket(b) for b in self.manifest.buckets.values()))
        await asyncio.gather(*(self.user_pool(p) for p in self.manifest.user_pools.values()))
        await asyncio.gather(*(self.secret(s) for s in self.manifest.secrets.values()))
        await self.ses()
        return self.changes

    # DynamoDB ------------------------------------------------------------------------------------------

    async def table(self, t: Table) -> None:
        ddb = await self.clients.get("dynamodb")
        name = self.names.prefix + t.name
        keys = [(t.hash_key, "HASH"), *([(t.range_key, "RANGE")] if t.range_key else [])]
        try:
            desc = (await ddb.describe_table(TableName=name))["Table"]
        except ClientError as exc:
            if _code(exc) != "ResourceNotFoundException":
                raise
            attrs = (
                {k for k, _ in keys}
                | {g.hash_key for g in t.gsis}
                | {g.range_key for g in t.gsis if g.range_key}
            )
            kwargs: dict[str, Any] = {
                "TableName": name,
                "BillingMode": "PAY_PER_REQUEST",
                "KeySchema": [{"AttributeName": k, "KeyType": kt} for k, kt in keys],
                "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in sorted(attrs)],
            }
            if t.gsis:
                kwargs["GlobalSecondaryIndexes"] = [self._gsi(g) for g in t.gsis]
            if t.streams:
                kwargs["StreamSpecification"] = {
                    "StreamEnabled": True,
                    "StreamViewType": "NEW_AND_OLD_IMAGES",
                }
            await ddb.create_table(**kwargs)
            await ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
            self.changed(f"table {name}: created")
        else:
            # A GSI added to the manifest later is added to the existing table (one per update, as in AWS).
            present = {g["IndexName"] for g in desc.get("GlobalSecondaryIndexes", [])}
            for g in t.gsis:
                if g.name in present:
                    continue
                defs = [{"AttributeName": a, "AttributeType": "S"} for a in (g.hash_key, g.range_key) if a]
                await ddb.update_table(
                    TableName=name,
                    AttributeDefinitions=defs,
                    GlobalSecondaryIndexUpdates=[{"Create": self._gsi(g)}],
                )
                self.changed(f"table {name}: index {g.name} added")
        if t.ttl_attribute:
            ttl = (await ddb.describe_time_to_live(TableName=name))["TimeToLiveDescription"]
            enabled = ttl.get("TimeToLiveStatus") in {"ENABLED", "ENABLING"}
            if not enabled or ttl.get("AttributeName") != t.ttl_attribute:
                await ddb.update_time_to_live(
                    TableName=name,
                    TimeToLiveSpecification={"Enabled": True, "AttributeName": t.ttl_attribute},
                )
                self.changed(f"table {name}: ttl on {t.ttl_attribute}")

    @staticmethod
    def _gsi(g: Any) -> dict[str, Any]:
        schema = [{"AttributeName": g.hash_key, "KeyType": "HASH"}]
        if g.range_key:
            schema.append({"AttributeName": g.range_key, "KeyType": "RANGE"})
        return {"IndexName": g.name, "KeySchema": schema, "Projection": {"ProjectionType": "ALL"}}

    # SNS -----------------------------------------------------------------------------------------------

    async def topics(self) -> None:
        sns = await self.clients.get("sns")
        existing: dict[str, str] = {}
        async for page in sns.get_paginator("list_topics").paginate():
            for t in page.get("Topics", []):
                existing[t["TopicArn"].rsplit(":", 1)[-1]] = t["TopicArn"]
        for key in self.manifest.topics:
            name = self.names.topic(key)
            if name not in existing:
                existing[name] = (await sns.create_topic(Name=name))["TopicArn"]
                self.changed(f"topic {name}: created")
            self.topic_arns[key] = existing[name]

    # SQS -----------------------------------------------------------------------------------------------

    async def _ensure_queue(self, name: str, attributes: dict[str, str]) -> tuple[str, str]:
        sqs = await self.clients.get("sqs")
        try:
            url = (await sqs.get_queue_url(QueueName=name))["QueueUrl"]
        except ClientError as exc:
            if "NonExistentQueue" not in _code(exc) and "QueueDoesNotExist" not in _code(exc):
                raise
            url = (await sqs.create_queue(QueueName=name, Attributes=attributes))["QueueUrl"]
            self.changed(f"queue {name}: created")
        else:
            current = (await sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"]))["Attributes"]
            diff = {k: v for k, v in attributes.items() if not _same_attr(current.get(k), v)}
            if diff:
                await sqs.set_queue_attributes(QueueUrl=url, Attributes=diff)
                self.changed(f"queue {name}: set {sorted(diff)}")
        arn = (await sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"]))["Attributes"][
            "QueueArn"
        ]
        return url, arn

    async def queue(self, key: str, q: Queue) -> None:
        sqs = await self.clients.get("sqs")
        # The DLQ keeps failed messages for the longest retention SQS allows (14 days), for inspection.
        _, dlq_arn = await self._ensure_queue(self.names.dlq(key), {"MessageRetentionPeriod": "1209600"})
        redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(q.max_receive_count)})
        url, arn = await self._ensure_queue(
            self.names.queue(key),
            {"VisibilityTimeout": str(q.visibility_timeout), "RedrivePolicy": redrive},
        )
        topic_arns = sorted({self.topic_arns[s.topic] for s in q.subscriptions})
        if topic_arns:
            policy = {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "AllowSubscribedTopics",
                        "Effect": "Allow",
                        "Principal": {"Service": "sns.amazonaws.com"},
                        "Action": "sqs:SendMessage",
                        "Resource": arn,
                        "Condition": {"ArnEquals": {"aws:SourceArn": topic_arns}},
                    }
                ],
            }
            current = (await sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])).get(
                "Attributes", {}
            )
            if not _same_attr(current.get("Policy"), json.dumps(policy)):
                await sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
                self.changed(f"queue {self.names.queue(key)}: policy for {len(topic_arns)} topic(s)")
        for sub in q.subscriptions:
            await self.subscription(self.topic_arns[sub.topic], arn, sub.types)

    async def subscription(self, topic_arn: str, queue_arn: str, types: list[str]) -> None:
        sns = await self.clients.get("sns")
        wanted = {"RawMessageDelivery": "true"}
        if types:
            wanted["FilterPolicy"] = json.dumps({"type": sorted(types)})
        sub_arn = None
        async for page in sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=topic_arn):
            for s in page.get("Subscriptions", []):
                if s["Protocol"] == "sqs" and s["Endpoint"] == queue_arn:
                    sub_arn = s["SubscriptionArn"]
        label = f"subscription {topic_arn.rsplit(':', 1)[-1]} -> {queue_arn.rsplit(':', 1)[-1]}"
        if sub_arn is None:
            await sns.subscribe(
                TopicArn=topic_arn,
                Protocol="sqs",
                Endpoint=queue_arn,
                Attributes=wanted,
                ReturnSubscriptionArn=True,
            )
            self.changed(f"{label}: created")
            return
        current = (await sns.get_subscription_attributes(SubscriptionArn=sub_arn))["Attributes"]
        for attr, value in wanted.items():
            if not _same_attr(current.get(attr), value):
                await sns.set_subscription_attributes(
                    SubscriptionArn=sub_arn, AttributeName=attr, AttributeValue=value
                )
                self.changed(f"{label}: {attr} updated")
        if not types and current.get("FilterPolicy"):
            # An empty `types` means "everything": an old filter would silently drop events.
            await sns.set_subscription_attributes(
                SubscriptionArn=sub_arn, AttributeName="FilterPolicy", AttributeValue=""
            )
            self.changed(f"{label}: filter removed")

    # S3 ------------------------------------------------------------------------------------------------

    async def bucket(self, b: Bucket) -> None:
        s3 = await self.clients.get("s3")
        name = self.names.prefix + b.name
        try:
            await s3.head_bucket(Bucket=name)
        except ClientError as exc:
            if _code(exc) not in {"404", "NoSuchBucket", "NotFound"}:
                raise
            kwargs: dict[str, Any] = {"Bucket": name}
            if self.region != "us-east-1":
                kwargs["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
            await s3.create_bucket(**kwargs)
            self.changed(f"bucket {name}: created")
        status = (await s3.get_bucket_versioning(Bucket=name)).get("Status")
        if b.versioning and status != "Enabled":
            await s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
            self.changed(f"bucket {name}: versioning enabled")
        elif not b.versioning and status == "Enabled":
            await s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Suspended"})
            self.changed(f"bucket {name}: versioning suspended")
        await self._cors(s3, name, b.cors_origins)

    async def _cors(self, s3: Any, name: str, origins: list[str]) -> None:
        wanted = (
            [
                {
                    "AllowedOrigins": list(origins),
                    "AllowedMethods": ["GET", "HEAD", "PUT", "POST"],
                    "AllowedHeaders": ["*"],
                    "ExposeHeaders": ["ETag"],
                    "MaxAgeSeconds": 3600,
                }
            ]
            if origins
            else []
        )
        try:
            current = (await s3.get_bucket_cors(Bucket=name)).get("CORSRules", [])
        except ClientError as exc:
            if _code(exc) != "NoSuchCORSConfiguration":
                raise
            current = []
        if _norm_cors(current) == _norm_cors(wanted):
            return
        if wanted:
            await s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": wanted})
        else:
            await s3.delete_bucket_cors(Bucket=name)
        self.changed(f"bucket {name}: cors {origins or 'removed'}")

    # Cognito -------------------------------------------------------------------------------------------

    async def user_pool(self, p: UserPool) -> None:
        idp = await self.clients.get("cognito-idp")
        name = self.names.prefix + p.name
        pool_id = None
        async for page in idp.get_paginator("list_user_pools").paginate(PaginationConfig={"PageSize": 60}):
            for pool in page.get("UserPools", []):
                if pool["Name"] == name:
                    pool_id = pool["Id"]
        schema = [
            {
                "Name": a,
                "AttributeDataType": "String",
                "Mutable": True,
                "StringAttributeConstraints": {"MaxLength": "64"},
            }
            for a in p.custom_attributes
        ]
        if pool_id is None:
            resp = await idp.create_user_pool(
                PoolName=name,
                Schema=schema,
                # No passwords anywhere: users are created by the auth service (AdminCreateUser) after an OTP.
                AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
            )
            pool_id = resp["UserPool"]["Id"]
            self.changed(f"user pool {name}: created")
        else:
            desc = (await idp.describe_user_pool(UserPoolId=pool_id))["UserPool"]
            have = {a["Name"] for a in desc.get("SchemaAttributes", [])}
            missing = [s for s in schema if f"custom:{s['Name']}" not in have]
            if missing:
                await idp.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=missing)
                self.changed(f"user pool {name}: attributes {[m['Name'] for m in missing]} added")
        groups: set[str] = set()
        async for page in idp.get_paginator("list_groups").paginate(UserPoolId=pool_id):
            groups |= {g["GroupName"] for g in page.get("Groups", [])}
        for g in p.groups:
            if g not in groups:
                await idp.create_group(UserPoolId=pool_id, GroupName=g)
                self.changed(f"user pool {name}: group {g} created")

    # Secrets Manager -----------------------------------------------------------------------------------

    async def secret(self, s: Secret) -> None:
        if not s.create:
            return  # owned by a service (e.g. auth's signing keys, written on its first start)
        sm = await self.clients.get("secretsmanager")
        name = self.names.prefix + s.name
        try:
            await sm.describe_secret(SecretId=name)
        except ClientError as exc:
            if _code(exc) != "ResourceNotFoundException":
                raise
            kwargs: dict[str, Any] = {"Name": name, "Description": s.description}
            if s.generate:
                kwargs["SecretString"] = secrets.token_hex(32)
            await sm.create_secret(**kwargs)
            self.changed(f"secret {name}: created")
            return
        if s.generate:
            try:
                await sm.get_secret_value(SecretId=name)
            except ClientError as exc:
                if _code(exc) != "ResourceNotFoundException":
                    raise
                # It exists without a value (created by hand): give it one, never replace an existing one.
                await sm.put_secret_value(SecretId=name, SecretString=secrets.token_hex(32))
                self.changed(f"secret {name}: value generated")

    # SES -----------------------------------------------------------------------------------------------

    async def ses(self) -> None:
        if not self.manifest.ses.identities:
            return
        ses = await self.clients.get("ses")
        existing: set[str] = set()
        async for page in ses.get_paginator("list_identities").paginate():
            existing |= {i.lower() for i in page.get("Identities", [])}
        for identity in self.manifest.ses.identities:
            if identity.lower() in existing:
                continue
            if "@" in identity:
                await ses.verify_email_identity(EmailAddress=identity)
            else:
                await ses.verify_domain_identity(Domain=identity)
            self.changed(f"ses identity {identity}: verified")


def _same_attr(current: str | None, wanted: str) -> bool:
    """Compare attribute values that may be JSON documents (key order and number-vs-string may differ)."""
    if current == wanted:
        return True
    if current is None:
        return False
    try:
        return _norm(json.loads(current)) == _norm(json.loads(wanted))
    except (ValueError, TypeError):
        return False


def _norm(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_norm(v) for v in value), key=json.dumps)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _norm_cors(rules: list[dict[str, Any]]) -> Any:
    keys = ("AllowedOrigins", "AllowedMethods", "AllowedHeaders", "ExposeHeaders", "MaxAgeSeconds")
    return _norm([{k: r.get(k) for k in keys if r.get(k) not in (None, [])} for r in rules])


async def provision_changes(
    settings: BaseSettings, *, clients: AwsClients | None = None, manifest: Manifest | None = None
) -> list[str]:
    """Provision everything in the manifest; returns what had to change (empty when all was in place)."""
    manifest = manifest or load_manifest(settings.resource_manifest)
    own = clients is None
    clients = clients or AwsClients(settings)
    try:
        return await Provisioner(
            clients, manifest, Names(manifest, settings.resource_prefix), settings.aws_region
        ).run()
    finally:
        if own:
            await clients.close()


async def provision(settings: BaseSettings) -> None:
    await provision_changes(settings)


def main() -> None:
    from webdpro_local.settings import load_local

    settings = load_local()
    changes = asyncio.run(provision_changes(settings))
    for line in changes:
        print(f"  {line}")
    print(f"provisioned {settings.aws_endpoint_url}: {len(changes)} change(s)", file=sys.stderr)


if __name__ == "__main__":
    main()
