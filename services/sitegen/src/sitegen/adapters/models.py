"""The model chain: Amazon Bedrock text and image models tried in order, every attempt recorded.

Text (`TextModelChain.complete`): each configured model in order (WEBDPRO_TEXT_MODEL_IDS, e.g.
"amazon.nova-pro-v1:0,meta.llama3-70b-instruct-v1:0,anthropic.claude-3-haiku-20240307-v1:0") is asked through
Bedrock `Converse`. Per model:
  - the answer goes through the caller's `validate(text)`; a validation failure (`ValidationProblem`, any `Problem`
    with field errors, `ValueError`/msgspec errors or any other exception from the validator) is retried ONCE on
    the same model with the errors fed back as a follow-up turn, then the chain moves to the next model;
  - a refusal (`Problem` with code PROMPT_REFUSED or MODEL_OUTPUT_UNSAFE from the validator, or a Converse
    `stopReason` of content_filtered / guardrail_intervened) moves to the next model at once;
  - ThrottlingException gets one quick retry on the same model; every other 4xx/5xx, a connection failure or a
    timeout (ours: `timeout_s`, or Bedrock's ModelTimeoutException) moves to the next model at once.
When every model has failed, `ModelChainExhausted(attempts)` is raised and the caller uses the offline generator
(and records that fallback itself). With no model configured the chain raises it at once (`enabled` is False).

Images (`ImageModelChain.generate`): the same, one call per model (no validation retry), answering PNG bytes or
None when exhausted (the caller keeps the offline SVG art). The request body follows the model id family:
Stability SDXL (`text_prompts`, fixed SDXL sizes → `artifacts`), Stability SD3 / Stable Image (`prompt`,
`aspect_ratio` → `images`), Amazon Titan Image / Nova Canvas (`TEXT_IMAGE` → `images`); sizes and seeds are
snapped to what each family accepts, the prompt is trimmed to its limit.

Every attempt is an `Attempt` (model, operation, stage, tokens, images, latency, outcome, why it was not used,
what followed, estimated cost in paise). Costs are ESTIMATES from `PRICES` (Bedrock on-demand list prices in USD
converted at `USD_TO_PAISE`, per 1,000 tokens and per image), rounded up to a whole paise per call; they are for
the founder's AI-usage view, not for billing.

The client is aiobotocore's `bedrock-runtime` with its own endpoint (WEBDPRO_BEDROCK_ENDPOINT_URL: the local
stand-in, `python -m webdpro_local.bedrock`; unset = AWS), its own region (WEBDPRO_BEDROCK_REGION, default
AWS_DEFAULT_REGION) and no SDK retries: the chain decides what to retry.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import dataclasses
import inspect
import json
import math
import re
import struct
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, TypeVar

from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.exceptions import BotoCoreError, ClientError, ConnectTimeoutError, ReadTimeoutError

from webdpro_core import clock
from webdpro_core.errors import Problem
from webdpro_core.settings import BaseSettings, load
from webdpro_observability import get_logger, tracer

log = get_logger("sitegen.models")
T = TypeVar("T")

Outcome = Literal["ok", "invalid", "error", "timeout", "refused"]
NextStep = Literal["retry_same_model", "next_model", "exhausted"]
REFUSAL_CODES = frozenset({"PROMPT_REFUSED", "MODEL_OUTPUT_UNSAFE"})
_REFUSED_STOP_REASONS = frozenset({"content_filtered", "guardrail_intervened"})
_TIMEOUT_CODES = frozenset({"ModelTimeoutException"})
_THROTTLE_CODES = frozenset({"ThrottlingException"})

# ---- cost estimates ----------------------------------------------------------------------------------------

USD_TO_PAISE = 8400  # ₹84 per US dollar


@dataclass(frozen=True, slots=True)
class Price:
    """USD list prices (on-demand): per 1,000 input / output tokens, or per image."""

    input_per_1k: float = 0.0
    output_per_1k: float = 0.0
    per_image: float = 0.0


# Longest prefix wins; the ids are matched after dropping an inference-profile prefix ("us.", "apac.", …).
PRICES: dict[str, Price] = {
    "amazon.nova-micro": Price(0.000035, 0.00014),
    "amazon.nova-lite": Price(0.00006, 0.00024),
    "amazon.nova-pro": Price(0.0008, 0.0032),
    "amazon.nova-premier": Price(0.0025, 0.0125),
    "amazon.titan-text-lite": Price(0.00015, 0.0002),
    "amazon.titan-text-express": Price(0.0002, 0.0006),
    "amazon.titan-text-premier": Price(0.0005, 0.0015),
    "meta.llama3-8b": Price(0.0003, 0.0006),
    "meta.llama3-70b": Price(0.00265, 0.0035),
    "meta.llama3-1-8b": Price(0.00022, 0.00022),
    "meta.llama3-1-70b": Price(0.00072, 0.00072),
    "meta.llama3-3-70b": Price(0.00072, 0.00072),
    "anthropic.claude-3-haiku": Price(0.00025, 0.00125),
    "anthropic.claude-3-5-haiku": Price(0.0008, 0.004),
    "anthropic.claude-3-sonnet": Price(0.003, 0.015),
    "anthropic.claude-3-5-sonnet": Price(0.003, 0.015),
    "anthropic.claude-3-7-sonnet": Price(0.003, 0.015),
    "anthropic.claude-3-opus": Price(0.015, 0.075),
    "mistral.mistral-7b": Price(0.00015, 0.0002),
    "mistral.mixtral-8x7b": Price(0.00045, 0.0007),
    "mistral.mistral-large": Price(0.004, 0.012),
    "amazon.titan-image-generator-v1": Price(per_image=0.01),
    "amazon.titan-image-generator-v2": Price(per_image=0.01),
    "amazon.nova-canvas": Price(per_image=0.04),
    "stability.stable-diffusion-xl": Price(per_image=0.04),
    "stability.sd3": Price(per_image=0.08),
    "stability.stable-image-core": Price(per_image=0.04),
    "stability.stable-image-ultra": Price(per_image=0.14),
}
DEFAULT_PRICE = Price(0.003, 0.015, 0.04)  # unknown model: priced like a mid-size model, never as free

_PROFILE_PREFIX = re.compile(r"^(?:us|eu|apac|jp|au|ca|us-gov|global)\.")


def base_model_id(model_id: str) -> str:
    """`arn:aws:bedrock:…:inference-profile/us.amazon.nova-pro-v1:0` → `amazon.nova-pro-v1:0`."""
    mid = model_id.rsplit("/", 1)[-1].lower()
    return _PROFILE_PREFIX.sub("", mid)


def price_for(model_id: str) -> Price:
    mid = base_model_id(model_id)
    best = max((k for k in PRICES if mid.startswith(k)), key=len, default=None)
    return PRICES[best] if best else DEFAULT_PRICE


def estimate_cost_paise(model_id: str, input_tokens: int = 0, output_tokens: int = 0, images: int = 0) -> int:
    """Estimated cost of one call in whole paise (rounded up; 0 only when nothing was used)."""
    p = price_for(model_id)
    usd = input_tokens / 1000 * p.input_per_1k + output_tokens / 1000 * p.output_per_1k + images * p.per_image
    return math.ceil(round(usd * USD_TO_PAISE, 6))


# ---- attempts ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Attempt:
    """One model call. `fallback_reason` says why its answer was not used (None when `outcome == "ok"`);
    `next_step` says what the chain did next (None when ok)."""

    model_id: str
    operation: Literal["converse", "invoke"]
    stage: str
    input_tokens: int = 0
    output_tokens: int = 0
    images: int = 0
    latency_ms: int = 0
    outcome: Outcome = "ok"
    fallback_reason: str | None = None
    estimated_cost_paise: int = 0
    error_code: str | None = None  # Bedrock error code, or the validator's Problem code
    next_step: NextStep | None = None
    tenant_id: str | None = None
    store_id: str | None = None
    at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class ModelChainExhausted(Exception):
    """Every configured model failed (or none is configured); `attempts` lists what was tried, in order."""

    def __init__(self, attempts: list[Attempt], stage: str = "") -> None:
        last = attempts[-1].fallback_reason if attempts else "no model is configured"
        super().__init__(
            f"model chain exhausted for stage {stage or '?'} after {len(attempts)} attempts: {last}"
        )
        self.attempts = attempts
        self.stage = stage


# ---- the client --------------------------------------------------------------------------------------------


class BedrockSettings(BaseSettings, kw_only=True, frozen=True):
    """The environment the client reads when no service settings are passed (`load(BedrockSettings)`)."""

    bedrock_endpoint_url: str | None = None  # WEBDPRO_BEDROCK_ENDPOINT_URL; None = AWS
    bedrock_region: str | None = None  # WEBDPRO_BEDROCK_REGION; None = AWS_DEFAULT_REGION
    text_model_ids: str = ""  # WEBDPRO_TEXT_MODEL_IDS, comma separated, in fallback order
    image_model_ids: str = ""  # WEBDPRO_IMAGE_MODEL_IDS
    model_timeout_seconds: float = 30.0  # WEBDPRO_MODEL_TIMEOUT_SECONDS, per call


class BedrockRuntime:
    """A lazily created aiobotocore `bedrock-runtime` client, shared by the text and image chains.

    `endpoint_url` None → AWS. Against a local endpoint with no credentials configured, dummy ones are used
    (the stand-in does not check SigV4, but botocore will not send an unsigned request)."""

    def __init__(
        self,
        *,
        endpoint_url: str | None = None,
        region: str = "ap-south-1",
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        connect_timeout_s: float = 2.0,
        read_timeout_s: float = 120.0,
        max_pool_connections: int = 32,
    ) -> None:
        self.endpoint_url = endpoint_url
        self.region = region
        self._creds = (access_key_id, secret_access_key)
        self._config = AioConfig(
            retries={"total_max_attempts": 1, "mode": "standard"},  # the chain does its own retries
            connect_timeout=connect_timeout_s,
            read_timeout=read_timeout_s,
            max_pool_connections=max_pool_connections,
        )
        self._stack = AsyncExitStack()
        self._client: Any = None
        self._lock = asyncio.Lock()

    @classmethod
    def from_settings(cls, settings: Any) -> BedrockRuntime:
        """From a settings object with `bedrock_endpoint_url` (WEBDPRO_BEDROCK_ENDPOINT_URL), optional
        `bedrock_region`, `aws_region`, `aws_access_key_id`, `aws_secret_access_key`, `model_timeout_seconds`."""
        timeout = float(getattr(settings, "model_timeout_seconds", 30.0) or 30.0)
        return cls(
            endpoint_url=getattr(settings, "bedrock_endpoint_url", None) or None,
            region=getattr(settings, "bedrock_region", None) or getattr(settings, "aws_region", "ap-south-1"),
            access_key_id=getattr(settings, "aws_access_key_id", None),
            secret_access_key=getattr(settings, "aws_secret_access_key", None),
            read_timeout_s=timeout + 5,
        )

    async def client(self) -> Any:
        if self._client is not None:
            return self._client
        async with self._lock:
            if self._client is None:
                kwargs: dict[str, Any] = {"region_name": self.region, "config": self._config}
                key, secret = self._creds
                if self.endpoint_url:
                    kwargs["endpoint_url"] = self.endpoint_url
                    if not key:
                        key, secret = "local", "local"
                if key:
                    kwargs["aws_access_key_id"] = key
                    kwargs["aws_secret_access_key"] = secret
                creator = get_session().create_client("bedrock-runtime", **kwargs)
                self._client = await self._stack.enter_async_context(creator)
        return self._client

    async def close(self) -> None:
        self._client = None
        await self._stack.aclose()


# ---- shared call handling ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Failure:
    outcome: Outcome
    reason: str
    code: str | None = None
    throttled: bool = False


def _classify(exc: BaseException, timeout_s: float) -> _Failure:
    if isinstance(exc, TimeoutError | ReadTimeoutError | ConnectTimeoutError):
        return _Failure("timeout", f"no answer within {timeout_s:g} s", "Timeout")
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = err.get("Code") or "ClientError"
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        message = (err.get("Message") or "")[:300]
        reason = f"{code} ({status}): {message}" if status else f"{code}: {message}"
        if code in _TIMEOUT_CODES:
            return _Failure("timeout", reason, code)
        if code == "ValidationException" and "content filter" in message.lower():
            return _Failure("refused", reason, code)
        return _Failure("error", reason, code, throttled=code in _THROTTLE_CODES)
    if isinstance(exc, BotoCoreError | OSError):
        return _Failure("error", f"{type(exc).__name__}: {str(exc)[:300]}", type(exc).__name__)
    return _Failure("error", f"{type(exc).__name__}: {str(exc)[:300]}", type(exc).__name__)


def _problem_lines(exc: BaseException, limit: int = 20) -> list[str]:
    errors = getattr(exc, "errors", None)
    if isinstance(exc, Problem) and errors:
        lines = [f"{e.field}: {e.message}" for e in errors[:limit]]
        if len(errors) > limit:
            lines.append(f"... and {len(errors) - limit} more")
        return lines
    if isinstance(exc, Problem):
        return [exc.detail[:500]]
    return [f"{type(exc).__name__}: {exc}"[:500]]


def feedback_message(exc: BaseException) -> str:
    """The follow-up turn sent to the same model after an invalid answer."""
    lines = "\n".join(f"- {line}" for line in _problem_lines(exc))
    return (
        "Your previous answer could not be used. Fix these problems and answer again with the complete JSON "
        f"object only (no markdown fences, no comments, no prose):\n{lines}"
    )


def _is_refusal(exc: BaseException) -> bool:
    return isinstance(exc, Problem) and exc.code in REFUSAL_CODES


class _ChainBase:
    operation: Literal["converse", "invoke"]

    def __init__(
        self,
        model_ids: Sequence[str],
        *,
        runtime: BedrockRuntime | None = None,
        timeout_s: float = 30.0,
        budget_s: float | None = None,
        throttle_retry_delay_s: float = 0.5,
    ) -> None:
        self.model_ids = [m.strip() for m in model_ids if m and m.strip()]
        self._owns_runtime = runtime is None
        self.runtime = runtime or BedrockRuntime.from_settings(load(BedrockSettings))
        self.timeout_s = timeout_s
        self.budget_s = budget_s
        self.throttle_retry_delay_s = throttle_retry_delay_s

    @property
    def enabled(self) -> bool:
        return bool(self.model_ids)

    async def aclose(self) -> None:
        if self._owns_runtime:
            await self.runtime.close()

    def _record(
        self,
        attempts: list[Attempt],
        outcome: Outcome,
        *,
        model_id: str,
        stage: str,
        started: float,
        tenant_id: str | None,
        store_id: str | None,
        input_tokens: int = 0,
        output_tokens: int = 0,
        images: int = 0,
        reason: str | None = None,
        code: str | None = None,
        next_step: NextStep | None = None,
    ) -> Attempt:
        attempt = Attempt(
            model_id=model_id,
            operation=self.operation,
            stage=stage,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            images=images,
            latency_ms=round((time.monotonic() - started) * 1000),
            outcome=outcome,
            fallback_reason=reason,
            estimated_cost_paise=estimate_cost_paise(model_id, input_tokens, output_tokens, images),
            error_code=code,
            next_step=next_step,
            tenant_id=tenant_id,
            store_id=store_id,
            at=clock.iso(),
        )
        attempts.append(attempt)
        fields = {
            "stage": stage,
            "model_id": model_id,
            "operation": self.operation,
            "outcome": outcome,
            "latency_ms": attempt.latency_ms,
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "images": images,
            "estimated_cost_paise": attempt.estimated_cost_paise,
            "tenant_id": tenant_id,
            "store_id": store_id,
        }
        if outcome == "ok":
            log.info("model.call", **fields)
        elif next_step == "retry_same_model":
            log.warning("model.retry", reason=reason, error_code=code, **fields)
        else:
            nxt = self._next_model(model_id)
            log.warning(
                "model.fallback" if nxt else "model.chain_exhausted",
                reason=reason,
                error_code=code,
                next_model=nxt,
                **fields,
            )
        return attempt

    def _next_model(self, model_id: str) -> str | None:
        try:
            i = self.model_ids.index(model_id)
        except ValueError:
            return None
        return self.model_ids[i + 1] if i + 1 < len(self.model_ids) else None

    def _deadline(self) -> float | None:
        return time.monotonic() + self.budget_s if self.budget_s else None

    def _call_timeout(self, deadline: float | None) -> float:
        if deadline is None:
            return self.timeout_s
        return max(0.0, min(self.timeout_s, deadline - time.monotonic()))


def _mark_exhausted(attempts: list[Attempt]) -> None:
    if attempts and attempts[-1].outcome != "ok":
        attempts[-1] = dataclasses.replace(attempts[-1], next_step="exhausted")


# ---- text --------------------------------------------------------------------------------------------------

# Families whose Converse API takes no system prompt: it is folded into the first user turn.
_NO_SYSTEM_PROMPT = (
    "amazon.titan-text",
    "mistral.mistral-7b",
    "mistral.mixtral",
    "cohere.command-text",
    "cohere.command-light",
)
# Largest `maxTokens` each family accepts (Bedrock answers ValidationException above it).
_MAX_OUTPUT_TOKENS = {
    "meta.llama3": 2048,
    "anthropic.claude-3-haiku": 4096,
    "anthropic.claude-3-sonnet": 4096,
    "anthropic.claude-3-opus": 4096,
    "amazon.nova": 5000,
    "amazon.titan-text": 3072,
    "mistral.": 4096,
}


def _max_tokens_for(model_id: str, wanted: int) -> int:
    mid = base_model_id(model_id)
    caps = [cap for prefix, cap in _MAX_OUTPUT_TOKENS.items() if mid.startswith(prefix)]
    return min([wanted, *caps])


def _text_of(response: dict[str, Any]) -> str:
    content = ((response.get("output") or {}).get("message") or {}).get("content") or []
    return "".join(block.get("text", "") for block in content if isinstance(block, dict))


class TextModelChain(_ChainBase):
    """Bedrock text models in fallback order, through Converse."""

    operation = "converse"

    def __init__(
        self,
        model_ids: Sequence[str],
        *,
        runtime: BedrockRuntime | None = None,
        timeout_s: float = 30.0,
        budget_s: float | None = None,
        max_tokens: int = 4096,
        temperature: float = 0.4,
        validation_retries: int = 1,
        throttle_retry_delay_s: float = 0.5,
    ) -> None:
        super().__init__(
            model_ids,
            runtime=runtime,
            timeout_s=timeout_s,
            budget_s=budget_s,
            throttle_retry_delay_s=throttle_retry_delay_s,
        )
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.validation_retries = validation_retries

    @classmethod
    def from_settings(cls, settings: Any, runtime: BedrockRuntime | None = None, **kw: Any) -> TextModelChain:
        """Model ids from `settings.text_models` (or the comma list `text_model_ids`), timeout from
        `model_timeout_seconds`."""
        ids = getattr(settings, "text_models", None)
        if ids is None:
            ids = [m.strip() for m in (getattr(settings, "text_model_ids", "") or "").split(",")]
        kw.setdefault("timeout_s", float(getattr(settings, "model_timeout_seconds", 30.0) or 30.0))
        return cls(ids, runtime=runtime or BedrockRuntime.from_settings(settings), **kw)

    async def complete(
        self,
        stage: str,
        system: str,
        prompt: str,
        validate: Callable[[str], T | Awaitable[T]],
        *,
        tenant_id: str | None = None,
        store_id: str | None = None,
        max_tokens: int | None = None,
    ) -> tuple[T, list[Attempt]]:
        """→ (the validated answer, every attempt in order); raises `ModelChainExhausted(attempts)`."""
        attempts: list[Attempt] = []
        deadline = self._deadline()
        for model_id in self.model_ids:
            messages: list[dict[str, Any]] = [{"role": "user", "content": [{"text": prompt}]}]
            invalid_retries = 0
            throttle_retried = False
            while True:
                timeout = self._call_timeout(deadline)
                if timeout <= 0:
                    log.warning(
                        "model.budget_spent", stage=stage, budget_s=self.budget_s, tenant_id=tenant_id
                    )
                    _mark_exhausted(attempts)
                    raise ModelChainExhausted(attempts, stage)
                record = partial(
                    self._record,
                    attempts,
                    model_id=model_id,
                    stage=stage,
                    started=time.monotonic(),
                    tenant_id=tenant_id,
                    store_id=store_id,
                )
                try:
                    with tracer("sitegen").start_as_current_span(
                        "bedrock.converse", attributes={"model_id": model_id, "stage": stage}
                    ):
                        response = await self._converse(model_id, system, messages, max_tokens, timeout)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    f = _classify(exc, timeout)
                    if f.throttled and not throttle_retried:
                        throttle_retried = True
                        record(f.outcome, reason=f.reason, code=f.code, next_step="retry_same_model")
                        await asyncio.sleep(self.throttle_retry_delay_s)
                        continue
                    record(f.outcome, reason=f.reason, code=f.code, next_step="next_model")
                    break

                usage = response.get("usage") or {}
                text = _text_of(response)
                record = partial(
                    record,
                    input_tokens=int(usage.get("inputTokens") or 0),
                    output_tokens=int(usage.get("outputTokens") or 0),
                )
                stop = response.get("stopReason")
                if stop in _REFUSED_STOP_REASONS:
                    record("refused", reason=f"the model stopped: {stop}", code=stop, next_step="next_model")
                    break
                try:
                    value = validate(text)
                    if inspect.isawaitable(value):
                        value = await value
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    code = exc.code if isinstance(exc, Problem) else type(exc).__name__
                    if _is_refusal(exc):
                        detail = getattr(exc, "detail", None) or str(exc)
                        record(
                            "refused", reason=f"refused: {detail}"[:500], code=code, next_step="next_model"
                        )
                        break
                    reason = "invalid output: " + "; ".join(_problem_lines(exc, 5))
                    if stop == "max_tokens":
                        reason += " (the answer was cut at maxTokens)"
                    if invalid_retries >= self.validation_retries:
                        record("invalid", reason=reason[:500], code=code, next_step="next_model")
                        break
                    invalid_retries += 1
                    record("invalid", reason=reason[:500], code=code, next_step="retry_same_model")
                    messages = _with_feedback(messages, prompt, text, feedback_message(exc))
                    continue
                record("ok")
                return value, attempts  # type: ignore[return-value]
        _mark_exhausted(attempts)
        raise ModelChainExhausted(attempts, stage)

    async def _converse(
        self,
        model_id: str,
        system: str,
        messages: list[dict[str, Any]],
        max_tokens: int | None,
        timeout_s: float,
    ) -> dict[str, Any]:
        client = await self.runtime.client()  # created once, outside the model's time
        request: dict[str, Any] = {
            "modelId": model_id,
            "messages": messages,
            "inferenceConfig": {
                "maxTokens": _max_tokens_for(model_id, max_tokens or self.max_tokens),
                "temperature": self.temperature,
            },
        }
        if system.strip():
            if base_model_id(model_id).startswith(_NO_SYSTEM_PROMPT):
                first = messages[0]["content"][0]["text"]
                request["messages"] = [
                    {"role": "user", "content": [{"text": f"{system}\n\n{first}"}]},
                    *messages[1:],
                ]
            else:
                request["system"] = [{"text": system}]
        async with asyncio.timeout(timeout_s):
            return await client.converse(**request)


def _with_feedback(
    messages: list[dict[str, Any]], prompt: str, answer: str, feedback: str
) -> list[dict[str, Any]]:
    """The conversation for the retry: the rejected answer as the assistant's turn, then the problems.
    (Bedrock rejects a blank text block, so an empty answer folds the feedback into the first user turn.)"""
    if answer.strip():
        return [
            *messages,
            {"role": "assistant", "content": [{"text": answer}]},
            {"role": "user", "content": [{"text": feedback}]},
        ]
    return [{"role": "user", "content": [{"text": f"{prompt}\n\n{feedback}"}]}]


# ---- images ------------------------------------------------------------------------------------------------

_SDXL_SIZES = [
    (1024, 1024),
    (1152, 896),
    (1216, 832),
    (1344, 768),
    (1536, 640),
    (640, 1536),
    (768, 1344),
    (832, 1216),
    (896, 1152),
]
_ASPECT_RATIOS = {
    "1:1": 1.0,
    "16:9": 16 / 9,
    "21:9": 21 / 9,
    "2:3": 2 / 3,
    "3:2": 3 / 2,
    "4:5": 0.8,
    "5:4": 1.25,
    "9:16": 9 / 16,
    "9:21": 9 / 21,
}
_PROMPT_LIMITS = {"titan": 512, "nova": 1024, "sdxl": 2000, "stability": 10000}


def image_family(model_id: str) -> Literal["sdxl", "stability", "nova", "titan"]:
    mid = base_model_id(model_id)
    if mid.startswith("stability.stable-diffusion-xl"):
        return "sdxl"
    if mid.startswith("stability."):
        return "stability"
    if mid.startswith("amazon.nova-canvas"):
        return "nova"
    return "titan"


def _snap64(value: int, low: int = 320, high: int = 1408) -> int:
    return max(low, min(high, round(value / 64) * 64))


def image_request(model_id: str, prompt: str, *, seed: int, width: int, height: int) -> dict[str, Any]:
    """The InvokeModel body for the model's family, with size, seed and prompt made acceptable to it."""
    family = image_family(model_id)
    prompt = " ".join(prompt.split())[: _PROMPT_LIMITS[family]]
    ratio = (width or 1) / (height or 1)
    if family == "sdxl":
        w, h = min(_SDXL_SIZES, key=lambda s: abs(math.log((s[0] / s[1]) / ratio)))
        return {
            "text_prompts": [{"text": prompt, "weight": 1.0}],
            "width": w,
            "height": h,
            "seed": seed % 4294967295,
            "cfg_scale": 7,
            "steps": 30,
            "samples": 1,
        }
    if family == "stability":
        aspect = min(_ASPECT_RATIOS, key=lambda k: abs(math.log(_ASPECT_RATIOS[k] / ratio)))
        return {"prompt": prompt, "seed": seed % 4294967295, "aspect_ratio": aspect, "output_format": "png"}
    scale = min(1.0, 1408 / max(width, height, 1))  # keep the aspect ratio inside the 320..1408 range
    return {
        "taskType": "TEXT_IMAGE",
        "textToImageParams": {"text": prompt},
        "imageGenerationConfig": {
            "numberOfImages": 1,
            "width": _snap64(int(width * scale)),
            "height": _snap64(int(height * scale)),
            "seed": seed % 2147483647,
            "cfgScale": 8.0,
        },
    }


