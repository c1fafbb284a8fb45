"""Money is integer paise, everywhere. These helpers keep the rounding rule in one place."""

from __future__ import annotations


def basis_points_of(amount_paise: int, bps: int) -> int:
    """`bps` basis points of an amount, rounded half up to the paisa (integers only, no float)."""
    if amount_paise < 0 or bps < 0:
        raise ValueError("amount and basis points must be non-negative")
    return (amount_paise * bps + 5_000) // 10_000


def rupees(amount_paise: int) -> str:
    """₹1,234.50 for display (Indian digit grouping is left to the front end)."""
    return f"₹{amount_paise // 100:,}.{amount_paise % 100:02d}"
