"""The event machinery against the emulator: outbox + relay, SNS → SQS, idempotent consumer, partial batch
failure, dead letters and the trace crossing the hop."""

import asyncio
import json

import pytest

from webdpro_aws.clients import AwsClients
from webdpro_aws.dynamo import Table
from webdpro_core import ids
from webdpro_core.settings import BaseSettings, load
from webdpro_events import Consumer, Outbox, PermanentError, SnsPublisher, decode, encode, new_event
from webdpro_observability import configure_tracing, tracer

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def env(aws_emulator):
    clients = AwsClients(load(BaseSettings))
    name = ids.new_id("libtest")
    ddb, sns, sqs = await clients.get("dynamodb"), await clients.get("sns"), await clients.get("sqs")
    await ddb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "PK", "AttributeType": "S"},
            {"AttributeName": "SK", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
    )
    topic = (await sns.create_topic(Name=name))["TopicArn"]
    dlq = (await sqs.create_queue(QueueName=f"{name}-dlq"))["QueueUrl"]
    queue = (await sqs.create_queue(QueueName=name))["QueueUrl"]
    arn = (await sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"]))["Attributes"][
        "QueueArn"
    ]
    await sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=arn,
        Attributes={
            "RawMessageDelivery": "true",
            "FilterPolicy": json.dumps({"type": ["thing.happened", "thing.broke"]}),
        },
    )
    table = Table(ddb, name)
    outbox = Outbox(table, SnsPublisher(sns, topic))
    yield {"clients": clients, "table": table, "outbox": outbox, "sqs": sqs, "queue": queue, "dlq": dlq}
    await clients.close()


async def _receive(sqs, queue, want: int, timeout: float = 10) -> list[dict]:
    got: list[dict] = []
    deadline = asyncio.get_running_loop().time() + timeout
    while len(got) < want and asyncio.get_running_loop().time() < deadline:
        resp = await sqs.receive_message(
            QueueUrl=queue,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            MessageAttributeNames=["All"],
            MessageSystemAttributeNames=["ApproximateReceiveCount"],
        )
        got.extend(resp.get("Messages", []))
    return got


async def _drain(sqs, queue) -> None:
    for m in await _receive(sqs, queue, 100, timeout=1.5):
        await sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])


def _consumer(env, handlers, default=None) -> Consumer:
    return Consumer(
        default=default,
        sqs=env["sqs"],
        queue_url=env["queue"],
        dlq_url=env["dlq"],
        handlers=handlers,
        table=env["table"],
        outbox=env["outbox"],
    )


async def test_state_and_event_commit_together_and_the_event_arrives_filtered(env):
    await _drain(env["sqs"], env["queue"])
    uow = env["outbox"].begin()
    uow.tx.put(env["table"].name, {"PK": "THING#1", "SK": "STATE", "status": "done"})
    uow.emit(new_event("thing.happened", {"n": 1}, tenant_id="tnt_a", source="test"))
    uow.emit(new_event("thing.ignored", {"n": 2}, tenant_id="tnt_a", source="test"))  # filtered out
    await uow.commit()
    await env["outbox"].drain()
    assert (await env["table"].get({"PK": "THING#1", "SK": "STATE"}))["status"] == "done"
    messages = await _receive(env["sqs"], env["queue"], 1)
    assert [decode(m["Body"]).type for m in messages] == ["thing.happened"]
    assert messages[0]["MessageAttributes"]["type"]["StringValue"] == "thing.happened"
    for shard in range(4):  # published rows leave the outbox
        assert await env["table"].query_all(f"OUTBOX#{shard}") == []
    await _drain(env["sqs"], env["queue"])


async def test_events_left_behind_by_a_crash_are_published_by_the_relay(env):
    await _drain(env["sqs"], env["queue"])
    event = new_event("thing.happened", {"n": 3}, tenant_id="tnt_a", source="test")
    uow = env["outbox"].begin()
    env["outbox"].stage(uow.tx, event)
    await uow.tx.commit(env["table"].client)  # committed, then the process "died" before publishing
    assert await _receive(env["sqs"], env["queue"], 1, timeout=1.5) == []
    assert await env["outbox"].relay_once(min_age_seconds=0) == 1
    messages = await _receive(env["sqs"], env["queue"], 1)
    assert decode(messages[0]["Body"]).id == event.id
    assert await env["outbox"].relay_once(min_age_seconds=0) == 0
    await _drain(env["sqs"], env["queue"])


