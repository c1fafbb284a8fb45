"""Cash on delivery: the agent's cash, the delivery cut, the platform cut, the merchant's balance.

On `cod.collected` (collected A, due D for the order; cuts computed on what was *due*, so a short or over
collection never changes anyone's share silently):
    Dr AGENT_CASH:<agent>   A                   cash in the agent's hand
    Dr MERCHANT_PAYABLE     platform            the merchant owes the platform its cut (the cash is on their side)
    Cr PLATFORM_REVENUE     platform            basis points of the due amount, the merchant's plan
    Cr DELIVERY_CUT:<agent> delivery            basis points of the due amount (or what delivery sent)
    Cr MERCHANT_COD_CASH    share + platform    what the agent must hand to the merchant
    Cr/Dr COD_DIFFERENCE    A - D               only on a mismatch: flagged, never absorbed

A cash handover of H by the agent to the merchant, the agent keeping K of their delivery cut:
    Dr MERCHANT_COD_CASH H, Dr DELIVERY_CUT:<agent> K / Cr AGENT_CASH:<agent> H + K
MERCHANT_PAYABLE therefore only ever holds money the platform really owes or is owed: a payout of a positive
balance is always covered by RAZORPAY_CLEARING (a hypothesis test found the first model, which credited the COD
share to the payable while the cash was still in the agent's hand, paying out money Razorpay did not hold).
"""

from __future__ import annotations

from dataclasses import dataclass

from payments.domain.ledger import Account, Entry, Kind, account, cr, dr, entry
from payments.domain.splits import Split, split


@dataclass(frozen=True, slots=True)
class CodOutcome:
    entry: Entry
    split: Split
    difference_paise: int  # collected - due; non-zero = flagged

    @property
    def mismatch(self) -> bool:
        return self.difference_paise != 0


def collected(
    *,
    order_id: str,
    agent_id: str,
    collected_paise: int,
    due_paise: int,
    platform_bps: int,
    delivery_bps: int,
    delivery_cut_paise: int | None = None,
) -> CodOutcome:
    if collected_paise < 0 or due_paise <= 0:
        raise ValueError("collected is ≥ 0 and due > 0 paise")
    s = split(due_paise, platform_bps, delivery_bps)
    if delivery_cut_paise is not None:
        if not 0 <= delivery_cut_paise <= due_paise - s.platform_paise:
            raise ValueError("the delivery cut cannot exceed what is left after the platform cut")
        s = Split(
            due_paise, s.platform_paise, delivery_cut_paise, due_paise - s.platform_paise - delivery_cut_paise
        )
    diff = collected_paise - due_paise
    postings = [
        dr(account(Account.AGENT_CASH, agent_id), collected_paise),
        dr(str(Account.MERCHANT_PAYABLE), s.platform_paise),
        cr(str(Account.PLATFORM_REVENUE), s.platform_paise),
        cr(account(Account.DELIVERY_CUT, agent_id), s.delivery_paise),
        cr(str(Account.MERCHANT_COD_CASH), s.merchant_paise + s.platform_paise),
    ]
    if diff > 0:
        postings.append(cr(str(Account.COD_DIFFERENCE), diff))
    elif diff < 0:
        postings.append(dr(str(Account.COD_DIFFERENCE), -diff))
    e = entry(
        Kind.COD_COLLECTED,
        order_id,
        postings,
        order_id=order_id,
        memo="COD cash collected" + (f" (mismatch {diff:+d} paise)" if diff else ""),
        meta={"agent_id": agent_id},
    )
    return CodOutcome(e, s, diff)


def handover(*, ref: str, agent_id: str, amount_paise: int, kept_cut_paise: int = 0) -> Entry:
    if amount_paise < 0 or kept_cut_paise < 0 or amount_paise + kept_cut_paise == 0:
        raise ValueError("a handover moves a positive amount")
    return entry(
        Kind.CASH_HANDOVER,
        ref,
        [
            dr(str(Account.MERCHANT_COD_CASH), amount_paise),
            dr(account(Account.DELIVERY_CUT, agent_id), kept_cut_paise),
            cr(account(Account.AGENT_CASH, agent_id), amount_paise + kept_cut_paise),
        ],
        memo="agent handed cash to the merchant",
        meta={"agent_id": agent_id},
    )
