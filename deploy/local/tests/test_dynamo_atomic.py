"""The emulator's DynamoDB applies concurrent conditional transactions atomically, as DynamoDB does, and a
cancelled transaction undoes exactly its own writes (not other requests')."""

import asyncio

import pytest

from webdpro_aws.clients import AwsClients
from webdpro_core import ids
from webdpro_core.settings import BaseSettings, load

pytestmark = pytest.mark.integration


async def test_two_hundred_concurrent_buyers_of_fifty_units_get_exactly_fifty(aws_emulator):
    clients = AwsClients(load(BaseSettings))
    ddb = await clients.get("dynamodb")
    name = ids.new_id("race")
    await ddb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "PK", "AttributeType": "S"},
            {"AttributeName": "SK", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
    )
    await ddb.put_item(TableName=name, Item={"PK": {"S": "P"}, "SK": {"S": "STOCK"}, "stock": {"N": "50"}})
    for i in range(300):  # other items: a cancelled transaction must not roll them back
        await ddb.put_item(TableName=name, Item={"PK": {"S": f"F{i}"}, "SK": {"S": "X"}})

    async def buy(i: int) -> bool:
        try:
            await ddb.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": name,
                            "Item": {"PK": {"S": "P"}, "SK": {"S": f"ORDER#{i}"}},
                            "ConditionExpression": "attribute_not_exists(PK)",
                        }
                    },
                    {
                        "Update": {
                            "TableName": name,
                            "Key": {"PK": {"S": "P"}, "SK": {"S": "STOCK"}},
                            "UpdateExpression": "SET stock = stock - :one",
                            "ConditionExpression": "stock >= :one",
                            "ExpressionAttributeValues": {":one": {"N": "1"}},
                        }
                    },
                ]
            )
            return True
        except ddb.exceptions.TransactionCanceledException:
            return False

    async def unrelated_writer(i: int) -> None:
        await ddb.put_item(TableName=name, Item={"PK": {"S": f"W{i}"}, "SK": {"S": "X"}})

    try:
        results = await asyncio.gather(
            *(buy(i) for i in range(200)), *(unrelated_writer(i) for i in range(50))
        )
        assert sum(1 for r in results[:200] if r) == 50
        stock = await ddb.get_item(
            TableName=name, Key={"PK": {"S": "P"}, "SK": {"S": "STOCK"}}, ConsistentRead=True
        )
        assert stock["Item"]["stock"]["N"] == "0"
        orders = await ddb.query(
            TableName=name,
            KeyConditionExpression="PK = :p AND begins_with(SK, :o)",
            ExpressionAttributeValues={":p": {"S": "P"}, ":o": {"S": "ORDER#"}},
        )
        assert orders["Count"] == 50
        for i in range(50):  # no unrelated write was undone by a cancelled transaction's rollback
            got = await ddb.get_item(TableName=name, Key={"PK": {"S": f"W{i}"}, "SK": {"S": "X"}})
            assert "Item" in got
    finally:
        await clients.close()
