"""Platform fees the merchant pays the platform (prices from settings), and their ledger entry."""

from __future__ import annotations

from enum import StrEnum

from payments.domain.ledger import Account, Entry, Kind, cr, dr, entry


class Purpose(StrEnum):
    STORE_PUBLISH = "STORE_PUBLISH"
    REPUBLISH = "REPUBLISH"
    DOMAIN = "DOMAIN"
    SUBSCRIPTION = "SUBSCRIPTION"


# What a capture of each purpose announces.
PAID_EVENT = {
    Purpose.STORE_PUBLISH: "publish.paid",
    Purpose.REPUBLISH: "publish.paid",
    Purpose.DOMAIN: "domain.paid",
    Purpose.SUBSCRIPTION: "subscription.activated",
}


def fee_entry(ref: str, amount_paise: int, purpose: Purpose, store_id: str | None) -> Entry:
    return entry(
        Kind.PLATFORM_FEE,
        ref,
        [dr(str(Account.RAZORPAY_CLEARING), amount_paise), cr(str(Account.PLATFORM_FEES), amount_paise)],
        memo=f"platform fee {purpose.value.lower()}",
        meta={"purpose": purpose.value, **({"store_id": store_id} if store_id else {})},
    )


def fee_refund_entry(ref: str, amount_paise: int, purpose: Purpose, store_id: str | None) -> Entry:
    """A platform fee given back in full (e.g. the custom domain could not be bought after payment)."""
    return entry(
        Kind.REFUND,
        ref,
        [dr(str(Account.PLATFORM_FEES), amount_paise), cr(str(Account.RAZORPAY_CLEARING), amount_paise)],
        memo=f"platform fee {purpose.value.lower()} refunded",
        meta={"purpose": purpose.value, **({"store_id": store_id} if store_id else {})},
    )
