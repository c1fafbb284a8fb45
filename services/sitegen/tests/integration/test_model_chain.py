"""The model chain against the Bedrock stand-in (a real HTTP server in a subprocess): every failure mode ends in a
valid answer or `ModelChainExhausted`, and the recorded attempts say exactly what happened.

The validators here are deliberately trivial (json.loads + required keys), so these tests do not depend on the
domain's validation; `test_repairing_validator_accepts_malformed_json` shows the auto-fix path."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import json_repair
import pytest

from sitegen.adapters import models
from sitegen.adapters.models import (
    Attempt,
    BedrockRuntime,
    BedrockSettings,
    ImageModelChain,
    ModelChainExhausted,
    TextModelChain,
    build_model_chains,
    estimate_cost_paise,
    is_png,
)
from webdpro_core.errors import FieldError, Problem, ValidationProblem
from webdpro_local.bedrock import StandIn, running_standin

NOVA = "amazon.nova-pro-v1:0"
LLAMA = "meta.llama3-70b-instruct-v1:0"
CLAUDE = "anthropic.claude-3-haiku-20240307-v1:0"
CHAIN = [NOVA, LLAMA, CLAUDE]
TITAN = "amazon.titan-image-generator-v1"
SDXL = "stability.stable-diffusion-xl-v1"

EXAMPLE = {
    "categories": [{"id": "veg", "name": "Vegetables"}],
    "products": [
        {"name": "Tomato", "description": "Fresh red tomatoes", "price_paise": 4000},
        {"name": "Onion", "description": "Nashik onions", "price_paise": 3000},
    ],
}
SYSTEM = f"Write the catalog. Answer with ONE JSON object shaped like <<example>>{json.dumps(EXAMPLE)}<<end>>"
PROMPT = "Curam - fresh vegetables, Mumbai"


def check(text: str) -> dict[str, Any]:
    """Strict: plain JSON with priced products; 'pistol' anywhere is refused."""
    if "pistol" in text.lower():
        raise Problem("The answer offers weapons", code="PROMPT_REFUSED", status=422)
    data = json.loads(text)
    errors = [
        FieldError(f"products[{i}].price_paise", "required: an integer amount in paise")
        for i, p in enumerate(data.get("products") or [])
        if not isinstance(p.get("price_paise"), int)
    ]
    if not data.get("products"):
        errors.append(FieldError("products", "required"))
    if errors:
        raise ValidationProblem("The catalog is not valid", errors=errors)
    return data


def repairing_check(text: str) -> dict[str, Any]:
    """Like the domain's validators: broken JSON is repaired before it is checked."""
    return check(json.dumps(json_repair.loads(text)))


@pytest.fixture(scope="module")
def standin() -> Iterator[StandIn]:
    with running_standin() as s:
        yield s


@pytest.fixture(autouse=True)
def _reset(standin: StandIn) -> None:
    standin.reset()


@pytest.fixture(scope="module")
async def runtime(standin: StandIn) -> AsyncIterator[BedrockRuntime]:
    rt = BedrockRuntime(endpoint_url=standin.endpoint)
    yield rt
    await rt.close()