class ImageAnswerProblem(Exception):
    def __init__(self, outcome: Outcome, reason: str) -> None:
        super().__init__(reason)
        self.outcome = outcome
        self.reason = reason


def parse_image_response(model_id: str, body: bytes) -> bytes:
    """PNG bytes from the family's answer; `ImageAnswerProblem` ("refused" / "invalid") otherwise."""
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise ImageAnswerProblem("invalid", f"unreadable JSON from the image model ({exc})") from exc
    if not isinstance(data, dict):
        raise ImageAnswerProblem("invalid", "the image model answered something other than a JSON object")
    family = image_family(model_id)
    if family == "sdxl":
        arts = data.get("artifacts") or []
        art = arts[0] if arts and isinstance(arts[0], dict) else {}
        finish = art.get("finishReason")
        if finish == "CONTENT_FILTERED":
            raise ImageAnswerProblem("refused", "the image was blocked by the model's content filter")
        if finish not in (None, "SUCCESS"):
            raise ImageAnswerProblem("invalid", f"the image model finished with {finish}")
        b64 = art.get("base64")
    else:
        reasons = data.get("finish_reasons") or []
        if reasons and reasons[0]:
            outcome: Outcome = "refused" if "filter" in str(reasons[0]).lower() else "invalid"
            raise ImageAnswerProblem(outcome, f"the image model finished with: {reasons[0]}")
        if data.get("error"):
            raise ImageAnswerProblem(
                "refused" if "filter" in str(data["error"]).lower() else "invalid",
                f"the image model said: {str(data['error'])[:300]}",
            )
        images = data.get("images") or []
        b64 = images[0] if images else None
    if not isinstance(b64, str) or not b64:
        raise ImageAnswerProblem("invalid", "no image in the answer")
    try:
        raw = base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImageAnswerProblem("invalid", "the image is not valid base64") from exc
    if not is_png(raw):
        raise ImageAnswerProblem("invalid", "the image is not a PNG")
    return raw


