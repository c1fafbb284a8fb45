"""The split rule, written down once.

- The platform cut of an amount is `bps` basis points of it, rounded half up to the paisa
  (`webdpro_core.money.basis_points_of`): 5% of ₹99.99 = 499.95 → 500 paise.
- The delivery cut (COD only) is computed the same way from its own basis points, on the amount due.
- The merchant's share is the remainder, so no paisa is created or lost: share = amount - platform - delivery.
- A refund of R out of a captured C gives back the platform cut in proportion, computed on the *cumulative*
  refunded amount so partial refunds never drift: platform_back(total) = round_half_up(P * total / C); each refund
  returns platform_back(after) - platform_back(before); the merchant bears the rest. A full refund returns exactly
  P (and the merchant exactly their share).
"""

from __future__ import annotations

from dataclasses import dataclass

from webdpro_core.money import basis_points_of

MAX_BPS = 10_000


@dataclass(frozen=True, slots=True)
class Split:
    amount_paise: int
    platform_paise: int
    delivery_paise: int
    merchant_paise: int


def split(amount_paise: int, platform_bps: int, delivery_bps: int = 0) -> Split:
    if amount_paise < 0:
        raise ValueError("amounts are non-negative paise")
    if not (0 <= platform_bps and 0 <= delivery_bps and platform_bps + delivery_bps <= MAX_BPS):
        raise ValueError("cuts are 0..10000 basis points together")
    platform = basis_points_of(amount_paise, platform_bps)
    delivery = basis_points_of(amount_paise, delivery_bps)
    if platform + delivery > amount_paise:  # both rounded up by half a paisa at most: take it from delivery
        delivery = amount_paise - platform
    return Split(amount_paise, platform, delivery, amount_paise - platform - delivery)


def platform_back(captured_paise: int, platform_paise: int, refunded_total_paise: int) -> int:
    """How much of the platform cut has been given back once `refunded_total_paise` is refunded in all."""
    if captured_paise <= 0:
        return 0
    if not 0 <= refunded_total_paise <= captured_paise:
        raise ValueError("refunded total out of range")
    return (2 * platform_paise * refunded_total_paise + captured_paise) // (2 * captured_paise)


def parse_plan_bps(value: str) -> dict[str, int]:
    """ "STANDARD=500,SUBSCRIBED=250" → {"STANDARD": 500, "SUBSCRIBED": 250} (settings are flat strings)."""
    out: dict[str, int] = {}
    for part in value.split(","):
        if not part.strip():
            continue
        name, sep, bps = part.partition("=")
        if not sep or not bps.strip().isdigit() or int(bps) > MAX_BPS:
            raise ValueError(f"plan cut {part!r}: expected PLAN=<0..10000>")
        out[name.strip().upper()] = int(bps)
    if "STANDARD" not in out:
        raise ValueError("the STANDARD plan needs a cut")
    return out
