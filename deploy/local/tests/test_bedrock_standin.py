"""The Bedrock stand-in over real HTTP, called with aiobotocore's bedrock-runtime client (as the services do)."""

from __future__ import annotations

import asyncio
import base64
import json
import struct
import time
import zlib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.exceptions import ClientError

from webdpro_local.bedrock import UNSAFE_PHRASE, StandIn, running_standin

NOVA = "amazon.nova-pro-v1:0"
LLAMA = "meta.llama3-70b-instruct-v1:0"
EXAMPLE = {
    "name": "Curam",
    "products": [
        {"name": "Tomato", "price_paise": 4000, "unit": "1 kg"},
        {"name": "Onion", "price_paise": 3000, "unit": "1 kg", "tags": ["fresh", "local"]},
    ],
}
SYSTEM = f"Stage: catalog. Answer with JSON like <<example>>{json.dumps(EXAMPLE)}<<end>>"


@pytest.fixture(scope="module")
def standin() -> Iterator[StandIn]:
    with running_standin() as s:
        yield s


@pytest.fixture(autouse=True)
def _reset(standin: StandIn) -> None:
    standin.reset()


@asynccontextmanager
async def bedrock(endpoint: str, read_timeout: float = 10) -> AsyncIterator[Any]:
    config = AioConfig(retries={"total_max_attempts": 1, "mode": "standard"}, read_timeout=read_timeout)
    async with get_session().create_client(
        "bedrock-runtime",
        region_name="ap-south-1",
        endpoint_url=endpoint,
        aws_access_key_id="any",
        aws_secret_access_key="any",
        config=config,
    ) as client:
        yield client


async def converse(
    client: Any, model_id: str = NOVA, system: str = SYSTEM, prompt: str = "Curam, Mumbai"
) -> Any:
    return await client.converse(
        modelId=model_id,
        system=[{"text": system}],
        messages=[{"role": "user", "content": [{"text": prompt}]}],
        inferenceConfig={"maxTokens": 512, "temperature": 0.2},
    )


def text_of(resp: dict) -> str:
    return resp["output"]["message"]["content"][0]["text"]


# ---- converse ----------------------------------------------------------------------------------------------


async def test_converse_answers_the_example_block(standin: StandIn) -> None:
    async with bedrock(standin.endpoint) as client:
        resp = await converse(client)
    assert resp["output"]["message"]["role"] == "assistant"
    assert json.loads(text_of(resp)) == EXAMPLE
    assert resp["stopReason"] == "end_turn"
    usage = resp["usage"]
    assert usage["inputTokens"] > 0 and usage["outputTokens"] > 0
    assert usage["totalTokens"] == usage["inputTokens"] + usage["outputTokens"]
    assert isinstance(resp["metrics"]["latencyMs"], int)


async def test_converse_without_example_answers_text_json(standin: StandIn) -> None:
    async with bedrock(standin.endpoint) as client:
        resp = await converse(client, system="Rewrite the tagline.", prompt="Fresh vegetables daily")
        again = await converse(client, system="Rewrite the tagline.", prompt="Fresh vegetables daily")
    answer = json.loads(text_of(resp))
    assert set(answer) == {"text"} and answer["text"]
    assert text_of(again) == text_of(resp)  # deterministic


async def test_model_ids_with_colons_and_inference_profile_arns(standin: StandIn) -> None:
    arn = "arn:aws:bedrock:ap-south-1:123456789012:inference-profile/apac.amazon.nova-pro-v1:0"
    async with bedrock(standin.endpoint) as client:
        await converse(client, model_id=NOVA)
        await converse(client, model_id=arn)
    assert [c["modelId"] for c in standin.calls()] == [NOVA, arn]


@pytest.mark.parametrize(
    ("error_type", "status"),
    [
        ("ThrottlingException", 429),
        ("ModelTimeoutException", 408),
        ("ValidationException", 400),
        ("ServiceUnavailableException", 503),
        ("AccessDeniedException", 403),
        ("ModelNotReadyException", 429),
        ("InternalServerException", 500),
    ],
)
async def test_errors_map_to_botocore_codes(standin: StandIn, error_type: str, status: int) -> None:
    standin.script(NOVA, {"kind": "error", "errorType": error_type})
    async with bedrock(standin.endpoint) as client:
        with pytest.raises(ClientError) as caught:
            await converse(client)
        modeled = getattr(client.exceptions, error_type)
    assert isinstance(caught.value, modeled)
    assert caught.value.response["Error"]["Code"] == error_type
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert caught.value.response["Error"]["Message"]


async def test_error_from_status_alone_and_custom_message(standin: StandIn) -> None:
    standin.script(
        NOVA, {"kind": "error", "status": 503}, {"kind": "error", "status": 429, "message": "slow down"}
    )
    async with bedrock(standin.endpoint) as client:
        with pytest.raises(ClientError) as first:
            await converse(client)
        with pytest.raises(ClientError) as second:
            await converse(client)
    assert first.value.response["Error"]["Code"] == "ServiceUnavailableException"
    assert second.value.response["Error"]["Code"] == "ThrottlingException"
    assert second.value.response["Error"]["Message"] == "slow down"


