"""Publishing use cases: domain search, publish, republish, rollback, releases, and what a paid / refunded fee
does to a publication. The saga itself (build → domain → switch → live) is service/saga.py.

Publish flow: the merchant picks a host → the host is claimed (HostMap, held `publish_hold_seconds`) → a
publication AWAITING_PAYMENT is recorded → payments prices it (it owns the rule) → the merchant pays → the
`publish.paid` / `domain.paid` consumer marks it PAID and starts the saga. Covered by a subscription (nothing to
pay): PAID at once and the saga starts right away.

A second publish while one is AWAITING_PAYMENT: the same host and draft version answer the same publication
(and the same payment); anything else replaces it — the old one ends FAILED with `replaced_by` (its host claim
lapses). If the old payment is completed anyway it still runs (the merchant paid for it). A publish or
republish while a saga runs is 409 PUBLISH_IN_PROGRESS.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sitegen.adapters.hosts import HostMoved, HostTaken
from sitegen.domain import hostnames
from sitegen.domain.publishing import PublicationStatus as S
from sitegen.service import domains, saga
from sitegen.service import publications as pubs
from sitegen.service.deps import Deps
from sitegen.service.stores import get_store
from sitegen.service.suspension import refuse_if_suspended
from webdpro_aws.dynamo import ConditionFailed, TransactionCancelled, strip_keys
from webdpro_core import clock, ids
from webdpro_core.errors import Conflict, NotFound, Problem, Unavailable
from webdpro_events import new_event
from webdpro_observability import get_logger
from webdpro_tenancy import Caller

log = get_logger(__name__)

Start = Callable[[Any], None]  # starts a coroutine in the background (stores.Generations.start)


# ---- search -----------------------------------------------------------------------------------------------
def _host_free(entry: dict[str, Any] | None, tenant_id: str) -> bool:
    if entry is None or entry.get("status") == "OFFLINE" or entry.get("tenant_id") == tenant_id:
        return True
    return entry.get("status") == "RESERVED" and int(entry.get("reserved_until") or 0) < clock.epoch()


async def _free_alternatives(
    deps: Deps, tenant_id: str, slug: str, city: str | None, n: int = 3
) -> list[str]:
    parent = deps.settings.sites_parent_domain
    free: list[str] = []
    for candidate in hostnames.alternatives(slug, city):
        if _host_free(await deps.hosts.get(hostnames.subdomain_host(candidate, parent)), tenant_id):
            free.append(candidate)
            if len(free) == n:
                break
    return free


async def search(deps: Deps, tenant_id: str, q: str) -> dict[str, Any]:
    slug = hostnames.subdomain_slug((q or "").strip().split(".")[0], field="q")
    host = hostnames.subdomain_host(slug, deps.settings.sites_parent_domain)
    available = _host_free(await deps.hosts.get(host), tenant_id)
    answer: dict[str, Any] = {
        "subdomain": {"name": host, "available": available, "pricePaise": 0},
        "domains": [],
    }
    try:
        found = await domains.search(deps, q)
    except Unavailable as exc:  # the registrar is down: the free subdomain is still an answer (429 is not)
        answer["domainsUnavailable"] = {"code": exc.code, "detail": exc.detail}
        return answer
    # The registrar's answer is cached for a minute; a domain another store on the platform holds (bought or
    # being bought) is not on offer whatever that cache still says.
    entries = await asyncio.gather(*(deps.hosts.get(d["name"]) for d in found))
    answer["domains"] = [
        {**d, "available": False} if d.get("available") and not _host_free(e, tenant_id) else d
        for d, e in zip(found, entries, strict=True)
    ]
    return answer


# ---- publish / republish ------------------------------------------------------------------------------------
def _answer(pub: dict[str, Any]) -> dict[str, Any]:
    d = pub.get("domain") or {}
    return {
        "publicationId": pub["publication_id"],
        "kind": pub["kind"],
        "status": pub["status"],
        "version": int(pub["version"]),
        "domain": {"type": d.get("type"), "host": d.get("host"), "pricePaise": d.get("price_paise")},
        "hosts": pub.get("hosts") or [],
        "amountPaise": int(pub.get("amount_paise") or 0),
        "coveredBy": pub.get("covered_by"),
        "breakdown": pub.get("breakdown") or [],
        "platformPayment": pub.get("platform_payment"),
    }


def _in_progress(existing: list[dict[str, Any]]) -> None:
    if any(p["status"] in pubs.RUNNING for p in existing):
        raise Conflict("A publication of this store is already under way", code="PUBLISH_IN_PROGRESS")


async def publish(
    deps: Deps,
    start: Start,
    caller: Caller,
    store_id: str,
    *,
    domain_type: str,
    name: str,
    contact: dict[str, Any] | None,
) -> dict[str, Any]:
    tenant_id = caller.tenant_id or ""
    store = await get_store(deps, tenant_id, store_id)
    refuse_if_suspended(store)
    if store["status"] == "LIVE":
        raise Conflict("The store is live already; republish it instead", code="ALREADY_LIVE")
    if store["status"] != "DRAFT" or int(store.get("version", 0)) < 1:
        raise Conflict(f"A {store['status']} store cannot be published", code="STORE_NOT_PUBLISHABLE")
    existing = await pubs.for_store(deps, tenant_id, store_id)
    _in_progress(existing)
    domain: dict[str, Any]
    if domain_type == "subdomain":
        slug = hostnames.subdomain_slug(name, field="domain.name")
        host = hostnames.subdomain_host(slug, deps.settings.sites_parent_domain)
        domain = {"type": "subdomain", "slug": slug, "host": host, "price_paise": 0}
    else:
        host = hostnames.normalise_hostname(name)
        quote = await domains.quote(deps, host)
        domain = {"type": "custom", "host": host, "price_paise": int(quote["pricePaise"])}
        if quote.get("itemId"):
            domain["item_id"] = quote["itemId"]
    # A custom domain also serves on the store's subdomain, when it has one.
    hosts = [host]
    if domain_type == "custom" and store.get("subdomain"):
        hosts.append(hostnames.subdomain_host(store["subdomain"], deps.settings.sites_parent_domain))
    version = int(store["version"])
    pending = [p for p in existing if p["status"] == S.AWAITING_PAYMENT]
    for p in pending:
        if (
            (p.get("domain") or {}).get("host") == host
            and int(p["version"]) == version
            and p.get("charged_at")
        ):
            return _answer(p)  # asked again: the same publication and payment
    try:
        await deps.hosts.claim(
            host,
            tenant_id=tenant_id,
            store_id=store_id,
            kind=domain["type"],
            hold_seconds=deps.settings.publish_hold_seconds,
        )
    except HostTaken:
        if domain_type == "subdomain":
            city = (store.get("brief") or {}).get("city")
            raise Conflict(
                f"{host} is taken",
                code="SUBDOMAIN_TAKEN",
                field="domain.name",
                extra={"alternatives": await _free_alternatives(deps, tenant_id, domain["slug"], city)},
            ) from None
        raise Conflict(f"{host} belongs to another store", code="DOMAIN_TAKEN", field="domain.name") from None
    return await _open(
        deps,
        start,
        caller,
        store,
        kind="PUBLISH",
        domain=domain,
        hosts=hosts,
        contact=contact,
        replaces=pending,
    )


async def republish(deps: Deps, start: Start, caller: Caller, store_id: str) -> dict[str, Any]:
    tenant_id = caller.tenant_id or ""
    store = await get_store(deps, tenant_id, store_id)
    refuse_if_suspended(store)
    if store.get("live_version") is None:
        raise Conflict("The store was never published; publish it first", code="NOT_LIVE")
    if store["status"] != "LIVE":
        raise Conflict(f"A {store['status']} store cannot be republished", code="STORE_NOT_PUBLISHABLE")
    if int(store["version"]) == int(store["live_version"]):
        raise Conflict("The live site already shows the latest draft", code="NOTHING_TO_PUBLISH")
    existing = await pubs.for_store(deps, tenant_id, store_id)
    _in_progress(existing)
    hosts = list(store.get("hosts") or [])
    pending = [p for p in existing if p["status"] == S.AWAITING_PAYMENT]
    for p in pending:
        if p["kind"] == "REPUBLISH" and int(p["version"]) == int(store["version"]) and p.get("charged_at"):
            return _answer(p)
    domain = {"type": "existing", "host": hosts[0] if hosts else None, "price_paise": 0}
    return await _open(
        deps,
        start,
        caller,
        store,
        kind="REPUBLISH",
        domain=domain,
        hosts=hosts,
        contact=None,
        replaces=pending,
    )


async def _open(
    deps: Deps,
    start: Start,
    caller: Caller,
    store: dict[str, Any],
    *,
    kind: str,
    domain: dict[str, Any],
    hosts: list[str],
    contact: dict[str, Any] | None,
    replaces: list[dict[str, Any]],
) -> dict[str, Any]:
    """Record the publication, ask payments for its charge, and start the saga at once when nothing is owed."""
    tenant_id, store_id = store["tenant_id"], store["store_id"]
    now = clock.iso()
    pub = {
        "publication_id": ids.new_id("pub"),
        "tenant_id": tenant_id,
        "store_id": store_id,
        "store_name": store.get("name"),
        "kind": kind,
        "status": S.AWAITING_PAYMENT.value,
        "version": int(store["version"]),
        "from_version": store.get("live_version"),
        "domain": domain,
        "hosts": hosts,
        "contact": contact or None,
        "notify": {"email": caller.email, "phone": caller.phone_number},
        "completed": [],
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
    }
    uow = deps.outbox.begin()
    uow.tx.put(deps.repo.name, pubs.new_item(pub), condition="attribute_not_exists(PK)")
    for old in replaces:  # a newer request replaces an unpaid one
        uow.tx.update(
            deps.repo.name,
            pubs.pub_key(tenant_id, store_id, old["publication_id"]),
            "SET #st = :failed, GSI1PK = :g, failure_reason = :why, replaced_by = :by, updated_at = :now",
            condition="#st = :awaiting",
            names={"#st": "status"},
            values={
                ":failed": S.FAILED.value,
                ":g": f"PUB#{S.FAILED.value}",
                ":why": "replaced by a newer publish request",
                ":by": pub["publication_id"],
                ":now": now,
                ":awaiting": S.AWAITING_PAYMENT.value,
            },
        )
    uow.emit(
        new_event(
            "store.publish_requested",
            {
                "tenant_id": tenant_id,
                "store_id": store_id,
                "publication_id": pub["publication_id"],
                "kind": kind,
                "version": pub["version"],
                "domain": {"type": domain["type"], "host": domain.get("host")},
                "hosts": hosts,
            },
            tenant_id=tenant_id,
            source="sitegen",
        )
    )
    try:
        await uow.commit()
    except TransactionCancelled as exc:
        raise Conflict(
            "The store's publications changed meanwhile; try again", code="PUBLISH_CHANGED"
        ) from exc
    try:
        charge = await deps.payments.charge(
            tenant_id=tenant_id,
            store_id=store_id,
            publication_id=pub["publication_id"],
            kind=kind,
            domain=domain["host"] if domain["type"] == "custom" else None,
            domain_price_paise=domain["price_paise"] if domain["type"] == "custom" else None,
        )
    except Problem as exc:
        await _abandon(deps, pub, exc.detail)
        raise
    covered = bool(charge["covered"]) or int(charge["amountPaise"]) == 0
    payment = charge.get("platformPayment")
    fields: dict[str, Any] = {
        "amount_paise": int(charge["amountPaise"]),
        "covered_by": charge.get("coveredBy"),
        "breakdown": charge.get("breakdown") or [],
        "platform_payment": None if covered else payment,
        "platform_payment_id": (payment or {}).get("platformPaymentId"),
        "charged_at": clock.iso(),
    }
    if covered:
        fields.update(status=S.PAID.value, GSI1PK=f"PUB#{S.PAID.value}", paid_at=fields["charged_at"])
    pub = await _set(deps, pub, fields, expect=S.AWAITING_PAYMENT.value)
    await pubs.show_on_store(deps, pub)
    if covered:
        start(saga.run(deps, tenant_id, store_id, pub["publication_id"]))
    return _answer(pub)


async def _set(deps: Deps, pub: dict[str, Any], fields: dict[str, Any], *, expect: str) -> dict[str, Any]:
    fields = {**fields, "updated_at": clock.iso()}
    names = {f"#f{i}": k for i, k in enumerate(fields)} | {"#st": "status"}
    values = {f":v{i}": v for i, v in enumerate(fields.values())} | {":expect": expect}
    return await deps.repo.table.update(
        pubs.pub_key(pub["tenant_id"], pub["store_id"], pub["publication_id"]),
        "SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(fields))),
        condition="#st = :expect",
        names=names,
        values=values,
    )


async def _abandon(deps: Deps, pub: dict[str, Any], reason: str) -> None:
    try:
        failed = await _set(
            deps,
            pub,
            {"status": S.FAILED.value, "GSI1PK": f"PUB#{S.FAILED.value}", "failure_reason": reason[:300]},
            expect=S.AWAITING_PAYMENT.value,
        )
        await pubs.show_on_store(deps, failed)
    except ConditionFailed:
        pass


# ---- payment events -------------------------------------------------------------------------------------------
async def mark_paid(deps: Deps, data: dict[str, Any]) -> dict[str, Any] | None:
    """`publish.paid` / `domain.paid` → the publication PAID (once: a redelivery or the second event of the same
    payment changes nothing). Returns the publication when its saga may run, None when the fee is not ours."""
    tenant_id, store_id, pid = data.get("tenant_id"), data.get("store_id"), data.get("publication_id")
    if not (tenant_id and store_id and pid):
        log.info("publish.paid_without_publication", data_keys=sorted(data))
        return None
    now = clock.iso()
    try:
        pub = await deps.repo.table.update(
            pubs.pub_key(tenant_id, store_id, pid),
            "SET #st = :paid, GSI1PK = :g, GSI1SK = :now, paid_at = :now, updated_at = :now, "
            "platform_payment_id = :pp, payment_id = :pay, paid_paise = :amount, detail = :detail",
            condition="attribute_exists(PK) AND (#st = :awaiting OR (#st = :failed AND attribute_exists(replaced_by)))",
            names={"#st": "status"},
            values={
                ":paid": S.PAID.value,
                ":g": f"PUB#{S.PAID.value}",
                ":now": now,
                ":pp": data.get("platform_payment_id"),
                ":pay": data.get("payment_id"),
                ":amount": int(data.get("amount_paise") or 0),
                ":detail": "paid",
                ":awaiting": S.AWAITING_PAYMENT.value,
                ":failed": S.FAILED.value,
            },
        )
    except ConditionFailed:
        pub = await pubs.get(deps, tenant_id, store_id, pid)
        if pub is None:
            log.warning("publish.paid_unknown_publication", publication_id=pid)
            return None
        return pub  # paid before: running, live or failed — the saga decides (a runner is harmless)
    await pubs.show_on_store(deps, pub)
    return pub


async def record_refund(deps: Deps, data: dict[str, Any]) -> bool:
    """`platform_payment.refunded` for a publication: recorded once, and the merchant is told."""
    tenant_id, store_id, pid = data.get("tenant_id"), data.get("store_id"), data.get("publication_id")
    if not (tenant_id and store_id and pid):
        return False
    refund = {
        "refundId": data.get("refund_id"),
        "amountPaise": int(data.get("amount_paise") or 0),
        "reason": data.get("reason"),
        "at": clock.iso(),
    }
    try:
        pub = await deps.repo.table.update(
            pubs.pub_key(tenant_id, store_id, pid),
            "SET refund = :r, updated_at = :now",
            condition="attribute_exists(PK) AND attribute_not_exists(refund)",
            values={":r": refund, ":now": refund["at"]},
        )
    except ConditionFailed:
        return False  # unknown, or recorded before (and the merchant already told)
    await pubs.show_on_store(deps, pub)
    rupees = f"₹{refund['amountPaise'] / 100:,.2f}"
    host = (pub.get("domain") or {}).get("host") or "your domain"
    await saga.tell_merchant(
        deps,
        pub,
        "Your payment was refunded",
        f"We could not register {host} for {pub.get('store_name') or 'your store'}. "
        f"Your payment of {rupees} has been refunded. Reason: {refund['reason'] or 'the purchase failed'}.",
    )
    return True


# ---- rollback and releases ------------------------------------------------------------------------------------
async def rollback(deps: Deps, tenant_id: str, store_id: str, version: int) -> dict[str, Any]:
    """Move every host of the store back to an earlier built release (no payment: it was paid for already)."""
    store = await get_store(deps, tenant_id, store_id)
    refuse_if_suspended(store)
    if await pubs.get_release(deps, tenant_id, store_id, version) is None:
        raise NotFound(f"No built release v{version} of this store", code="RELEASE_NOT_FOUND")
    live = store.get("live_version")
    if live is not None and int(live) == version:
        raise Conflict(f"v{version} is live already", code="ALREADY_LIVE")
    if store["status"] != "LIVE" or live is None:
        raise Conflict(f"A {store['status']} store cannot be rolled back", code="NOT_LIVE")
    hosts = list(store.get("hosts") or [])
    for host in hosts:
        entry = await deps.hosts.get(host, consistent=True)
        if entry is not None and entry.get("version") is not None and int(entry["version"]) == version:
            continue  # moved already (a retried rollback)
        try:
            await deps.hosts.switch(host, store_id=store_id, from_version=int(live), to_version=version)
        except HostMoved:
            raise Conflict(
                f"{host} changed meanwhile; reload and try again", code="ROLLBACK_CONFLICT"
            ) from None
    now = clock.iso()
    uow = deps.outbox.begin()
    uow.tx.update(
        deps.repo.name,
        pubs.store_key(tenant_id, store_id),
        "SET live_version = :to, updated_at = :now",
        condition="live_version = :from",
        values={":to": version, ":now": now, ":from": int(live)},
    )
    uow.emit(
        new_event(
            "store.rolled_back",
            {
                "tenant_id": tenant_id,
                "store_id": store_id,
                "from_version": int(live),
                "version": version,
                "hosts": hosts,
            },
            tenant_id=tenant_id,
            source="sitegen",
        )
    )
    try:
        await uow.commit()
    except TransactionCancelled as exc:
        raise Conflict("The store changed meanwhile; reload and try again", code="ROLLBACK_CONFLICT") from exc
    return {**strip_keys(store), "live_version": version, "updated_at": now}


async def releases(deps: Deps, tenant_id: str, store_id: str) -> list[dict[str, Any]]:
    store = await get_store(deps, tenant_id, store_id)
    live = store.get("live_version")
    return [
        {
            "version": int(r["version"]),
            "builtAt": r.get("built_at"),
            "live": live is not None and int(r["version"]) == int(live),
        }
        for r in await pubs.list_releases(deps, tenant_id, store_id)
    ]
