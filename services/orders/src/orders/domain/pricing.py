"""The order's money: integer paise only. Prices come from the catalog's reservation, never from the client."""

from __future__ import annotations

from dataclasses import dataclass

MAX_ORDER_PAISE = 10_000_000_00  # ₹1 crore: anything larger is a data error, not an order


@dataclass(frozen=True, slots=True)
class FeeRule:
    """A flat delivery fee, waived when the items reach `free_from_paise` (0 = never waived)."""

    flat_paise: int = 0
    free_from_paise: int = 0

    def fee_for(self, items_paise: int) -> int:
        if self.flat_paise <= 0:
            return 0
        if self.free_from_paise > 0 and items_paise >= self.free_from_paise:
            return 0
        return self.flat_paise


@dataclass(frozen=True, slots=True)
class Breakdown:
    items_paise: int
    delivery_fee_paise: int
    total_paise: int


class PriceMismatch(ValueError):
    """The catalog's figures do not add up: refuse rather than charge a wrong amount."""


def line_total(unit_price_paise: int, quantity: int) -> int:
    if not isinstance(unit_price_paise, int) or not isinstance(quantity, int):
        raise PriceMismatch("prices and quantities are integers")
    if unit_price_paise < 0 or quantity <= 0:
        raise PriceMismatch("a line has a negative price or no quantity")
    return unit_price_paise * quantity


def breakdown(lines: list[tuple[int, int]], rule: FeeRule) -> Breakdown:
    """`lines` = [(unit_price_paise, quantity)] → items, delivery fee and total."""
    items = sum(line_total(price, qty) for price, qty in lines)
    fee = rule.fee_for(items)
    total = items + fee
    if total > MAX_ORDER_PAISE:
        raise PriceMismatch("the order total is out of range")
    return Breakdown(items_paise=items, delivery_fee_paise=fee, total_paise=total)
