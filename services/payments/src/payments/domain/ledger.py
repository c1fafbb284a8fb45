"""The double-entry ledger: accounts, postings, entries and balances. Pure Python, integer paise only.

Every money movement of a tenant (a merchant) is one `Entry`: two or more postings whose debits equal their credits.
Entries are immutable: a correction is a new entry. A balance is `debits - credits` of an account (its *signed*
balance); `normal()` shows it on the account's normal side (credits for what the platform owes or earns).

Accounts (one set per tenant; `AGENT_CASH` and `DELIVERY_CUT` have one sub-account per delivery agent):

| account            | side   | holds                                                                                |
|--------------------|--------|--------------------------------------------------------------------------------------|
| RAZORPAY_CLEARING  | debit  | money at Razorpay from this merchant's captured payments, not yet transferred/refunded |
| ROUTE_ON_HOLD      | debit  | the merchant's share transferred by Route to their linked account, still on hold     |
| AGENT_CASH:<agent> | debit  | COD cash in a delivery agent's hand                                                   |
| MERCHANT_PENDING   | credit | the merchant's share of online payments whose orders are not delivered yet           |
| MERCHANT_PAYABLE   | credit | the merchant's balance with the platform: owed to them (positive) or owed by them (negative, e.g. the platform's cut of COD cash they hold) |
| MERCHANT_COD_CASH  | credit | COD cash the merchant is still to receive from their agents (their share + the platform's cut) |
| PLATFORM_REVENUE   | credit | the platform's cut of orders                                                          |
| PLATFORM_FEES      | credit | what the merchant paid the platform (publish, republish, domain, subscription)       |
| DELIVERY_CUT:<agent> | credit | the delivery cut of COD orders owed to the agent who collected the cash            |
| COD_DIFFERENCE     | credit | collected ≠ due on a COD order (flagged; never silently absorbed)                    |
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Account(StrEnum):
    RAZORPAY_CLEARING = "RAZORPAY_CLEARING"
    ROUTE_ON_HOLD = "ROUTE_ON_HOLD"
    AGENT_CASH = "AGENT_CASH"
    MERCHANT_PENDING = "MERCHANT_PENDING"
    MERCHANT_PAYABLE = "MERCHANT_PAYABLE"
    MERCHANT_COD_CASH = "MERCHANT_COD_CASH"
    PLATFORM_REVENUE = "PLATFORM_REVENUE"
    PLATFORM_FEES = "PLATFORM_FEES"
    DELIVERY_CUT = "DELIVERY_CUT"
    COD_DIFFERENCE = "COD_DIFFERENCE"


DEBIT_NORMAL = frozenset({Account.RAZORPAY_CLEARING, Account.ROUTE_ON_HOLD, Account.AGENT_CASH})


class Kind(StrEnum):
    PAYMENT_CAPTURED = "PAYMENT_CAPTURED"
    PLATFORM_FEE = "PLATFORM_FEE"
    TRANSFER_CREATED = "TRANSFER_CREATED"
    TRANSFER_RELEASED = "TRANSFER_RELEASED"
    TRANSFER_REVERSED = "TRANSFER_REVERSED"
    SHARE_ACCRUED = "SHARE_ACCRUED"
    REFUND = "REFUND"
    COD_COLLECTED = "COD_COLLECTED"
    CASH_HANDOVER = "CASH_HANDOVER"
    PAYOUT = "PAYOUT"


class Unbalanced(ValueError):
    """An entry whose debits and credits differ, or with a negative or empty posting."""


def account(base: Account, sub: str | None = None) -> str:
    return f"{base}:{sub}" if sub else str(base)


def base_of(name: str) -> Account:
    return Account(name.split(":", 1)[0])


@dataclass(frozen=True, slots=True)
class Posting:
    account: str
    debit: int = 0
    credit: int = 0

    @property
    def signed(self) -> int:
        return self.debit - self.credit


def dr(name: str, amount: int) -> Posting:
    return Posting(name, debit=amount)


def cr(name: str, amount: int) -> Posting:
    return Posting(name, credit=amount)


@dataclass(frozen=True, slots=True)
class Entry:
    """One balanced movement. `ref` names its cause uniquely within the tenant (kind + ref = idempotency)."""

    kind: Kind
    ref: str
    postings: tuple[Posting, ...]
    order_id: str | None = None
    memo: str = ""
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def amount(self) -> int:
        return sum(p.debit for p in self.postings)

    @property
    def key(self) -> str:
        return f"{self.kind}#{self.ref}"


def entry(
    kind: Kind,
    ref: str,
    postings: Iterable[Posting],
    *,
    order_id: str | None = None,
    memo: str = "",
    meta: dict[str, str] | None = None,
) -> Entry:
    """Build an entry, dropping zero postings, and check that it balances."""
    kept = tuple(p for p in postings if p.debit or p.credit)
    made = Entry(kind, ref, kept, order_id, memo, dict(meta or {}))
    check(made)
    return made


def check(e: Entry) -> None:
    if len(e.postings) < 2:
        raise Unbalanced(f"{e.key}: an entry needs at least two postings")
    for p in e.postings:
        if not isinstance(p.debit, int) or not isinstance(p.credit, int):
            raise Unbalanced(f"{e.key}: amounts are integer paise")
        if p.debit < 0 or p.credit < 0 or (p.debit and p.credit):
            raise Unbalanced(f"{e.key}: a posting is one non-negative debit or credit")
        base_of(p.account)  # an unknown account raises ValueError
    debits = sum(p.debit for p in e.postings)
    credits = sum(p.credit for p in e.postings)
    if debits != credits:
        raise Unbalanced(f"{e.key}: debits {debits} != credits {credits}")


def normal(name: str, signed: int) -> int:
    """A signed balance (debits - credits) shown on the account's normal side."""
    return signed if base_of(name) in DEBIT_NORMAL else -signed


class Book:
    """Balances of one tenant's accounts, built by applying entries (used by the domain and its tests)."""

    def __init__(self) -> None:
        self.signed: dict[str, int] = defaultdict(int)
        self.entries: list[Entry] = []
        self._keys: set[str] = set()

    def post(self, e: Entry) -> bool:
        """Apply an entry once; a second entry with the same key changes nothing (returns False)."""
        check(e)
        if e.key in self._keys:
            return False
        self._keys.add(e.key)
        self.entries.append(e)
        for p in e.postings:
            self.signed[p.account] += p.signed
        return True

    def balance(self, name: str) -> int:
        return normal(name, self.signed.get(name, 0))

    def total(self, base: Account) -> int:
        """The normal-side balance of an account summed over its sub-accounts."""
        return sum(normal(n, v) for n, v in self.signed.items() if base_of(n) == base)
