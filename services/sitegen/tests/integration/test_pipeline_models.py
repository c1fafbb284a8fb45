"""The whole generation pipeline against the Bedrock stand-in: every failure mode of a model still ends in a
valid draft, and every attempt and fallback is recorded as AI usage."""

import asyncio

import pytest
from litestar.testing import AsyncTestClient

from sitegen.bootstrap import build_app
from sitegen.settings import SitegenSettings
from webdpro_aws.clients import AwsClients
from webdpro_aws.dynamo import Table
from webdpro_aws.manifest import Names, load_manifest
from webdpro_core import clock, ids
from webdpro_core.settings import load
from webdpro_local.bedrock import running_standin

pytestmark = pytest.mark.integration

TEXT = ["amazon.nova-pro-v1:0", "meta.llama3-70b-instruct-v1:0", "anthropic.claude-3-haiku-20240307-v1:0"]
IMAGE = ["amazon.titan-image-generator-v2:0", "stability.stable-diffusion-xl-v1"]


@pytest.fixture(scope="module")
def standin():
    with running_standin() as s:
        yield s


@pytest.fixture(scope="module")
async def model_client(aws_emulator, mint, standin):
    settings = load(
        SitegenSettings,
        text_model_ids=",".join(TEXT),
        image_model_ids=",".join(IMAGE),
        bedrock_endpoint_url=standin.endpoint,
        model_timeout_seconds=1.0,
        daily_generation_cap=1000,
    )
    app = build_app(settings)
    async with AsyncTestClient(app, base_url="http://test.local") as c:
        app.state.verifier = mint.verifier()
        yield c


async def _generate(client, headers) -> dict:
    r = await client.post(
        "/api/sitegen/stores",
        json={"prompt": "Curam - fresh vegetables, Mumbai, cash + UPI, green theme"},
        headers=headers,
    )
    assert r.status_code == 202, r.text
    store_id = r.json()["storeId"]
    for _ in range(400):
        store = (await client.get(f"/api/sitegen/stores/{store_id}", headers=headers)).json()
        if store["status"] != "GENERATING":
            return store
        await asyncio.sleep(0.05)
    raise AssertionError("generation did not finish")


async def _usage(tenant_id: str) -> list[dict]:
    settings = load(SitegenSettings)
    clients = AwsClients(settings)
    try:
        table = Table(
            await clients.get("dynamodb"), Names(load_manifest(), settings.resource_prefix).table("sitegen")
        )
        return await table.query_all(f"T#{tenant_id}#AI#{clock.iso()[:10]}")
    finally:
        await clients.close()


@pytest.mark.parametrize(
    "script",
    [
        [],  # every model answers well
        [{"kind": "malformed_json", "repeat": 3}],  # broken JSON is auto-fixed
        [{"kind": "missing_prices", "repeat": 3}],  # prices filled from the sector's range
        [{"kind": "unsafe"}, {"kind": "unsafe"}],  # refused → the next model
        [
            {"kind": "error", "status": 400, "errorType": "ValidationException", "repeat": 3}
        ],  # 4xx → next model
        [{"kind": "error", "status": 503, "repeat": 3}],  # 5xx → next model
        [{"kind": "error", "errorType": "ThrottlingException", "repeat": 6}],  # throttled → next model
        [{"kind": "valid", "delayMs": 2500, "repeat": 3}],  # too slow → next model
    ],
    ids=["valid", "malformed", "missing-prices", "unsafe", "4xx", "5xx", "throttled", "slow"],
)
async def test_every_failure_of_the_first_model_still_ends_in_a_valid_draft(
    model_client, mint, standin, script
):
    standin.reset()
    if script:
        standin.script(TEXT[0], *script)
    tenant = ids.new_id("tnt")
    headers = mint.headers("BUSINESS_OWNER", tenant_id=tenant)
    store = await _generate(model_client, headers)
    assert store["status"] == "DRAFT", store
    assert store["name"] and store["sector"] == "grocery"
    home = await model_client.get(store["previewUrl"].split("127.0.0.1:8080", 1)[-1])
    assert home.status_code == 200 and "<script>alert" not in home.text
    records = await _usage(tenant)
    text_models = {r["model_id"] for r in records if r["stage"] in ("brief", "copy", "catalog")}
    assert text_models & set(TEXT)
    if script:
        assert any(r["model_id"] == TEXT[0] and r["outcome"] != "ok" for r in records) or script[0][
            "kind"
        ] in (
            "malformed_json",
            "missing_prices",
        )
    assert any(r["stage"] == "images" and r["images"] >= 1 for r in records)


async def test_when_every_model_fails_the_offline_generator_finishes_the_store(model_client, mint, standin):
    standin.reset()
    standin.script("*", {"kind": "error", "status": 503, "repeat": 100})
    tenant = ids.new_id("tnt")
    store = await _generate(model_client, mint.headers("BUSINESS_OWNER", tenant_id=tenant))
    assert store["status"] == "DRAFT"
    records = await _usage(tenant)
    offline = [r for r in records if r["model_id"] == "offline"]
    assert {r["stage"] for r in offline} >= {"brief", "copy", "catalog"}
    assert all(r["fallback_reason"] for r in offline if r["stage"] in ("brief", "copy", "catalog"))
    standin.reset()
