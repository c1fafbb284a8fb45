"""Provisioning against a real emulator process: everything in the manifest exists as declared, a second run
changes nothing, filtered raw SNS→SQS delivery works, and failed messages are redriven to the DLQ."""

from __future__ import annotations

import asyncio
import json

import msgspec
import pytest

from webdpro_aws.manifest import Manifest, Names, Queue, Subscription, Topic, load_manifest
from webdpro_local.provision import provision, provision_changes


@pytest.fixture(scope="module")
async def provisioned(settings, clients):
    first = await provision_changes(settings, clients=clients)
    return first


async def _snapshot(clients, names: Names, manifest: Manifest) -> dict:
    sm = await clients.get("secretsmanager")
    sns = await clients.get("sns")
    values = {}
    for key, s in manifest.secrets.items():
        if s.create:
            values[key] = (await sm.get_secret_value(SecretId=names.secret(key)))["SecretString"]
    topics = sorted(t["TopicArn"] for t in (await sns.list_topics())["Topics"])
    subs = sorted(s["SubscriptionArn"] for s in (await sns.list_subscriptions())["Subscriptions"])
    return {"secrets": values, "topics": topics, "subs": subs}


async def test_first_run_creates_everything_in_the_manifest(provisioned, settings, clients):
    manifest = load_manifest(settings.resource_manifest)
    names = Names(manifest, settings.resource_prefix)
    assert provisioned, "a fresh emulator needs changes"

    ddb = await clients.get("dynamodb")
    for key, t in manifest.tables.items():
        desc = (await ddb.describe_table(TableName=names.table(key)))["Table"]
        assert desc["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
        assert {g["IndexName"] for g in desc.get("GlobalSecondaryIndexes", [])} == {g.name for g in t.gsis}
        if t.ttl_attribute:
            ttl = (await ddb.describe_time_to_live(TableName=names.table(key)))["TimeToLiveDescription"]
            assert ttl["TimeToLiveStatus"] == "ENABLED" and ttl["AttributeName"] == t.ttl_attribute

    sns = await clients.get("sns")
    topic_names = {t["TopicArn"].rsplit(":", 1)[-1] for t in (await sns.list_topics())["Topics"]}
    assert {names.topic(k) for k in manifest.topics} <= topic_names
    assert "webdpro-scheduler-events" in topic_names

    sqs = await clients.get("sqs")
    for key, q in manifest.queues.items():
        url = (await sqs.get_queue_url(QueueName=names.queue(key)))["QueueUrl"]
        attrs = (await sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"]))["Attributes"]
        redrive = json.loads(attrs["RedrivePolicy"])
        assert redrive["deadLetterTargetArn"].endswith(":" + names.dlq(key))
        assert int(redrive["maxReceiveCount"]) == q.max_receive_count
        assert attrs["VisibilityTimeout"] == str(q.visibility_timeout)
        if q.subscriptions:
            policy = json.loads(attrs["Policy"])
            assert policy["Statement"][0]["Principal"] == {"Service": "sns.amazonaws.com"}

    s3 = await clients.get("s3")
    for key, b in manifest.buckets.items():
        status = (await s3.get_bucket_versioning(Bucket=names.bucket(key))).get("Status")
        assert (status == "Enabled") == b.versioning
        if b.cors_origins:
            rules = (await s3.get_bucket_cors(Bucket=names.bucket(key)))["CORSRules"]
            assert rules[0]["AllowedOrigins"] == b.cors_origins

    idp = await clients.get("cognito-idp")
    pools = {p["Name"]: p["Id"] for p in (await idp.list_user_pools(MaxResults=60))["UserPools"]}
    for key, p in manifest.user_pools.items():
        pool_id = pools[names.user_pool(key)]
        groups = {g["GroupName"] for g in (await idp.list_groups(UserPoolId=pool_id))["Groups"]}
        assert set(p.groups) <= groups
        schema = {
            a["Name"]
            for a in (await idp.describe_user_pool(UserPoolId=pool_id))["UserPool"]["SchemaAttributes"]
        }
        assert {f"custom:{a}" for a in p.custom_attributes} <= schema

    sm = await clients.get("secretsmanager")
    for key, s in manifest.secrets.items():
        if not s.create:
            with pytest.raises(sm.exceptions.ResourceNotFoundException):
                await sm.describe_secret(SecretId=names.secret(key))
        elif s.generate:
            value = (await sm.get_secret_value(SecretId=names.secret(key)))["SecretString"]
            assert len(value) == 64 and int(value, 16) >= 0

    ses = await clients.get("ses")
    identities = set((await ses.list_identities())["Identities"])
    assert set(manifest.ses.identities) <= identities


async def test_second_run_changes_nothing(provisioned, settings, clients):
    manifest = load_manifest(settings.resource_manifest)
    names = Names(manifest, settings.resource_prefix)
    before = await _snapshot(clients, names, manifest)
    assert await provision_changes(settings, clients=clients) == []
    await provision(settings)  # the public entry, with its own clients
    assert await _snapshot(clients, names, manifest) == before


def _test_manifest(max_receive_count: int) -> Manifest:
    return Manifest(
        topics={"prod": Topic(name="producer-events")},
        queues={
            "cons": Queue(
                name="consumer-events",
                max_receive_count=max_receive_count,
                visibility_timeout=30,
                subscriptions=[Subscription(topic="prod", types=["thing.happened", "other.happened"])],
            )
        },
    )


async def test_filter_policy_delivers_only_subscribed_types_raw(settings, clients):
    s = msgspec.structs.replace(settings, resource_prefix="flt-")
    manifest = _test_manifest(5)
    await provision_changes(s, clients=clients, manifest=manifest)
    assert await provision_changes(s, clients=clients, manifest=manifest) == []

    sns, sqs = await clients.get("sns"), await clients.get("sqs")
    topic = (await sns.create_topic(Name="flt-producer-events"))["TopicArn"]  # idempotent lookup of the ARN
    sub = (await sns.list_subscriptions_by_topic(TopicArn=topic))["Subscriptions"][0]
    attrs = (await sns.get_subscription_attributes(SubscriptionArn=sub["SubscriptionArn"]))["Attributes"]
    assert attrs["RawMessageDelivery"] == "true"
    assert json.loads(attrs["FilterPolicy"]) == {"type": ["other.happened", "thing.happened"]}

    for t in ("thing.happened", "ignored.happened", "other.happened"):
        body = json.dumps({"type": t, "data": {}})
        await sns.publish(
            TopicArn=topic, Message=body, MessageAttributes={"type": {"DataType": "String", "StringValue": t}}
        )
    url = (await sqs.get_queue_url(QueueName="flt-consumer-events"))["QueueUrl"]
    got = []
    for _ in range(5):
        resp = await sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        got += resp.get("Messages", [])
        if len(got) >= 2:
            break
        await asyncio.sleep(0.1)
    bodies = sorted(
        json.loads(m["Body"])["type"] for m in got
    )  # raw: the body is the published message itself
    assert bodies == ["other.happened", "thing.happened"]


async def test_failed_messages_are_redriven_to_the_dlq(settings, clients):
    s = msgspec.structs.replace(settings, resource_prefix="dlq-")
    await provision_changes(s, clients=clients, manifest=_test_manifest(1))
    sqs = await clients.get("sqs")
    url = (await sqs.get_queue_url(QueueName="dlq-consumer-events"))["QueueUrl"]
    dlq_url = (await sqs.get_queue_url(QueueName="dlq-consumer-events-dlq"))["QueueUrl"]
    await sqs.send_message(QueueUrl=url, MessageBody="poison")

    first = await sqs.receive_message(QueueUrl=url, VisibilityTimeout=0, WaitTimeSeconds=0)
    assert [m["Body"] for m in first["Messages"]] == ["poison"]  # received once, not deleted: a failure
    again = await sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)
    assert again.get("Messages", []) == []  # over maxReceiveCount: moved on
    dead = await sqs.receive_message(QueueUrl=dlq_url, WaitTimeSeconds=0)
    assert [m["Body"] for m in dead["Messages"]] == ["poison"]