async def test_wire_error_shape_is_bedrocks(standin: StandIn) -> None:
    standin.script(NOVA, {"kind": "error", "errorType": "ThrottlingException"})
    body = {"messages": [{"role": "user", "content": [{"text": "hi"}]}]}
    r = httpx.post(f"{standin.endpoint}/model/amazon.nova-pro-v1%3A0/converse", json=body)  # no auth at all
    assert r.status_code == 429
    assert r.headers["x-amzn-errortype"].split(":")[0] == "ThrottlingException"
    assert set(r.json()) == {"message"}


async def test_delay_and_client_timeout(standin: StandIn) -> None:
    standin.script(NOVA, {"kind": "valid", "delayMs": 400}, {"kind": "valid", "delayMs": 1500})
    async with bedrock(standin.endpoint) as client:
        started = time.monotonic()
        await converse(client)
        assert time.monotonic() - started >= 0.4
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.3):
                await converse(client)
        assert time.monotonic() - started < 1.0


async def test_script_queue_is_per_model_in_order_then_default(standin: StandIn) -> None:
    standin.script(
        NOVA,
        {"kind": "error", "errorType": "ServiceUnavailableException"},
        {"kind": "valid", "text": '{"first": true}', "repeat": 2},
    )
    standin.script("*", {"kind": "valid", "text": '{"any": 1}'})
    async with bedrock(standin.endpoint) as client:
        with pytest.raises(ClientError):
            await converse(client)
        assert json.loads(text_of(await converse(client))) == {"first": True}
        assert json.loads(text_of(await converse(client))) == {"first": True}
        # NOVA's own queue is empty: the wildcard answers once, then the default again.
        assert json.loads(text_of(await converse(client))) == {"any": 1}
        assert json.loads(text_of(await converse(client))) == EXAMPLE
        assert json.loads(text_of(await converse(client, model_id=LLAMA))) == EXAMPLE
    kinds = [(c["modelId"], c["kind"], c["status"]) for c in standin.calls()]
    assert kinds == [
        (NOVA, "error", 503),
        (NOVA, "valid", 200),
        (NOVA, "valid", 200),
        (NOVA, "valid", 200),
        (NOVA, "valid", 200),
        (LLAMA, "valid", 200),
    ]


async def test_malformed_json_is_broken_but_repairable(standin: StandIn) -> None:
    json_repair = pytest.importorskip("json_repair")
    standin.script(NOVA, {"kind": "malformed_json"})
    async with bedrock(standin.endpoint) as client:
        text = text_of(await converse(client))
    assert text.startswith("```json")
    assert ",\n" in text and "},\n" in text  # trailing commas
    with pytest.raises(ValueError):
        json.loads(text)
    assert json_repair.loads(text) == EXAMPLE


async def test_missing_prices_drops_every_price(standin: StandIn) -> None:
    standin.script(NOVA, {"kind": "missing_prices"})
    async with bedrock(standin.endpoint) as client:
        answer = json.loads(text_of(await converse(client)))
    assert [p["name"] for p in answer["products"]] == ["Tomato", "Onion"]
    assert all("price_paise" not in p and "price" not in p for p in answer["products"])


async def test_unsafe_is_valid_json_with_a_prohibited_phrase(standin: StandIn) -> None:
    standin.script(NOVA, {"kind": "unsafe"}, {"kind": "unsafe", "text": "plain words"})
    async with bedrock(standin.endpoint) as client:
        first = text_of(await converse(client))
        second = text_of(await converse(client))
    # Still valid JSON, the phrase in a free-text field.
    assert json.loads(first)["name"] == f"Curam Also: {UNSAFE_PHRASE}."
    assert "pistols" in second


async def test_bad_requests_are_validation_exceptions_and_keep_the_queue(standin: StandIn) -> None:
    standin.script(NOVA, {"kind": "valid", "text": '{"kept": true}'})
    async with bedrock(standin.endpoint) as client:
        with pytest.raises(ClientError) as starts_with_assistant:
            await client.converse(modelId=NOVA, messages=[{"role": "assistant", "content": [{"text": "hi"}]}])
        with pytest.raises(ClientError) as blank:
            await client.converse(modelId=NOVA, messages=[{"role": "user", "content": [{"text": "  "}]}])
        assert json.loads(text_of(await converse(client))) == {"kept": True}
    for caught in (starts_with_assistant, blank):
        assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert [c["kind"] for c in standin.calls()] == ["rejected", "rejected", "valid"]


async def test_calls_log_filters_by_model(standin: StandIn) -> None:
    async with bedrock(standin.endpoint) as client:
        await converse(client, model_id=NOVA, prompt="one")
        await converse(client, model_id=LLAMA, prompt="two")
    calls = standin.calls(LLAMA)
    assert len(calls) == 1
    assert (
        calls[0]["operation"] == "converse" and calls[0]["prompt"] == "two" and calls[0]["at"].endswith("Z")
    )
    assert len(standin.calls()) == 2