def is_png(raw: bytes) -> bool:
    """A PNG signature followed by a well-formed IHDR chunk with a non-zero size."""
    if len(raw) < 33 or raw[:8] != b"\x89PNG\r\n\x1a\n" or raw[12:16] != b"IHDR":
        return False
    width, height = struct.unpack(">II", raw[16:24])
    return width > 0 and height > 0


class ImageModelChain(_ChainBase):
    """Bedrock image models in fallback order (e.g. a Titan/Nova image model, then Stable Diffusion)."""

    operation = "invoke"

    @classmethod
    def from_settings(
        cls, settings: Any, runtime: BedrockRuntime | None = None, **kw: Any
    ) -> ImageModelChain:
        ids = getattr(settings, "image_models", None)
        if ids is None:
            ids = [m.strip() for m in (getattr(settings, "image_model_ids", "") or "").split(",")]
        kw.setdefault("timeout_s", float(getattr(settings, "model_timeout_seconds", 30.0) or 30.0))
        return cls(ids, runtime=runtime or BedrockRuntime.from_settings(settings), **kw)

    async def generate(
        self,
        prompt: str,
        *,
        seed: int,
        width: int,
        height: int,
        stage: str = "images",
        tenant_id: str | None = None,
        store_id: str | None = None,
    ) -> tuple[bytes | None, list[Attempt]]:
        """→ (PNG bytes, attempts), or (None, attempts) when every image model failed (use the offline art)."""
        attempts: list[Attempt] = []
        deadline = self._deadline()
        for model_id in self.model_ids:
            throttle_retried = False
            body = json.dumps(image_request(model_id, prompt, seed=seed, width=width, height=height))
            while True:
                timeout = self._call_timeout(deadline)
                if timeout <= 0:
                    _mark_exhausted(attempts)
                    return None, attempts
                record = partial(
                    self._record,
                    attempts,
                    model_id=model_id,
                    stage=stage,
                    started=time.monotonic(),
                    tenant_id=tenant_id,
                    store_id=store_id,
                )
                try:
                    with tracer("sitegen").start_as_current_span(
                        "bedrock.invoke_model", attributes={"model_id": model_id, "stage": stage}
                    ):
                        raw = await self._invoke(model_id, body, timeout)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    f = _classify(exc, timeout)
                    if f.throttled and not throttle_retried:
                        throttle_retried = True
                        record(f.outcome, reason=f.reason, code=f.code, next_step="retry_same_model")
                        await asyncio.sleep(self.throttle_retry_delay_s)
                        continue
                    record(f.outcome, reason=f.reason, code=f.code, next_step="next_model")
                    break
                try:
                    png_bytes = parse_image_response(model_id, raw)
                except ImageAnswerProblem as problem:
                    # A filtered or broken image is still a generated (billed) one.
                    record(problem.outcome, reason=problem.reason, images=1, next_step="next_model")
                    break
                record("ok", images=1)
                return png_bytes, attempts
        _mark_exhausted(attempts)
        return None, attempts

    async def _invoke(self, model_id: str, body: str, timeout_s: float) -> bytes:
        client = await self.runtime.client()
        async with asyncio.timeout(timeout_s):
            response = await client.invoke_model(
                modelId=model_id, body=body, contentType="application/json", accept="application/json"
            )
            return await response["body"].read()


# ---- wiring ------------------------------------------------------------------------------------------------


@dataclass
class ModelChains:
    """What bootstrap keeps: the chains (None when no model of that kind is configured) and their client."""

    text: TextModelChain | None
    image: ImageModelChain | None
    runtime: BedrockRuntime

    async def close(self) -> None:
        await self.runtime.close()


def build_model_chains(settings: Any) -> ModelChains:
    """From the service settings (`text_models`, `image_models`, `bedrock_endpoint_url`, `model_timeout_seconds`)."""
    runtime = BedrockRuntime.from_settings(settings)
    text = TextModelChain.from_settings(settings, runtime)
    image = ImageModelChain.from_settings(settings, runtime)
    return ModelChains(text if text.enabled else None, image if image.enabled else None, runtime)