async def test_a_redelivered_event_changes_nothing(env):
    calls = []

    async def on_thing(event, uow):
        calls.append(event.id)
        uow.tx.update(
            env["table"].name, {"PK": "COUNTER", "SK": event.id}, "ADD hits :one", values={":one": 1}
        )

    consumer = _consumer(env, {"thing.happened": on_thing})
    event = new_event("thing.happened", {}, tenant_id="tnt_a", source="test")
    body = encode(event)
    await consumer.handle(body)
    await consumer.handle(body)
    assert (await env["table"].get({"PK": "COUNTER", "SK": event.id}))["hits"] == 1
    assert calls == [event.id]  # the second delivery was recognised before the handler ran


async def test_the_default_handler_takes_every_type_without_its_own_and_stays_idempotent(env):
    named, caught = [], []

    async def on_thing(event, uow):
        named.append(event.type)

    async def anything(event, uow):
        caught.append(event.type)

    consumer = _consumer(env, {"thing.happened": on_thing}, default=anything)
    other = encode(new_event("other.happened", {}, tenant_id="tnt_a", source="test"))
    await consumer.handle(encode(new_event("thing.happened", {}, tenant_id="tnt_a", source="test")))
    await consumer.handle(other)
    await consumer.handle(other)  # redelivered: the processed marker stops it
    assert named == ["thing.happened"]
    assert caught == ["other.happened"]
    without = _consumer(env, {"thing.happened": on_thing})  # no default: unknown types are skipped
    await without.handle(encode(new_event("third.happened", {}, tenant_id="tnt_a", source="test")))
    assert caught == ["other.happened"]


async def test_partial_batch_failure_deletes_only_the_successes_and_poison_goes_to_the_dlq(env):
    await _drain(env["sqs"], env["queue"])
    await _drain(env["sqs"], env["dlq"])

    async def on_thing(event, uow):
        if event.data.get("fail"):
            raise RuntimeError("transient")

    async def on_broke(event, uow):
        raise PermanentError("can never work")

    for data in ({"ok": 1}, {"fail": True}, {"ok": 2}):
        await env["outbox"].publisher.publish(new_event("thing.happened", data, tenant_id="t", source="test"))
    await env["outbox"].publisher.publish(new_event("thing.broke", {}, tenant_id="t", source="test"))
    messages = await _receive(env["sqs"], env["queue"], 4)
    assert len(messages) == 4
    failed = await _consumer(env, {"thing.happened": on_thing, "thing.broke": on_broke}).process_batch(
        messages
    )
    assert len(failed) == 1
    redelivered = await _receive(env["sqs"], env["queue"], 1, timeout=6)
    assert [decode(m["Body"]).data for m in redelivered] == [{"fail": True}]
    dead = await _receive(env["sqs"], env["dlq"], 1)
    assert [decode(m["Body"]).type for m in dead] == ["thing.broke"]
    await _drain(env["sqs"], env["queue"])


async def test_the_trace_continues_across_the_hop(env):
    configure_tracing("test")
    await _drain(env["sqs"], env["queue"])
    seen = {}

    async def on_thing(event, uow):
        from opentelemetry import trace

        seen["trace"] = format(trace.get_current_span().get_span_context().trace_id, "032x")

    with tracer().start_as_current_span("produce") as span:
        producer_trace = format(span.get_span_context().trace_id, "032x")
        await env["outbox"].publisher.publish(new_event("thing.happened", {}, tenant_id="t", source="test"))
    messages = await _receive(env["sqs"], env["queue"], 1)
    assert messages[0]["MessageAttributes"]["traceparent"]["StringValue"].split("-")[1] == producer_trace
    await _consumer(env, {"thing.happened": on_thing}).process_batch(messages)
    assert seen["trace"] == producer_trace
