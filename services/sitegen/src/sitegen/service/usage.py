"""AI usage: every model call (and every fall back to the offline generator) is recorded per tenant and store
and published as `ai.usage_recorded`, so the founder sees calls, tokens, images, fallbacks and cost."""

from __future__ import annotations

from typing import Any

from sitegen.service.deps import Deps
from webdpro_core import clock, ids
from webdpro_core.errors import TooManyRequests
from webdpro_events import new_event


def usage_record(
    *,
    store_id: str,
    stage: str,
    model_id: str,
    operation: str,
    outcome: str,
    input_tokens: int = 0,
    output_tokens: int = 0,
    images: int = 0,
    latency_ms: int = 0,
    fallback_reason: str | None = None,
    estimated_cost_paise: int = 0,
) -> dict[str, Any]:
    return {
        "attempt_id": ids.new_id("aiu"),
        "store_id": store_id,
        "stage": stage,
        "model_id": model_id,
        "operation": operation,
        "outcome": outcome,
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "images": images,
        "latency_ms": latency_ms,
        "fallback_reason": fallback_reason,
        "estimated_cost_paise": estimated_cost_paise,
        "at": clock.iso(),
    }


def from_attempt(store_id: str, attempt: Any) -> dict[str, Any]:
    return usage_record(
        store_id=store_id,
        stage=attempt.stage,
        model_id=attempt.model_id,
        operation=attempt.operation,
        outcome=attempt.outcome,
        input_tokens=attempt.input_tokens,
        output_tokens=attempt.output_tokens,
        images=attempt.images,
        latency_ms=attempt.latency_ms,
        fallback_reason=attempt.fallback_reason,
        estimated_cost_paise=attempt.estimated_cost_paise,
    )


async def record(deps: Deps, tenant_id: str, records: list[dict[str, Any]]) -> None:
    """One transaction per batch of up to 40 records (each record is a row plus its event)."""
    day = clock.iso()[:10]
    for start in range(0, len(records), 40):
        uow = deps.outbox.begin()
        for rec in records[start : start + 40]:
            deps.repo.put_usage(uow.tx, tenant_id, day, rec)
            uow.emit(new_event("ai.usage_recorded", rec, tenant_id=tenant_id, source="sitegen"))
        await uow.commit()


async def take_generation_quota(deps: Deps, tenant_id: str) -> None:
    day = clock.iso()[:10]
    if not await deps.repo.take_generation_quota(
        tenant_id, day, deps.settings.daily_generation_cap, clock.epoch() + 2 * 86400
    ):
        seconds_left = 86400 - (clock.epoch() % 86400)
        raise TooManyRequests(
            f"You have used today's {deps.settings.daily_generation_cap} store generations; try again tomorrow",
            code="AI_QUOTA_EXCEEDED",
            retry_after=seconds_left,
        )
