"""Inventory rules per store type, and the store's local time.

Modes (chosen by the store's sector at generation):
- `stock` (grocery, bakery, pharmacy): a count per product; reservations decrement it, never below zero.
- `menu` (restaurant): no count; a dish is orderable when available, not sold out today and within its hours.
- `slots` (clinic, salon): bookable time slots with a capacity each, booked like stock. A slot id is
  `<productId>@<local start YYYY-MM-DDTHH:MM>`; a slot's counter is created on its first booking.
- `variants` (fashion, electronics): SKUs (size / colour), each with its own count and optionally its own price.

Indian stores: local time is UTC+05:30 (no daylight saving), kept per store as an offset so no tz database is needed.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from webdpro_core.errors import Conflict, ValidationProblem

MODES = ("stock", "menu", "slots", "variants")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_LINE_QTY = 1000
MAX_STOCK = 1_000_000
DEFAULT_UTC_OFFSET_MINUTES = 330  # IST
SLOT_BOOKING_DAYS_AHEAD = 90

_SLOT = re.compile(r"^(?P<pid>[A-Za-z0-9_\-]{1,64})@(?P<start>\d{4}-\d{2}-\d{2}T\d{2}:\d{2})$")
_HHMM = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")


# ---- local time ------------------------------------------------------------------------------------------
def local_now(offset_minutes: int = DEFAULT_UTC_OFFSET_MINUTES, now: datetime | None = None) -> datetime:
    """The store's wall-clock time, naive (slot ids and opening hours are wall-clock)."""
    now = now or datetime.now(UTC)
    return (now.astimezone(UTC) + timedelta(minutes=offset_minutes)).replace(tzinfo=None)


def local_today(offset_minutes: int = DEFAULT_UTC_OFFSET_MINUTES, now: datetime | None = None) -> date:
    return local_now(offset_minutes, now).date()


def hhmm(value: str) -> time:
    if not _HHMM.match(value or ""):
        raise ValueError(f"not HH:MM: {value!r}")
    h, m = value.split(":")
    return time(int(h), int(m))


# ---- stock -----------------------------------------------------------------------------------------------
def adjusted(current: int, delta: int) -> int:
    """The stock after a manual adjustment; never below zero (409 STOCK_NEGATIVE)."""
    after = current + delta
    if after < 0:
        raise Conflict(
            f"Only {current} in stock; cannot remove {-delta}", code="STOCK_NEGATIVE", field="delta"
        )
    if after > MAX_STOCK:
        raise ValidationProblem(f"Stock cannot exceed {MAX_STOCK}", code="STOCK_TOO_LARGE", field="delta")
    return after


def available_of(product: dict[str, Any], variant_id: str | None = None) -> int | None:
    """Units on hand for a stock product or one variant; None where counts do not apply."""
    mode = product.get("mode")
    if mode == "stock":
        return int(product.get("stock_qty", 0))
    if mode == "variants":
        variants = product.get("variants") or {}
        if variant_id is None:
            return sum(int(v.get("stock_qty", 0)) for v in variants.values())
        v = variants.get(variant_id)
        return int(v.get("stock_qty", 0)) if v else None
    return None


# ---- menu ------------------------------------------------------------------------------------------------
def menu_unavailable_reason(product: dict[str, Any], now_local: datetime) -> str | None:
    """Why a dish cannot be ordered right now, or None when it can."""
    menu = product.get("menu") or {}
    if not menu.get("available", True):
        return "is not available"
    if product.get("sold_out_on") == now_local.date().isoformat():
        return "is sold out today"
    hours = menu.get("hours")
    if hours:
        opens, closes = hhmm(hours["from"]), hhmm(hours["to"])
        t = now_local.time()
        within = opens <= t < closes if opens <= closes else (t >= opens or t < closes)  # past midnight
        if not within:
            return f"is served {hours['from']}-{hours['to']}"
    return None


# ---- slots -----------------------------------------------------------------------------------------------
def slot_id(product_id: str, start: datetime) -> str:
    return f"{product_id}@{start:%Y-%m-%dT%H:%M}"


def parse_slot_id(value: str, field: str = "slotId") -> tuple[str, datetime]:
    m = _SLOT.match(value or "")
    if not m:
        raise ValidationProblem(
            "A slot id is <productId>@<YYYY-MM-DDTHH:MM>", code="INVALID_SLOT", field=field
        )
    try:
        start = datetime.strptime(m["start"], "%Y-%m-%dT%H:%M")
    except ValueError as exc:
        raise ValidationProblem(
            "The slot's start is not a valid time", code="INVALID_SLOT", field=field
        ) from exc
    return m["pid"], start


def slot_starts(config: dict[str, Any], day: date) -> list[datetime]:
    """The slot starts a product offers on a local day."""
    if WEEKDAYS[day.weekday()] not in (config.get("days") or WEEKDAYS):
        return []
    duration = timedelta(minutes=int(config["duration_minutes"]))
    start = datetime.combine(day, hhmm(config.get("opens", "10:00")))
    close = datetime.combine(day, hhmm(config.get("closes", "19:00")))
    out = []
    while start + duration <= close:
        out.append(start)
        start += duration
    return out


def check_slot(config: dict[str, Any], start: datetime, now_local: datetime, field: str = "slotId") -> None:
    """A slot can be booked: offered by the product, in the future, within the booking window."""
    if start <= now_local:
        raise ValidationProblem("This slot is in the past", code="SLOT_IN_PAST", field=field)
    if start.date() > now_local.date() + timedelta(days=SLOT_BOOKING_DAYS_AHEAD):
        raise ValidationProblem(
            f"Slots can be booked at most {SLOT_BOOKING_DAYS_AHEAD} days ahead",
            code="SLOT_TOO_FAR",
            field=field,
        )
    if start not in slot_starts(config, start.date()):
        raise ValidationProblem(
            "This product offers no slot at that time", code="SLOT_NOT_OFFERED", field=field
        )


def capacity_of(config: dict[str, Any]) -> int:
    return int(config.get("capacity_per_slot", 1))
