"""What a merchant reads: the ledger (a time range), balances, a CSV statement, settlements, payments."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from payments.domain.ledger import Account, base_of, normal
from payments.service.deps import Deps
from payments.service.settlement import IST, day_bounds
from webdpro_aws.dynamo import decode_cursor, encode_cursor
from webdpro_core import clock
from webdpro_core.errors import ValidationProblem

MAX_RANGE_DAYS = 366


def range_of(start: str | None, end: str | None) -> tuple[str, str]:
    """`from` / `to` as IST dates (YYYY-MM-DD, inclusive) or ISO instants → a UTC ISO range [start, end)."""

    def bound(value: str, is_end: bool) -> str:
        try:
            if len(value) == 10:
                lo, hi = day_bounds(value)
                return hi if is_end else lo
            return clock.iso(clock.parse_iso(value))
        except ValueError as exc:
            raise ValidationProblem(
                "Dates are YYYY-MM-DD (IST) or ISO-8601 instants",
                code="INVALID_DATE",
                field="to" if is_end else "from",
            ) from exc

    now = clock.now()
    hi = bound(end, True) if end else clock.iso(now + timedelta(seconds=1))
    lo = bound(start, False) if start else clock.iso(clock.parse_iso(hi) - timedelta(days=30))
    if lo > hi:
        raise ValidationProblem("`from` is after `to`", code="INVALID_RANGE", field="from")
    if clock.parse_iso(hi) - clock.parse_iso(lo) > timedelta(days=MAX_RANGE_DAYS):
        raise ValidationProblem("At most a year at a time", code="RANGE_TOO_LONG", field="from")
    return lo, hi


def _entry(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "entryId": row["entry_id"],
        "at": row["at"],
        "kind": row["kind"],
        "ref": row["ref"],
        "orderId": row.get("order_id"),
        "memo": row.get("memo", ""),
        "amountPaise": int(row["amount_paise"]),
        "postings": [
            {
                "account": p["account"],
                "debitPaise": int(p["debit_paise"]),
                "creditPaise": int(p["credit_paise"]),
            }
            for p in row["postings"]
        ],
    }


async def ledger(
    deps: Deps, tenant_id: str, start: str | None, end: str | None, limit: int, cursor: str | None
) -> dict[str, Any]:
    lo, hi = range_of(start, end)
    items, nxt = await deps.repo.entries(tenant_id, lo, hi, limit, _raw_cursor(cursor))
    rows = [r for r in items if r["at"] < hi]
    return {"from": lo, "to": hi, "items": [_entry(r) for r in rows], "nextCursor": _wire_cursor(nxt)}


def _raw_cursor(cursor: str | None) -> dict[str, Any] | None:
    key = decode_cursor(cursor)
    if key is None:
        return None
    from webdpro_aws.dynamo import to_item

    return to_item(key)


def _wire_cursor(key: dict[str, Any] | None) -> str | None:
    if not key:
        return None
    from webdpro_aws.dynamo import from_item

    return encode_cursor(from_item(key))


async def balance(deps: Deps, tenant_id: str) -> dict[str, Any]:
    raw = await deps.repo.balances(tenant_id)
    accounts = {name: normal(name, signed) for name, signed in sorted(raw.items())}

    def total(base: Account) -> int:
        return sum(v for n, v in accounts.items() if base_of(n) == base)

    payable = total(Account.MERCHANT_PAYABLE)
    merchant = await deps.repo.merchant(tenant_id)
    return {
        "asOf": clock.iso(),
        "merchantBalancePaise": payable,
        "owedToMerchantPaise": max(payable, 0),
        "owedByMerchantPaise": max(-payable, 0),
        "pendingDeliveryPaise": total(Account.MERCHANT_PENDING),
        "onHoldPaise": total(Account.ROUTE_ON_HOLD),
        "codCashToReceivePaise": total(Account.MERCHANT_COD_CASH),
        "agentCashPaise": total(Account.AGENT_CASH),
        "deliveryCutOwedPaise": total(Account.DELIVERY_CUT),
        "codDifferencePaise": total(Account.COD_DIFFERENCE),
        "platformCutPaise": total(Account.PLATFORM_REVENUE),
        "platformFeesPaise": total(Account.PLATFORM_FEES),
        "linkedAccountId": merchant.get("linked_account_id"),
        "plan": merchant.get("plan") or "STANDARD",
        "accounts": [{"account": n, "balancePaise": v} for n, v in accounts.items()],
        "flags": [
            {
                "orderId": f["order_id"],
                "kind": f.get("kind"),
                "agentId": f.get("agent_id"),
                "collectedPaise": f.get("collected_paise"),
                "duePaise": f.get("due_paise"),
                "differencePaise": f.get("difference_paise"),
                "at": f.get("at"),
            }
            for f in await deps.repo.flags(tenant_id)
        ],
    }


CSV_COLUMNS = ["at", "entry_id", "kind", "ref", "order_id", "account", "debit_paise", "credit_paise", "memo"]


async def statement_csv(deps: Deps, tenant_id: str, start: str | None, end: str | None) -> str:
    """One row per posting (so a spreadsheet sums any account); amounts in integer paise; times in UTC and IST."""
    lo, hi = range_of(start, end)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow([*CSV_COLUMNS[:1], "at_ist", *CSV_COLUMNS[1:]])
    for r in await deps.repo.all_entries(tenant_id, lo, hi):
        if r["at"] >= hi:
            continue
        ist = clock.parse_iso(r["at"]).astimezone(IST).isoformat(timespec="seconds")
        for p in r["postings"]:
            w.writerow(
                [
                    r["at"],
                    ist,
                    r["entry_id"],
                    r["kind"],
                    _safe(r["ref"]),
                    _safe(r.get("order_id") or ""),
                    p["account"],
                    int(p["debit_paise"]),
                    int(p["credit_paise"]),
                    _safe(r.get("memo", "")),
                ]
            )
    return out.getvalue()


def _safe(value: str) -> str:
    # A cell starting with = + - @ is a formula to a spreadsheet: quote it (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


async def settlements(deps: Deps, tenant_id: str, limit: int, cursor: str | None) -> dict[str, Any]:
    items, nxt = await deps.repo.settlements(tenant_id, limit, cursor)
    return {
        "items": [
            {
                "settlementId": s["settlement_id"],
                "date": s["date"],
                "status": s["status"],
                "balancePaise": s.get("balance_paise", 0),
                "payoutPaise": s.get("payout_paise", 0),
                "accruedPaise": s.get("accrued_paise", 0),
                "duePaise": s.get("due_paise", 0),
                "transferId": s.get("transfer_id"),
                "capturedPaise": s.get("captured_paise", 0),
                "releasedTransfersPaise": s.get("released_transfers_paise", 0),
                "refundedPaise": s.get("refunded_paise", 0),
                "codCollectedPaise": s.get("cod_collected_paise", 0),
                "codPlatformCutPaise": s.get("cod_platform_cut_paise", 0),
                "platformFeesPaise": s.get("platform_fees_paise", 0),
                "completedAt": s.get("completed_at"),
            }
            for s in items
        ],
        "nextCursor": nxt,
    }


def payment_view(p: dict[str, Any]) -> dict[str, Any]:
    money = p.get("money") or {}
    return {
        "orderId": p["order_id"],
        "storeId": p.get("store_id"),
        "purpose": p.get("purpose", "ORDER"),
        "status": p["status"],
        "orderStatus": p.get("order_status"),
        "method": p.get("method"),
        "amountPaise": p["amount_paise"],
        "razorpayOrderId": p.get("razorpay_order_id"),
        "paymentId": p.get("payment_id"),
        "platformCutPaise": money.get("platform_paise", 0),
        "merchantSharePaise": money.get("merchant_paise", 0),
        "refundedPaise": money.get("refunded_paise", 0),
        "transferId": p.get("transfer_id"),
        "transferStatus": p.get("transfer_status"),
        "createdAt": p["created_at"],
        "capturedAt": p.get("captured_at"),
    }
