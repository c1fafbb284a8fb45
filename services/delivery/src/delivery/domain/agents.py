"""A merchant's delivery agents: who may be given an order, who is chosen automatically, what a customer sees
of them. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from delivery.domain.location import distance_m

ACTIVE = "active"
INVITED = "invited"
REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class Candidate:
    agent_id: str
    active_deliveries: int
    # Metres from the pickup point by the agent's last known position; None = unknown or too old.
    distance_m: float | None


def candidates(
    agents: list[dict],
    positions: dict[str, dict],
    origin: tuple[float, float] | None,
    now: datetime,
    fresh_s: float,
) -> list[Candidate]:
    """Agents who may take an order now (joined, not removed, on shift), best first: fewest active deliveries,
    then nearest to `origin` by their last position (unknown distances last), then by id (a stable order)."""
    out = []
    for agent in agents:
        if agent.get("status") != ACTIVE or not agent.get("on_shift"):
            continue
        dist = None
        pos = positions.get(agent["agent_id"])
        if origin is not None and pos is not None and _fresh(pos, now, fresh_s):
            dist = distance_m(origin[0], origin[1], float(pos["lat"]), float(pos["lng"]))
        out.append(Candidate(agent["agent_id"], max(0, int(agent.get("active", 0))), dist))
    return sorted(
        out,
        key=lambda c: (
            c.active_deliveries,
            c.distance_m is None,
            c.distance_m or 0.0,
            c.agent_id,
        ),
    )


def _fresh(pos: dict, now: datetime, fresh_s: float) -> bool:
    at = pos.get("at")
    if not at:
        return False
    try:
        seen = datetime.fromisoformat(str(at).replace("Z", "+00:00"))
    except ValueError:
        return False
    return (now - seen).total_seconds() <= fresh_s


def mask_phone(phone: str | None) -> str | None:
    """What a customer may see of an agent's number: the country code and the last three digits."""
    if not phone:
        return None
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 6:
        return "•" * len(digits)
    if phone.strip().startswith("+") and len(digits) > 10:
        country, rest = digits[: len(digits) - 10], digits[-10:]
        return f"+{country} {'•' * (len(rest) - 3)}{rest[-3:]}"
    return f"{'•' * (len(digits) - 3)}{digits[-3:]}"
