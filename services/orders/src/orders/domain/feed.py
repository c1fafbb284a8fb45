"""Time-ordered ids (ULIDs behind a type prefix): the floor id of an instant, and the instant of an id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from ulid import ULID

IST = timezone(timedelta(hours=5, minutes=30), "IST")  # "today" for a merchant is an Indian day (no DST)


def floor_id(prefix: str, at: datetime) -> str:
    """The smallest id of `prefix` made at `at` (every id made at or after `at` sorts ≥ it)."""
    ms = int(at.timestamp() * 1000)
    return f"{prefix}_{str(ULID.from_bytes(ms.to_bytes(6, 'big') + bytes(10))).lower()}"


def time_of(typed_id: str) -> datetime:
    return ULID.from_str(typed_id.split("_", 1)[1].upper()).datetime.astimezone(UTC)


def start_of_day(now: datetime) -> datetime:
    local = now.astimezone(IST)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)
