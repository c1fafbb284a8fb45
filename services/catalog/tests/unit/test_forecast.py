"""Forecasts on synthetic sales histories: the predicted stock-out day is within the tolerance of the day the
synthetic process (continued beyond the history) really runs out.

Tolerance: ±1 day, or ±10% of the true days of cover when that is more (noise makes far horizons uncertain)."""

import math
import random
from datetime import date, timedelta

import pytest

from catalog.domain.forecast import fit, forecast

TODAY = date(2026, 3, 2)  # a Monday: the history ends on Sunday


def history_of(demand, days=28):
    """Daily sales for the `days` before TODAY from demand(day_offset), offset 0 = first history day."""
    return [demand(i) for i in range(days)]


def true_stockout(demand, stock, days=28):
    """The day the continued process runs out of `stock` (offset `days` = TODAY)."""
    left = stock
    for h in range(1000):
        left -= demand(days + h)
        if left <= 0:
            return TODAY + timedelta(days=h)
    return None


def assert_within(predicted, truth):
    assert predicted is not None and truth is not None
    tolerance = max(1, int(0.1 * (truth - TODAY).days))
    assert abs((predicted - truth).days) <= tolerance, (predicted, truth)


def test_steady_demand():
    demand = lambda _d: 10  # noqa: E731
    f = forecast(history_of(demand), stock=95, first_day=TODAY, lead_time_days=2)
    assert f.velocity == pytest.approx(10, abs=0.01)
    assert f.days_of_cover == pytest.approx(9.5, abs=0.05)
    assert f.stockout_date == true_stockout(demand, 95) == TODAY + timedelta(days=9)
    assert not f.seasonal
    # lead-time demand 20 + safety 1.65 * sqrt(10) (Poisson floor) * sqrt(2) = 27.4 → 28
    assert f.lead_time_demand == pytest.approx(20, abs=0.01)
    assert f.reorder_point == math.ceil(20 + 1.65 * math.sqrt(10) * math.sqrt(2))
    assert not f.low_stock
    assert forecast(history_of(demand), stock=28, first_day=TODAY).low_stock


def test_steady_noisy_demand():
    rng = random.Random(7)
    noise = [rng.randint(-3, 3) for _ in range(400)]
    demand = lambda d: 12 + noise[d]  # noqa: E731
    for stock in (60, 150, 300):
        f = forecast(history_of(demand), stock=stock, first_day=TODAY)
        assert not f.seasonal and f.trend_per_day == 0  # noise is neither a pattern nor a trend
        assert_within(f.stockout_date, true_stockout(demand, stock))


@pytest.mark.parametrize("stock", [80, 200, 400])
def test_rising_trend(stock):
    demand = lambda d: round(4 + 0.5 * d)  # noqa: E731 — 4/day four weeks ago, ~18/day now, still rising
    f = forecast(history_of(demand), stock=stock, first_day=TODAY)
    assert f.trend_per_day == pytest.approx(0.5, abs=0.05)
    # The damped trend slightly under-extrapolates far ahead: within a day up to ~3 weeks of cover.
    assert_within(f.stockout_date, true_stockout(demand, stock))
    flat = forecast(history_of(demand), stock=stock, first_day=TODAY, lead_time_days=2)
    assert flat.velocity > 18  # the trend is in the velocity, not the 4-week mean (~11)


def test_falling_trend_never_negative():
    demand = lambda d: max(0, 30 - d)  # noqa: E731
    f = forecast(history_of(demand), stock=50, first_day=TODAY)
    model = fit(history_of(demand), TODAY)
    assert all(model.demand(h) >= 0 for h in range(100))
    assert f.velocity < 5


def test_weekly_pattern():
    # Weekdays 10, Saturday and Sunday 30 (a weekend bazaar): the weekday index carries the pattern.
    start = TODAY - timedelta(days=28)
    demand = lambda d: 30 if (start + timedelta(days=d)).weekday() >= 5 else 10  # noqa: E731
    f = forecast(history_of(demand), stock=70, first_day=TODAY)
    assert f.seasonal
    # Mon-Fri take 50, Saturday's 30 runs it out: a flat average (~15.7/day) would say Thursday/Friday.
    assert f.stockout_date == true_stockout(demand, 70) == TODAY + timedelta(days=5)
    model = fit(history_of(demand), TODAY)
    assert model.demand(5) == pytest.approx(30, rel=0.05)
    assert model.demand(0) == pytest.approx(10, rel=0.05)
    for stock in (40, 120, 333):
        assert_within(
            forecast(history_of(demand), stock=stock, first_day=TODAY).stockout_date,
            true_stockout(demand, stock),
        )


def test_weekly_pattern_with_trend_and_noise():
    rng = random.Random(11)
    start = TODAY - timedelta(days=28)
    base = lambda d: (8 + 0.2 * d) * (2.0 if (start + timedelta(days=d)).weekday() >= 5 else 1.0)  # noqa: E731
    hist = [max(0, round(base(d) + rng.uniform(-1.5, 1.5))) for d in range(28)]
    for stock in (60, 140):
        f = forecast(hist, stock=stock, first_day=TODAY)
        assert_within(f.stockout_date, true_stockout(base, stock))


def test_no_sales_means_no_stockout():
    f = forecast([0] * 28, stock=10, first_day=TODAY, low_stock_threshold=5)
    assert f.velocity == 0 and f.days_of_cover is None and f.stockout_date is None
    assert f.reorder_point == 0 and not f.low_stock
    assert forecast([0] * 28, stock=5, first_day=TODAY, low_stock_threshold=5).low_stock


def test_empty_stock_is_out_today():
    f = forecast([5] * 10, stock=0, first_day=TODAY)
    assert f.days_of_cover == 0 and f.stockout_date == TODAY and f.low_stock


def test_short_history_has_no_weekly_pattern():
    f = forecast([3, 9, 3, 9, 3], stock=20, first_day=TODAY)
    assert not f.seasonal and f.velocity > 0


def test_suggested_order_covers_lead_time_and_a_review_week():
    f = forecast([10] * 28, stock=5, first_day=TODAY, lead_time_days=2, reorder_qty=20)
    # 9 days x 10 + safety (~7.4) - 5 on hand
    assert f.suggested_order_qty == math.ceil(90 + 1.65 * math.sqrt(10) * math.sqrt(2) - 5)
    assert forecast([1] * 28, stock=50, first_day=TODAY, reorder_qty=20).suggested_order_qty == 20


def test_longer_lead_time_raises_the_reorder_point():
    short = forecast([10] * 28, stock=100, first_day=TODAY, lead_time_days=2)
    long = forecast([10] * 28, stock=100, first_day=TODAY, lead_time_days=7)
    assert long.reorder_point > short.reorder_point >= 20
