"""A store's delivery settings, the agent's cut of an order, the customer's delivery code and the merchant's day.
Pure."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from webdpro_core.errors import ValidationProblem
from webdpro_core.money import basis_points_of

IST = timezone(timedelta(hours=5, minutes=30), "IST")  # a merchant's "day" is an Indian day (no DST)

CODE_DIGITS = 4
MAX_CODE_TRIES = 5


@dataclass(frozen=True, slots=True)
class StoreSettings:
    auto_assign: bool = True
    delivery_fee_paise: int = 0
    agent_cut_paise: int | None = None
    agent_cut_bps: int | None = None
    cod_allowed: bool = True
    pickup_lat: str | None = None
    pickup_lng: str | None = None

    def __post_init__(self) -> None:
        if self.agent_cut_paise is not None and self.agent_cut_bps is not None:
            raise ValidationProblem(
                "Give the agent's cut in paise or in basis points, not both",
                code="AGENT_CUT_AMBIGUOUS",
                field="agentCutBps",
            )
        if (self.pickup_lat is None) != (self.pickup_lng is None):
            raise ValidationProblem(
                "The pickup point needs both lat and lng", code="PICKUP_INCOMPLETE", field="pickup"
            )

    @property
    def pickup(self) -> tuple[float, float] | None:
        if self.pickup_lat is None or self.pickup_lng is None:
            return None
        return float(self.pickup_lat), float(self.pickup_lng)

    @classmethod
    def of(cls, item: dict | None) -> StoreSettings:
        item = item or {}
        return cls(
            auto_assign=bool(item.get("auto_assign", True)),
            delivery_fee_paise=int(item.get("delivery_fee_paise", 0)),
            agent_cut_paise=_int_or_none(item.get("agent_cut_paise")),
            agent_cut_bps=_int_or_none(item.get("agent_cut_bps")),
            cod_allowed=bool(item.get("cod_allowed", True)),
            pickup_lat=item.get("pickup_lat"),
            pickup_lng=item.get("pickup_lng"),
        )

    def stored(self) -> dict:
        return {
            "auto_assign": self.auto_assign,
            "delivery_fee_paise": self.delivery_fee_paise,
            "agent_cut_paise": self.agent_cut_paise,
            "agent_cut_bps": self.agent_cut_bps,
            "cod_allowed": self.cod_allowed,
            "pickup_lat": self.pickup_lat,
            "pickup_lng": self.pickup_lng,
        }

    def agent_cut(self, amount_paise: int) -> int | None:
        """The agent's cut of an order of `amount_paise` (None when the store has not set one).

        Never more than half the order: the payments service takes the platform's cut out of the same amount and
        refuses a delivery cut larger than what is left, so an absurd setting must not send cash events to its
        dead-letter queue."""
        if self.agent_cut_paise is not None:
            cut = self.agent_cut_paise
        elif self.agent_cut_bps is not None:
            cut = basis_points_of(amount_paise, self.agent_cut_bps)
        else:
            return None
        return max(0, min(cut, amount_paise // 2))


def _int_or_none(value) -> int | None:
    return None if value is None else int(value)


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_matches(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.strip().encode())


def day_of(at: datetime) -> str:
    """The Indian calendar day of an instant, YYYY-MM-DD."""
    return at.astimezone(IST).date().isoformat()


def parse_day(value: str | None, now: datetime) -> str:
    if not value:
        return day_of(now)
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise ValidationProblem("A day is YYYY-MM-DD", code="INVALID_DATE", field="date") from exc
