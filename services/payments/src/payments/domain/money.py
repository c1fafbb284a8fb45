"""The money of one paid order, as a small state machine that decides the ledger entries of each event.

State (kept on the payment record): what was captured and how it was split, what was refunded (and how much of
it the platform gave back), the Route transfer (amount, reversed, released) and whether the order was delivered.

- capture: Dr RAZORPAY_CLEARING C / Cr MERCHANT_PENDING M / Cr PLATFORM_REVENUE P
- transfer created (on hold): Dr ROUTE_ON_HOLD T / Cr RAZORPAY_CLEARING T
- delivered, transfer on hold: release → Dr MERCHANT_PENDING / Cr ROUTE_ON_HOLD (the merchant has it now)
- delivered, no transfer (merchant not on Route yet): accrue → Dr MERCHANT_PENDING / Cr MERCHANT_PAYABLE
- refund R (R_p back from the platform, R_m from the merchant): before delivery the merchant's part first comes back
  from the held transfer (Dr RAZORPAY_CLEARING / Cr ROUTE_ON_HOLD), then Dr MERCHANT_PENDING R_m,
  Dr PLATFORM_REVENUE R_p / Cr RAZORPAY_CLEARING R. After delivery R_m is debited to MERCHANT_PAYABLE; if the
  share went out by a released transfer, R_m is first taken back from it (Dr RAZORPAY_CLEARING / Cr
  MERCHANT_PAYABLE). When Razorpay cannot reverse it (the linked account has paid it out), the platform advances
  the refund: RAZORPAY_CLEARING goes below zero for this merchant and their balance shows what they owe.
  (A hypothesis run found the first version refunding a released share from money Razorpay no longer held.)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from payments.domain.ledger import Account, Entry, Kind, cr, dr, entry
from payments.domain.splits import platform_back, split

CLEARING = str(Account.RAZORPAY_CLEARING)
ON_HOLD = str(Account.ROUTE_ON_HOLD)
PENDING = str(Account.MERCHANT_PENDING)
PAYABLE = str(Account.MERCHANT_PAYABLE)
REVENUE = str(Account.PLATFORM_REVENUE)


class MoneyError(ValueError):
    """An event that cannot apply to this order's money (e.g. a refund larger than what is left)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class OrderMoney:
    order_id: str
    captured_paise: int = 0
    platform_paise: int = 0
    merchant_paise: int = 0
    refunded_paise: int = 0
    platform_refunded_paise: int = 0
    transfer_paise: int = 0
    transfer_reversed_paise: int = 0
    transfer_released: bool = False
    delivered: bool = False

    # --- derived ---
    @property
    def refundable_paise(self) -> int:
        return self.captured_paise - self.refunded_paise

    @property
    def merchant_refunded_paise(self) -> int:
        return self.refunded_paise - self.platform_refunded_paise

    @property
    def held_paise(self) -> int:
        """What is still on hold in the merchant's linked account for this order."""
        if self.transfer_released:
            return 0
        return self.transfer_paise - self.transfer_reversed_paise

    @property
    def pending_paise(self) -> int:
        """The merchant's share still waiting for delivery (MERCHANT_PENDING for this order)."""
        if self.delivered:
            return 0
        return self.merchant_paise - self.merchant_refunded_paise

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OrderMoney:
        names = cls.__dataclass_fields__
        return cls(
            **{
                k: (bool(v) if isinstance(cls.__dataclass_fields__[k].default, bool) else v)
                for k, v in data.items()
                if k in names
            }
        )

    # --- events ---
    def capture(self, amount_paise: int, platform_bps: int, ref: str) -> tuple[OrderMoney, Entry]:
        if self.captured_paise:
            raise MoneyError("ALREADY_CAPTURED", "this order's payment is already captured")
        if amount_paise <= 0:
            raise MoneyError("AMOUNT_INVALID", "a captured amount is positive")
        s = split(amount_paise, platform_bps)
        e = entry(
            Kind.PAYMENT_CAPTURED,
            ref,
            [dr(CLEARING, amount_paise), cr(PENDING, s.merchant_paise), cr(REVENUE, s.platform_paise)],
            order_id=self.order_id,
            memo="payment captured",
        )
        state = replace(
            self,
            captured_paise=amount_paise,
            platform_paise=s.platform_paise,
            merchant_paise=s.merchant_paise,
        )
        return state, e

    def transfer_amount(self) -> int:
        """What a Route transfer created now should carry: the merchant's share still pending."""
        return self.pending_paise

    def transfer_created(self, amount_paise: int, ref: str) -> tuple[OrderMoney, Entry]:
        if self.transfer_paise:
            raise MoneyError("TRANSFER_EXISTS", "this order already has a transfer")
        if not 0 < amount_paise <= self.pending_paise:
            raise MoneyError("TRANSFER_AMOUNT", "a transfer carries at most the merchant's pending share")
        e = entry(
            Kind.TRANSFER_CREATED,
            ref,
            [dr(ON_HOLD, amount_paise), cr(CLEARING, amount_paise)],
            order_id=self.order_id,
            memo="Route transfer created on hold",
        )
        return replace(self, transfer_paise=amount_paise), e

    def deliver(self, ref: str) -> tuple[OrderMoney, list[Entry]]:
        """The order was delivered: release what is on hold; accrue the rest of the share to the balance."""
        if self.delivered:
            return self, []
        entries: list[Entry] = []
        held = self.held_paise
        pending = self.pending_paise
        if held:
            entries.append(
                entry(
                    Kind.TRANSFER_RELEASED,
                    ref,
                    [dr(PENDING, held), cr(ON_HOLD, held)],
                    order_id=self.order_id,
                    memo="Route transfer released on delivery",
                )
            )
        rest = pending - held
        if rest:
            entries.append(
                entry(
                    Kind.SHARE_ACCRUED,
                    ref,
                    [dr(PENDING, rest), cr(PAYABLE, rest)],
                    order_id=self.order_id,
                    memo="merchant share accrued on delivery (no Route transfer)",
                )
            )
        state = replace(
            self, delivered=True, transfer_released=bool(self.transfer_paise) or self.transfer_released
        )
        return state, entries

    def plan_refund(self, amount_paise: int, *, reverse_released: bool = True) -> Refund:
        """Decide how a refund of `amount_paise` is borne; raises MoneyError when it cannot be made."""
        if not self.captured_paise:
            raise MoneyError("NOT_CAPTURED", "nothing was captured for this order")
        if amount_paise <= 0:
            raise MoneyError("AMOUNT_INVALID", "a refund is a positive amount")
        if amount_paise > self.refundable_paise:
            raise MoneyError(
                "REFUND_TOO_LARGE", f"at most {self.refundable_paise} paise is left to refund on this order"
            )
        after = self.refunded_paise + amount_paise
        platform_part = (
            platform_back(self.captured_paise, self.platform_paise, after) - self.platform_refunded_paise
        )
        merchant_part = amount_paise - platform_part
        if not self.delivered:
            return Refund(amount_paise, platform_part, merchant_part, min(merchant_part, self.held_paise))
        if self.transfer_released and reverse_released:
            left = self.transfer_paise - self.transfer_reversed_paise
            return Refund(
                amount_paise, platform_part, merchant_part, min(merchant_part, left), from_released=True
            )
        return Refund(amount_paise, platform_part, merchant_part, 0)

    def reversed(self, amount_paise: int, ref: str) -> tuple[OrderMoney, Entry]:
        if not 0 < amount_paise <= self.held_paise:
            raise MoneyError("REVERSAL_AMOUNT", "a reversal takes back at most what is on hold")
        e = entry(
            Kind.TRANSFER_REVERSED,
            ref,
            [dr(CLEARING, amount_paise), cr(ON_HOLD, amount_paise)],
            order_id=self.order_id,
            memo="Route transfer reversed",
        )
        return replace(self, transfer_reversed_paise=self.transfer_reversed_paise + amount_paise), e

    def refunded(self, plan: Refund, ref: str) -> tuple[OrderMoney, list[Entry]]:
        """Book a refund Razorpay accepted (after its reversal, when the plan has one)."""
        out: list[Entry] = []
        state = self
        if plan.reverse_paise and plan.from_released:
            out.append(
                entry(
                    Kind.TRANSFER_REVERSED,
                    ref,
                    [dr(CLEARING, plan.reverse_paise), cr(PAYABLE, plan.reverse_paise)],
                    order_id=self.order_id,
                    memo="released Route transfer reversed for a refund",
                )
            )
            state = replace(state, transfer_reversed_paise=state.transfer_reversed_paise + plan.reverse_paise)
        elif plan.reverse_paise:
            state, rev = state.reversed(plan.reverse_paise, ref)
            out.append(rev)
        merchant_account = PAYABLE if state.delivered else PENDING
        out.append(
            entry(
                Kind.REFUND,
                ref,
                [
                    dr(merchant_account, plan.merchant_paise),
                    dr(REVENUE, plan.platform_paise),
                    cr(CLEARING, plan.amount_paise),
                ],
                order_id=self.order_id,
                memo="refund to the customer",
            )
        )
        state = replace(
            state,
            refunded_paise=state.refunded_paise + plan.amount_paise,
            platform_refunded_paise=state.platform_refunded_paise + plan.platform_paise,
        )
        return state, out


@dataclass(frozen=True, slots=True)
class Refund:
    amount_paise: int
    platform_paise: int
    merchant_paise: int
    reverse_paise: int  # taken back from the Route transfer first
    from_released: bool = False  # the transfer was released already (else it is on hold)
