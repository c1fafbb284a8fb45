"""What publishing a store costs (payments owns the pricing rule), and the refund when a paid custom domain could
not be bought.

The rule (sitegen asks through `POST /internal/publish-charges`, once per publication):
- PUBLISH: the publish fee (`STORE_PUBLISH_PAISE`) unless the tenant's subscription is active (plan SUBSCRIBED);
- REPUBLISH: the republish fee (`REPUBLISH_PAISE`) unless the subscription is active;
- a custom domain always adds its registrar price (`domain_price_paise`, else `DOMAIN_DEFAULT_PRICE_PAISE`) and
  the setup fee (`DOMAIN_SETUP_PAISE`), subscription or not. The free subdomain costs nothing.

The decision is recorded per publication (`T#<t>#PUBCHARGE / <publicationId>`) before any payment is opened, so
a replay answers the same even if the subscription changed in between; the platform payment itself is
`merchants.platform_payment` with the publication id as its idempotency key (one Razorpay order per publication).
Its purpose: REPUBLISH for a republish; STORE_PUBLISH when a publish fee is charged; DOMAIN when only the domain
is (a subscriber's publish with a custom domain). Its details `{publication_id, domain, domain_price_paise, kind}`
are merged into the `publish.paid` / `domain.paid` event by the capture.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from payments.domain.fees import Purpose, fee_refund_entry
from payments.service import merchants
from payments.service.common import emit
from payments.service.deps import Deps
from webdpro_aws.dynamo import TransactionCancelled
from webdpro_core import clock
from webdpro_core.errors import Conflict
from webdpro_observability import get_logger

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class PublishCharge:
    tenant_id: str
    store_id: str
    publication_id: str
    kind: str  # PUBLISH | REPUBLISH
    domain: str | None = None  # a custom domain only (None for the free subdomain)
    domain_price_paise: int | None = None


def breakdown(deps: Deps, cmd: PublishCharge, subscribed: bool) -> list[dict[str, Any]]:
    """The charged items of a publication (the pricing rule above); their sum is what the merchant pays."""
    s = deps.settings
    items: list[dict[str, Any]] = []
    if not subscribed:
        if cmd.kind == "REPUBLISH":
            items.append({"item": "republish_fee", "amountPaise": s.republish_paise})
        else:
            items.append({"item": "publish_fee", "amountPaise": s.store_publish_paise})
    if cmd.domain:
        price = cmd.domain_price_paise if cmd.domain_price_paise is not None else s.domain_default_price_paise
        items.append({"item": "domain", "amountPaise": price})
        items.append({"item": "domain_setup", "amountPaise": s.domain_setup_paise})
    return [i for i in items if i["amountPaise"] > 0]


def purpose_of(cmd: PublishCharge, items: list[dict[str, Any]]) -> Purpose:
    if cmd.kind == "REPUBLISH":
        return Purpose.REPUBLISH
    if any(i["item"] == "publish_fee" for i in items):
        return Purpose.STORE_PUBLISH
    return Purpose.DOMAIN


async def charge(deps: Deps, cmd: PublishCharge) -> tuple[int, dict[str, Any]]:
    """201 with the charge (and its platform payment) the first time; 200 with the same answer on a replay."""
    decision = await deps.repo.get_publish_charge(cmd.tenant_id, cmd.publication_id)
    new = False
    if decision is None:
        subscribed = await merchants.subscribed(deps, cmd.tenant_id)
        items = breakdown(deps, cmd, subscribed)
        decision = {
            "tenant_id": cmd.tenant_id,
            "store_id": cmd.store_id,
            "publication_id": cmd.publication_id,
            "kind": cmd.kind,
            "domain": cmd.domain,
            "domain_price_paise": cmd.domain_price_paise,
            "covered_by": "SUBSCRIPTION" if subscribed else None,
            "amount_paise": sum(i["amountPaise"] for i in items),
            "breakdown": items,
            "created_at": clock.iso(),
        }
        new = await deps.repo.put_publish_charge(cmd.tenant_id, decision)
        if not new:  # a concurrent twin decided first: its decision is the answer
            decision = await deps.repo.get_publish_charge(cmd.tenant_id, cmd.publication_id) or decision
    _same(decision, cmd)
    amount = int(decision["amount_paise"])
    payment: dict[str, Any] | None = None
    if amount > 0:
        items = list(decision.get("breakdown") or [])
        status, payment = await merchants.platform_payment(
            deps,
            cmd.tenant_id,
            purpose_of(cmd, items),
            cmd.store_id,
            {
                "publication_id": cmd.publication_id,
                "domain": decision.get("domain"),
                "domain_price_paise": decision.get("domain_price_paise"),
                "kind": cmd.kind,
            },
            cmd.publication_id,
            amount_paise=amount,
        )
        new = new or status == 201
    answer = {
        "covered": amount == 0,
        "coveredBy": decision.get("covered_by"),
        "amountPaise": amount,
        "breakdown": [
            {"item": i["item"], "amountPaise": int(i["amountPaise"])} for i in decision.get("breakdown") or []
        ],
        "platformPayment": payment,
    }
    log.info(
        "publish_charge.decided",
        publication_id=cmd.publication_id,
        amount=amount,
        covered_by=decision.get("covered_by"),
        new=new,
    )
    return (201 if new else 200), answer


def _same(decision: dict[str, Any], cmd: PublishCharge) -> None:
    if (
        decision.get("store_id") != cmd.store_id
        or decision.get("kind") != cmd.kind
        or decision.get("domain") != cmd.domain
        or decision.get("domain_price_paise") != cmd.domain_price_paise
    ):
        raise Conflict(
            "This publication was charged for another store, kind or domain",
            code="PUBLICATION_ID_REUSED",
            field="publication_id",
        )


# ----------------------------------------------------------------------------------- refund of a failed domain
class UnknownPayment(Exception):
    """No such platform payment for this tenant (or not one that was captured): nothing can ever be refunded."""


async def refund_publication(deps: Deps, tenant_id: str, data: dict[str, Any]) -> str:
    """`domain.purchase_failed` / `publication.refund_due`: the whole platform payment goes back (once per platform payment id), with a
    balanced ledger entry and `platform_payment.refunded`. Raises `UnknownPayment` for another tenant's or an
    unknown id; `RazorpayError` is transient (the event comes back), `RazorpayRefused` is not."""
    ppid = str(data.get("platform_payment_id") or "")
    key = f"fee-{ppid}"
    for _ in range(5):
        payment = await deps.repo.get_payment(tenant_id, ppid) if ppid else None
        if payment is None or payment.get("purpose", "ORDER") in ("ORDER", "SUBSCRIPTION"):
            raise UnknownPayment(f"no platform payment {ppid!r} for tenant {tenant_id}")
        if payment["status"] != "CAPTURED" or not payment.get("payment_id"):
            raise UnknownPayment(f"platform payment {ppid} was never captured")
        if payment.get("refund_status") == "REFUNDED":
            return "already"
        for r in await deps.repo.refunds(tenant_id, ppid):
            if r["key"] == key:
                return "already"
        amount = int(payment["amount_paise"])
        reason = str(data.get("reason") or "DOMAIN_PURCHASE_FAILED")[:200]
        rf = await deps.razorpay.refund(
            payment["payment_id"],
            amount=amount,
            key=key,
            notes={"platform_payment_id": ppid, "reason": reason},
        )
        record = {
            "key": key,
            "refund_id": rf.get("id"),
            "amount_paise": amount,
            "status": rf.get("status", "pending"),
            "reason": reason,
            "created_at": clock.iso(),
        }
        details = payment.get("details") or {}
        uow = deps.outbox.begin()
        deps.repo.update_payment(
            uow.tx,
            payment,
            {"refund_status": "REFUNDED", "refunded_paise": amount, "refunded_at": record["created_at"]},
        )
        deps.repo.put_refund(uow.tx, tenant_id, ppid, record)
        deps.repo.post(
            uow.tx,
            tenant_id,
            [fee_refund_entry(key, amount, Purpose(payment["purpose"]), payment.get("store_id"))],
        )
        emit(
            uow,
            "platform_payment.refunded",
            tenant_id,
            {
                "tenant_id": tenant_id,
                "store_id": payment.get("store_id"),
                "publication_id": data.get("publication_id") or details.get("publication_id"),
                "platform_payment_id": ppid,
                "refund_id": rf.get("id"),
                "amount_paise": amount,
                "reason": reason,
            },
        )
        try:
            await uow.commit()
        except TransactionCancelled:
            continue  # the payment moved (or a twin refunded): read again; the Razorpay refund is keyed
        log.info("publish_charge.refunded", platform_payment_id=ppid, amount=amount, refund_id=rf.get("id"))
        return "refunded"
    raise RuntimeError(f"platform payment {ppid} kept changing")
