"""Inline edits of a draft. Each change is a new draft version (history kept); revert copies an old version
forward as the newest one."""

from __future__ import annotations

from typing import Any

import msgspec

from sitegen.domain import art, edits, safety
from sitegen.domain.spec import SiteSpec
from sitegen.domain.validate import load_site_spec, plain_text
from sitegen.service import usage
from sitegen.service.deps import Deps
from sitegen.service.stores import get_store
from sitegen.service.suspension import refuse_if_suspended
from sitegen.service.versions import load_spec, save_version
from webdpro_core.errors import Conflict, NotFound, ValidationProblem
from webdpro_events import new_event

_EDITABLE = ("DRAFT", "LIVE")


async def _draft(deps: Deps, tenant_id: str, store_id: str) -> tuple[dict[str, Any], SiteSpec]:
    store = await get_store(deps, tenant_id, store_id)
    refuse_if_suspended(store)  # 409 STORE_SUSPENDED, with the founder's reason
    # A live store is edited too: each edit is a new draft version while `live_version` keeps serving
    # (republish to put the draft live). Generating, failed or suspended stores are locked.
    if store["status"] not in _EDITABLE:
        raise Conflict(
            f"The store is {store['status']}; only a draft or a live store can be edited",
            code="STORE_NOT_DRAFT",
        )
    return store, await load_spec(deps, store)


def _validated(raw: dict[str, Any]) -> SiteSpec:
    try:
        return load_site_spec(raw)
    except Exception as exc:
        raise ValidationProblem(str(exc)[:300], code="INVALID_EDIT", field="edits") from exc


def _updated_event(store: dict[str, Any], summary: str) -> Any:
    return new_event(
        "store.draft_updated",
        {
            "store_id": store["store_id"],
            "tenant_id": store["tenant_id"],
            "version": int(store["version"]) + 1,
            "summary": summary,
        },
        tenant_id=store["tenant_id"],
        source="sitegen",
    )


async def apply_edits(
    deps: Deps, tenant_id: str, store_id: str, changes: list[tuple[str, Any]]
) -> dict[str, Any]:
    store, spec = await _draft(deps, tenant_id, store_id)
    raw = msgspec.to_builtins(spec)
    summary = ", ".join(edits.apply_edit(raw, path, value) for path, value in changes)
    new_spec = _validated(raw)
    return await save_version(
        deps,
        store,
        new_spec,
        status=store["status"],
        summary=f"edited {summary}"[:200],
        events=[_updated_event(store, summary)],
    )


async def rewrite(deps: Deps, tenant_id: str, store_id: str, path: str, instruction: str) -> dict[str, Any]:
    store, spec = await _draft(deps, tenant_id, store_id)
    raw = msgspec.to_builtins(spec)
    current = edits.text_at(raw, path)
    records: list[dict[str, Any]] = []
    new_text = None
    if deps.text_models is not None:
        from sitegen.adapters.models import ModelChainExhausted

        system = (
            "Rewrite the merchant's store text as instructed. Answer with JSON only, shaped like "
            '<<example>>{"text": "' + current.replace('"', "'")[:400] + '"}<<end>>'
        )
        try:
            answer, attempts = await deps.text_models.complete(
                "rewrite",
                system,
                f"Instruction: {instruction}\nText: {current}",
                _rewritten_text,
                tenant_id=tenant_id,
                store_id=store_id,
            )
            records.extend(usage.from_attempt(store_id, a) for a in attempts)
            new_text = answer
        except ModelChainExhausted as exhausted:
            records.extend(usage.from_attempt(store_id, a) for a in exhausted.attempts)
    if new_text is None:
        new_text = edits.rewrite_offline(current, instruction)
        records.append(
            usage.usage_record(
                store_id=store_id, stage="rewrite", model_id="offline", operation="rewrite", outcome="ok"
            )
        )
    edits.apply_edit(raw, path, new_text)
    saved = await save_version(
        deps,
        store,
        _validated(raw),
        status=store["status"],
        summary=f"rewrote {path}",
        events=[_updated_event(store, f"rewrote {path}")],
    )
    await usage.record(deps, tenant_id, records)
    return saved


def _rewritten_text(raw: str) -> str:
    from sitegen.domain.validate import parse_model_json, plain_text

    value, _ = parse_model_json(raw)
    text = plain_text(value.get("text") if isinstance(value, dict) else None, 1500)
    if not text:
        raise ValidationProblem("the answer has no text", code="MODEL_OUTPUT_INVALID", field="text")
    return text


async def regenerate_image(
    deps: Deps, tenant_id: str, store_id: str, image_id: str, prompt: str
) -> dict[str, Any]:
    store, spec = await _draft(deps, tenant_id, store_id)
    image = spec.images.by_id().get(image_id)
    if image is None:
        raise NotFound("No such image in this draft", code="IMAGE_NOT_FOUND")
    prompt_text = plain_text(prompt, 400)
    safety.check_output([prompt_text], field="prompt")
    records: list[dict[str, Any]] = []
    png = None
    if deps.image_models is not None and deps.media is not None:
        png, attempts = await deps.image_models.generate(
            prompt_text, seed=len(prompt_text), width=image.width, height=image.height
        )
        records.extend(usage.from_attempt(store_id, a) for a in attempts)
    if png is not None:
        url = await deps.media.put_image(store_id, f"{image_id}-{store['version']}", png)
        new_image = msgspec.structs.replace(image, prompt=prompt_text, url=url, source="model", svg=None)
    else:
        t = spec.theme
        draw = art.hero_svg if image.kind == "hero" else art.product_svg
        svg = draw(
            prompt_text,
            spec.brief.name if image.kind == "hero" else image.alt.en,
            spec.brief.sector,
            t.brand,
            t.brand_dark,
            t.brand_light,
            t.accent,
        )
        new_image = msgspec.structs.replace(image, prompt=prompt_text, svg=svg, url=None, source="offline")
        records.append(
            usage.usage_record(
                store_id=store_id, stage="images", model_id="offline", operation="svg", outcome="ok"
            )
        )
    images = [new_image if i.id == image_id else i for i in spec.images.images]
    new_spec = msgspec.structs.replace(spec, images=msgspec.structs.replace(spec.images, images=images))
    saved = await save_version(
        deps,
        store,
        new_spec,
        status=store["status"],
        summary=f"new image {image_id}",
        events=[_updated_event(store, f"image {image_id}")],
    )
    await usage.record(deps, tenant_id, records)
    return saved


async def revert(deps: Deps, tenant_id: str, store_id: str, version: int) -> dict[str, Any]:
    store, _ = await _draft(deps, tenant_id, store_id)
    if version < 1 or version > int(store["version"]):
        raise NotFound(f"No version {version} of this draft", code="VERSION_NOT_FOUND")
    old = await load_spec(deps, store, version)
    return await save_version(
        deps,
        store,
        old,
        status=store["status"],
        summary=f"reverted to v{version}",
        events=[_updated_event(store, f"reverted to v{version}")],
    )


async def versions(deps: Deps, tenant_id: str, store_id: str) -> list[dict[str, Any]]:
    await get_store(deps, tenant_id, store_id)
    return await deps.repo.list_versions(tenant_id, store_id)
