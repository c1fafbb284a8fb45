"""Razorpay webhooks: verify, record, answer, then process from the queue.

Receiving (the HTTP request; Razorpay wants 2xx within 5 s):
1. The signature is the HMAC of the raw body with the webhook secret, compared in constant time. Missing or
   wrong → 401 and nothing is stored.
2. One transaction: the webhook row `WEBHOOK#<X-Razorpay-Event-Id>` (conditional: a replay of an event id we
   have is answered 200 and changes nothing) and an outbox event `payments.webhook_received` on our own topic.
3. 200 at once; the outbox publishes right after the answer (and its relay, if we die first).

Processing (our queue, `payments.webhook_received`): the stored row is read and applied; every effect is a
conditional write, so duplicates (same event twice under different ids) and reordering (failed after captured,
captured before authorized) change nothing: a payment never goes back from CAPTURED.
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

import msgspec

from payments.domain import signatures
from payments.service import capture as cap
from payments.service import merchants, route
from payments.service.deps import Deps
from webdpro_aws.dynamo import TransactionCancelled
from webdpro_core import clock
from webdpro_core.errors import Problem, Unauthorized
from webdpro_events import new_event
from webdpro_observability import get_logger

log = get_logger(__name__)

_background: set[asyncio.Task] = set()


async def receive(deps: Deps, raw: bytes, signature: str | None, event_id: str | None) -> dict[str, Any]:
    if not signatures.webhook_ok(deps.keys.webhook_secret, raw, signature):
        raise Unauthorized("The webhook signature does not match", code="WEBHOOK_SIGNATURE_INVALID")
    try:
        body = msgspec.json.decode(raw)
    except msgspec.DecodeError as exc:
        raise Problem("The webhook body is not JSON", code="WEBHOOK_BODY_INVALID") from exc
    if not isinstance(body, dict) or not isinstance(body.get("event"), str):
        raise Problem("The webhook names no event", code="WEBHOOK_BODY_INVALID")
    # Razorpay always sends the id; without it the body's hash is the id (a replay is still recognised).
    wid = (event_id or "").strip()[:100] or "sha256-" + hashlib.sha256(raw).hexdigest()
    event = new_event(
        "payments.webhook_received",
        {"webhook_id": wid, "event": body["event"]},
        tenant_id=None,
        source="payments",
    )
    uow = deps.outbox.begin()
    deps.repo.put_webhook(
        uow.tx,
        wid,
        {
            "webhook_id": wid,
            "event": body["event"],
            "body": raw.decode("utf-8", "replace"),
            "status": "RECEIVED",
            "received_at": clock.iso(),
            "expires_at": clock.epoch() + 30 * 24 * 3600,
        },
    )
    deps.outbox.stage(uow.tx, event)
    try:
        await uow.tx.commit(deps.repo.table.client)
    except TransactionCancelled:
        return {"status": "duplicate", "webhookId": wid}
    task = asyncio.create_task(
        deps.outbox.flush([event])
    )  # publish after answering; the relay covers a crash
    _background.add(task)
    task.add_done_callback(_background.discard)
    return {"status": "accepted", "webhookId": wid}


def _entity(body: dict[str, Any], name: str) -> dict[str, Any]:
    return ((body.get("payload") or {}).get(name) or {}).get("entity") or {}


async def process(deps: Deps, webhook_id: str) -> str:
    row = await deps.repo.get_webhook(webhook_id)
    if row is None:
        return "missing"
    if row.get("status") == "PROCESSED":
        return "already"
    body = msgspec.json.decode(row["body"].encode())
    outcome = await apply(deps, body)
    await deps.repo.mark_webhook(webhook_id, "PROCESSED", outcome)
    return outcome


async def apply(deps: Deps, body: dict[str, Any]) -> str:
    event = body.get("event", "")
    pay = _entity(body, "payment")
    if event in ("payment.captured", "order.paid", "payment.authorized", "payment.failed"):
        rzp_order = pay.get("order_id") or _entity(body, "order").get("id")
        if not rzp_order or not pay.get("id"):
            return "no-order"
        payment = await deps.repo.by_razorpay_order(rzp_order)
        if payment is None:
            log.warning("webhook.unknown_order", razorpay_order_id=rzp_order, webhook_event=event)
            return "unknown-order"
        if event == "payment.failed":
            await cap.failed(deps, payment, pay["id"], pay.get("error_description") or pay.get("error_code"))
            return "failed"
        if event == "payment.authorized" and pay.get("status") == "authorized":
            # Auto-capture is on for our orders; a late authorisation is captured here (an error means it was).
            try:
                await deps.razorpay.capture(pay["id"], int(pay.get("amount") or payment["amount_paise"]))
            except Exception as exc:
                log.info("webhook.capture_call", payment_id=pay["id"], error=str(exc))
            return "authorized"
        if event == "payment.authorized":
            return "authorized"
        try:
            await cap.capture(
                deps,
                payment,
                pay["id"],
                via="webhook",
                amount_paise=int(pay["amount"]) if pay.get("amount") is not None else None,
                razorpay_method=pay.get("method"),
            )
        except cap.Mismatch:
            return "amount-mismatch"  # logged and kept in the row; never captured for a wrong amount
        return "captured"
    if event in ("refund.processed",):
        rf = _entity(body, "refund")
        notes = rf.get("notes") or {}
        order_id = notes.get("order_id") if isinstance(notes, dict) else None
        payment = None
        if order_id:
            tenant = await deps.repo.tenant_of_order(order_id)
            payment = await deps.repo.get_payment(tenant, order_id) if tenant else None
        if payment is not None:
            await route.refund_processed(deps, payment["tenant_id"], payment["order_id"], rf.get("id", ""))
        return "refund-noted"
    if event.startswith("subscription."):
        return await merchants.subscription_changed(deps, event, _entity(body, "subscription"), pay or None)
    # transfer.processed / transfer.failed / settlement.processed / refund.failed: kept in the row for audit.
    return "noted"
