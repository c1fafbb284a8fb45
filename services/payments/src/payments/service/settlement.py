"""The daily settlement, per merchant per day, idempotent.

1. Claim `T#<t>#SETTLEMENT/<date>` (conditional put, IN_PROGRESS) with the decision taken from the merchant's
   balance at that moment (payout / accrued / due). A second tick for the same day finds the claim: a COMPLETED
   one is left alone; an IN_PROGRESS one (a crash) is finished with the same decision.
2. A payout is a direct Route transfer to the linked account with `X-Transfer-Idempotency: <settlement id>`, so
   finishing twice pays once.
3. Complete in one transaction: the record (COMPLETED, the day's figures), the PAYOUT ledger entry and
   `settlement.completed`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from payments.domain import settlement
from payments.domain.ledger import normal
from payments.service.common import emit
from payments.service.deps import Deps
from webdpro_aws.dynamo import TransactionCancelled
from webdpro_core import clock
from webdpro_observability import get_logger

log = get_logger(__name__)

IST = timezone(timedelta(hours=5, minutes=30), "IST")


def ist_day(at: str | None) -> str:
    moment = clock.parse_iso(at) if at else clock.now()
    return moment.astimezone(IST).date().isoformat()


def day_bounds(day: str) -> tuple[str, str]:
    """The UTC ISO range [start, end) of an IST calendar day."""
    start = datetime.combine(date.fromisoformat(day), datetime.min.time(), IST).astimezone(UTC)
    return clock.iso(start), clock.iso(start + timedelta(days=1))


async def run_all(deps: Deps, scheduled_for: str | None) -> int:
    day = ist_day(scheduled_for)
    done, failed = 0, []
    for tenant in await deps.repo.merchants():
        try:
            if await settle(deps, tenant, day):
                done += 1
        except Exception as exc:  # one merchant's failure must not stop the others
            log.error("settlement.failed", tenant_id=tenant, day=day, error=repr(exc))
            failed.append(tenant)
    log.info("settlement.run", day=day, settled=done, failed=len(failed))
    if failed:  # the tick is retried; the merchants already settled today are skipped
        raise RuntimeError(f"settlement failed for {len(failed)} merchant(s)")
    return done


async def settle(deps: Deps, tenant_id: str, day: str) -> dict[str, Any] | None:
    settlement_id = f"stl_{tenant_id}_{day.replace('-', '')}"
    existing = await deps.repo.get_settlement(tenant_id, day)
    if existing is not None and existing.get("status") == "COMPLETED":
        return None
    if existing is None:
        balances = await deps.repo.balances(tenant_id)
        payable = normal("MERCHANT_PAYABLE", balances.get("MERCHANT_PAYABLE", 0))
        merchant = await deps.repo.merchant(tenant_id)
        d = settlement.decide(
            payable,
            linked=bool(merchant.get("linked_account_id")),
            minimum_payout_paise=deps.settings.minimum_payout_paise,
        )
        record = {
            "settlement_id": settlement_id,
            "tenant_id": tenant_id,
            "date": day,
            "status": "IN_PROGRESS",
            "balance_paise": payable,
            "payout_paise": d.payout_paise,
            "accrued_paise": d.accrued_paise,
            "due_paise": d.due_paise,
            "account_id": merchant.get("linked_account_id"),
            "started_at": clock.iso(),
        }
        if not await deps.repo.claim_settlement(tenant_id, record):
            existing = await deps.repo.get_settlement(tenant_id, day)
            if existing is None or existing.get("status") == "COMPLETED":
                return None
            record = existing
    else:
        record = existing
    transfer_id = None
    if int(record["payout_paise"]) > 0:
        t = await deps.razorpay.direct_transfer(
            account=record["account_id"],
            amount=int(record["payout_paise"]),
            key=settlement_id,
            notes={"settlement_id": settlement_id, "tenant_id": tenant_id},
        )
        transfer_id = t.get("id")
    figures = await _day_figures(deps, tenant_id, day)
    fields = {"status": "COMPLETED", "transfer_id": transfer_id, "completed_at": clock.iso(), **figures}
    uow = deps.outbox.begin()
    deps.repo.complete_settlement(uow.tx, tenant_id, day, fields)
    if int(record["payout_paise"]) > 0:
        deps.repo.post(uow.tx, tenant_id, [settlement.payout(settlement_id, int(record["payout_paise"]))])
    done = {**record, **fields}
    emit(uow, "settlement.completed", tenant_id, {k: v for k, v in done.items() if k != "status"})
    try:
        await uow.commit()
    except TransactionCancelled:
        return None  # a twin completed it
    log.info("settlement.completed", tenant_id=tenant_id, day=day, payout=record["payout_paise"])
    return done


async def _day_figures(deps: Deps, tenant_id: str, day: str) -> dict[str, int]:
    start, end = day_bounds(day)
    rows = [r for r in await deps.repo.all_entries(tenant_id, start, end) if r["at"] < end]

    def total(kind: str, acct: str | None = None, side: str = "debit_paise") -> int:
        out = 0
        for r in rows:
            if r["kind"] != kind:
                continue
            if acct is None:
                out += int(r["amount_paise"])
            else:
                out += sum(int(p[side]) for p in r["postings"] if p["account"] == acct)
        return out

    return {
        "captured_paise": total("PAYMENT_CAPTURED"),
        "released_transfers_paise": total("TRANSFER_RELEASED"),
        "refunded_paise": total("REFUND", "RAZORPAY_CLEARING", "credit_paise"),
        "cod_collected_paise": sum(
            int(p["debit_paise"])
            for r in rows
            if r["kind"] == "COD_COLLECTED"
            for p in r["postings"]
            if p["account"].startswith("AGENT_CASH")
        ),
        "cod_platform_cut_paise": total("COD_COLLECTED", "PLATFORM_REVENUE", "credit_paise"),
        "platform_fees_paise": total("PLATFORM_FEE"),
    }