class _Log:
    """Stands in for the module's structlog logger, so the test sees every event it emits."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str, dict[str, Any]]] = []

    def __getattr__(self, level: str):
        return lambda event, **kw: self.events.append((level, event, kw))


@pytest.fixture
def logged(monkeypatch: pytest.MonkeyPatch) -> _Log:
    log = _Log()
    monkeypatch.setattr(models, "log", log)
    return log


def text_chain(runtime: BedrockRuntime, ids: list[str] = CHAIN, **kw: Any) -> TextModelChain:
    kw.setdefault("timeout_s", 2.0)  # generous for answers that should come at once; timeout tests pass 0.5
    kw.setdefault("throttle_retry_delay_s", 0.05)
    return TextModelChain(ids, runtime=runtime, **kw)


async def run(chain: TextModelChain, validate=check) -> tuple[dict[str, Any], list[Attempt]]:
    return await chain.complete("catalog", SYSTEM, PROMPT, validate, tenant_id="ten_1", store_id="sto_1")


def steps(attempts: list[Attempt]) -> list[tuple[str, str, str | None]]:
    return [(a.model_id, a.outcome, a.next_step) for a in attempts]


# ---- text: the happy path ----------------------------------------------------------------------------------


async def test_first_model_answers(standin: StandIn, runtime: BedrockRuntime, logged: _Log) -> None:
    answer, attempts = await run(text_chain(runtime))
    assert answer == EXAMPLE
    assert steps(attempts) == [(NOVA, "ok", None)]
    a = attempts[0]
    assert (a.operation, a.stage, a.tenant_id, a.store_id) == ("converse", "catalog", "ten_1", "sto_1")
    assert a.input_tokens > 0 and a.output_tokens > 0 and a.images == 0 and a.fallback_reason is None
    assert a.estimated_cost_paise == estimate_cost_paise(NOVA, a.input_tokens, a.output_tokens) >= 1
    assert [c["modelId"] for c in standin.calls()] == [NOVA]
    assert standin.calls()[0]["system"] == SYSTEM
    assert [e[1] for e in logged.events] == ["model.call"]


# ---- text: invalid answers ---------------------------------------------------------------------------------


async def test_malformed_json_is_retried_on_the_same_model_with_the_errors(
    standin: StandIn, runtime: BedrockRuntime
) -> None:
    standin.script(NOVA, {"kind": "malformed_json"})
    answer, attempts = await run(text_chain(runtime))
    assert answer == EXAMPLE
    assert steps(attempts) == [(NOVA, "invalid", "retry_same_model"), (NOVA, "ok", None)]
    assert "JSONDecodeError" in attempts[0].fallback_reason
    assert attempts[0].input_tokens > 0  # a bad answer still used (and cost) tokens
    retry = standin.calls()[1]
    assert retry["turns"] == 3  # user prompt, the rejected answer, the feedback
    assert "could not be used" in retry["prompt"] and "JSONDecodeError" in retry["prompt"]


async def test_repairing_validator_accepts_malformed_json(standin: StandIn, runtime: BedrockRuntime) -> None:
    standin.script(NOVA, {"kind": "malformed_json"})
    answer, attempts = await run(text_chain(runtime), repairing_check)
    assert answer == EXAMPLE
    assert steps(attempts) == [(NOVA, "ok", None)]


async def test_missing_prices_are_fed_back_field_by_field(standin: StandIn, runtime: BedrockRuntime) -> None:
    standin.script(NOVA, {"kind": "missing_prices"})
    answer, attempts = await run(text_chain(runtime))
    assert answer == EXAMPLE
    assert steps(attempts) == [(NOVA, "invalid", "retry_same_model"), (NOVA, "ok", None)]
    assert attempts[0].error_code == "VALIDATION_FAILED"
    assert "products[0].price_paise" in attempts[0].fallback_reason
    feedback = standin.calls()[1]["prompt"]
    assert "- products[0].price_paise: required" in feedback and "- products[1].price_paise" in feedback


async def test_invalid_twice_moves_to_the_next_model(
    standin: StandIn, runtime: BedrockRuntime, logged: _Log
) -> None:
    standin.script(NOVA, {"kind": "missing_prices"}, {"kind": "malformed_json"})
    answer, attempts = await run(text_chain(runtime))
    assert answer == EXAMPLE
    assert steps(attempts) == [
        (NOVA, "invalid", "retry_same_model"),
        (NOVA, "invalid", "next_model"),
        (LLAMA, "ok", None),
    ]
    assert [c["modelId"] for c in standin.calls()] == [NOVA, NOVA, LLAMA]
    assert standin.calls()[2]["turns"] == 1  # the next model starts from a clean conversation
    fallback = [kw for level, event, kw in logged.events if event == "model.fallback"]
    assert len(fallback) == 1 and fallback[0]["model_id"] == NOVA and fallback[0]["next_model"] == LLAMA


# ---- text: refusals ----------------------------------------------------------------------------------------


async def test_unsafe_answer_is_refused_and_the_next_model_asked(
    standin: StandIn, runtime: BedrockRuntime, logged: _Log
) -> None:
    standin.script(NOVA, {"kind": "unsafe"})
    answer, attempts = await run(text_chain(runtime))
    assert answer == EXAMPLE
    assert steps(attempts) == [(NOVA, "refused", "next_model"), (LLAMA, "ok", None)]  # no retry on a refusal
    assert attempts[0].error_code == "PROMPT_REFUSED" and "weapons" in attempts[0].fallback_reason
    assert any(e[1] == "model.fallback" and e[2]["outcome"] == "refused" for e in logged.events)


async def test_domain_unsafe_output_code_counts_as_refused(standin: StandIn, runtime: BedrockRuntime) -> None:
    def unsafe_checker(text: str) -> dict:
        if "pistol" in text:
            raise Problem("unsafe output", code="MODEL_OUTPUT_UNSAFE", status=422)
        return check(text)

    standin.script(NOVA, {"kind": "unsafe"})
    _, attempts = await run(text_chain(runtime), unsafe_checker)
    assert steps(attempts)[0] == (NOVA, "refused", "next_model")


# ---- text: errors, throttling, timeouts --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error_type", "status", "outcome"),
    [
        ("ValidationException", 400, "error"),
        ("AccessDeniedException", 403, "error"),
        ("ResourceNotFoundException", 404, "error"),
        ("ModelTimeoutException", 408, "timeout"),
        ("ModelNotReadyException", 429, "error"),
        ("InternalServerException", 500, "error"),
        ("ServiceUnavailableException", 503, "error"),
    ],
)
async def test_4xx_and_5xx_fall_back_at_once(
    standin: StandIn, runtime: BedrockRuntime, error_type: str, status: int, outcome: str
) -> None:
    standin.script(NOVA, {"kind": "error", "errorType": error_type})
    answer, attempts = await run(text_chain(runtime))
    assert answer == EXAMPLE
    assert steps(attempts) == [(NOVA, outcome, "next_model"), (LLAMA, "ok", None)]
    assert attempts[0].error_code == error_type
    assert f"{error_type} ({status})" in attempts[0].fallback_reason
    assert (attempts[0].input_tokens, attempts[0].estimated_cost_paise) == (0, 0)
    assert [c["modelId"] for c in standin.calls()] == [NOVA, LLAMA]


async def test_throttling_gets_one_quick_retry(standin: StandIn, runtime: BedrockRuntime) -> None:
    standin.script(NOVA, {"kind": "error", "errorType": "ThrottlingException"})
    answer, attempts = await run(text_chain(runtime))
    assert answer == EXAMPLE
    assert steps(attempts) == [(NOVA, "error", "retry_same_model"), (NOVA, "ok", None)]


async def test_throttled_twice_falls_back(standin: StandIn, runtime: BedrockRuntime) -> None:
    standin.script(NOVA, {"kind": "error", "errorType": "ThrottlingException", "repeat": 2})
    answer, attempts = await run(text_chain(runtime))
    assert answer == EXAMPLE
    assert steps(attempts) == [
        (NOVA, "error", "retry_same_model"),
        (NOVA, "error", "next_model"),
        (LLAMA, "ok", None),
    ]


async def test_slow_answer_times_out_and_falls_back(standin: StandIn, runtime: BedrockRuntime) -> None:
    # The answer would take 6 s: finishing far sooner proves the timeout cut it (bounds loose for a busy machine).
    standin.script(NOVA, {"kind": "valid", "delayMs": 6000})
    started = time.monotonic()
    answer, attempts = await run(text_chain(runtime, timeout_s=0.5))
    elapsed = time.monotonic() - started
    assert answer == EXAMPLE
    assert steps(attempts) == [(NOVA, "timeout", "next_model"), (LLAMA, "ok", None)]
    assert attempts[0].fallback_reason == "no answer within 0.5 s"
    assert 450 <= attempts[0].latency_ms < 4000
    assert elapsed < 4.5


async def test_chain_budget_caps_the_whole_call(standin: StandIn, runtime: BedrockRuntime) -> None:
    standin.script(NOVA, {"kind": "valid", "delayMs": 6000})
    started = time.monotonic()
    with pytest.raises(ModelChainExhausted) as exhausted:
        await run(text_chain(runtime, timeout_s=0.5, budget_s=0.3))
    assert time.monotonic() - started < 4.5
    assert steps(exhausted.value.attempts) == [(NOVA, "timeout", "exhausted")]


# ---- text: exhausted ---------------------------------------------------------------------------------------


async def test_every_model_failing_raises_exhausted_with_every_attempt(
    standin: StandIn, runtime: BedrockRuntime, logged: _Log
) -> None:
    standin.script(NOVA, {"kind": "error", "errorType": "AccessDeniedException"})
    standin.script(LLAMA, {"kind": "unsafe"})
    standin.script(CLAUDE, {"kind": "malformed_json"}, {"kind": "missing_prices"})
    with pytest.raises(ModelChainExhausted) as exhausted:
        await run(text_chain(runtime))
    assert steps(exhausted.value.attempts) == [
        (NOVA, "error", "next_model"),
        (LLAMA, "refused", "next_model"),
        (CLAUDE, "invalid", "retry_same_model"),
        (CLAUDE, "invalid", "exhausted"),
    ]
    assert all(a.fallback_reason for a in exhausted.value.attempts)
    assert exhausted.value.stage == "catalog"
    events = [e[1] for e in logged.events]
    assert events == ["model.fallback", "model.fallback", "model.retry", "model.chain_exhausted"]


async def test_no_model_configured_is_exhausted_at_once(runtime: BedrockRuntime) -> None:
    chain = text_chain(runtime, ids=[])
    assert not chain.enabled
    with pytest.raises(ModelChainExhausted) as exhausted:
        await run(chain)
    assert exhausted.value.attempts == []


async def test_unreachable_endpoint_is_an_error_not_a_crash() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    rt = BedrockRuntime(endpoint_url=f"http://127.0.0.1:{port}", connect_timeout_s=0.3)
    try:
        with pytest.raises(ModelChainExhausted) as exhausted:
            await run(text_chain(rt, ids=[NOVA, LLAMA]))
    finally:
        await rt.close()
    assert [(a.outcome, a.error_code) for a in exhausted.value.attempts] == [
        ("error", "EndpointConnectionError"),
        ("error", "EndpointConnectionError"),
    ]


# ---- costs and wiring --------------------------------------------------------------------------------------


def test_cost_estimates() -> None:
    # Nova Pro: $0.0008 in + $0.0032 out per 1k tokens at ₹84/$ = 33.6 paise → 34 (rounded up).
    assert estimate_cost_paise(NOVA, 1000, 1000) == 34
    assert estimate_cost_paise("us.amazon.nova-pro-v1:0", 1000, 1000) == 34  # inference profile, same price
    assert estimate_cost_paise(CLAUDE, 0, 0) == 0
    assert estimate_cost_paise(SDXL, images=1) == 336
    assert estimate_cost_paise("some.unknown-model", 1000, 0) > 0  # never free


def test_build_model_chains_from_settings() -> None:
    from webdpro_core.settings import load

    empty = build_model_chains(load(BedrockSettings, {}))
    assert (empty.text, empty.image) == (None, None)
    settings = load(
        BedrockSettings,
        {"WEBDPRO_TEXT_MODEL_IDS": f"{NOVA}, {LLAMA}", "WEBDPRO_MODEL_TIMEOUT_SECONDS": "2.5"},
        image_model_ids=f"{TITAN},{SDXL}",
        bedrock_endpoint_url="http://127.0.0.1:4577",
    )
    chains = build_model_chains(settings)
    assert chains.text.model_ids == [NOVA, LLAMA] and chains.text.timeout_s == 2.5
    assert chains.image.model_ids == [TITAN, SDXL]
    assert chains.text.runtime is chains.image.runtime
    assert chains.runtime.endpoint_url == "http://127.0.0.1:4577"


# ---- images ------------------------------------------------------------------------------------------------


def image_chain(
    runtime: BedrockRuntime, ids: list[str] | None = None, timeout_s: float = 2.0
) -> ImageModelChain:
    return ImageModelChain(
        ids or [TITAN, SDXL], runtime=runtime, timeout_s=timeout_s, throttle_retry_delay_s=0.05
    )


async def gen(chain: ImageModelChain, prompt: str = "fresh tomatoes in a wicker basket"):
    return await chain.generate(prompt, seed=42, width=600, height=400, tenant_id="ten_1", store_id="sto_1")


async def test_image_from_the_first_model(standin: StandIn, runtime: BedrockRuntime) -> None:
    png, attempts = await gen(image_chain(runtime), "tomatoes " * 200)  # over Titan's 512 characters
    assert png is not None and is_png(png)
    assert steps(attempts) == [(TITAN, "ok", None)]
    assert attempts[0].images == 1 and attempts[0].operation == "invoke" and attempts[0].stage == "images"
    assert attempts[0].estimated_cost_paise == 84
    call = standin.calls()[0]
    assert (call["width"], call["height"], call["seed"]) == (576, 384, 42)  # snapped to multiples of 64
    assert len(call["prompt"]) <= 512


@pytest.mark.parametrize(
    ("answer", "outcome"),
    [
        ({"kind": "unsafe"}, "refused"),
        ({"kind": "malformed_json"}, "invalid"),
        ({"kind": "error", "errorType": "ServiceUnavailableException"}, "error"),
        ({"kind": "error", "errorType": "AccessDeniedException"}, "error"),
        ({"kind": "valid", "delayMs": 1500}, "timeout"),
    ],
)
async def test_image_failures_fall_back_to_stable_diffusion(
    standin: StandIn, runtime: BedrockRuntime, answer: dict, outcome: str
) -> None:
    standin.script(TITAN, answer)
    png, attempts = await gen(image_chain(runtime, timeout_s=0.5 if "delayMs" in answer else 2.0))
    assert png is not None and is_png(png)
    assert steps(attempts) == [(TITAN, outcome, "next_model"), (SDXL, "ok", None)]
    sdxl_call = standin.calls(SDXL)[0]
    assert (sdxl_call["width"], sdxl_call["height"]) == (1216, 832)  # the SDXL size closest to 3:2


async def test_sdxl_content_filter_and_exhaustion(standin: StandIn, runtime: BedrockRuntime) -> None:
    standin.script(TITAN, {"kind": "error", "errorType": "ThrottlingException", "repeat": 2})
    standin.script(SDXL, {"kind": "unsafe"})
    png, attempts = await gen(image_chain(runtime))
    assert png is None  # the caller keeps the offline SVG art
    assert steps(attempts) == [
        (TITAN, "error", "retry_same_model"),
        (TITAN, "error", "next_model"),
        (SDXL, "refused", "exhausted"),
    ]
    assert "content filter" in attempts[-1].fallback_reason


async def test_stable_image_family(standin: StandIn, runtime: BedrockRuntime) -> None:
    png, attempts = await gen(image_chain(runtime, ["stability.sd3-large-v1:0"]))
    assert png is not None and is_png(png)
    assert steps(attempts) == [("stability.sd3-large-v1:0", "ok", None)]
    assert standin.calls()[0]["family"] == "stability"
