"""Location rules: batch checks against the clock, trail sampling, distances, and who auto-assignment picks."""

from datetime import UTC, datetime, timedelta

import pytest

from delivery.domain.agents import candidates
from delivery.domain.location import Fix, check_batch, distance_m, trail_samples
from webdpro_core.errors import ValidationProblem

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)


def fix(seconds_ago: float, lat: float = 19.0, lng: float = 72.0) -> Fix:
    return Fix(lat, lng, 5.0, NOW - timedelta(seconds=seconds_ago))


def check(fixes):
    return check_batch(fixes, NOW, max_future_s=30, max_age_s=3600)


def test_batch_is_sorted_and_checked_against_the_clock():
    assert [f.epoch for f in check([fix(5), fix(50), fix(-10)])] == sorted(
        f.epoch for f in [fix(5), fix(50), fix(-10)]
    )
    with pytest.raises(ValidationProblem) as err:
        check([fix(1), fix(-31)])
    assert err.value.code == "LOCATION_IN_FUTURE" and err.value.errors[0].field == "points[1].at"
    with pytest.raises(ValidationProblem) as err:
        check([fix(3601)])
    assert err.value.code == "LOCATION_TOO_OLD"
    with pytest.raises(ValidationProblem):
        check([])
    with pytest.raises(ValidationProblem):
        check([fix(1)] * 101)
    naive = Fix(1.0, 1.0, 1.0, datetime(2026, 5, 1, 10, 0))
    with pytest.raises(ValidationProblem):
        check([naive])


def test_stored_point_has_no_floats():
    stored = Fix(19.076123456, 72.8777, 8.6, NOW, heading=359.7).stored()
    assert stored == {
        "lat": "19.076123",
        "lng": "72.877700",
        "accuracy": 9,
        "at": "2026-05-01T10:00:00.000Z",
        "heading": 0,
    }


def test_trail_keeps_one_point_per_interval():
    fixes = check([fix(s) for s in range(120, -1, -2)])  # a point every 2 s for 2 minutes
    kept, newest = trail_samples(fixes, None, 15)
    assert 8 <= len(kept) <= 10 and newest == int(fixes[-1].epoch // 15)
    again, same = trail_samples(fixes, newest, 15)
    assert again == [] and same == newest
    later = check([fix(-20)])
    assert trail_samples(later, newest, 15)[0] == later


def test_distance():
    assert abs(distance_m(0.0, 0.0, 1.0, 0.0) - 111_195) < 1  # a degree of latitude on a 6,371 km sphere
    assert 6_850 < distance_m(19.0596, 72.8295, 19.1197, 72.8464) < 6_950  # Bandra to Andheri
    assert distance_m(19.0, 72.0, 19.0, 72.0) == 0


def test_candidates_fewest_active_then_nearest_then_unknown():
    agents = [
        {"agent_id": "a_far", "status": "active", "on_shift": True, "active": 0},
        {"agent_id": "a_near", "status": "active", "on_shift": True, "active": 0},
        {"agent_id": "a_busy_near", "status": "active", "on_shift": True, "active": 2},
        {"agent_id": "a_unknown", "status": "active", "on_shift": True},
        {"agent_id": "a_stale", "status": "active", "on_shift": True, "active": 0},
        {"agent_id": "a_off", "status": "active", "on_shift": False, "active": 0},
        {"agent_id": "a_removed", "status": "removed", "on_shift": True, "active": 0},
        {"agent_id": "a_invited", "status": "invited", "active": 0},
    ]
    at = NOW.isoformat()
    positions = {
        "a_far": {"lat": "19.2", "lng": "72.0", "at": at},
        "a_near": {"lat": "19.01", "lng": "72.0", "at": at},
        "a_busy_near": {"lat": "19.0", "lng": "72.0", "at": at},
        "a_stale": {"lat": "19.0", "lng": "72.0", "at": (NOW - timedelta(hours=2)).isoformat()},
    }
    order = [c.agent_id for c in candidates(agents, positions, (19.0, 72.0), NOW, 1800)]
    assert order == ["a_near", "a_far", "a_stale", "a_unknown", "a_busy_near"]
    no_origin = [c.agent_id for c in candidates(agents, positions, None, NOW, 1800)]
    assert no_origin == ["a_far", "a_near", "a_stale", "a_unknown", "a_busy_near"]
