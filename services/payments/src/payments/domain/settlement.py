"""The daily settlement of one merchant, decided from their balance (pure).

At settlement time MERCHANT_PAYABLE is what the platform owes the merchant (shares of delivered orders not sent by
Route: the merchant was not onboarded yet) *net of* what the merchant owes the platform (its cut of COD cash on
the merchant's side, refunds they bore after delivery). So the netting is the balance itself:

- balance > 0 and the merchant has a linked account → pay it out with a direct Route transfer
  (Dr MERCHANT_PAYABLE / Cr RAZORPAY_CLEARING), idempotent by the settlement id;
- balance > 0 and no linked account → it stays accrued (reported), paid at the first settlement after onboarding;
- balance < 0 → recorded as due from the merchant (reported; recovered by netting against later shares);
- released Route transfers of the day are reported (Razorpay settles them to the merchant's bank itself).
"""

from __future__ import annotations

from dataclasses import dataclass

from payments.domain.ledger import Account, Entry, Kind, cr, dr, entry


@dataclass(frozen=True, slots=True)
class Decision:
    payout_paise: int
    accrued_paise: int
    due_paise: int


def decide(payable_paise: int, *, linked: bool, minimum_payout_paise: int = 100) -> Decision:
    if payable_paise < 0:
        return Decision(0, 0, -payable_paise)
    if linked and payable_paise >= minimum_payout_paise:
        return Decision(payable_paise, 0, 0)
    return Decision(0, payable_paise, 0)


def payout(settlement_id: str, amount_paise: int) -> Entry:
    return entry(
        Kind.PAYOUT,
        settlement_id,
        [dr(str(Account.MERCHANT_PAYABLE), amount_paise), cr(str(Account.RAZORPAY_CLEARING), amount_paise)],
        memo="settlement payout by Route transfer",
    )
