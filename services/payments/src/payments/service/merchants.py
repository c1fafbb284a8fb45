"""Merchant onboarding to Route (a linked account) and platform fees (publish, republish, domain, subscription)."""

from __future__ import annotations

import hashlib
from typing import Any

from payments.adapters.razorpay import RazorpayError, RazorpayRefused
from payments.domain.fees import Purpose
from payments.service import checkout
from payments.service.common import emit, refused, unavailable
from payments.service.deps import Deps
from webdpro_aws.dynamo import ConditionFailed, TransactionCancelled
from webdpro_core import clock, ids
from webdpro_core.errors import Conflict, NotFound, ValidationProblem
from webdpro_observability import get_logger

log = get_logger(__name__)


# ------------------------------------------------------------------------------------------ linked account
async def link(deps: Deps, tenant_id: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    merchant = await deps.repo.merchant(tenant_id)
    if merchant.get("linked_account_id"):
        return 200, _linked(merchant)
    request = {
        "email": body["email"],
        "phone": body["phone"].lstrip("+")[-15:],
        "type": "route",
        "reference_id": tenant_id[-20:],
        "legal_business_name": body["legal_business_name"],
        "business_type": body.get("business_type") or "individual",
        "contact_name": body["contact_name"],
        "profile": {
            "category": body.get("category") or "ecommerce",
            "subcategory": body.get("subcategory") or "ecommerce_marketplace",
            "addresses": {
                "registered": {
                    "street1": body.get("street") or "NA",
                    "street2": "NA",
                    "city": body.get("city") or "Mumbai",
                    "state": body.get("state") or "MAHARASHTRA",
                    "postal_code": body.get("postal_code") or "400001",
                    "country": "IN",
                }
            },
        },
        "notes": {"tenant_id": tenant_id},
    }
    try:
        acc = await deps.razorpay.create_linked_account(request)
    except RazorpayError as exc:
        raise unavailable(exc) from exc
    except RazorpayRefused as exc:
        raise refused(exc) from exc
    fields = {
        "linked_account_id": acc["id"],
        "linked_account_status": acc.get("status", "created"),
        "linked_at": clock.iso(),
        "legal_business_name": body["legal_business_name"],
    }
    try:
        await deps.repo.set_merchant(tenant_id, fields, condition="attribute_not_exists(linked_account_id)")
    except ConditionFailed:
        merchant = await deps.repo.merchant(tenant_id)  # a twin request linked first
        return 200, _linked(merchant)
    log.info("route.linked", tenant_id=tenant_id, account=acc["id"])
    return 201, _linked({**merchant, **fields})


def _linked(m: dict[str, Any]) -> dict[str, Any]:
    return {
        "linkedAccountId": m.get("linked_account_id"),
        "status": m.get("linked_account_status"),
        "linkedAt": m.get("linked_at"),
        "legalBusinessName": m.get("legal_business_name"),
    }


async def linked(deps: Deps, tenant_id: str) -> dict[str, Any]:
    m = await deps.repo.merchant(tenant_id)
    if not m.get("linked_account_id"):
        raise NotFound("No linked account yet", code="NOT_ONBOARDED")
    return _linked(m)


# ------------------------------------------------------------------------------------------ platform fees
def price(deps: Deps, purpose: Purpose, domain_price: int | None) -> int:
    s = deps.settings
    if purpose == Purpose.STORE_PUBLISH:
        return s.store_publish_paise
    if purpose == Purpose.REPUBLISH:
        return s.republish_paise
    if purpose == Purpose.DOMAIN:
        return (
            domain_price if domain_price is not None else s.domain_default_price_paise
        ) + s.domain_setup_paise
    return s.subscription_monthly_paise


def _platform_id(tenant_id: str, key: str | None) -> str:
    if not key:
        return ids.new_id("ppy")
    digest = hashlib.sha256(f"{tenant_id}|{key}".encode()).hexdigest()[:26]
    return f"ppy_{digest}"


async def subscribed(deps: Deps, tenant_id: str) -> bool:
    """The tenant's Razorpay subscription is active (its webhooks keep the plan: SUBSCRIBED ↔ STANDARD)."""
    return (await deps.repo.merchant(tenant_id)).get("plan") == "SUBSCRIBED"


async def platform_payment(
    deps: Deps,
    tenant_id: str,
    purpose: Purpose,
    store_id: str,
    details: dict[str, Any],
    key: str | None,
    *,
    amount_paise: int | None = None,
) -> tuple[int, dict[str, Any]]:
    """A platform fee, once per `key`. `amount_paise` overrides the price of `purpose` (the publish charge computes
    its own: a publish fee plus a custom domain)."""
    own_id = _platform_id(tenant_id, key)
    existing = await deps.repo.get_payment(tenant_id, own_id)
    if existing is not None:
        if existing.get("purpose") != purpose.value or existing.get("store_id") != store_id:
            raise Conflict("This Idempotency-Key was used for another payment", code="IDEMPOTENCY_KEY_REUSED")
        return 200, _fee_answer(deps, existing)
    if purpose == Purpose.SUBSCRIPTION:
        return await _subscribe(deps, tenant_id, own_id, store_id, details)
    if purpose == Purpose.DOMAIN and not details.get("domain"):
        raise ValidationProblem("A domain payment names the domain", code="DOMAIN_REQUIRED", field="domain")
    amount = (
        amount_paise if amount_paise is not None else price(deps, purpose, details.get("domain_price_paise"))
    )
    payment = await checkout.create(
        deps,
        tenant_id=tenant_id,
        own_id=own_id,
        amount_paise=amount,
        notes={
            "purpose": purpose.value,
            "tenant_id": tenant_id,
            "store_id": store_id,
            "platform_payment_id": own_id,
        },
        fields={"store_id": store_id, "purpose": purpose.value, "details": details or None},
    )
    return (200 if payment.get("_existing") else 201), _fee_answer(deps, payment)


def _fee_answer(deps: Deps, p: dict[str, Any]) -> dict[str, Any]:
    out = {
        "platformPaymentId": p["order_id"],
        "purpose": p["purpose"],
        "storeId": p.get("store_id"),
        "status": p["status"],
        "amountPaise": p["amount_paise"],
        "currency": "INR",
        "keyId": deps.keys.key_id,
        "checkoutJsUrl": deps.checkout_js_url,
    }
    if p.get("razorpay_order_id"):
        out["razorpayOrderId"] = p["razorpay_order_id"]
    if p.get("subscription_id"):
        out["subscriptionId"] = p["subscription_id"]
        out["shortUrl"] = p.get("short_url")
    if p.get("refunded_paise"):
        out["refundedPaise"] = p["refunded_paise"]
    return out


async def _subscribe(
    deps: Deps, tenant_id: str, own_id: str, store_id: str, details: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    amount = deps.settings.subscription_monthly_paise
    try:
        plan_id = await deps.repo.plan_id(amount)
        if plan_id is None:
            plan = await deps.razorpay.create_plan(amount=amount, name="WebdPro unlimited stores")
            plan_id = plan["id"]
            await deps.repo.save_plan_id(amount, plan_id)
        sub = await deps.razorpay.create_subscription(
            plan_id=plan_id,
            total_count=deps.settings.subscription_total_count,
            notes={"tenant_id": tenant_id, "platform_payment_id": own_id, "purpose": "SUBSCRIPTION"},
        )
    except RazorpayError as exc:
        raise unavailable(exc) from exc
    except RazorpayRefused as exc:
        raise refused(exc) from exc
    payment = {
        "tenant_id": tenant_id,
        "order_id": own_id,
        "store_id": store_id,
        "purpose": "SUBSCRIPTION",
        "amount_paise": amount,
        "currency": "INR",
        "status": "CREATED",
        "order_status": "OPEN",
        "subscription_id": sub["id"],
        "subscription_status": sub.get("status", "created"),
        "short_url": sub.get("short_url"),
        "money": {"order_id": own_id},
        "version": 0,
        "created_at": clock.iso(),
        "details": details or None,
    }
    uow = deps.outbox.begin()
    deps.repo.put_payment(uow.tx, payment)
    deps.repo.link_subscription(uow.tx, sub["id"], tenant_id, own_id)
    try:
        await uow.commit()
    except TransactionCancelled:
        twin = await deps.repo.get_payment(tenant_id, own_id)
        if twin is None:
            raise
        return 200, _fee_answer(deps, twin)
    return 201, _fee_answer(deps, payment)


async def subscription_changed(
    deps: Deps, event: str, entity: dict[str, Any], payment_entity: dict[str, Any] | None
) -> str:
    """Razorpay's subscription.* webhooks: the tenant's plan, `subscription.activated` / `subscription.halted`, and a
    PLATFORM_FEE entry for each charge (once per Razorpay payment id)."""
    from payments.domain.fees import fee_entry

    sub_id = entity.get("id", "")
    payment = await deps.repo.by_subscription(sub_id)
    if payment is None:
        return "unknown-subscription"
    tenant = payment["tenant_id"]
    merchant = await deps.repo.merchant(tenant)
    uow = deps.outbox.begin()
    data = {
        "tenant_id": tenant,
        "store_id": payment.get("store_id"),
        "subscription_id": sub_id,
        "platform_payment_id": payment["order_id"],
        "status": entity.get("status"),
        "current_end": entity.get("current_end"),
    }
    did = "noted"
    if (
        payment_entity
        and payment_entity.get("id")
        and event in ("subscription.activated", "subscription.charged")
    ):
        pid = payment_entity["id"]
        if not await deps.repo.has_entry(tenant, "PLATFORM_FEE", pid):
            amount = int(payment_entity.get("amount") or payment["amount_paise"])
            deps.repo.post(
                uow.tx, tenant, [fee_entry(pid, amount, Purpose.SUBSCRIPTION, payment.get("store_id"))]
            )
            data["amount_paise"] = amount  # subscription revenue, once per charge
            did = "charged"
    active = event in ("subscription.activated", "subscription.charged")
    halted = event in ("subscription.halted", "subscription.cancelled", "subscription.completed")
    if active and merchant.get("plan") != "SUBSCRIBED":
        deps.repo.set_merchant_tx(uow.tx, tenant, {"plan": "SUBSCRIBED", "subscription_id": sub_id})
        emit(uow, "subscription.activated", tenant, data)
        did = "activated"
    elif halted and merchant.get("plan") == "SUBSCRIBED" and merchant.get("subscription_id") == sub_id:
        deps.repo.set_merchant_tx(uow.tx, tenant, {"plan": "STANDARD"})
        emit(uow, "subscription.halted", tenant, {**data, "reason": event.split(".", 1)[1]})
        did = "halted"
    deps.repo.update_payment(
        uow.tx,
        payment,
        {
            "subscription_status": entity.get("status") or event.split(".", 1)[1],
            "status": "CAPTURED" if active else payment["status"],
        },
    )
    await uow.commit()
    return did