async def test_script_rejects_unknown_kinds(standin: StandIn) -> None:
    r = httpx.post(f"{standin.endpoint}/_script", json={"modelId": NOVA, "answers": [{"kind": "nonsense"}]})
    assert r.status_code == 400 and r.headers["x-amzn-errortype"].startswith("ValidationException")


async def test_base_latency_is_configurable(standin: StandIn) -> None:
    standin.set_latency(300)
    try:
        async with bedrock(standin.endpoint) as client:
            started = time.monotonic()
            await converse(client)
            assert time.monotonic() - started >= 0.3
    finally:
        standin.set_latency(0)


# ---- images ------------------------------------------------------------------------------------------------


def assert_png(raw: bytes) -> tuple[int, int]:
    """Signature, chunk CRCs, IHDR and the decompressed scanline size all check out."""
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(raw):
        (length,) = struct.unpack(">I", raw[pos : pos + 4])
        kind, data = raw[pos + 4 : pos + 8], raw[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", raw[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + data) & 0xFFFFFFFF == crc
        chunks[kind] = data
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour) == (8, 2)
    assert len(zlib.decompress(chunks[b"IDAT"])) == height * (1 + 3 * width)
    assert b"IEND" in chunks
    return width, height


IMAGE_CASES = [
    (
        "amazon.titan-image-generator-v1",
        {
            "taskType": "TEXT_IMAGE",
            "textToImageParams": {"text": "fresh tomatoes in a basket"},
            "imageGenerationConfig": {"numberOfImages": 1, "width": 512, "height": 384, "seed": 7},
        },
        (512, 384),
    ),
    (
        "stability.stable-diffusion-xl-v1",
        {"text_prompts": [{"text": "fresh tomatoes"}], "width": 1152, "height": 896, "seed": 7},
        (1152, 896),
    ),
    (
        "stability.sd3-large-v1:0",
        {"prompt": "fresh tomatoes", "aspect_ratio": "16:9", "seed": 7},
        (1024, 576),
    ),
]


def image_b64(model_id: str, body: dict) -> str:
    if model_id.startswith("stability.stable-diffusion-xl"):
        assert body["result"] == "success" and body["artifacts"][0]["finishReason"] == "SUCCESS"
        return body["artifacts"][0]["base64"]
    assert body["images"]
    return body["images"][0]


@pytest.mark.parametrize(("model_id", "request_body", "size"), IMAGE_CASES)
async def test_invoke_returns_a_valid_png_per_family(standin: StandIn, model_id, request_body, size) -> None:
    async with bedrock(standin.endpoint) as client:
        resp = await client.invoke_model(
            modelId=model_id,
            body=json.dumps(request_body),
            contentType="application/json",
            accept="application/json",
        )
        body = json.loads(await resp["body"].read())
        again = json.loads(
            await (await client.invoke_model(modelId=model_id, body=json.dumps(request_body)))["body"].read()
        )
    raw = base64.b64decode(image_b64(model_id, body))
    assert assert_png(raw) == size
    assert image_b64(model_id, again) == image_b64(model_id, body)  # deterministic for (model, prompt, seed)
    call = standin.calls(model_id)[0]
    assert call["operation"] == "invoke" and call["seed"] == 7 and call["status"] == 200


async def test_invoke_content_filter_answers(standin: StandIn) -> None:
    for model_id, _, _ in IMAGE_CASES:
        standin.script(model_id, {"kind": "unsafe"})
    async with bedrock(standin.endpoint) as client:
        titan_id, titan_body, _ = IMAGE_CASES[0]
        with pytest.raises(ClientError) as blocked:
            await client.invoke_model(modelId=titan_id, body=json.dumps(titan_body))
        sdxl = json.loads(
            await (await client.invoke_model(modelId=IMAGE_CASES[1][0], body=json.dumps(IMAGE_CASES[1][1])))[
                "body"
            ].read()
        )
        sd3 = json.loads(
            await (await client.invoke_model(modelId=IMAGE_CASES[2][0], body=json.dumps(IMAGE_CASES[2][1])))[
                "body"
            ].read()
        )
    assert blocked.value.response["Error"]["Code"] == "ValidationException"
    assert "content filters" in blocked.value.response["Error"]["Message"]
    assert sdxl["artifacts"][0]["finishReason"] == "CONTENT_FILTERED"
    assert sd3["finish_reasons"][0].startswith("Filter reason")


async def test_invoke_errors_and_prompt_limits(standin: StandIn) -> None:
    titan_id, titan_body, _ = IMAGE_CASES[0]
    standin.script(titan_id, {"kind": "error", "errorType": "ThrottlingException"})
    too_long = {**titan_body, "textToImageParams": {"text": "x " * 300}}  # Titan takes 512 characters at most
    async with bedrock(standin.endpoint) as client:
        with pytest.raises(ClientError) as throttled:
            await client.invoke_model(modelId=titan_id, body=json.dumps(titan_body))
        with pytest.raises(ClientError) as long_prompt:
            await client.invoke_model(modelId=titan_id, body=json.dumps(too_long))
    assert throttled.value.response["Error"]["Code"] == "ThrottlingException"
    assert long_prompt.value.response["Error"]["Code"] == "ValidationException"
