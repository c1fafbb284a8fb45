"""The publish saga: a paid publication → a live store.

Steps (in order; the domain steps for a custom domain's first publish only):
  BUILDING            render the publication's draft version for its live host (indexable, canonical URLs),
                      write it under the immutable release prefix, then record the release item
  BUYING_DOMAIN       domains.buy                  (the purchase is recorded before anything else happens)
  CONFIGURING_DNS     domains.create_zone, domains.set_nameservers
  ISSUING_CERTIFICATE domains.request_certificate, domains.certificate_ready (retry() while pending)
  ATTACHING_CDN       domains.attach_cdn
  SWITCHING           HostMap.switch of every host to the new release (blue-green), then ONE transaction:
                      store LIVE + live_version/live_url/hosts, publication LIVE, `store.published`
then a confirmation email (or SMS).

Resumable: each finished step is appended to `completed` (with the domain state it returned) before the next
begins, and every step checks what it already did, so a runner that dies anywhere is simply run again (the
sweeper does so). Exclusive: a runner first takes the publication's lease with a conditional write and every
later write is conditional on still holding it, so two runners never drive one publication.
Retryable step errors back off (base, twice that, … capped) up to `saga_max_attempts`, the status detail reading
"retrying: <reason>"; a permanent error or exhausted retries end it FAILED (`store.publish_failed`, and
`domain.purchase_failed` when a paid custom domain was never bought, `publication.refund_due` when any other paid
publication could not go live — payments refunds either — unless the founder took the store offline meanwhile).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sitegen.adapters.hosts import HostMoved, HostTaken
from sitegen.domain.publishing import PublicationStatus as S
from sitegen.domain.publishing import StepError, give_up, retry
from sitegen.service import domains
from sitegen.service import publications as pubs
from sitegen.service.deps import Deps
from sitegen.service.progress import Progress
from sitegen.service.versions import load_spec
from sitegen.site.render import render_site
from webdpro_aws.dynamo import ConditionFailed, TransactionCancelled
from webdpro_aws.messaging import DeliveryFailed
from webdpro_core import clock, ids
from webdpro_core.errors import Problem
from webdpro_events import new_event
from webdpro_observability import get_logger

# Stores the founder has taken offline: a saga never puts them live.
OFF_LIMITS = ("SUSPENDED", "DELETED")

log = get_logger(__name__)

# Content-hashed assets (assets/styles.<hex>.css …): safe to carry into the next release, names never clash.
HASHED_ASSET = re.compile(r"^assets/.+\.[0-9a-f]{6,}\.[A-Za-z0-9]+$")

_PERCENT = {
    S.BUILDING: 20,
    S.BUYING_DOMAIN: 35,
    S.CONFIGURING_DNS: 50,
    S.ISSUING_CERTIFICATE: 65,
    S.ATTACHING_CDN: 80,
    S.SWITCHING: 90,
}


class LeaseLost(Exception):
    """Another runner holds the publication now (this one was too slow): stop without writing."""


StepFn = Callable[[Deps, dict[str, Any]], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Step:
    status: S
    name: str
    run: StepFn | None  # None: the saga's own step (build / switch)


def plan(pub: dict[str, Any]) -> list[Step]:
    steps = [Step(S.BUILDING, "build", None)]
    if pub.get("kind") == "PUBLISH" and (pub.get("domain") or {}).get("type") == "custom":
        steps += [
            Step(S.BUYING_DOMAIN, "buy", domains.buy),
            Step(S.CONFIGURING_DNS, "create_zone", domains.create_zone),
            Step(S.CONFIGURING_DNS, "set_nameservers", domains.set_nameservers),
            Step(S.ISSUING_CERTIFICATE, "request_certificate", domains.request_certificate),
            Step(S.ISSUING_CERTIFICATE, "certificate_ready", domains.certificate_ready),
            Step(S.ATTACHING_CDN, "attach_cdn", domains.attach_cdn),
        ]
    return [*steps, Step(S.SWITCHING, "switch", None)]


async def run(deps: Deps, tenant_id: str, store_id: str, publication_id: str) -> str | None:
    """Drive one publication as far as it goes; None when it is not runnable here (done, or leased)."""
    runner = _Runner(deps, ids.new_id("run"))
    pub = await runner.acquire(tenant_id, store_id, publication_id)
    if pub is None:
        return None
    try:
        if int(pub.get("runs") or 0) > deps.settings.saga_max_runs:
            # Every runner so far crashed outside a step (a fault that retrying does not cure): stop for good
            # instead of taking the publication up again every sweep.
            step = next(
                (st for st in plan(pub) if st.name not in (pub.get("completed") or [])), plan(pub)[-1]
            )
            return await runner.fail(pub, step, "the publish job kept failing unexpectedly; our team is told")
        return await runner.drive(pub)
    except LeaseLost:
        log.warning("saga.lease_lost", publication_id=publication_id)
        return None
    except Exception:
        # Not a step failure (e.g. the table unreachable): give the lease back, the sweeper tries again.
        log.exception("saga.crashed", publication_id=publication_id)
        await runner.release(pub)
        return None


class _Runner:
    def __init__(self, deps: Deps, runner_id: str) -> None:
        self.deps = deps
        self.me = runner_id
        self.progress: Progress | None = None

    # ---- lease and writes --------------------------------------------------------------------------------
    async def acquire(self, tenant_id: str, store_id: str, publication_id: str) -> dict[str, Any] | None:
        now = clock.epoch()
        statuses = {f":s{i}": s.value for i, s in enumerate(pubs.RUNNING)}
        try:
            return await self.deps.repo.table.update(
                pubs.pub_key(tenant_id, store_id, publication_id),
                "SET lease_owner = :me, lease_until = :until ADD runs :one",
                condition=(
                    f"attribute_exists(PK) AND #st IN ({', '.join(statuses)}) "
                    "AND (attribute_not_exists(lease_until) OR lease_until < :now)"
                ),
                names={"#st": "status"},
                values={
                    ":me": self.me,
                    ":until": now + self.deps.settings.saga_lease_seconds,
                    ":now": now,
                    ":one": 1,
                    **statuses,
                },
            )
        except ConditionFailed:
            return None

    async def release(self, pub: dict[str, Any]) -> None:
        try:
            await self.deps.repo.table.update(
                pubs.pub_key(pub["tenant_id"], pub["store_id"], pub["publication_id"]),
                "REMOVE lease_owner, lease_until",
                condition="lease_owner = :me",
                values={":me": self.me},
            )
        except ConditionFailed:
            pass

    def _update(self, fields: dict[str, Any], *, finish: bool = False) -> tuple[str, dict, dict, dict]:
        """SET `fields` (+ GSI1 status, updated_at; a renewed lease, or none when `finish`), for a write
        conditional on holding the lease (`:me`)."""
        now = clock.iso()
        fields = {**fields, "updated_at": now, "GSI1SK": now}
        if "status" in fields:
            fields["GSI1PK"] = f"PUB#{fields['status']}"
        if not finish:
            fields["lease_until"] = clock.epoch() + self.deps.settings.saga_lease_seconds
        names = {f"#f{i}": k for i, k in enumerate(fields)}
        values: dict[str, Any] = {f":v{i}": v for i, v in enumerate(fields.values())}
        expr = "SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(fields)))
        if finish:
            expr += " REMOVE lease_owner, lease_until"
        values[":me"] = self.me
        return expr, names, values, fields

    def _finish(self, uow: Any, pub: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
        """The publication's last write (its lease given back) as the first operation of `uow`, conditional on
        still holding the lease; → the fields it writes."""
        expr, names, values, fields = self._update(fields, finish=True)
        uow.tx.update(
            self.deps.repo.name,
            pubs.pub_key(pub["tenant_id"], pub["store_id"], pub["publication_id"]),
            expr,
            condition="lease_owner = :me",
            names=names,
            values=values,
        )
        return fields

    async def save(self, pub: dict[str, Any], **fields: Any) -> dict[str, Any]:
        expr, names, values, fields = self._update(fields)
        try:
            await self.deps.repo.table.update(
                pubs.pub_key(pub["tenant_id"], pub["store_id"], pub["publication_id"]),
                expr,
                condition="lease_owner = :me",
                names=names,
                values=values,
            )
        except ConditionFailed:
            raise LeaseLost() from None
        pub.update(fields)
        await pubs.show_on_store(self.deps, pub)
        return pub

    async def emit(self, stage: str, percent: int, **detail: Any) -> None:
        if self.progress is not None:
            await self.progress.emit(stage, percent, **detail)

    # ---- the saga ----------------------------------------------------------------------------------------
    async def drive(self, pub: dict[str, Any]) -> str:
        tenant_id, store_id = pub["tenant_id"], pub["store_id"]
        seen = await self.deps.repo.progress_after(tenant_id, store_id, 0)
        self.progress = Progress(
            self.deps, tenant_id, store_id, max((int(e["seq"]) for e in seen), default=0)
        )
        done = list(pub.get("completed") or [])
        for step in plan(pub):
            if step.name in done:
                continue  # resumed: this step's result is already recorded
            outcome = await self._attempt(pub, step)
            if outcome is not None:
                return await self.fail(pub, step, outcome)
            if step.name == "switch":
                return S.LIVE.value
        return str(pub["status"])

    async def _attempt(self, pub: dict[str, Any], step: Step) -> str | None:
        """Run one step with retries; None when it finished, else the failure reason."""
        s = self.deps.settings
        attempts = int(pub.get("attempts") or 0) if pub.get("step") == step.name else 0
        while True:
            attempts += 1
            await self.save(
                pub,
                status=step.status.value,
                step=step.name,
                attempts=attempts,
                detail=step.status.value.lower(),
            )
            await self.emit(
                f"publishing:{step.status.value.lower()}",
                _PERCENT[step.status],
                step=step.name,
                attempt=attempts,
            )
            try:
                result: dict[str, Any] = {}
                if step.name == "build":
                    await self.build(pub)
                elif step.name == "switch":
                    await self.switch(pub)  # records LIVE itself, in one transaction with the store
                    return None
                else:
                    assert step.run is not None
                    updates = await step.run(self.deps, dict(pub))
                    # The step's result and "done" land in one write: a purchase is never forgotten.
                    result["domain"] = {**(pub.get("domain") or {}), **(updates or {})}
                await self.save(
                    pub, completed=[*(pub.get("completed") or []), step.name], last_error=None, **result
                )
                return None
            except LeaseLost:
                raise
            except StepError as exc:
                error = exc
            except Problem as exc:
                error = give_up(exc.detail)
            except Exception as exc:  # an unexpected fault (network, AWS): worth another try
                log.warning("saga.step_error", step=step.name, error=repr(exc))
                error = retry(f"{type(exc).__name__}: {str(exc)[:200]}")
            if not error.retryable or attempts >= s.saga_max_attempts:
                return error.reason
            delay = min(s.saga_backoff_base_seconds * 2 ** (attempts - 1), s.saga_backoff_cap_seconds)
            await self.save(pub, detail=f"retrying: {error.reason}"[:300], last_error=error.reason[:300])
            await self.emit(
                f"publishing:{step.status.value.lower()}",
                _PERCENT[step.status],
                step=step.name,
                retrying=error.reason[:300],
                retryInMs=int(delay * 1000),  # the table stores no floats
            )
            await asyncio.sleep(delay)

    async def build(self, pub: dict[str, Any]) -> None:
        deps, tenant_id, store_id = self.deps, pub["tenant_id"], pub["store_id"]
        version = int(pub["version"])
        if await pubs.get_release(deps, tenant_id, store_id, version) is not None:
            return  # built before (a resumed saga, or a version published again): releases are immutable
        store = await deps.repo.get_store(tenant_id, store_id)
        if store is None:
            raise give_up("the store no longer exists")
        spec = await load_spec(deps, store, version)
        base_url = deps.settings.site_url(pub["hosts"][0])
        files = render_site(spec, base_url, "", razorpay_src=deps.settings.checkout_js_url, indexable=True)
        # A page of the previous release loaded just before the switch still finds its hashed assets here.
        previous = store.get("live_version")
        if previous is not None:
            old = await pubs.get_release(deps, tenant_id, store_id, int(previous))
            for name in (old or {}).get("assets") or []:
                if name not in files:
                    found = await deps.storage.read_release_file(store_id, int(previous), name)
                    if found is not None:
                        files[name] = found[0]
        prefix = await deps.storage.write_release(store_id, version, files)
        await pubs.put_release(
            deps,
            tenant_id,
            store_id,
            {
                "version": version,
                "prefix": prefix,
                "publication_id": pub["publication_id"],
                "base_url": base_url,
                "files": len(files),
                "assets": sorted(n for n in files if HASHED_ASSET.match(n)),
            },
        )

    async def switch(self, pub: dict[str, Any]) -> None:
        deps, tenant_id, store_id = self.deps, pub["tenant_id"], pub["store_id"]
        to = int(pub["version"])
        if await pubs.get_release(deps, tenant_id, store_id, to) is None:
            raise give_up(f"release v{to} was never built")
        store = await deps.repo.get_store(tenant_id, store_id)
        if store is None or store["status"] in OFF_LIMITS:
            # The founder suspended or deleted the store meanwhile: it must not go (back) live by itself.
            raise give_up(f"the store is {store['status'] if store else 'gone'}; it cannot go live now")
        for host in pub["hosts"]:
            await self._switch_host(pub, host, to)
        hosts = list(dict.fromkeys([*pub["hosts"], *(store.get("hosts") or [])]))
        live_url = deps.settings.site_url(pub["hosts"][0])
        now = clock.iso()
        uow = deps.outbox.begin()
        fields = self._finish(
            uow,
            pub,
            {
                "status": S.LIVE.value,
                "step": "switch",
                "detail": "live",
                "completed": [*(pub.get("completed") or []), "switch"],
                "live_url": live_url,
            },
        )
        live_pub = {**pub, **fields}
        store_fields: dict[str, Any] = {
            "status": "LIVE",
            "live_version": to,
            "live_url": live_url,
            "hosts": hosts,
            "publication": pubs.summary(live_pub),
            "live_since": store.get("live_since") or now,
            "updated_at": now,
            "GSI1PK": "STATUS#LIVE",
            "GSI1SK": now,
        }
        if (pub.get("domain") or {}).get("type") == "subdomain":
            store_fields["subdomain"] = pub["domain"]["slug"]
        uow.tx.update(
            deps.repo.name,
            pubs.store_key(tenant_id, store_id),
            "SET " + ", ".join(f"#s{i} = :s{i}" for i in range(len(store_fields))),
            # ...nor in the instant between that read and this write (#s0 is the status).
            condition="attribute_exists(PK) AND NOT (#s0 IN (:off0, :off1))",
            names={f"#s{i}": k for i, k in enumerate(store_fields)},
            values={
                **{f":s{i}": v for i, v in enumerate(store_fields.values())},
                **{f":off{i}": v for i, v in enumerate(OFF_LIMITS)},
            },
        )
        uow.emit(
            new_event(
                "store.published",
                {
                    "tenant_id": tenant_id,
                    "store_id": store_id,
                    "version": to,
                    "publication_id": pub["publication_id"],
                    "hosts": hosts,
                    "live_url": live_url,
                },
                tenant_id=tenant_id,
                source="sitegen",
            )
        )
        try:
            await uow.commit()
        except TransactionCancelled as exc:
            if exc.failed(0):
                raise LeaseLost() from None
            raise give_up("the store no longer exists, or was suspended meanwhile") from None
        pub.update(live_pub)
        await self.emit("live", 100, liveUrl=live_url, version=to, hosts=hosts)
        log.info("saga.live", publication_id=pub["publication_id"], store_id=store_id, version=to)
        await _confirm(deps, pub, store, live_url)

    async def _switch_host(self, pub: dict[str, Any], host: str, to: int) -> None:
        hosts, store_id = self.deps.hosts, pub["store_id"]
        entry = await hosts.get(host, consistent=True)
        if entry is not None and entry.get("store_id") == store_id and entry.get("version") is not None:
            if int(entry["version"]) == to and entry.get("status") == "LIVE":
                return  # switched before a crash
        if entry is None or entry.get("store_id") != store_id or entry.get("status") == "OFFLINE":
            # Our reservation lapsed (or never landed): claim it again; someone else's name now → give up.
            try:
                entry = await hosts.claim(
                    host,
                    tenant_id=pub["tenant_id"],
                    store_id=store_id,
                    kind=(pub.get("domain") or {}).get("type") or "subdomain",
                    hold_seconds=self.deps.settings.publish_hold_seconds,
                )
            except HostTaken:
                raise give_up(f"{host} was taken by another store meanwhile") from None
        current = entry.get("version")
        try:
            await hosts.switch(
                host, store_id=store_id, from_version=None if current is None else int(current), to_version=to
            )
        except HostMoved:
            raise retry(f"{host} changed during the switch") from None

    async def _taken_offline(self, pub: dict[str, Any]) -> bool:
        store = await self.deps.repo.get_store(pub["tenant_id"], pub["store_id"])
        return store is None or store["status"] in OFF_LIMITS

    async def fail(self, pub: dict[str, Any], step: Step, reason: str) -> str:
        deps, tenant_id, store_id = self.deps, pub["tenant_id"], pub["store_id"]
        uow = deps.outbox.begin()
        fields = self._finish(
            uow,
            pub,
            {"status": S.FAILED.value, "failure_reason": reason[:300], "detail": f"failed: {reason}"[:300]},
        )
        uow.emit(
            new_event(
                "store.publish_failed",
                {
                    "tenant_id": tenant_id,
                    "store_id": store_id,
                    "publication_id": pub["publication_id"],
                    "step": step.name,
                    "reason": reason[:300],
                },
                tenant_id=tenant_id,
                source="sitegen",
            )
        )
        domain = pub.get("domain") or {}
        bought = "buy" in (pub.get("completed") or []) or domain.get("purchased")
        if domain.get("type") == "custom" and pub.get("kind") == "PUBLISH" and not bought:
            # Paid for a domain that was never bought: payments refunds the platform payment.
            uow.emit(
                new_event(
                    "domain.purchase_failed",
                    {
                        "tenant_id": tenant_id,
                        "store_id": store_id,
                        "publication_id": pub["publication_id"],
                        "platform_payment_id": pub.get("platform_payment_id"),
                        "domain": domain.get("host"),
                        "reason": reason[:300],
                    },
                    tenant_id=tenant_id,
                    source="sitegen",
                )
            )
        elif pub.get("platform_payment_id") and not bought and not await self._taken_offline(pub):
            # Paid, and the store could not go live (a build or switch that kept failing): the merchant gets the
            # fee back. Not when the founder suspended or deleted the store meanwhile, nor once a domain was
            # bought in the merchant's name (it is theirs; the publication can be retried with a republish).
            uow.emit(
                new_event(
                    "publication.refund_due",
                    {
                        "tenant_id": tenant_id,
                        "store_id": store_id,
                        "publication_id": pub["publication_id"],
                        "platform_payment_id": pub["platform_payment_id"],
                        "reason": reason[:300],
                    },
                    tenant_id=tenant_id,
                    source="sitegen",
                )
            )
        try:
            await uow.commit()
        except TransactionCancelled:
            raise LeaseLost() from None
        pub.update(fields)
        await pubs.show_on_store(deps, pub)
        await self.emit("publish_failed", 100, reason=reason[:300], step=step.name)
        log.warning("saga.failed", publication_id=pub["publication_id"], step=step.name, reason=reason)
        return S.FAILED.value


# ---- messages to the merchant -------------------------------------------------------------------------------
async def tell_merchant(deps: Deps, pub: dict[str, Any], subject: str, body: str) -> str | None:
    """Email the publication's contact (or the merchant's sign-in email), else SMS their phone; best effort."""
    notify = pub.get("notify") or {}
    contact = pub.get("contact") or {}
    email = contact.get("email") or notify.get("email")
    phone = contact.get("phone") or notify.get("phone")
    if deps.notifier is None:
        return None
    try:
        if email:
            await deps.notifier.email(email, subject, body)
            return "email"
        if phone:
            await deps.notifier.sms(phone, body)
            return "sms"
    except DeliveryFailed as exc:
        log.warning("saga.notify_failed", publication_id=pub["publication_id"], error=str(exc))
    return None


async def _confirm(deps: Deps, pub: dict[str, Any], store: dict[str, Any], live_url: str) -> None:
    name = store.get("name") or "Your store"
    await tell_merchant(
        deps,
        pub,
        f"{name} is live",
        f"Your store {name} is live at {live_url}\n\nEdits you make now stay in your draft until you republish.",
    )


# ---- resuming --------------------------------------------------------------------------------------------------
async def resume_stuck(deps: Deps, start: Callable[[Any], None]) -> int:
    """Start a runner for every publication mid-saga whose lease has lapsed (a crashed or never-started run)."""
    now = clock.epoch()
    count = 0
    for pub in await pubs.running(deps):
        if int(pub.get("lease_until") or 0) < now:
            start(run(deps, pub["tenant_id"], pub["store_id"], pub["publication_id"]))
            count += 1
    return count
