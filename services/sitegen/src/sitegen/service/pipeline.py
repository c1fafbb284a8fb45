"""The generation pipeline: prompt → brief → copy → catalog → images → site, each stage's output validated.

With models configured, each text stage asks the model chain (Bedrock → Llama 3 → Claude 3) with the offline
generator's answer as the example of the schema, validates and auto-fixes the answer, and falls back to the
offline answer when every model fails. With no model, the offline generator does every stage (the local
default). Every attempt and fallback is recorded as AI usage. The store ends DRAFT or FAILED — never stuck in
GENERATING: any failure or the overall time limit marks it FAILED with a reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

import msgspec

from sitegen.domain import offline, validate
from sitegen.domain.brief import extract_brief
from sitegen.domain.spec import Brief, Image, ImageSet
from sitegen.service import usage
from sitegen.service.deps import Deps
from sitegen.service.progress import Progress
from sitegen.service.versions import save_version
from webdpro_aws.dynamo import strip_keys
from webdpro_core import clock
from webdpro_core.errors import Problem
from webdpro_events import new_event
from webdpro_observability import get_logger

log = get_logger(__name__)
T = TypeVar("T")

_INSTRUCTIONS = {
    "brief": "Extract the store brief from the merchant's sentence.",
    "copy": "Write SEO copy for the store in English and Hindi (Devanagari).",
    "catalog": "Write a priced product catalog (8-20 products, integer paise prices in the brief's range).",
}


def _system_prompt(stage: str, example: bytes) -> str:
    return (
        "You generate data for an online store builder for small Indian merchants. "
        f"{_INSTRUCTIONS[stage]} Answer with ONE JSON object only, no prose, no HTML, no scripts, "
        "with exactly the shape of this example:\n<<example>>"
        f"{example.decode()}<<end>>"
    )


async def _text_stage(
    deps: Deps,
    records: list[dict[str, Any]],
    *,
    stage: str,
    store_id: str,
    tenant_id: str,
    prompt: str,
    offline_answer: T,
    check: Callable[[str], T],
) -> tuple[T, str]:
    """→ (validated answer, who made it)."""
    chain = deps.text_models
    if chain is None:
        records.append(
            usage.usage_record(
                store_id=store_id, stage=stage, model_id="offline", operation="generate", outcome="ok"
            )
        )
        return offline_answer, "offline"
    from sitegen.adapters.models import ModelChainExhausted

    try:
        answer, attempts = await chain.complete(
            stage,
            _system_prompt(stage, msgspec.json.encode(offline_answer)),
            prompt,
            check,
            tenant_id=tenant_id,
            store_id=store_id,
        )
        records.extend(usage.from_attempt(store_id, a) for a in attempts)
        return answer, attempts[-1].model_id
    except ModelChainExhausted as exhausted:
        records.extend(usage.from_attempt(store_id, a) for a in exhausted.attempts)
        reason = exhausted.attempts[-1].fallback_reason if exhausted.attempts else "no model answered"
        log.warning("pipeline.fallback_to_offline", stage=stage, reason=reason)
        records.append(
            usage.usage_record(
                store_id=store_id,
                stage=stage,
                model_id="offline",
                operation="generate",
                outcome="ok",
                fallback_reason=reason,
            )
        )
        return offline_answer, "offline"


async def _images(
    deps: Deps, records: list[dict[str, Any]], store_id: str, brief: Brief, images: ImageSet
) -> ImageSet:
    """Model-made pictures where an image model answers; the offline SVG art stays for the rest."""
    chain, media = deps.image_models, deps.media
    if chain is None or media is None:
        records.append(
            usage.usage_record(
                store_id=store_id, stage="images", model_id="offline", operation="svg", outcome="ok"
            )
        )
        return images
    slots = asyncio.Semaphore(4)

    async def one(image: Image) -> Image:
        async with slots:
            png, attempts = await chain.generate(
                image.prompt, seed=abs(hash(image.id)) % 2**31, width=image.width, height=image.height
            )
        records.extend(usage.from_attempt(store_id, a) for a in attempts)
        if png is None:
            return image
        url = await media.put_image(store_id, image.id, png)
        return msgspec.structs.replace(image, url=url, source="model")

    return ImageSet(images=list(await asyncio.gather(*(one(i) for i in images.images))))


async def run_generation(deps: Deps, store: dict[str, Any], prompt: str) -> None:
    tenant_id, store_id = store["tenant_id"], store["store_id"]
    progress = Progress(deps, tenant_id, store_id)
    records: list[dict[str, Any]] = []
    try:
        async with asyncio.timeout(deps.settings.generation_timeout_seconds):
            seed = offline.seed_for(prompt)
            common = {"store_id": store_id, "tenant_id": tenant_id, "prompt": prompt}
            brief, brief_by = await _text_stage(
                deps,
                records,
                stage="brief",
                offline_answer=extract_brief(prompt),
                check=lambda raw: validate.validate_brief(raw, prompt)[0],
                **common,
            )
            await progress.emit("brief", 15, name=brief.name, sector=brief.sector)
            copy, _ = await _text_stage(
                deps,
                records,
                stage="copy",
                offline_answer=offline.offline_copy(brief, seed),
                check=lambda raw: validate.validate_copy(raw, brief, seed)[0],
                **common,
            )
            await progress.emit("copy", 35)
            catalog, _ = await _text_stage(
                deps,
                records,
                stage="catalog",
                offline_answer=offline.offline_catalog(brief, seed),
                check=lambda raw: validate.validate_catalog(raw, brief, seed)[0],
                **common,
            )
            await progress.emit("catalog", 60, products=len(catalog.products))
            theme = offline.build_theme(brief)
            images = await _images(
                deps, records, store_id, brief, offline.offline_images(brief, catalog, theme, seed)
            )
            await progress.emit("images", 80, images=len(images.images))
            spec = offline.assemble_site(
                brief, copy, catalog, images, store_id=store_id, seed=seed, generated_by=brief_by, theme=theme
            )
            # Usage first: it is owed whether or not the site can be saved, and is visible once the store is.
            await usage.record(deps, tenant_id, records)
            records.clear()
            saved = await save_version(
                deps, store, spec, summary="generated", events=[store_generated(store, spec)]
            )
            await progress.emit("site", 95, version=saved["version"])
        await progress.emit("ready", 100, previewUrl=preview_url(deps, saved))
    except Exception as exc:  # the store must never stay GENERATING
        reason = (
            exc.detail
            if isinstance(exc, Problem)
            else ("timed out" if isinstance(exc, TimeoutError) else "internal error")
        )
        log.exception("pipeline.failed", store_id=store_id, reason=reason)
        await mark_failed(deps, store, reason)
        await progress.emit("failed", 100, reason=reason)
        if records:
            await usage.record(deps, tenant_id, records)


def preview_url(deps: Deps, store: dict[str, Any]) -> str | None:
    token = store.get("preview_token")
    if not token or store.get("status") not in ("DRAFT", "LIVE"):
        return None
    return f"{deps.settings.public_base_url.rstrip('/')}/api/sitegen/preview/{token}/"


def store_generated(store: dict[str, Any], spec) -> Any:
    catalog = msgspec.to_builtins(spec.catalog)
    return new_event(
        "store.generated",
        {
            "store_id": store["store_id"],
            "tenant_id": store["tenant_id"],
            "name": spec.brief.name,
            "sector": spec.brief.sector,
            "inventory_mode": spec.brief.inventory_mode,
            "supplier_contact": None,
            "categories": catalog["categories"],
            "products": [
                {k: v for k, v in p.items() if k not in ("image_prompt",)} for p in catalog["products"]
            ],
        },
        tenant_id=store["tenant_id"],
        source="sitegen",
    )


async def mark_failed(deps: Deps, store: dict[str, Any], reason: str) -> None:
    current = await deps.repo.get_store(store["tenant_id"], store["store_id"]) or store
    if current.get("status") != "GENERATING":
        return
    failed = strip_keys(current)
    failed.update(status="FAILED", failure_reason=reason[:300], updated_at=clock.iso())
    uow = deps.outbox.begin()
    deps.repo.update_store(uow.tx, failed, expect_version=int(current.get("version", 0)))
    uow.emit(
        new_event(
            "store.generation_failed",
            {
                "store_id": store["store_id"],
                "tenant_id": store["tenant_id"],
                "reason": failed["failure_reason"],
            },
            tenant_id=store["tenant_id"],
            source="sitegen",
        )
    )
    await uow.commit()
