"""Saving a draft version: render the spec, write every file under the version's immutable S3 prefix, and only
then — in one transaction — point the store at it, record the version and publish the event. A failure before
the transaction leaves the store as it was (an orphan prefix at most); a concurrent edit loses the race cleanly
(409) instead of overwriting."""

from __future__ import annotations

import secrets
from typing import Any

import msgspec

from sitegen.domain.spec import SiteSpec
from sitegen.service.deps import Deps
from sitegen.site.render import render_site
from webdpro_aws.dynamo import TransactionCancelled, strip_keys
from webdpro_core import clock
from webdpro_core.errors import Conflict
from webdpro_events import Envelope


def live_base_url(deps: Deps, store: dict[str, Any]) -> str:
    slug = store.get("subdomain") or store["store_id"].removeprefix("sto_")
    return f"https://{slug}.{deps.settings.platform_domain}/"


def render(deps: Deps, store: dict[str, Any], spec: SiteSpec, *, indexable: bool = False) -> dict[str, bytes]:
    # The site calls the public APIs on its own origin (the gateway / CloudFront route /api/* to the services).
    return render_site(
        spec, live_base_url(deps, store), "", razorpay_src=deps.settings.checkout_js_url, indexable=indexable
    )


def new_preview(deps: Deps) -> tuple[str, int]:
    return secrets.token_urlsafe(24), clock.epoch() + deps.settings.preview_ttl_seconds


async def save_version(
    deps: Deps,
    store: dict[str, Any],
    spec: SiteSpec,
    *,
    summary: str,
    events: list[Envelope],
    status: str = "DRAFT",
) -> dict[str, Any]:
    expected = int(store.get("version", 0))
    version = expected + 1
    spec = msgspec.structs.replace(spec, store_id=store["store_id"])
    files = render(deps, store, spec)
    await deps.storage.write_version(store["store_id"], version, files, msgspec.json.encode(spec))
    now = clock.iso()
    updated = {
        **strip_keys(store),
        "version": version,
        "status": status,
        "name": spec.brief.name,
        "sector": spec.brief.sector,
        "inventory_mode": spec.brief.inventory_mode,
        "brief": msgspec.to_builtins(spec.brief),
        "failure_reason": None,
        "updated_at": now,
    }
    if not updated.get("preview_token") or int(updated.get("preview_expires_at", 0)) <= clock.epoch():
        updated["preview_token"], updated["preview_expires_at"] = new_preview(deps)
    uow = deps.outbox.begin()
    deps.repo.update_store(uow.tx, updated, expect_version=expected, expect=store)
    deps.repo.put_version(
        uow.tx,
        store["tenant_id"],
        store["store_id"],
        {
            "version": version,
            "summary": summary,
            "created_at": now,
            "files": len(files),
            "generated_by": spec.generated_by,
        },
    )
    deps.repo.put_preview(
        uow.tx,
        updated["preview_token"],
        {
            "tenant_id": store["tenant_id"],
            "store_id": store["store_id"],
            "expires_at": updated["preview_expires_at"],
        },
    )
    for event in events:
        uow.emit(event)
    try:
        await uow.commit()
    except TransactionCancelled as exc:
        raise Conflict("The draft changed meanwhile; reload and try again", code="DRAFT_CHANGED") from exc
    return updated


async def load_spec(deps: Deps, store: dict[str, Any], version: int | None = None) -> SiteSpec:
    from sitegen.domain.validate import load_site_spec

    raw = await deps.storage.read_spec(store["store_id"], version or int(store["version"]))
    if raw is None:
        raise Conflict("The draft is not ready yet", code="DRAFT_NOT_READY")
    return load_site_spec(raw)
