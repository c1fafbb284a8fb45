"""Agent positions: checking a batch of points, picking the newest, sampling a trail, distances. Pure.

The shape of a point (ranges of lat/lng/accuracy/heading) is checked by the request struct before any code runs;
here are the rules that need the clock: not in the future (beyond a little clock skew) and not too old.
Coordinates are kept as decimal strings with 6 places (~0.1 m): no floats in storage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from webdpro_core.errors import FieldError, ValidationProblem

MAX_POINTS = 100


@dataclass(frozen=True, slots=True)
class Fix:
    lat: float
    lng: float
    accuracy: float
    at: datetime
    heading: float | None = None

    @property
    def epoch(self) -> float:
        return self.at.timestamp()

    def stored(self) -> dict[str, str | int]:
        out: dict[str, str | int] = {
            "lat": f"{self.lat:.6f}",
            "lng": f"{self.lng:.6f}",
            "accuracy": round(self.accuracy),
            "at": iso_ms(self.at),
        }
        if self.heading is not None:
            out["heading"] = round(self.heading) % 360
        return out


def iso_ms(dt: datetime) -> str:
    """UTC ISO-8601 with milliseconds and a Z: sorts as text in time order (trail keys, the newer-than check)."""
    return dt.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def check_batch(fixes: list[Fix], now: datetime, *, max_future_s: float, max_age_s: float) -> list[Fix]:
    """The batch sorted oldest first, or 422 naming every bad point (`points[i].at`)."""
    if not fixes:
        raise ValidationProblem("Send at least one point", code="LOCATION_EMPTY", field="points")
    if len(fixes) > MAX_POINTS:
        raise ValidationProblem(
            f"At most {MAX_POINTS} points per request", code="TOO_MANY_POINTS", field="points"
        )
    errors: list[FieldError] = []
    code = "LOCATION_INVALID"
    for i, fix in enumerate(fixes):
        if fix.at.tzinfo is None:
            errors.append(FieldError(f"points[{i}].at", "needs a time zone (e.g. a trailing Z)"))
            continue
        lag = now.timestamp() - fix.epoch
        if lag < -max_future_s:
            errors.append(FieldError(f"points[{i}].at", "is in the future"))
            code = "LOCATION_IN_FUTURE"
        elif lag > max_age_s:
            errors.append(FieldError(f"points[{i}].at", f"is older than {int(max_age_s)} seconds"))
            code = "LOCATION_TOO_OLD"
    if errors:
        detail = "; ".join(f"{e.field} {e.message}" for e in errors[:5])
        raise ValidationProblem(detail, code=code, errors=errors)
    return sorted(fixes, key=lambda f: f.epoch)


def trail_samples(fixes: list[Fix], last_bucket: int | None, interval_s: int) -> tuple[list[Fix], int | None]:
    """At most one point per `interval_s` bucket, newer than `last_bucket`: (points to keep, newest bucket).
    `fixes` is sorted oldest first."""
    kept: list[Fix] = []
    newest = last_bucket
    for fix in fixes:
        bucket = int(fix.epoch // interval_s)
        if newest is None or bucket > newest:
            kept.append(fix)
            newest = bucket
    return kept, newest


_EARTH_RADIUS_M = 6_371_000.0


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine), metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))
